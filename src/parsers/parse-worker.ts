/**
 * Worker thread for `parseSources`: parses batches of SQL migration files and posts the migrations
 * back (without their source text, which the main thread already has).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type ParseOutcome, parseOne } from './parse-sources.js';
import type { ParseOptions, SourceFile } from './types.js';

const options = (workerData as { options: ParseOptions }).options;

parentPort!.on('message', (batch: SourceFile[]) => void parseBatch(batch));

async function parseBatch(batch: SourceFile[]): Promise<void> {
  const results: ParseOutcome[] = [];
  for (const file of batch) {
    const outcome = await parseOne(file, options);
    if (Array.isArray(outcome)) for (const m of outcome) m.source = '';
    results.push(outcome);
  }
  try {
    parentPort!.postMessage(results);
  } catch {
    // Something that cannot be copied across threads: the main thread parses this batch itself.
    parentPort!.postMessage(null);
  }
}
