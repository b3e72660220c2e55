/**
 * The default command: lint paths and print findings with the chosen reporter.
 *
 * Settings come from the command line, else the config file (migration-lint.config.json or the
 * "migration-lint" key of package.json, nearest to the working directory), else the defaults.
 * Exit code: 0 clean, 1 findings at or above --fail-on, 2 usage or configuration error.
 */
import { existsSync, realpathSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { type ExpandedArgument, expandArgument, PathNotFoundError, sortPaths } from '../files/discover.js';
import { decodeSource, readNamedPath, readSource, type ReadResult } from '../files/read.js';
import { DEFAULT_PG_VERSION, lintSources, type PreviousVersion, type SourceInput, storedReportsOf } from '../linter.js';
import { chooseParser, EXTENSIONS } from '../parsers/registry.js';
import { ACCEPTED_RULE_IDS } from '../rules/index.js';
import type { MigrationFormat } from '../ir/types.js';
import type { Finding } from '../engine/types.js';
import { REPORT_FORMATS, REPORTER_LOADERS, ROOT_RELATIVE_FORMATS } from '../report/index.js';
import type { ReportInput } from '../report/types.js';
import { StoredOutputs } from '../cache/stored-output.js';
import { VERSION } from '../version.js';
import { DEFAULT_CACHE_LOCATION } from '../parsers/parse-cache.js';
import { ConfigError, findConfig, type LoadedConfig, loadConfigFile, PACKAGE_JSON_KEY } from '../config/load.js';
import { DIALECTS, FAIL_ON, type FailOn, MIGRATION_FORMATS } from '../config/schema.js';
import { fileFilter, globBase, GlobSyntaxError } from '../files/glob.js';
import type { EditedFile } from '../git/changed-files.js';
import { initSqlParser } from '../parsers/sql/parse-sql.js';
import { type CliIO, reportRoot, useColor, useHyperlinks } from './io.js';
import { keepWasmOnBaselineTier, smallRun } from './wasm-tier.js';
import { keepMemoryLowForLargeRun } from './large-run.js';
import { resolveSettings, selectedByConfig, type SettingFlags, UsageError } from '../config/settings.js';

export const FORMATS: readonly MigrationFormat[] = MIGRATION_FORMATS;

export interface LintFlags extends SettingFlags {
  format: string;
  stdinFilename?: string;
  verbose?: boolean;
  color?: boolean;
  since?: string;
  /** A config file path, or false for --no-config. */
  config?: string | false;
  baseline?: string;
  writeBaseline?: string;
  sarifFile?: string;
  skipNonMigrations?: boolean;
  allowEmpty?: boolean;
  cache?: boolean;
  cacheLocation?: string;
  /** Apply the mechanical rewrites to the files, then report what is left. */
  fix?: boolean;
  /** Print the rewrites `--fix` would make as a unified diff; change nothing. */
  fixDryRun?: boolean;
}

const ALLOW_EMPTY_HINT =
  'Check the paths (and the config\'s include/exclude); --allow-empty, or "allowEmpty": true in the config, accepts a run with nothing to lint.';

const RULE_IDS = ACCEPTED_RULE_IDS;

function loadConfig(flags: LintFlags, cwd: string): LoadedConfig | undefined {
  try {
    if (flags.config === false) return undefined;
    if (typeof flags.config === 'string') {
      const file = resolve(cwd, flags.config);
      const loaded = loadConfigFile(file, RULE_IDS, cwd);
      if (!loaded) throw new UsageError(`${flags.config} has no "${PACKAGE_JSON_KEY}" key`);
      return loaded;
    }
    return findConfig(cwd, RULE_IDS);
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(`invalid configuration:\n${e.message}`);
    throw e;
  }
}

/**
 * The base versions of the migrations this run lints that changed since `--since`: files it lints now,
 * and deleted files that lay under a linted directory. The config's `allowedEdits` globs are left out.
 */
function previousVersions(
  edited: readonly EditedFile[],
  files: readonly string[],
  roots: readonly string[],
  loaded: LoadedConfig | undefined,
  since: string,
): PreviousVersion[] {
  if (edited.length === 0) return [];
  const linted = new Map(files.map((f) => [realPath(f), f]));
  const underRoot = (p: string) => roots.some((r) => p === r || p.startsWith(r.endsWith(sep) ? r : r + sep));
  const allowed = loaded?.config.allowedEdits?.length ? fileFilter(loaded.config.allowedEdits, []) : undefined;
  const isAllowed = (p: string) => {
    if (!allowed || !loaded) return false;
    const rel = relative(loaded.dir, p).split('\\').join('/');
    return rel !== '' && !rel.startsWith('../') && !isAbsolute(rel) && allowed(rel);
  };
  const out: PreviousVersion[] = [];
  for (const e of edited) {
    const path =
      e.status === 'deleted'
        ? underRoot(e.path) && EXTENSIONS.some((x) => e.path.toLowerCase().endsWith(x))
          ? e.path
          : undefined
        : linted.get(e.path);
    if (!path || isAllowed(path)) continue;
    const p: PreviousVersion = { status: e.status, path, since };
    if (e.previousPath) p.previousPath = e.previousPath;
    if (e.previousText !== undefined) p.text = e.previousText;
    out.push(p);
  }
  return out;
}

/** V8's settings for the run's size (src/cli/wasm-tier.ts, src/cli/large-run.ts): before the parser's WASM compiles. */
function tuneV8ForRunSize(files: readonly string[]): void {
  if (smallRun(files)) keepWasmOnBaselineTier();
  else keepMemoryLowForLargeRun();
}

/** Whether findings make the run fail under `--fail-on`. */
export function failsOn(findings: readonly Finding[], failOn: FailOn): boolean {
  if (failOn === 'never') return false;
  return findings.some((f) => f.severity === 'error' || (failOn === 'warning' && f.severity === 'warning'));
}

/** Whether findings of these counts make the run fail under `--fail-on` (as failsOn). */
function countsFailOn({ errors, warnings }: { errors: number; warnings: number }, failOn: FailOn): boolean {
  return failOn !== 'never' && (errors > 0 || (failOn === 'warning' && warnings > 0));
}

/** Writes a report given in pieces, in writes of about 64 KB; `kept` collects them (the output cache). */
function writeChunks(io: CliIO, chunks: Iterable<string>, kept?: string[]): void {
  let pending = '';
  for (const chunk of chunks) {
    pending += chunk;
    if (pending.length >= 1 << 16) {
      io.stdout(pending);
      kept?.push(pending);
      pending = '';
    }
  }
  if (pending) io.stdout(pending);
  if (pending) kept?.push(pending);
}

const CACHE_REUSED_NOTE = 'files and options unchanged: the stored report reused, nothing parsed';

export async function lintCommand(paths: string[], flags: LintFlags, io: CliIO): Promise<number> {
  const loadReporter = REPORTER_LOADERS[flags.format];
  if (!loadReporter) throw new UsageError(`unknown format "${flags.format}" (expected ${REPORT_FORMATS.join(', ')})`);
  const cwd = io.cwd;
  const loaded = loadConfig(flags, cwd);
  const config = loaded?.config;

  const { options, failOn } = resolveSettings(flags, config);
  options.cwd = cwd;
  // Off unless asked for (as ESLint): a cache directory is state a one-off run should not leave behind.
  const cacheLocation = !(flags.cache ?? config?.cache ?? false)
    ? undefined
    : flags.cacheLocation !== undefined
      ? resolve(cwd, flags.cacheLocation)
      : config?.cacheLocation !== undefined
        ? resolve(loaded!.dir, config.cacheLocation)
        : join(cwd, DEFAULT_CACHE_LOCATION);
  // An entry stands in for a file's content: entries a commit brought (a pull request can add files
  // anywhere, node_modules included) would let it hide what its migrations do. git runs while the
  // files are found; its warning comes first, as the check does.
  const tracked =
    cacheLocation !== undefined
      ? (await import('../git/changed-files.js')).tracksFilesUnder(cacheLocation, cwd)
      : undefined;
  const useCacheUnlessTracked = async () => {
    if (cacheLocation === undefined) return;
    if (await tracked)
      io.stderr(
        `migration-lint: warning: not using the cache: git tracks files in ${relative(cwd, cacheLocation) || cacheLocation}, so a commit could plant entries\n`,
      );
    else options.cacheLocation = cacheLocation;
  };
  // --fix rewrites from the IR, which a stored report does not keep.
  if (flags.fix || flags.fixDryRun) options.cachedReport = false;

  // With a config and no paths, lint the config's directory (its include/exclude globs pick the files).
  const fromConfig = paths.length === 0 && loaded !== undefined;
  if (fromConfig) paths = walkRoots(loaded);
  if (paths.length === 0)
    throw new UsageError(
      'no paths given (try: migration-lint migrations/, or write a config with migration-lint init)',
    );
  const allowEmpty = flags.allowEmpty ?? config?.allowEmpty ?? false;
  const show = (p: string) => relative(cwd, p) || p;
  // The selection's warnings wait for the cache's (see above).
  const held: string[] = [];
  let selection: Selection;
  try {
    selection = selectFiles(paths, loaded, { cwd, fromConfig, allowEmpty }, { ...io, stderr: (s) => held.push(s) });
  } finally {
    await useCacheUnlessTracked();
    for (const s of held) io.stderr(s);
  }
  const { named, skippedBySelection } = selection;
  let files = selection.files;
  // The parser's WASM compiles on V8's background threads while the files are read; with the cache, an
  // unchanged run does not parse at all (and a changed one loads it when it first parses, after the
  // cache has been consulted: see below).
  if (options.cacheLocation === undefined) {
    tuneV8ForRunSize(files);
    initSqlParser().catch(() => undefined); // a failure shows where the run awaits it
  }

  const inputs: SourceInput[] = [];
  let stdinInput: SourceInput | undefined;
  if (paths.includes('-')) {
    const name = flags.stdinFilename ?? '<stdin>.sql';
    stdinInput = { path: name, content: decodeSource(await io.readStdin()), explicit: true };
    inputs.push(stdinInput);
  }
  let changed: Set<string> | undefined;
  let edited: EditedFile[] = [];
  if (flags.since !== undefined && flags.writeBaseline)
    throw new UsageError('--write-baseline records the findings of every file; run it without --since');
  if (flags.since !== undefined) {
    const { changedFilesSince, GitError } = await import('../git/changed-files.js');
    try {
      const result = changedFilesSince(flags.since, cwd);
      changed = result.files;
      edited = result.edited;
      if (result.note) io.stderr(`migration-lint: ${result.note}\n`);
    } catch (e) {
      if (e instanceof GitError) throw new UsageError(e.message);
      throw e;
    }
  }
  if (flags.skipNonMigrations) {
    // Hooks pass every changed file; the ones no migration format reads are not this tool's business.
    files = files.filter((f) => {
      const content = selection.texts.get(f) ?? readSource(f);
      const isMigration = !content.ok || chooseParser({ path: f, text: content.text }, options.framework) !== undefined;
      if (!isMigration) skippedBySelection.push({ path: f, reason: 'not a migration: no migration format reads it' });
      return isMigration;
    });
  }
  for (const f of files) {
    const input: SourceInput = { path: f, content: selection.texts.get(f) ?? readSource(f) };
    if (named.has(f)) input.explicit = true;
    if (changed && !changed.has(realPath(f))) input.contextOnly = true;
    inputs.push(input);
  }

  const previous =
    edited.length === 0
      ? []
      : previousVersions(
          edited,
          files,
          paths.filter((p) => p !== '-').map((p) => resolve(cwd, globBase(p) || '.')),
          loaded,
          flags.since ?? '',
        );
  const baselineFile =
    flags.baseline !== undefined
      ? resolve(cwd, flags.baseline)
      : loaded?.config.baseline
        ? resolve(loaded.dir, loaded.config.baseline)
        : undefined;
  const root = ROOT_RELATIVE_FORMATS.has(flags.format) || flags.sarifFile ? await reportRoot(io) : undefined;
  const reportSettings = {
    cwd,
    verbose: Boolean(flags.verbose),
    ...(root !== undefined ? { root } : {}),
    color: useColor(flags.color, io),
    hyperlinks: useHyperlinks(io),
  };
  const reports = storedReportsOf(inputs, options, previous);
  // The printed report is stored too when it is all this run prints: nothing after linting (a baseline,
  // git's view of the changes, a second report, a rewrite) changes it.
  const outputs =
    reports &&
    !flags.since &&
    !baselineFile &&
    !flags.writeBaseline &&
    !flags.sarifFile &&
    !flags.fix &&
    !flags.fixDryRun
      ? new StoredOutputs(reports, {
          ...reportSettings,
          format: flags.format,
          skippedBySelection,
          // the CI formats' paths go from the root's and the directory's real paths
          ...(root !== undefined ? { cwdFromRoot: (await import('../report/paths.js')).pathFromRoot(root, cwd) } : {}),
        })
      : undefined;
  const storedOutput = outputs?.get();
  if (storedOutput) {
    if (flags.verbose) io.stderr(`migration-lint: cache: ${CACHE_REUSED_NOTE}\n`);
    if (io.stdoutBytes) io.stdoutBytes(storedOutput.bytes);
    else io.stdout(Buffer.from(storedOutput.bytes).toString('utf8'));
    return countsFailOn(storedOutput, failOn) ? 1 : 0;
  }
  if (options.cacheLocation !== undefined) tuneV8ForRunSize(files);
  let result = await lintSources(inputs, options, previous, undefined, reports);
  if (flags.verbose && result.cache) {
    const { hits, misses, rejected, report } = result.cache;
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
    const notes =
      report === 'reused'
        ? [CACHE_REUSED_NOTE]
        : [
            `${plural(hits, 'file')} read from it, ${plural(misses, 'file')} parsed`,
            ...(report === 'rejected' ? ['its stored report was corrupt or foreign: ignored and rewritten'] : []),
            ...(rejected
              ? [`${rejected} corrupt or foreign entr${rejected === 1 ? 'y' : 'ies'} ignored and rewritten`]
              : []),
          ];
    io.stderr(`migration-lint: cache: ${notes.join('; ')}\n`);
  }
  if (flags.fix || flags.fixDryRun) {
    if (flags.writeBaseline)
      throw new UsageError('--fix and --write-baseline do not go together: fix first, then record the baseline');
    const { planFixes, unifiedDiff, writeAtomically } = await import('../fix/fix-files.js');
    // stdin has no file to write back to; files read only for context (--since) are not this run's to change
    const plan = await planFixes(inputs, options, result, (i) => !i.contextOnly && i !== stdinInput);
    for (const r of plan.refused) io.stderr(`migration-lint: not fixed: ${show(r.path)}: ${r.reason}\n`);
    const total = plan.fixes.reduce((n, f) => n + f.fixed, 0);
    const counted = `${total} finding${total === 1 ? '' : 's'} in ${plan.fixes.length} file${plan.fixes.length === 1 ? '' : 's'}`;
    if (flags.fixDryRun) {
      io.stdout(plan.fixes.map((f) => unifiedDiff(show(f.path), f)).join(''));
      io.stderr(`migration-lint: --fix would fix ${counted}\n`);
      return 0;
    }
    for (const f of plan.fixes) {
      try {
        writeAtomically(f.path, f.after);
      } catch (e) {
        throw new UsageError(
          `cannot write ${show(f.path)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        );
      }
      io.stderr(`migration-lint: fixed ${f.fixed} finding${f.fixed === 1 ? '' : 's'} in ${show(f.path)}\n`);
      const input = inputs.find((i) => i.path === f.path)!;
      input.content = { ok: true, text: f.after };
    }
    // what is left after the rewrites is what this run reports
    if (plan.fixes.length) result = await lintSources(inputs, options, previous);
  }
  if (result.migrations.length === 0 && !allowEmpty) {
    const notLinted = [...skippedBySelection, ...result.skipped];
    const listing =
      notLinted
        .slice(0, 5)
        .map((s) => `\n  ${show(s.path)}: ${s.reason}`)
        .join('') + (notLinted.length > 5 ? `\n  … and ${notLinted.length - 5} more` : '');
    throw new UsageError(`No migration files were linted${listing ? ':' : '.'}${listing}\n${ALLOW_EMPTY_HINT}`);
  }
  const contextOnly = new Set(inputs.filter((i) => i.contextOnly).map((i) => i.path));
  const reported = result.migrations.filter((m) => !contextOnly.has(m.file));
  // Nothing changed is a legitimate --since run (a pull request that touches no migration): say so, exit 0.
  if (changed && reported.length === 0 && !result.findings.some((f) => f.rule === 'edited-migration'))
    io.stderr(
      `migration-lint: no migration file changed since ${flags.since} (${result.migrations.length} read for context): nothing to report\n`,
    );
  const sources = new Map<string, string>();
  for (const m of result.migrations) sources.set(m.file, m.source);
  let findings = result.findings;

  // Loaded only when a baseline is written or read, like git above: a plain run does not pay for them.
  const baselines = flags.writeBaseline || baselineFile ? await import('../baseline/baseline.js') : undefined;
  if (flags.writeBaseline && baselines) {
    const { BaselineError, writeBaseline } = baselines;
    try {
      const n = writeBaseline(flags.writeBaseline, findings, sources, cwd, `migration-lint ${VERSION}`);
      io.stderr(`migration-lint: wrote ${n} finding${n === 1 ? '' : 's'} to the baseline ${flags.writeBaseline}\n`);
    } catch (e) {
      if (e instanceof BaselineError) throw new UsageError(e.message);
      throw e;
    }
  }
  if (baselineFile && !flags.writeBaseline && baselines) {
    const { BaselineError, filterByBaseline, readBaseline } = baselines;
    try {
      const shown = relative(cwd, baselineFile) || baselineFile;
      const filtered = filterByBaseline(findings, readBaseline(shown, cwd), sources, baselineFile, cwd);
      findings = filtered.findings;
      if (filtered.stale > 0 && !changed)
        io.stderr(
          `migration-lint: ${filtered.stale} baselined finding${filtered.stale === 1 ? ' is' : 's are'} gone (fixed or edited); rerun with --write-baseline ${shown} to drop ${filtered.stale === 1 ? 'it' : 'them'}\n`,
        );
    } catch (e) {
      if (e instanceof BaselineError) throw new UsageError(e.message);
      throw e;
    }
  }

  const input: ReportInput = {
    ...result,
    // Files read only for context (--since) are not part of what this run reports on.
    migrations: reported,
    findings,
    skipped: [...result.skipped, ...skippedBySelection],
    sources,
    ...reportSettings,
    toolVersion: VERSION,
  };
  // an empty run's report is rare, and what decides whether it is an error is not in the entry
  const stored = outputs && result.migrations.length > 0 ? ([] as string[]) : undefined;
  if (flags.format === 'json') writeChunks(io, (await import('../report/json.js')).jsonReportChunks(input), stored);
  else {
    const output = (await loadReporter())(input);
    io.stdout(output);
    stored?.push(output);
  }
  if (stored) outputs?.set(stored, findings);
  if (flags.sarifFile) {
    const sarifReporter = await REPORTER_LOADERS.sarif!();
    try {
      writeFileSync(resolve(cwd, flags.sarifFile), sarifReporter(input));
    } catch (e) {
      throw new UsageError(
        `cannot write ${flags.sarifFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      );
    }
  }
  if (flags.writeBaseline) return 0;
  return failsOn(findings, failOn) ? 1 : 0;
}

interface Selection {
  /** The files to lint, in path order. */
  files: string[];
  /** Files named one by one on the command line (not found in a directory or by a pattern). */
  named: Set<string>;
  /** Named files the config's include/exclude leaves out, with the reason. */
  skippedBySelection: { path: string; reason: string }[];
  /** What reading the named files gave (read while telling them from directories). */
  texts: ReadonlyMap<string, ReadResult>;
}

/**
 * The files the path arguments select (files, directories, glob patterns), filtered by the config's
 * include/exclude. A directory or pattern that yields nothing is a mistake — a typo in CI would pass
 * forever — and a usage error unless `allowEmpty`; a named file the config leaves out is a warning.
 */
function selectFiles(
  paths: string[],
  loaded: LoadedConfig | undefined,
  { cwd, fromConfig, allowEmpty }: { cwd: string; fromConfig: boolean; allowEmpty: boolean },
  io: CliIO,
): Selection {
  const show = (p: string) => relative(cwd, p) || p;
  const expanded: ExpandedArgument[] = [];
  const texts = new Map<string, ReadResult>();
  for (const p of paths) {
    if (p === '-') continue;
    // a named file is read now, which tells it from a directory (a stat less for each)
    const path = resolve(cwd, p);
    const read = readNamedPath(path);
    if (read !== undefined && read !== 'directory') {
      texts.set(path, read);
      expanded.push({ argument: p, kind: 'file', files: [path] });
      continue;
    }
    try {
      expanded.push(expandArgument(p, cwd, EXTENSIONS));
    } catch (e) {
      if (e instanceof PathNotFoundError) throw new UsageError(`no such file or directory: ${show(e.message)}`);
      if (e instanceof GlobSyntaxError) throw new UsageError(`invalid glob pattern ${p}: ${e.message}`);
      throw e;
    }
  }
  const named = new Set(expanded.filter((a) => a.kind === 'file').flatMap((a) => a.files));
  const skippedBySelection: Selection['skippedBySelection'] = [];
  const filtering = loaded && (loaded.config.include.length || loaded.config.exclude.length) ? loaded : undefined;
  const selectedBy = filtering ? `the include/exclude globs of ${show(filtering.file)}` : '';
  const selected = selectedByConfig(loaded);
  const nothingFound: string[] = [];
  const kept = new Set<string>();
  for (const a of expanded) {
    let found = 0;
    for (const f of a.files) {
      if (selected(f)) {
        kept.add(f);
        found++;
      } else if (named.has(f) && !skippedBySelection.some((s) => s.path === f)) {
        io.stderr(`migration-lint: warning: ${show(f)} is ignored: not selected by ${selectedBy}\n`);
        skippedBySelection.push({ path: f, reason: `not selected by ${selectedBy}` });
      }
    }
    if (found || a.kind === 'file') continue;
    const excluded = a.files.length
      ? ` (${a.files.length === 1 ? 'the one file found is' : `all ${a.files.length} files found are`} excluded by ${selectedBy})`
      : '';
    if (fromConfig) nothingFound.push(`No files matching the include patterns of ${show(loaded!.file)} were found.`);
    else if (a.kind === 'pattern')
      nothingFound.push(`No files matching the pattern "${a.argument}" were found${excluded}.`);
    else
      nothingFound.push(
        `No migration files were found in ${a.argument}${excluded || ' (no .sql, .ts, .js or .py files)'}.`,
      );
  }
  if (nothingFound.length && !allowEmpty) throw new UsageError(`${nothingFound.join('\n')}\n${ALLOW_EMPTY_HINT}`);
  return { files: sortPaths([...kept]), named, skippedBySelection, texts };
}

/**
 * Where to look when the config's globs pick the files: the fixed leading directories of the
 * `include` patterns (`db/migrations` for `db/migrations/**`) when every pattern has one, so a large
 * repository is not walked whole; else the config file's directory.
 */
export function walkRoots(loaded: LoadedConfig): string[] {
  const include = loaded.config.include;
  const bases: string[] = [];
  for (const pattern of include) {
    const p = pattern
      .trim()
      .replace(/\\/g, '/')
      .replace(/^\.?\//, '');
    // a pattern without `/` matches at any depth: nothing narrower than the config's directory
    if (!p.includes('/') || p.startsWith('**')) return [loaded.dir];
    const fixed = globBase(p);
    if (fixed === '') return [loaded.dir];
    bases.push(join(loaded.dir, fixed));
  }
  const existing = bases.filter((b) => existsSync(b));
  return existing.length ? [...new Set(existing)] : [loaded.dir];
}

function realPath(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/** The lint options, on the root program (`migration-lint [options] [paths...]`). */
export function addLintOptions(program: Command): Command {
  return program
    .argument(
      '[paths...]',
      "migration files, directories (walked recursively) or quoted glob patterns ('db/**/*.sql'); - reads stdin; none = the config file's include",
    )
    .addOption(new Option('-f, --format <format>', 'output format').choices(REPORT_FORMATS).default('text'))
    .addOption(
      new Option(
        '--fail-on <level>',
        'exit 1 when a finding of this severity or worse is reported (default error)',
      ).choices([...FAIL_ON]),
    )
    .option(
      '--fail-on-unknown',
      'report every framework call that could not be read as an error (rule unknown-operation), so it fails the run',
    )
    .option('--no-fail-on-unknown', 'do not, even if the config file says so')
    .option('--pg-version <major>', `target Postgres major version (default ${DEFAULT_PG_VERSION})`)
    .option('--assume-in-transaction', 'treat plain SQL files as run inside a transaction by your migration tool')
    .option('--no-assume-in-transaction', 'do not, even if the config file says so')
    .option('--exclude <rules>', 'comma-separated rule ids to turn off')
    .option('--check-downgrade', 'also lint downgrade (down) migrations')
    .option('--no-check-downgrade', 'do not, even if the config file says so')
    .option('--stdin-filename <name>', 'file name to report for stdin input (its extension picks the format)')
    .addOption(
      new Option('--framework <name>', 'force the migration format instead of detecting it').choices([...FORMATS]),
    )
    .addOption(
      new Option(
        '--dialect <dialect>',
        'database the migrations target (Alembic batch mode matters for sqlite)',
      ).choices([...DIALECTS]),
    )
    .option(
      '--since <git-ref>',
      'report only on files added or changed since the merge base with <git-ref> (committed, staged, unstaged or untracked); the rest is read for context',
    )
    .option(
      '--config <file>',
      'use this config file instead of searching for migration-lint.config.json / package.json',
    )
    .option('--no-config', 'ignore config files')
    .option('--baseline <file>', 'report only findings that are not in this baseline file')
    .option('--write-baseline <file>', 'record the current findings in a baseline file (exits 0)')
    .option('--sarif-file <file>', 'also write a SARIF 2.1.0 report to <file>')
    .option(
      '--allow-empty',
      'exit 0 when there is nothing to lint (by default a path, pattern or config that selects no migration file is an error, exit 2)',
    )
    .option('--no-allow-empty', 'do not, even if the config file says so')
    .option(
      '--cache',
      `keep what the parsers make of each file, and each run's report, between runs: unchanged files are not parsed again, an unchanged run reuses its report (default location ${DEFAULT_CACHE_LOCATION.split(sep).join('/')})`,
    )
    .option('--no-cache', 'do not, even if the config file says so')
    .option('--cache-location <dir>', 'directory of the cache (with --cache)')
    .option(
      '--skip-non-migrations',
      'skip named files that no migration format reads instead of reporting them (for hooks that pass every changed file)',
    )
    .option(
      '--fix',
      'apply the mechanical rewrites to SQL files (CONCURRENTLY where the index is built outside a transaction, SET lock_timeout), then report what is left',
    )
    .option('--fix-dry-run', 'print the rewrites --fix would make as a unified diff, and change nothing')
    .option('--verbose', 'list framework calls that could not be interpreted and skipped files')
    .option('--color', 'colour the output even when it is not a terminal (CI logs); FORCE_COLOR=1 does the same')
    .option('--no-color', 'never colour the output (default: colours on a terminal only; NO_COLOR=1 does the same)');
}
