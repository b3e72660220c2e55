/**
 * The linting pipeline after parsing, with no I/O and no Node built-ins: parsed sources → IR → rules →
 * findings. The CLI (src/linter.ts, which reads and parses files) and the browser playground
 * (src/core.ts) both finish their runs here.
 */
import type { Migration, MigrationEdit, MigrationFormat } from './ir/types.js';
import { firstDifference } from './ir/compare.js';
import type { Finding } from './engine/types.js';
import { type FindingKind, isRule, type Severity } from './rules/types.js';
import { lintMigrations } from './engine/lint.js';
import { ALL_RULES, resolveRuleId } from './rules/index.js';
import { arrangeRun, noParserReason, parseFile } from './parsers/registry.js';
import type { ParseOutcome } from './parsers/parse-one.js';
import { initSqlParser } from './parsers/sql/parse-sql.js';
import type { CacheStats } from './parsers/stats.js';
import type { ReadResult } from './files/read-result.js';
import { applySuppressions } from './suppressions/apply.js';

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
  /**
   * With `cacheLocation`: a run whose inputs and options are all unchanged returns the stored report
   * (src/cache/lint-results.ts), whose migrations carry only what reporters read (their unknown
   * operations, not the whole IR). False for callers that need the IR (--fix). Default: true.
   */
  cachedReport?: boolean;
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
  rules: readonly FindingKind[] = ALL_RULES,
): { rule: FindingKind; severity: Severity }[] {
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
    if (before && p.status === 'renamed') for (const m of before) m.file = p.path;
    const start = { file: p.path, line: 1, column: 1, endLine: 1, endColumn: 1 };
    const difference = p.status === 'deleted' || !before ? start : firstDifference(arrangeRun(before), now, p.path);
    const identifiedBy = (now[0] ?? before?.[0])?.identifiedBy ?? 'file-name';
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

const KEBAB_CASE = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/**
 * Each id's place in `localeCompare` order, ids that compare equal sharing one: comparing places
 * orders as localeCompare does, without an ICU comparison for each of the many ties of a large run.
 */
function localeRanks(ids: readonly string[]): Map<string, number> {
  const distinct = [...new Set(ids)];
  // Kebab-case ids (every rule's) sort the same by code units, without loading ICU's collator
  // (about 6 ms, the first comparison of a run).
  if (distinct.every((id) => KEBAB_CASE.test(id))) {
    distinct.sort();
    return new Map(distinct.map((id, i) => [id, i]));
  }
  const sorted = distinct.sort((a, b) => a.localeCompare(b));
  const rank = new Map<string, number>();
  let place = 0;
  sorted.forEach((id, i) => {
    if (i > 0 && sorted[i - 1]!.localeCompare(id) !== 0) place++;
    rank.set(id, place);
  });
  return rank;
}

/**
 * Lints parsed sources: `parsed[i]` is what the parsers made of `inputs[i]` (undefined when its content
 * could not be read or no format reads it). `displayPath` names files in messages.
 */
export async function lintParsed(
  inputs: readonly SourceInput[],
  parsed: readonly ParseOutcome[],
  options: LinterOptions,
  previous: readonly PreviousVersion[],
  displayPath: (path: string) => string,
): Promise<LintResult> {
  const migrations: Migration[] = [];
  const skipped: LintResult['skipped'] = [];
  inputs.forEach((input, i) => {
    const content = input.content;
    const outcome = parsed[i];
    if (!content.ok)
      migrations.push(fileError(input.path, content.rule, content.message, content.line, content.column));
    // A frontend bug must not stop the run nor show a stack trace: report it on the file.
    else if (outcome && 'internalError' in outcome)
      migrations.push(
        fileError(input.path, 'parse-error', `Internal error while reading this file: ${outcome.internalError}`),
      );
    else if (outcome) migrations.push(...outcome);
    else if (input.explicit)
      migrations.push(
        fileError(
          input.path,
          'parse-error',
          `Not linted: ${noParserReason(input.path, content.text, options.dialect)}.`,
        ),
      );
    else skipped.push({ path: input.path, reason: noParserReason(input.path, content.text, options.dialect) });
  });
  // The order (and units) the tools run: Alembic revisions in graph order, offline SQL per revision.
  migrations.splice(0, migrations.length, ...arrangeRun(migrations));
  // Rules ask libpg-query's scanner (which names need quoting in messages and fixes): loaded by parsing
  // as a rule, but a run whose files all came from the cache has parsed nothing.
  await initSqlParser();
  const rules = enabledRules(options.rules);
  const contextOnly = new Set(inputs.filter((i) => i.contextOnly).map((i) => i.path));
  const linted = lintMigrations(migrations, {
    contextOnly,
    pgVersion: options.pgVersion,
    dialect: options.dialect,
    checkDowngrade: options.checkDowngrade,
    rules,
    edits: previous.length ? await migrationEdits(previous, migrations, options) : [],
    displayPath,
  });
  const severities = new Map(rules.map((r) => [r.rule.meta.id, r.severity]));
  // The engine reports file diagnostics as errors; the configured severity (or `off`) applies to them too.
  const configured: Finding[] = [];
  for (const f of linted) {
    if (f.rule !== 'parse-error' && f.rule !== 'io-error') configured.push(f);
    else {
      const severity = severities.get(f.rule);
      if (severity) configured.push({ ...f, severity });
    }
  }
  const runLevel = new Set(
    rules.filter(({ rule }) => isRule(rule) && rule.checkRun && !rule.checkRunPerFile).map((r) => r.rule.meta.id),
  );
  const findings = applySuppressions(configured, migrations, {
    knownRules: new Set(ALL_RULES.map((r) => r.meta.id)),
    severityOf: (id) => severities.get(id),
    resolveRule: resolveRuleId,
  }).filter((f) => !contextOnly.has(f.file) || runLevel.has(f.rule));
  const order = new Map(migrations.map((m, i) => [m.file, i]));
  const ruleOrder = localeRanks(findings.map((f) => f.rule));
  findings.sort(
    (a, b) =>
      (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0) ||
      a.line - b.line ||
      a.column - b.column ||
      (ruleOrder.get(a.rule) ?? 0) - (ruleOrder.get(b.rule) ?? 0),
  );
  return { findings, migrations, skipped };
}
