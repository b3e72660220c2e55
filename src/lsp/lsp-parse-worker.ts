/**
 * A parse worker of the language server (parse-pool.ts): parses the batches of files it is sent, with
 * the persistent parse cache when there is one (its entries are read and written on this thread), and
 * answers with the outcomes as JSON (the form the cache keeps them in; the receiving thread decodes JSON
 * faster than a structured clone of the same objects), without the files' text.
 */
import { parentPort } from 'node:worker_threads';
import { ParseCache } from '../parsers/parse-cache.js';
import { parseSources } from '../parsers/parse-sources.js';
import type { ParseOptions, SourceFile } from '../parsers/types.js';

/** A batch: this thread parses it alone (no workers of its own). */
process.env.MIGRATION_LINT_WORKERS = '0';

export interface ParseRequest {
  id: number;
  files: SourceFile[];
  options: ParseOptions;
  cacheLocation?: string;
}
export interface ParseReply {
  id: number;
  /** JSON of the outcomes (`null` for a file no format reads), or undefined when this thread could not parse them. */
  json?: string;
}

const caches = new Map<string, ParseCache>();

parentPort!.on('message', (request: ParseRequest) => void answer(request));

async function answer({ id, files, options, cacheLocation }: ParseRequest): Promise<void> {
  let reply: ParseReply = { id };
  try {
    let cache: ParseCache | undefined;
    if (cacheLocation !== undefined) {
      cache = caches.get(cacheLocation) ?? new ParseCache(cacheLocation);
      caches.set(cacheLocation, cache);
    }
    const outcomes = await parseSources(files, options, cache);
    for (const outcome of outcomes) if (Array.isArray(outcome)) for (const m of outcome) m.source = '';
    reply = { id, json: JSON.stringify(outcomes) };
  } catch {
    // the asking thread parses the batch itself
  }
  parentPort!.postMessage(reply);
}
