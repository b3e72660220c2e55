/**
 * The mechanical rewrites for a finding, in every form a file can hold them: SQL text (a `.sql`
 * file, or SQL in a string of a framework migration), a framework's own call (node-pg-migrate's
 * `createIndex(…, { concurrently: true })`, Alembic's `postgresql_concurrently=True`), and the
 * framework's way out of its transaction or to set `lock_timeout` at the top of the migration. Each
 * fix is a candidate only: the language server and `--fix` re-lint the edited migration set and keep
 * it only when the finding is gone and nothing new appears (which is also what tells a file whose
 * tool would still run the statement in a transaction).
 */
import type { Finding } from '../engine/types.js';
import type { Direction, MigrationFormat, Operation, TransactionMode } from '../ir/types.js';
import type { LineRange } from '../suppressions/apply.js';
import {
  concurrentlyInsertion,
  findingOffsets,
  type Insertion,
  insertionEdit,
  keywordInsertion,
  lockTimeoutInsertion,
  type OffsetEdit,
  offsetAt,
  type TextFix,
} from './edits.js';

export type { OffsetEdit, TextFix };
import { pythonConcurrentIndex, pythonLockTimeout } from './python.js';
import { scriptConcurrentIndex, scriptLockTimeout } from './script.js';

export interface FixContext {
  text: string;
  /** Line ranges of the file's statements (1-based). */
  statements: readonly LineRange[];
  /** The file's migration format, when the run detected it. */
  format?: MigrationFormat | undefined;
  /**
   * How the tool runs the finding's direction. In a migration it wraps in a transaction, a framework's
   * `SET lock_timeout` is `SET LOCAL`: a plain SET would outlive the COMMIT on the pooled connection
   * that an application running its migrations at start-up goes on to use.
   */
  transaction?: TransactionMode | undefined;
  /**
   * The direction holds only index builds and drops (and settings): taking the whole migration out of
   * its transaction then changes nothing else. Otherwise the other statements would lose their
   * all-or-nothing run, which is a decision, not a mechanical rewrite: no whole-file opt-out is offered.
   */
  onlyIndexes?: boolean | undefined;
}

const INDEX_ONLY_KINDS = new Set<Operation['kind']>(['create-index', 'drop-index', 'reindex', 'set-setting']);

/** Whether `ops` (one direction of a migration) are only index builds and drops, and settings. */
export function onlyIndexOps(ops: readonly Operation[], direction: Direction): boolean {
  return ops.filter((op) => op.direction === direction).every((op) => INDEX_ONLY_KINDS.has(op.kind));
}

/** The rules with a mechanical rewrite, in the order `--fix` applies them. */
export const FIXABLE_RULES = [
  'require-concurrent-index-creation',
  'require-concurrent-index-deletion',
  'constraint-missing-not-valid',
  'adding-foreign-key-constraint',
  'prefer-robust-stmts',
  'require-lock-timeout',
] as const;

const SCRIPT_FORMATS = new Set<MigrationFormat>([
  'knex',
  'typeorm',
  'kysely',
  'node-pg-migrate',
  'sequelize',
  'mikro-orm',
]);
const SQL_FILE = /\.sql$/i;

const single = (text: string, i: Insertion | undefined): TextFix[] =>
  i ? [{ title: i.title, edits: [insertionEdit(text, i)] }] : [];

/** `text` with the edits applied; undefined when two of them overlap. Identical edits count once. */
export function applyEdits(text: string, edits: readonly OffsetEdit[]): string | undefined {
  const unique = [...new Map(edits.map((e) => [JSON.stringify([e.start, e.end, e.text]), e])).values()];
  unique.sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  let floor = Infinity;
  for (const e of unique) {
    // an insertion at the start of a replaced range, or two different insertions at one offset, collide
    if (e.end > floor || (e.end === floor && e.start === e.end)) return undefined;
    out = out.slice(0, e.start) + e.text + out.slice(e.end);
    floor = e.start;
  }
  return out;
}

/** The header of a dbmate section, `-- migrate:up` without options, in the direction of `finding`. */
function dbmateNoTransaction(finding: Finding, text: string): OffsetEdit | undefined {
  const marker = finding.direction === 'upgrade' ? 'up' : 'down';
  const m = new RegExp(`^--\\s*migrate:${marker}[ \\t]*$`, 'm').exec(text);
  if (!m) return undefined;
  return { start: m.index + m[0].length, end: m.index + m[0].length, text: ' transaction:false' };
}

/** `DROP INDEX` → `DROP INDEX CONCURRENTLY`, for a statement that drops one index without CASCADE. */
function dropConcurrently(finding: Finding, text: string): Insertion | undefined {
  const { start, end } = findingOffsets(finding, text);
  const statement = text.slice(start, end);
  // CONCURRENTLY drops one index, and cannot CASCADE
  if (/,|\bCASCADE\b/i.test(statement.replace(/--[^\n]*|'(?:[^']|'')*'/g, ''))) return undefined;
  return keywordInsertion(
    finding,
    text,
    /\bDROP\s+INDEX\b(?!\s+CONCURRENTLY\b)/iy,
    ' CONCURRENTLY',
    'Drop the index CONCURRENTLY',
  );
}

/** Where a statement ends: its `;` or the end of the span when it has none (the last statement of a file). */
function statementEnd(text: string, end: number): number {
  let at = end;
  while (at > 0 && /\s/.test(text.charAt(at - 1))) at--;
  return text[at - 1] === ';' ? at - 1 : at;
}

const IDENT = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)`;
const QUALIFIED = `${IDENT}(?:\\s*\\.\\s*${IDENT})?`;
const ADD_CONSTRAINT = new RegExp(
  String.raw`^ALTER\s+TABLE\s+(?:ONLY\s+)?(?:IF\s+EXISTS\s+)?(${QUALIFIED})\s+ADD\s+CONSTRAINT\s+(${IDENT})\s+(?:FOREIGN\s+KEY|CHECK)\b`,
  'i',
);

/**
 * `ALTER TABLE t ADD CONSTRAINT c FOREIGN KEY/CHECK … NOT VALID;` and `ALTER TABLE t VALIDATE
 * CONSTRAINT c;` as the next statement: SQL text only, one named constraint per statement.
 */
function notValidFix(finding: Finding, ctx: FixContext): TextFix[] {
  if (!SQL_FILE.test(finding.file)) return [];
  const { text } = ctx;
  const containing = ctx.statements.filter((s) => s.line <= finding.line && finding.line <= s.endLine);
  const line = containing.length ? Math.min(...containing.map((s) => s.line)) : finding.line;
  const endLine = containing.length ? Math.max(...containing.map((s) => s.endLine)) : finding.endLine;
  const start = offsetAt(text, line, 1) + (/^[ \t]*/.exec(text.slice(offsetAt(text, line, 1)))?.[0].length ?? 0);
  const lineEnd = text.indexOf('\n', offsetAt(text, endLine, 1));
  const end = statementEnd(text, lineEnd < 0 ? text.length : lineEnd);
  const statement = text.slice(start, end);
  const m = ADD_CONSTRAINT.exec(statement);
  // several actions in one ALTER TABLE, or NOT VALID already there: a human rewrites it
  const [, table, constraint] = m ?? [];
  if (
    !table ||
    !constraint ||
    /\bNOT\s+VALID\b/i.test(statement) ||
    /,\s*(?:ADD|ALTER|DROP|VALIDATE)\b/i.test(statement)
  )
    return [];
  const indent = /^[ \t]*/.exec(text.slice(offsetAt(text, line, 1)))?.[0] ?? '';
  const breakpoint = /-->\s*statement-breakpoint/.test(text) ? '--> statement-breakpoint' : '';
  const terminated = text[end] === ';';
  return [
    {
      title: `Add the constraint NOT VALID, then VALIDATE CONSTRAINT ${constraint} in the next statement`,
      edits: [
        {
          start: end,
          end: terminated ? end + 1 : end,
          text: ` NOT VALID;${breakpoint}\n${indent}ALTER TABLE ${table} VALIDATE CONSTRAINT ${constraint};`,
        },
      ],
    },
  ];
}

/** `IF [NOT] EXISTS` at its place in the statement prefer-robust-stmts flags (its message names the statement). */
function robustFix(finding: Finding, text: string): Insertion | undefined {
  const m = /^(CREATE TABLE|CREATE INDEX|ADD COLUMN|DROP COLUMN|DROP TABLE|DROP INDEX|DROP CONSTRAINT)\b/.exec(
    finding.message,
  );
  if (!m) return undefined;
  const patterns: Record<string, [RegExp, string]> = {
    'CREATE TABLE': [
      /\bCREATE\s+(?:(?:GLOBAL\s+|LOCAL\s+)?(?:TEMP|TEMPORARY)\s+|UNLOGGED\s+)?TABLE\b(?!\s+IF\b)/iy,
      ' IF NOT EXISTS',
    ],
    'CREATE INDEX': [/\bCREATE\s+(?:UNIQUE\s+)?INDEX(?:\s+CONCURRENTLY)?\b(?!\s+IF\b)/iy, ' IF NOT EXISTS'],
    'ADD COLUMN': [
      /\bADD(?:\s+COLUMN)?\b(?!\s+(?:IF|CONSTRAINT|PRIMARY|UNIQUE|CHECK|FOREIGN|EXCLUDE)\b)/iy,
      ' IF NOT EXISTS',
    ],
    'DROP COLUMN': [/\bDROP(?:\s+COLUMN)?\b(?!\s+(?:IF|CONSTRAINT|DEFAULT|NOT|EXPRESSION|IDENTITY)\b)/iy, ' IF EXISTS'],
    'DROP TABLE': [/\bDROP\s+TABLE\b(?!\s+IF\b)/iy, ' IF EXISTS'],
    'DROP INDEX': [/\bDROP\s+INDEX(?:\s+CONCURRENTLY)?\b(?!\s+IF\b)/iy, ' IF EXISTS'],
    'DROP CONSTRAINT': [/\bDROP\s+CONSTRAINT\b(?!\s+IF\b)/iy, ' IF EXISTS'],
  };
  const [pattern, words] = patterns[m[1] ?? ''] ?? [];
  if (!pattern || !words) return undefined;
  return keywordInsertion(finding, text, pattern, words, `Write${words} (the statement can run again)`);
}

function isScript(finding: Finding, format: MigrationFormat | undefined): boolean {
  return format ? SCRIPT_FORMATS.has(format) : /\.(?:[cm]?[jt]s|[jt]sx)$/i.test(finding.file);
}
const isPython = (finding: Finding, format: MigrationFormat | undefined) =>
  format ? format === 'alembic' : /\.py$/i.test(finding.file);

/** The mechanical rewrites for a finding (none when its rule has none, or the file's form has none). */
export async function mechanicalFixes(finding: Finding, ctx: FixContext): Promise<TextFix[]> {
  const { text, statements, format } = ctx;
  const sql = SQL_FILE.test(finding.file);
  switch (finding.rule) {
    case 'require-concurrent-index-creation':
    case 'require-concurrent-index-deletion': {
      const creation = finding.rule === 'require-concurrent-index-creation';
      if (sql) {
        const keyword = creation ? concurrentlyInsertion(finding, text) : dropConcurrently(finding, text);
        if (!keyword) return [];
        const fix = single(text, keyword);
        // dbmate says it in the section header; other SQL formats cannot, and the re-lint refuses
        const header = format === 'dbmate' && ctx.onlyIndexes ? dbmateNoTransaction(finding, text) : undefined;
        // the section's own way out of the transaction first: inside it, CONCURRENTLY fails
        return header
          ? [
              { title: `${keyword.title}, outside the transaction`, edits: [insertionEdit(text, keyword), header] },
              ...fix,
            ]
          : fix;
      }
      if (isScript(finding, format))
        return scriptConcurrentIndex(finding, text, format, creation, ctx.onlyIndexes === true);
      if (isPython(finding, format)) return pythonConcurrentIndex(finding, text, statements, creation);
      return [];
    }
    case 'constraint-missing-not-valid':
    case 'adding-foreign-key-constraint':
      return notValidFix(finding, ctx);
    case 'prefer-robust-stmts':
      return single(text, robustFix(finding, text));
    case 'require-lock-timeout':
      if (sql) return single(text, lockTimeoutInsertion(finding, text, statements));
      if (isScript(finding, format)) return scriptLockTimeout(finding, text, format, ctx.transaction === 'wrapped');
      if (isPython(finding, format)) return pythonLockTimeout(finding, text, ctx.transaction === 'wrapped');
      return [];
    default:
      return [];
  }
}
