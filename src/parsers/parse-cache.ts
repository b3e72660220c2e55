/**
 * A persistent cache of what the parsers make of each file (`--cache`): one JSON file per entry, so
 * an unchanged file is not parsed again while the rules still run over the whole set.
 *
 * An entry's key is a SHA-256 of everything that decides the parse: the file's text and path (the IR
 * records positions under its path), the format chosen for it (which can depend on files beside it:
 * drizzle's journal), the parse options, the tool version and this cache's schema. An entry is read
 * only when it is valid JSON of the expected shape, written by this version for this key; anything
 * else is a miss and the entry is rewritten. Writes go to a temporary file in the same directory,
 * then a rename, so a concurrent run reads either a whole entry or none.
 *
 * Size: an entry's file name starts with a hash of its path, and writing an entry removes the older
 * entries of the same path, so the cache holds about one entry per path linted; temporary files of a
 * run killed mid-write are removed an hour later.
 */
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isTemporaryCacheFile, removeAbandonedCacheFile, writeCacheFile } from '../files/cache-file.js';
import type { CacheStats } from './stats.js';
import type { Migration } from '../ir/types.js';
import type { ParseOptions, SourceFile } from './types.js';
import { VERSION } from '../version.js';
import { popNeighbours } from './formats/pop.js';

/** Bumped when the entry layout or the key's ingredients change. */
const SCHEMA = 2;
/** Entries live in a subdirectory per schema, so a new layout never reads an old one. */
const SUBDIR = `parse-v${SCHEMA}`;
/** The tool's own default, relative to the working directory (as ESLint and Ruff do). */
export const DEFAULT_CACHE_LOCATION = join('node_modules', '.cache', 'migration-lint');

interface Entry {
  schema: number;
  version: string;
  key: string;
  /** The file's migrations without their `source` (the text is the file's, restored on read). */
  migrations: Migration[];
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

function isMigrationOf(value: unknown, path: string): value is Migration {
  if (!value || typeof value !== 'object') return false;
  const m = value as Partial<Migration>;
  // Shallow (a full check would cost what the parse saves): what a truncated or foreign entry gets wrong.
  return (
    m.file === path &&
    typeof m.format === 'string' &&
    typeof m.transaction === 'string' &&
    Array.isArray(m.ops) &&
    (m.ops as unknown[]).every((op) => {
      // Read from disk: nothing about an entry is known until checked.
      const o = op as { kind?: unknown; span?: { line?: unknown } } | null;
      return o !== null && typeof o.kind === 'string' && typeof o.span?.line === 'number';
    }) &&
    Array.isArray(m.diagnostics)
  );
}

export type { CacheStats };

const MAX_ENV_BYTES = 1024 * 1024;

/**
 * A hash of the Alembic `env.py` beside a revision's `versions/` directory (where the Alembic frontend
 * reads it: parsers/alembic/env-config.ts), or `none`: a changed env.py changes how every revision
 * runs. `seen` holds the facts of a run's env.py files (each read once per run). Project modules env.py
 * imports are not covered.
 */
export function alembicEnvFact(revisionPath: string, seen: Map<string, string>): string {
  const envFile = join(dirname(dirname(revisionPath)), 'env.py');
  let fact = seen.get(envFile);
  if (fact === undefined) {
    try {
      const stat = lstatSync(envFile);
      fact = stat.isFile() && stat.size <= MAX_ENV_BYTES ? sha256(readFileSync(envFile, 'utf8')) : 'none';
    } catch {
      fact = 'none';
    }
    seen.set(envFile, fact);
  }
  return fact;
}

export class ParseCache {
  readonly dir: string;
  readonly stats: CacheStats = { hits: 0, misses: 0, rejected: 0 };
  private writable = true;
  /** The hashes of the env.py files this run's Alembic revisions read (alembicEnvFact). */
  private readonly envFacts = new Map<string, string>();
  /** Entry file names by path hash, listed once on the first write. */
  private listing: Map<string, string[]> | undefined;

  /** `location`: the cache directory (created on the first write). */
  constructor(location: string) {
    this.dir = join(location, SUBDIR);
  }

  /**
   * The entry key of a file parsed with these options by the parser of `format` (undefined: no parser
   * takes it). Both the key and the path hash go in the entry's file name.
   */
  key(file: SourceFile, format: string | undefined, options: ParseOptions): string {
    const facts = JSON.stringify([
      SCHEMA,
      VERSION,
      file.path,
      format ?? null,
      options.assumeInTransaction,
      options.framework ?? null,
      options.dialect,
      file.bom === true,
      // what the Alembic frontend reads beside a revision decides its IR too (transaction model, names)
      ...(format === 'alembic' ? [alembicEnvFact(file.path, this.envFacts)] : []),
      // and the files a pop migration is read with (the same version for other databases)
      ...(format === 'pop' ? popNeighbours(file.path) : []),
    ]);
    return `${sha256(file.path).slice(0, 16)}-${sha256(`${facts}\0${file.text}`)}`;
  }

  /** The cached migrations of `file` under `key`, or undefined (a miss) when there is no trustworthy entry. */
  get(key: string, file: SourceFile): Migration[] | undefined {
    let text: string;
    try {
      text = readFileSync(join(this.dir, `${key}.json`), 'utf8');
    } catch {
      this.stats.misses++;
      return undefined;
    }
    try {
      const entry = JSON.parse(text) as Partial<Entry> | null;
      if (
        entry &&
        entry.schema === SCHEMA &&
        entry.version === VERSION &&
        entry.key === key &&
        Array.isArray(entry.migrations) &&
        entry.migrations.length > 0 &&
        entry.migrations.every((m) => isMigrationOf(m, file.path))
      ) {
        this.stats.hits++;
        for (const m of entry.migrations) m.source = file.text;
        return entry.migrations;
      }
    } catch {
      // a truncated or garbled entry: a miss, rewritten below
    }
    this.stats.rejected++;
    this.stats.misses++;
    return undefined;
  }

  /**
   * Stores the freshly parsed migrations of a file (before anything later in the run changes it). A cache that
   * cannot be written (read-only, full disk) only costs the next run its speed.
   */
  set(key: string, migrations: readonly Migration[]): void {
    if (!this.writable) return;
    const entry: Entry = {
      schema: SCHEMA,
      version: VERSION,
      key,
      migrations: migrations.map((m) => ({ ...m, source: '' })),
    };
    try {
      this.removeOlder(key);
    } catch {
      this.writable = false;
      return;
    }
    if (!writeCacheFile(this.dir, `${key}.json`, JSON.stringify(entry))) this.writable = false;
  }

  /** Removes the entries of the same path under other keys (older contents or options of that file). */
  private removeOlder(key: string): void {
    const pathHash = key.slice(0, key.indexOf('-'));
    if (!this.listing) {
      mkdirSync(this.dir, { recursive: true });
      this.listing = new Map();
      for (const name of readdirSync(this.dir)) {
        if (isTemporaryCacheFile(name)) removeAbandonedCacheFile(this.dir, name);
        if (!name.endsWith('.json') || name.startsWith('.')) continue;
        const h = name.slice(0, name.indexOf('-'));
        this.listing.set(h, [...(this.listing.get(h) ?? []), name]);
      }
    }
    for (const name of this.listing.get(pathHash) ?? [])
      if (name !== `${key}.json`) rmSync(join(this.dir, name), { force: true });
    this.listing.set(pathHash, [`${key}.json`]);
  }
}
