/**
 * Applies suppression comments to findings. A directive covers the whole statement it points at:
 * every finding whose start line lies in that statement's line range, so a multi-line statement is
 * covered wherever in it the finding points (a clause, a column of a CREATE TABLE). Directives that
 * silence nothing, name unknown rules, or give no reason become findings themselves.
 */
import type { Migration } from '../ir/types.js';
import type { Finding } from '../engine/types.js';
import type { Severity } from '../rules/types.js';
import { type Directive, directiveText, findDirectives, targetLine } from './directives.js';
import { languageOf, statementEnd } from './extent.js';

export const UNUSED_SUPPRESSION = 'unused-suppression';
export const SUPPRESSION_MISSING_REASON = 'suppression-missing-reason';

export interface SuppressionOptions {
  /** Every rule id migration-lint has. */
  knownRules: ReadonlySet<string>;
  /** Effective severity of a rule, undefined when the rule is turned off. */
  severityOf(rule: string): Severity | undefined;
  /** The rule ids a name stands for (an alias such as Squawk's `prefer-timestamp-tz`); default: the name itself. */
  resolveRule?(name: string): readonly string[];
}

export interface LineRange {
  line: number;
  endLine: number;
}

/** The line range of each source statement of a migration (its ops share a statementIndex). */
export function statementGroups(migration: Migration): LineRange[] {
  const groups = new Map<string, LineRange>();
  for (const op of migration.ops) {
    // The statement's range covers all its clauses (statementRanges adds each op's own span, so a
    // comment above one clause of a multi-clause ALTER TABLE covers that clause).
    const whole = op.statementSpan ?? op.span;
    const key = `${op.direction}:${op.statementIndex}`;
    const g = groups.get(key);
    if (!g) groups.set(key, { line: whole.line, endLine: whole.endLine });
    else {
      g.line = Math.min(g.line, whole.line);
      g.endLine = Math.max(g.endLine, whole.endLine);
    }
  }
  return [...groups.values()];
}

/** Line ranges a directive can point at: each op's own, and each statement's. */
function statementRanges(migration: Migration): LineRange[] {
  return [
    ...migration.ops.map((op) => ({ line: op.span.line, endLine: op.span.endLine })),
    ...statementGroups(migration),
  ];
}

function coveredRanges(d: Directive, ranges: LineRange[], lines: readonly string[]): LineRange[] {
  if (d.scope === 'file') return [{ line: 1, endLine: Number.MAX_SAFE_INTEGER }];
  if (d.scope === 'next-statement') {
    const target = targetLine(d.file, lines, d.line);
    const starting = ranges.filter((r) => r.line === target);
    // In code, the statement is the call expression as written (an alterTable callback, a `with` block),
    // which can start before the first op it produces.
    const language = languageOf(d.file);
    if (language) starting.push({ line: target, endLine: statementEnd(lines, target, language) });
    return starting.length ? starting : [{ line: target, endLine: target }];
  }
  const containing = ranges.filter((r) => r.line <= d.line && d.line <= r.endLine);
  return containing.length ? containing : [{ line: d.line, endLine: d.line }];
}

function describeTarget(d: Directive, covered: LineRange[]): string {
  if (d.scope === 'file') return 'in this file';
  const line = Math.min(...covered.map((r) => r.line));
  return `on the statement at line ${line}`;
}

export function applySuppressions(
  findings: Finding[],
  migrations: readonly Migration[],
  options: SuppressionOptions,
): Finding[] {
  const byFile = new Map<string, Finding[]>();
  for (const f of findings) {
    let list = byFile.get(f.file);
    if (!list) byFile.set(f.file, (list = []));
    list.push(f);
  }
  const suppressed = new Set<Finding>();
  const produced: Finding[] = [];
  const unusedSeverity = options.severityOf(UNUSED_SUPPRESSION);
  const reasonSeverity = options.severityOf(SUPPRESSION_MISSING_REASON);

  // A file can give several migrations (Alembic offline SQL: one per revision): directives are per file.
  const byPath = new Map<string, Migration>();
  for (const m of migrations) {
    const seen = byPath.get(m.file);
    byPath.set(m.file, seen ? { ...seen, ops: [...seen.ops, ...m.ops] } : m);
  }
  for (const migration of byPath.values()) {
    const directives = findDirectives(migration.file, migration.source);
    if (directives.length === 0) continue;
    const lines = migration.source.split('\n');
    const ranges = statementRanges(migration);
    const fileFindings = byFile.get(migration.file) ?? [];
    const meta = (d: Directive, rule: string, severity: Severity, message: string, help: string): Finding => ({
      rule,
      severity,
      file: migration.file,
      line: d.line,
      column: d.column,
      endLine: d.line,
      endColumn: d.endColumn,
      message,
      help,
      direction: 'upgrade',
    });

    for (const d of directives) {
      const covered = coveredRanges(d, ranges, lines);
      const inScope = (f: Finding) => covered.some((r) => r.line <= f.line && f.line <= r.endLine);
      // Squawk's file-level form and pgfence's form without rules silence every rule.
      const everyRule =
        d.rules.length === 0 && ((d.syntax === 'squawk' && d.scope === 'file') || d.syntax === 'pgfence');
      const written = everyRule ? [...options.knownRules] : d.rules;
      const names = [
        ...new Set(
          written.flatMap((name) => {
            const ids = options.resolveRule?.(name) ?? [name];
            return ids.length ? ids : [name];
          }),
        ),
      ];
      const unused: string[] = [];
      for (const rule of names) {
        let used = false;
        for (const f of fileFindings) {
          if (f.rule === rule && inScope(f)) {
            suppressed.add(f);
            used = true;
          }
        }
        if (used || d.syntax !== 'migration-lint') continue; // Squawk and pgfence comments name their own rules, many of which migration-lint does not have
        if (rule === UNUSED_SUPPRESSION || rule === SUPPRESSION_MISSING_REASON) continue;
        if (!options.knownRules.has(rule)) {
          if (unusedSeverity)
            produced.push(
              meta(
                d,
                UNUSED_SUPPRESSION,
                unusedSeverity,
                `${directiveText(d, [rule])} names "${rule}", which is not a migration-lint rule, so it suppresses nothing.`,
                'Use a rule id from `migration-lint rules`, and put the reason after " -- ".',
              ),
            );
        } else if (options.severityOf(rule) !== undefined) unused.push(rule);
      }
      if (unused.length && unusedSeverity) {
        produced.push(
          meta(
            d,
            UNUSED_SUPPRESSION,
            unusedSeverity,
            `${directiveText(d, unused)} suppresses nothing: no ${unused.join(' or ')} finding ${describeTarget(d, covered)}.`,
            'Remove the comment (or the rules it no longer needs), or move it directly above the statement it is meant for.',
          ),
        );
      }
      if (d.syntax === 'migration-lint' && d.rules.length === 0 && unusedSeverity) {
        produced.push(
          meta(
            d,
            UNUSED_SUPPRESSION,
            unusedSeverity,
            `${d.keyword.replace(/=$/, '')} names no rule, so it suppresses nothing.`,
            `List the rule ids it silences: ${directiveText(d, ['<rule>'])} -- <reason>.`,
          ),
        );
      }
      const known = d.rules.filter((r) => options.knownRules.has(r));
      if (d.syntax === 'migration-lint' && known.length > 0 && d.reason === undefined && reasonSeverity) {
        produced.push(
          meta(
            d,
            SUPPRESSION_MISSING_REASON,
            reasonSeverity,
            `${directiveText(d, d.rules)} gives no reason.`,
            `Say why the statement is safe after " -- ", e.g. ${directiveText(d, d.rules)} -- the table has 12 rows.`,
          ),
        );
      }
    }
    // File-level directives may silence the suppression findings themselves.
    for (const d of directives) {
      if (d.scope !== 'file') continue;
      for (let k = produced.length - 1; k >= 0; k--) {
        const f = produced[k]!;
        if (f.file === migration.file && d.rules.includes(f.rule)) produced.splice(k, 1);
      }
    }
  }
  return [...findings.filter((f) => !suppressed.has(f)), ...produced];
}
