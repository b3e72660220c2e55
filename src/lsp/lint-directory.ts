/**
 * Lints one directory of migrations the way the CLI would lint it (nearest config, same settings,
 * rules, suppressions and severities), with the editor's unsaved buffers in place of the files on disk.
 * A migration is judged in the context of its set: the other migration files of its directory.
 */
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ConfigError, findConfig, type LoadedConfig } from '../config/load.js';
import type { ConfigProblem } from '../config/schema.js';
import type { Finding } from '../engine/types.js';
import type { Migration, MigrationFormat, TransactionMode } from '../ir/types.js';
import { type LineRange, statementGroups } from '../suppressions/apply.js';
import { comparePaths, hasMigrationExtension } from '../files/discover.js';
import { readSource, type ReadResult } from '../files/read.js';
import { type LinterOptions, lintSources, MemoryParseCache, parseOptionsOf, type SourceInput } from '../linter.js';
import { ParseCache } from '../parsers/parse-cache.js';
import { parseShared } from './parse-pool.js';
import { chooseParser, EXTENSIONS } from '../parsers/registry.js';
import { ACCEPTED_RULE_IDS } from '../rules/index.js';
import { onlyIndexOps } from '../fix/fixes.js';
import { resolveSettings, selectedByConfig, UsageError } from '../config/settings.js';

export type DirectoryLint =
  | {
      kind: 'linted';
      /** Findings of the files asked about (absolute paths), and run-level ones of the others. */
      findings: Finding[];
      /** Line ranges (1-based) of each linted file's statements: where a suppression comment goes. */
      statements: Map<string, LineRange[]>;
      /** Each linted file's detected migration format and how its tool runs its upgrade (the form its fixes take). */
      formats: Map<string, { format: MigrationFormat; transaction: TransactionMode; onlyIndexes: boolean }>;
      config?: LoadedConfig;
    }
  /** The config that applies cannot be used: nothing is linted (the CLI exits 2 in this case). */
  | { kind: 'config-error'; configFile: string; problems: ConfigProblem[] }
  /** None of the files asked about is a migration the CLI would lint (an excluded file, a source file). */
  | { kind: 'not-migrations'; config?: LoadedConfig };

/** The migration files directly in `dir` (not its subdirectories), plus unsaved buffers there not yet on disk. */
function directoryFiles(dir: string, overlays: ReadonlyMap<string, string>): string[] {
  const files = new Set<string>();
  try {
    for (const e of readdirSync(dir, { withFileTypes: true }))
      if ((e.isFile() || e.isSymbolicLink()) && hasMigrationExtension(e.name, EXTENSIONS)) files.add(join(dir, e.name));
  } catch {
    // an unsaved buffer in a directory that does not exist (yet): only the buffers
  }
  for (const path of overlays.keys())
    if (dirname(path) === dir && hasMigrationExtension(path, EXTENSIONS)) files.add(path);
  return [...files].sort(comparePaths);
}

/** The line ranges of each file's statements (a file can give several migrations: Alembic offline SQL). */
function statementRanges(migrations: readonly Migration[]): Map<string, LineRange[]> {
  const out = new Map<string, LineRange[]>();
  for (const m of migrations) out.set(m.file, [...(out.get(m.file) ?? []), ...statementGroups(m)]);
  return out;
}

/** Loads the settings that apply to `dir`; throws ConfigError for an unusable config. */
function settingsFor(dir: string): { loaded?: LoadedConfig; options: LinterOptions } {
  let loaded: LoadedConfig | undefined;
  try {
    loaded = findConfig(dir, ACCEPTED_RULE_IDS);
  } catch (e) {
    // findConfig names the file relative to `dir` (or absolutely when it could not read it)
    if (e instanceof ConfigError) throw new ConfigError(resolve(dir, e.file), e.problems);
    throw e;
  }
  try {
    return { ...(loaded ? { loaded } : {}), options: resolveSettings({}, loaded?.config).options };
  } catch (e) {
    if (e instanceof UsageError && loaded) throw new ConfigError(loaded.file, [{ path: '', message: e.message }]);
    throw e;
  }
}

/** Recent lint results by the settings and contents they came from: an unchanged set is not linted again. */
const recentRuns = new Map<string, DirectoryLint>();
const RECENT_RUNS = 16;
/** Parsed files, so that an edit re-parses only the file edited, not its whole directory. */
const parseCache = new MemoryParseCache();

/**
 * The persistent parse cache with its writes held back: writing an entry per file of a cold set costs
 * about as much as a third of parsing it, so the entries are written after the diagnostics they would
 * delay are out (writeDeferredCacheEntries), a few at a time.
 */
class DeferredWritesCache extends ParseCache {
  private readonly queued: { key: string; migrations: readonly Migration[] }[] = [];
  constructor(readonly location: string) {
    super(location);
  }
  override set(key: string, migrations: readonly Migration[]): void {
    this.queued.push({ key, migrations });
  }
  /** Writes up to `count` held-back entries; whether any remain. */
  writeSome(count: number): boolean {
    for (const { key, migrations } of this.queued.splice(0, count)) super.set(key, migrations);
    return this.queued.length > 0;
  }
}

/**
 * Where the server keeps what the parsers made of each file between editor sessions, so a restart
 * parses only what changed: in the user's cache directory, outside every repository (entries are keyed
 * by content and path, and no commit can plant one there). Undefined: memory only.
 */
let persistentCache: string | undefined = join(
  process.env.XDG_CACHE_HOME || join(homedir(), '.cache'),
  'migration-lint',
  'lsp',
);
let diskCache: DeferredWritesCache | undefined;
export function setPersistentCache(location: string | undefined): void {
  persistentCache = location;
}
function persistent(): DeferredWritesCache | undefined {
  if (persistentCache === undefined) return undefined;
  if (diskCache?.location !== persistentCache) {
    diskCache?.writeSome(Infinity);
    diskCache = new DeferredWritesCache(persistentCache);
  }
  return diskCache;
}

/** Writes up to `count` of the parse cache entries held back; whether any remain. */
export function writeDeferredCacheEntries(count: number): boolean {
  return diskCache?.writeSome(count) ?? false;
}

/** A directory's migration files as the CLI would select them, read (unsaved buffers in place of the disk). */
interface DirectorySources {
  loaded?: LoadedConfig;
  options: LinterOptions;
  files: string[];
  contents: Map<string, ReadResult>;
}

function directorySources(dir: string, overlays: ReadonlyMap<string, string>, displayFrom?: string): DirectorySources {
  const { loaded, options } = settingsFor(dir);
  options.cwd = displayFrom ?? loaded?.dir ?? dir;
  const selected = selectedByConfig(loaded);
  const files = directoryFiles(dir, overlays).filter(selected);
  const contents = new Map<string, ReadResult>(
    files.map((f) => [f, overlays.has(f) ? { ok: true, text: overlays.get(f)! } : readSource(f)]),
  );
  return { ...(loaded ? { loaded } : {}), options, files, contents };
}

/** Parses the sources into the memory cache (from the persistent one where it holds them). */
async function parseInto(sources: DirectorySources): Promise<void> {
  const files = sources.files.map((path) => {
    const c = sources.contents.get(path)!;
    return c.ok ? (c.bom ? { path, text: c.text, bom: true } : { path, text: c.text }) : undefined;
  });
  await parseCache.parse(files, parseOptionsOf(sources.options), persistent(), (missing, options, disk) =>
    parseShared(missing, options, disk, persistentCache),
  );
}

/** Parses of directories started before any file of them was asked about (warmDirectory). */
const warming = new Map<string, Promise<void>>();

/**
 * Reads and parses a directory's migrations ahead of the first lint of it (the language server calls
 * this as soon as it knows the workspace, before the editor opens a file). Problems are left for the lint to report.
 */
export function warmDirectory(dir: string): Promise<void> {
  const running = warming.get(dir);
  if (running) return running;
  const warm = (async () => {
    let sources: DirectorySources;
    try {
      sources = directorySources(dir, new Map());
    } catch {
      return; // a config that cannot be used: the lint says so
    }
    await parseInto(sources);
  })()
    .catch(() => undefined)
    .finally(() => warming.delete(dir));
  warming.set(dir, warm);
  return warm;
}

/**
 * Lints the migration set of `dir`. `overlays` (absolute path → text) replace the disk content of
 * open files; `wanted` are the files the caller will show findings for: when no config selects them
 * or no migration format reads them, nothing is linted; the other files of the set are its context
 * (they feed the schema state and the run-level checks), and their own findings are not looked for.
 * `displayFrom` is where messages name files from.
 */
export async function lintDirectory(
  dir: string,
  overlays: ReadonlyMap<string, string>,
  wanted: readonly string[],
  displayFrom?: string,
): Promise<DirectoryLint> {
  let sources: DirectorySources;
  try {
    sources = directorySources(dir, overlays, displayFrom);
  } catch (e) {
    if (e instanceof ConfigError) return { kind: 'config-error', configFile: e.file, problems: e.problems };
    throw e;
  }
  const { loaded, options, files, contents } = sources;
  const isMigration = (f: string) => {
    const c = contents.get(f);
    return c !== undefined && (!c.ok || chooseParser({ path: f, text: c.text }, options.framework) !== undefined);
  };
  if (!wanted.some(isMigration))
    return loaded ? { kind: 'not-migrations', config: loaded } : { kind: 'not-migrations' };

  const shown = new Set(wanted);
  const hash = createHash('sha256')
    .update(dir)
    .update(JSON.stringify(options))
    .update(loaded?.file ?? '')
    .update(JSON.stringify([...shown].sort()));
  for (const [f, c] of contents) hash.update(`\0${f}\0${c.ok ? c.text : `${c.rule}:${c.message}`}`);
  const key = hash.digest('hex');
  const previous = recentRuns.get(key);
  if (previous) return previous;

  // a parse of the directory begun before it was asked about: waited for, then only what differs is parsed
  await warming.get(dir);
  await parseInto(sources);
  const inputs: SourceInput[] = files.map((path) => ({
    path,
    content: contents.get(path)!,
    ...(shown.has(path) ? {} : { contextOnly: true }),
  }));
  const run = await lintSources(inputs, options, [], parseCache);
  const result: DirectoryLint = {
    kind: 'linted',
    findings: run.findings,
    statements: statementRanges(run.migrations),
    formats: new Map(
      run.migrations.map((m) => [
        m.file,
        {
          format: m.format,
          transaction: m.transactionByDirection?.upgrade ?? m.transaction,
          onlyIndexes: onlyIndexOps(m.ops, 'upgrade'),
        },
      ]),
    ),
    ...(loaded ? { config: loaded } : {}),
  };
  recentRuns.set(key, result);
  if (recentRuns.size > RECENT_RUNS) recentRuns.delete(recentRuns.keys().next().value!);
  return result;
}
