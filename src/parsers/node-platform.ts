/**
 * What the parsers need from Node and the browser playground does without: a fresh libpg-query
 * instance after a stack overflow, drizzle-kit's journal looked up on disk, and Alembic's env.py (with the
 * project modules it imports) read from disk. Imported for its
 * effect by the Node pipeline (parse-sources.ts); the parsers' core stays free of Node built-ins.
 */
import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { setDrizzleJournalProbe } from './formats/drizzle.js';
import { setProjectFileReader } from './alembic/env-config.js';
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

/** env.py and project modules: regular files only (a symlink could point anywhere), size-capped. */
setProjectFileReader({
  read(path, maxBytes) {
    try {
      const stat = lstatSync(path);
      if (!stat.isFile() || stat.size > maxBytes) return undefined;
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  modified(path) {
    try {
      const stat = lstatSync(path);
      return stat.isFile() ? stat.mtimeMs : undefined;
    } catch {
      return undefined;
    }
  },
});
