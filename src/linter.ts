/**
 * The linting pipeline without any I/O policy: sources → parsers → IR → rules → findings.
 * The CLI, the GitHub Action and the tests all go through `lintSources`.
 */
import type { Migration, MigrationEdit, MigrationFormat } from './ir/types.js';
import { firstDifference } from './ir/compare.js';
import type { Finding, Rule, Severity } from './engine/types.js';
import { lintMigrations } from './engine/lint.js';
import { ALL_RULES, resolveRuleId } from './rules/index.js';
import { arrangeRun, noParserReason, parseFile } from './parsers/registry.js';
import { type ParseOutcome, parseSources } from './parsers/parse-sources.js';
import type { ParseOptions, SourceFile } from './parsers/types.js';
import { initSqlParser } from './parsers/sql/parse-sql.js';
import { type CacheStats, ParseCache } from './cache/parse-cache.js';
import { createHash } from 'node:crypto';
import type { ReadResult } from './files/read.js';
import { applySuppressions } from './suppressions/apply.js';
import { displayPath } from './report/paths.js';

export const DEFAULT_PG_VERSION = 14;

export interface LinterOptions {
  pgVersion: number;
  assumeInTransaction: boolean;
  checkDowngrade: boolean;
  framework?: MigrationFormat;
  dialect: 'postgresql' | 'sqlite';
  /** Per-rule severity or `off`; rules not named keep their default severity. */
  rules: Record<string, Severity | 'off'>;
  /** Messages name files relative to this directory; default: the process's working directory. */
  cwd?: string;
  /** A directory for the parse cache (`--cache`): unchanged files are not parsed again. Default: no cache. */
  cacheLocation?: string;
}

export const DEFAULT_OPTIONS: LinterOptions = {
  pgVersion: DEFAULT_PG_VERSION,
  assumeInTransaction: false,
  checkDowngrade: false,
  dialect: 'postgresql',
  rules: {},
};

export interface SourceInput {
  path: string;
  content: ReadResult;
  /**
   * Parsed for context only (`--since`: a file the branch did not change): it feeds the schema state
   * and run-level checks (rules with `checkRun`), but its own per-file findings are not reported.
   */
  contextOnly?: boolean;
  /** Named on the command line (not found by walking a directory): a file no format reads is reported, not skipped. */
  explicit?: boolean;
}

/** The base version of a migration file changed since `--since` (edited-migration compares the two). */
export interface PreviousVersion {
  status: MigrationEdit['status'];
  /** The path the current version is linted under (for a deleted file, the path it had). */
  path: string;
  /** The path at the base, for a rename. */
  previousPath?: string;
  /** The base content; undefined when it could not be read (then the edit counts as a change). */
  text?: string;
  since: string;
}

export interface LintResult {
  findings: Finding[];
  migrations: Migration[];
  /** Files that no parser reads, with the reason. */
  skipped: { path: string; reason: string }[];
  /** How the parse cache served this run, when one was used. */
  cache?: CacheStats;
}

export function enabledRules(
  config: Record<string, Severity | 'off'>,
  rules: readonly Rule[] = ALL_RULES,
): { rule: Rule; severity: Severity }[] {
  return rules
    .filter((r) => (config[r.meta.id] === undefined ? !r.meta.offByDefault : config[r.meta.id] !== 'off'))
    .map((rule) => ({ rule, severity: (config[rule.meta.id] as Severity | undefined) ?? rule.meta.severity }));
}

function fileError(path: string, rule: 'parse-error' | 'io-error', message: string, line = 1, column = 1): Migration {
  return {
    file: path,
    format: 'sql',
    ops: [],
    transaction: 'none',
    diagnostics: [{ rule, message, span: { file: path, line, column, endLine: line, endColumn: column } }],
    source: '',
  };
}

/** Compares each changed file's base version with what it is now. */
async function migrationEdits(
  previous: readonly PreviousVersion[],
  migrations: readonly Migration[],
  options: LinterOptions,
): Promise<MigrationEdit[]> {
  const edits: MigrationEdit[] = [];
  for (const p of previous) {
    const now = migrations.filter((m) => m.file === p.path);
    const parseOptions = {
      assumeInTransaction: options.assumeInTransaction,
      framework: options.framework,
      dialect: options.dialect,
    };
    // Parsed under its current name, so that positions and per-file facts compare like for like.
    const before =
      p.text === undefined
        ? undefined
        : await parseFile(
            { path: p.status === 'renamed' ? (p.previousPath ?? p.path) : p.path, text: p.text },
            parseOptions,
          );
    // Only migrations are this rule's business: a changed file that is not one now and was not one before is left alone.
    if (!before && now.length === 0) continue;
    if (before && p.status === 'renamed') before.file = p.path;
    const start = { file: p.path, line: 1, column: 1, endLine: 1, endColumn: 1 };
    const difference = p.status === 'deleted' || !before ? start : firstDifference(arrangeRun([before]), now, p.path);
    const identifiedBy = (now[0] ?? before)?.identifiedBy ?? 'file-name';
    const edit: MigrationEdit = {
      file: p.path,
      status: p.status,
      since: p.since,
      span: difference ?? start,
      changesOperations: difference !== undefined,
      identifiedBy,
    };
    if (p.previousPath) edit.previousFile = p.previousPath;
    edits.push(edit);
  }
  return edits;
}

/**
 * Parse results kept in memory between runs over the same files (the language server lints a
 * directory on every keystroke): a file whose path, text and parse options are unchanged is not
 * parsed again. Holds the latest result per path. (`--cache` keeps them on disk: src/cache.)
 */
export class MemoryParseCache {
  private readonly byPath = new Map<string, { key: string; outcome: ParseOutcome }>();

  /** Parses the files not parsed before with the same text and options; the others come from the cache. */
  async parse(files: (SourceFile | undefined)[], options: ParseOptions, disk?: ParseCache): Promise<ParseOutcome[]> {
    const optionsKey = JSON.stringify(options);
    const keys = files.map((f) =>
      f ? createHash('sha256').update(optionsKey).update('\0').update(f.text).digest('hex') : '',
    );
    const missing = files.map((f, i) => (f && this.byPath.get(f.path)?.key !== keys[i] ? i : -1)).filter((i) => i >= 0);
    // files not in memory come from the persistent cache when there is one (an editor's second start)
    const fresh = await parseSources(
      missing.map((i) => files[i]),
      options,
      disk,
    );
    missing.forEach((i, k) => this.byPath.set(files[i]!.path, { key: keys[i]!, outcome: fresh[k] }));
    // a shallow copy: the run may set a migration's own fields (arrangeRun), which must not leak into the next run
    return files.map((f) => {
      const outcome = f ? this.byPath.get(f.path)!.outcome : undefined;
      return outcome && !('internalError' in outcome) ? { ...outcome } : outcome;
    });
  }
}

export async function lintSources(
  inputs: SourceInput[],
  options: LinterOptions = DEFAULT_OPTIONS,
  previous: readonly PreviousVersion[] = [],
  memory?: MemoryParseCache,
): Promise<LintResult> {
  const migrations: Migration[] = [];
  const skipped: LintResult['skipped'] = [];
  const files = inputs.map((input) => (input.content.ok ? { path: input.path, text: input.content.text } : undefined));
  const parseOptions: ParseOptions = {
    assumeInTransaction: options.assumeInTransaction,
    framework: options.framework,
    dialect: options.dialect,
  };
  const cache = options.cacheLocation !== undefined ? new ParseCache(options.cacheLocation) : undefined;
  const parsed = memory
    ? await memory.parse(files, parseOptions, cache)
    : await parseSources(files, parseOptions, cache);
  inputs.forEach((input, i) => {
    const content = input.content;
    const migration = parsed[i];
    if (!content.ok)
      migrations.push(fileError(input.path, content.rule, content.message, content.line, content.column));
    // A frontend bug must not stop the run nor show a stack trace: report it on the file.
    else if (migration && 'internalError' in migration)
      migrations.push(
        fileError(input.path, 'parse-error', `Internal error while reading this file: ${migration.internalError}`),
      );
    else if (migration) migrations.push(migration);
    else if (input.explicit)
      migrations.push(fileError(input.path, 'parse-error', `Not linted: ${noParserReason(input.path, content.text)}.`));
    else skipped.push({ path: input.path, reason: noParserReason(input.path, content.text) });
  });
  // The order (and units) the tools run: Alembic revisions in graph order, offline SQL per revision.
  migrations.splice(0, migrations.length, ...arrangeRun(migrations));
  // Rules ask libpg-query's scanner (which names need quoting in messages and fixes): loaded by parsing
  // as a rule, but a run whose files all came from the cache has parsed nothing.
  await initSqlParser();
  const rules = enabledRules(options.rules);
  const linted = lintMigrations(migrations, {
    pgVersion: options.pgVersion,
    dialect: options.dialect,
    checkDowngrade: options.checkDowngrade,
    rules,
    edits: previous.length ? await migrationEdits(previous, migrations, options) : [],
    displayPath: (path) => displayPath(path, options.cwd ?? process.cwd()),
  });
  const severities = new Map(rules.map((r) => [r.rule.meta.id, r.severity]));
  // The engine reports file diagnostics as errors; the configured severity (or `off`) applies to them too.
  const configured = linted.flatMap((f) => {
    if (f.rule !== 'parse-error' && f.rule !== 'io-error') return [f];
    const severity = severities.get(f.rule);
    return severity ? [{ ...f, severity }] : [];
  });
  const contextOnly = new Set(inputs.filter((i) => i.contextOnly).map((i) => i.path));
  const runLevel = new Set(rules.filter((r) => r.rule.checkRun && !r.rule.checkRunPerFile).map((r) => r.rule.meta.id));
  const findings = applySuppressions(configured, migrations, {
    knownRules: new Set(ALL_RULES.map((r) => r.meta.id)),
    severityOf: (id) => severities.get(id),
    resolveRule: resolveRuleId,
  }).filter((f) => !contextOnly.has(f.file) || runLevel.has(f.rule));
  const order = new Map(migrations.map((m, i) => [m.file, i]));
  findings.sort(
    (a, b) =>
      (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0) ||
      a.line - b.line ||
      a.column - b.column ||
      a.rule.localeCompare(b.rule),
  );
  return { findings, migrations, skipped, ...(cache ? { cache: cache.stats } : {}) };
}
