/**
 * What the parsers need from Node and the browser playground does without: a fresh libpg-query
 * instance after a stack overflow, drizzle-kit's journal and sqlx's Cargo.toml looked up on disk, and Alembic's env.py (with the
 * project modules it imports) read from disk. Imported for its
 * effect by the Node pipeline (parse-sources.ts); the parsers' core stays free of Node built-ins.
 */
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { setDrizzleJournalProbe } from './formats/drizzle.js';
import { cargoNamesSqlx, setSqlxProjectProbe } from './formats/sqlx.js';
import { setPopDirectoryProbe } from './formats/pop.js';
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

/** A regular file's text when it is at most `maxBytes` (a symlink could point anywhere); else undefined. */
function readRegularFile(path: string, maxBytes: number): string | undefined {
  try {
    const stat = lstatSync(path);
    if (!stat.isFile() || stat.size > maxBytes) return undefined;
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

const sqlxDirs = new Map<string, boolean>();
/** Whether a Cargo.toml naming sqlx is in `dir` or a directory above it (one read per directory). */
export function sqlxProjectAt(dir: string): boolean {
  let found = sqlxDirs.get(dir);
  if (found === undefined) {
    const cargo = readRegularFile(join(dir, 'Cargo.toml'), 1 << 20);
    const parent = dirname(dir);
    found = (cargo !== undefined && cargoNamesSqlx(cargo)) || (parent !== dir && sqlxProjectAt(parent));
    sqlxDirs.set(dir, found);
  }
  return found;
}
/** sqlx's migrations belong to a Rust crate: a Cargo.toml declaring sqlx, in their directory or above. */
setSqlxProjectProbe((path) => sqlxProjectAt(dirname(resolve(path))));

const listings = new Map<string, readonly string[]>();
/** The files beside a pop migration (one listing per directory). */
setPopDirectoryProbe((path) => {
  const dir = dirname(resolve(path));
  let names = listings.get(dir);
  if (names === undefined) {
    try {
      names = readdirSync(dir);
    } catch {
      names = [];
    }
    listings.set(dir, names);
  }
  return names;
});

/** env.py and project modules: regular files only (a symlink could point anywhere), size-capped. */
setProjectFileReader({
  read: readRegularFile,
  modified(path) {
    try {
      const stat = lstatSync(path);
      return stat.isFile() ? stat.mtimeMs : undefined;
    } catch {
      return undefined;
    }
  },
});
