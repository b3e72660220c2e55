import { initSqlParser } from './sql/parse-sql.js';
import { parseFile } from './registry.js';
import type { Migration } from '../ir/types.js';
import type { ParseOptions, SourceFile } from './types.js';

/** A file's migrations, `undefined` when no format reads the file, or a frontend's crash message. */
export type ParseOutcome = Migration[] | undefined | { internalError: string };

export async function parseOne(file: SourceFile, options: ParseOptions): Promise<ParseOutcome> {
  // Per file: replaces the parser instance if the previous file overflowed its stack.
  await initSqlParser();
  try {
    return await parseFile(file, options);
  } catch (e) {
    const message = (e as { message?: unknown } | null)?.message;
    return { internalError: typeof message === 'string' ? message : String(e) };
  }
}
