/**
 * Parses the files of a run, in input order. A big run of SQL files is shared between this thread
 * and worker threads (libpg-query's parse is most of a run's time and needs no shared state); a
 * small run, or code frontends (TypeScript, Python), stay on this thread.
 */
import { existsSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Migration } from '../ir/types.js';
import type { ParseCache } from './parse-cache.js';
import { chooseParser } from './registry.js';
import type { ParseOptions, SourceFile } from './types.js';
import { type ParseOutcome, parseOne } from './parse-one.js';
import './node-platform.js';

export { type ParseOutcome, parseOne };

/** Below this much SQL, starting a worker (~0.2 s of module and WASM loading) costs more than it saves. */
const PARALLEL_MIN_CHARS = 2_000_000;
const BATCH_FILES = 25;
const MAX_WORKERS = 3;

// CPU times when this module was loaded (start-up): compared with the times when parsing starts, they
// tell how many cores sat idle meanwhile — the load average lags by a minute.
const cpusAtLoad = cpus();

/** Cores idle since start-up (our own busy thread included in the rest). */
function idleCores(): number {
  const now = cpus();
  let idle = 0;
  let total = 0;
  now.forEach((c, i) => {
    const before = cpusAtLoad[i]?.times;
    if (!before) return;
    const sum = (t: typeof before) => t.user + t.nice + t.sys + t.idle + t.irq;
    idle += c.times.idle - before.idle;
    total += sum(c.times) - sum(before);
  });
  return total > 0 ? (idle / total) * now.length : 0;
}

const isSql = (f: SourceFile | undefined): f is SourceFile => f !== undefined && f.path.toLowerCase().endsWith('.sql');

/**
 * How many worker threads to start: `MIGRATION_LINT_WORKERS=n` when set (0: none); else, for a run
 * big enough to pay for their start-up, one per core that was idle during start-up, less one — on a
 * machine that is already busy, workers only add their own start-up.
 */
function workerCount(sqlChars: number): number {
  const env = process.env.MIGRATION_LINT_WORKERS;
  if (env) return Math.min(8, Math.max(0, Math.floor(Number(env)) || 0));
  if (sqlChars < PARALLEL_MIN_CHARS) return 0;
  const cores = availableParallelism();
  // One idle core is left to V8's own threads (garbage collection, compilation): on 2 cores a worker
  // measured no faster than none.
  return Math.max(0, Math.min(MAX_WORKERS, cores - 1, Math.round(idleCores()) - 1));
}

/** Where the worker's compiled script is: beside this module when running from the build. */
function workerScript(): URL | undefined {
  const url = new URL('./parse-worker.js', import.meta.url);
  return url.protocol === 'file:' && existsSync(fileURLToPath(url)) ? url : undefined;
}

/**
 * Parses the files of a run, in input order. With a cache, files it holds are not parsed (on this
 * thread nor a worker) and what the parsers make of the others is stored for the next run.
 */
export async function parseSources(
  files: (SourceFile | undefined)[],
  options: ParseOptions,
  cache?: ParseCache,
): Promise<ParseOutcome[]> {
  if (!cache) return parseUncached(files, options);
  const keys: (string | undefined)[] = [];
  const cached: (Migration[] | undefined)[] = [];
  const toParse = files.map((f, i) => {
    // A file no format reads has no migration (undefined), as parseFile would say: nothing to parse or cache.
    const format = f && chooseParser(f, options.framework)?.format;
    if (!f || !format) return undefined;
    keys[i] = cache.key(f, format, options);
    cached[i] = cache.get(keys[i], f);
    return cached[i] ? undefined : f;
  });
  const out = await parseUncached(toParse, options);
  // `out` has holes where a file was not parsed: visit every index.
  return Array.from(out, (outcome, i) => {
    if (cached[i]) return cached[i];
    // Stored before the run rearranges or stamps the migration; a frontend crash is not stored (retried next run).
    if (Array.isArray(outcome) && keys[i]) cache.set(keys[i], outcome);
    return outcome;
  });
}

async function parseUncached(files: (SourceFile | undefined)[], options: ParseOptions): Promise<ParseOutcome[]> {
  const out = new Array<ParseOutcome>(files.length);
  // SQL files are shared between this thread and the workers; the others are parsed here.
  const shared: number[] = [];
  let sharedChars = 0;
  files.forEach((f, i) => {
    if (isSql(f)) {
      shared.push(i);
      sharedChars += f.text.length;
    }
  });
  const wanted = shared.length ? workerCount(sharedChars) : 0;
  const script = wanted > 0 ? workerScript() : undefined;
  const workers = script ? wanted : 0;
  // Loaded only for a run that starts workers (about 2 ms of start-up otherwise).
  const { Worker } = workers > 0 ? await import('node:worker_threads') : { Worker: undefined };
  const unparsed = new Set(shared);
  const pending: Promise<void>[] = [];
  let next = 0;
  const take = () => shared.slice(next, (next += BATCH_FILES));

  for (let w = 0; w < workers; w++) {
    pending.push(
      new Promise<void>((resolve) => {
        // About the main thread's stack (workers get 4 MB by default), so a statement nested deep enough
        // to overflow the parser fails the same way whichever thread parses it.
        const worker = new Worker!(script!, { workerData: { options }, resourceLimits: { stackSizeMb: 1.5 } });
        // Two batches in flight: the worker has the next one while this thread, busy parsing, has not
        // yet read the worker's results.
        const inFlight: number[][] = [];
        const give = () => {
          const batch = take();
          if (batch.length > 0) {
            inFlight.push(batch);
            worker.postMessage(batch.map((i) => files[i]));
          } else if (inFlight.length === 0) {
            void worker.terminate();
            resolve();
          }
        };
        worker.on('message', (results: ParseOutcome[] | null) => {
          const batch = inFlight.shift() ?? [];
          batch.forEach((i, k) => {
            if (!results) return; // left in `unparsed`: parsed on this thread
            const outcome = results[k];
            // The worker does not send the text back: it is here already.
            if (Array.isArray(outcome)) for (const m of outcome) m.source = files[i]!.text;
            out[i] = outcome;
            unparsed.delete(i);
          });
          give();
        });
        // A worker that fails leaves its files to this thread (see below).
        worker.on('error', () => resolve());
        worker.on('exit', () => resolve());
        give();
        give();
      }),
    );
  }
  // This thread parses batches too, yielding between them so workers get their next batch.
  for (let batch = take(); batch.length > 0; batch = take()) {
    for (const i of batch) {
      out[i] = await parseOne(files[i]!, options);
      unparsed.delete(i);
    }
    if (workers > 0) await new Promise((r) => setImmediate(r));
  }
  await Promise.all(pending);
  // Files of a batch a worker did not finish, then everything that is not SQL.
  for (const i of unparsed) out[i] = await parseOne(files[i]!, options);
  for (let i = 0; i < files.length; i++) if (files[i] && !isSql(files[i])) out[i] = await parseOne(files[i]!, options);
  return out;
}
