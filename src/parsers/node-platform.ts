/**
 * What the parsers need from Node and the browser playground does without: a fresh libpg-query
 * instance after a stack overflow, and drizzle-kit's journal looked up on disk. Imported for its
 * effect by the Node pipeline (parse-sources.ts); the parsers' core stays free of Node built-ins.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { setDrizzleJournalProbe } from './formats/drizzle.js';
import { type PgQuery, setSqlParserReloader } from './sql/parse-sql.js';

setSqlParserReloader(() => {
  // libpg-query keeps one module-level instance: evaluating its module again creates a new one.
  const require = createRequire(import.meta.url);
  const id = require.resolve('libpg-query');
  Reflect.deleteProperty(require.cache, id);
  return require(id) as PgQuery;
});

const journalDirs = new Map<string, boolean>();
/** drizzle-kit keeps `meta/_journal.json` beside its migrations (one check per directory). */
setDrizzleJournalProbe((path) => {
  const dir = dirname(path);
  let found = journalDirs.get(dir);
  if (found === undefined) journalDirs.set(dir, (found = existsSync(join(dir, 'meta', '_journal.json'))));
  return found;
});
