/**
 * Worker threads that share the parsing of a large migration set with the language server's own thread:
 * a cold start parses every file of the set before the first diagnostics. Started with the server (so
 * that loading the parsers and libpg-query's WASM overlaps the server's own start-up), kept for its
 * life, and used only for runs big enough to pay for passing the results back (not for an edit).
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ParseCache } from '../parsers/parse-cache.js';
import { type ParseOutcome, parseSources } from '../parsers/parse-sources.js';
import type { ParseOptions, SourceFile } from '../parsers/types.js';
import type { ParseReply, ParseRequest } from './lsp-parse-worker.js';

/** Files per batch handed out; a run of fewer than two batches stays on this thread. */
const BATCH_FILES = 20;
const MAX_WORKERS = 2;

interface PoolWorker {
  worker: Worker;
  waiting: Map<number, (reply: ParseReply) => void>;
}
const workers: PoolWorker[] = [];
let nextId = 0;

/**
 * Starts the workers: one per core besides this thread's (at most MAX_WORKERS), none on one core or
 * when the compiled worker script is not there (running from the TypeScript sources).
 * `MIGRATION_LINT_WORKERS=n` sets the number (0: none).
 */
export function startParseWorkers(): void {
  if (workers.length > 0) return;
  const script = new URL('./lsp-parse-worker.js', import.meta.url);
  if (script.protocol !== 'file:' || !existsSync(fileURLToPath(script))) return;
  const env = process.env.MIGRATION_LINT_WORKERS;
  const count = env
    ? Math.min(8, Math.max(0, Math.floor(Number(env)) || 0))
    : Math.min(MAX_WORKERS, availableParallelism() - 1);
  for (let i = 0; i < count; i++) {
    // About the main thread's stack, so that a statement nested deep enough to overflow the parser
    // fails the same way whichever thread parses it (as parse-sources' workers do).
    const worker = new Worker(script, { resourceLimits: { stackSizeMb: 1.5 } });
    const entry: PoolWorker = { worker, waiting: new Map() };
    worker.unref(); // the server ends when its connection does, whatever the workers are doing
    worker.on('message', (reply: ParseReply) => {
      entry.waiting.get(reply.id)?.(reply);
      entry.waiting.delete(reply.id);
    });
    // A worker that fails leaves its batches to this thread.
    const drop = () => {
      workers.splice(workers.indexOf(entry) >>> 0, 1);
      for (const [id, resolve] of entry.waiting) resolve({ id });
      entry.waiting.clear();
    };
    worker.on('error', drop);
    worker.on('exit', drop);
    workers.push(entry);
  }
}

function ask(entry: PoolWorker, request: Omit<ParseRequest, 'id'>): Promise<ParseReply> {
  const id = nextId++;
  return new Promise((resolve) => {
    entry.waiting.set(id, resolve);
    entry.worker.postMessage({ ...request, id });
  });
}

/**
 * Parses like parseSources (the cache first, in input order), sharing batches between this thread and
 * the workers. `cacheLocation` is where the workers find and keep parses (this thread uses `disk`).
 */
export async function parseShared(
  files: (SourceFile | undefined)[],
  options: ParseOptions,
  disk: ParseCache | undefined,
  cacheLocation: string | undefined,
): Promise<ParseOutcome[]> {
  const present = files.flatMap((f, i) => (f ? [i] : []));
  if (workers.length === 0 || present.length < 2 * BATCH_FILES) return parseSources(files, options, disk);
  const out = new Array<ParseOutcome>(files.length);
  const done = new Set<number>();
  let next = 0;
  const take = () => present.slice(next, (next += BATCH_FILES));

  const viaWorker = async (entry: PoolWorker) => {
    for (let batch = take(); batch.length > 0; batch = take()) {
      const reply = await ask(entry, {
        files: batch.map((i) => files[i]!),
        options,
        ...(cacheLocation !== undefined ? { cacheLocation } : {}),
      });
      if (reply.json === undefined) return; // left undone: parsed on this thread below
      (JSON.parse(reply.json) as (ParseOutcome | null)[]).forEach((outcome, k) => {
        const i = batch[k]!;
        // the worker does not send the text back: it is here already
        if (Array.isArray(outcome)) for (const m of outcome) m.source = files[i]!.text;
        out[i] = outcome ?? undefined;
        done.add(i);
      });
    }
  };
  const pending = [...workers].map(viaWorker);
  // This thread parses batches too, letting the workers' answers in between.
  for (let batch = take(); batch.length > 0; batch = take()) {
    const outcomes = await parseSources(
      batch.map((i) => files[i]),
      options,
      disk,
    );
    batch.forEach((i, k) => {
      out[i] = outcomes[k];
      done.add(i);
    });
    await new Promise((resolve) => setImmediate(resolve));
  }
  await Promise.all(pending);
  const left = present.filter((i) => !done.has(i));
  if (left.length > 0) {
    const outcomes = await parseSources(
      left.map((i) => files[i]),
      options,
      disk,
    );
    left.forEach((i, k) => (out[i] = outcomes[k]));
  }
  return out;
}
