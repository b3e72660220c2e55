import type {
  Direction,
  DowngradeInfo,
  Migration,
  MigrationFormat,
  Operation,
  SourceSpan,
  TransactionMode,
} from '../../ir/types.js';
import type { FileDiagnostic } from '../../ir/types.js';
import type { SourceFile } from '../types.js';
import { LineIndex } from '../../ir/source-text.js';
import { assignTransactions } from '../../ir/transactions.js';
import { parseSql } from '../sql/parse-sql.js';
import { templateActionsAsNames } from '../sql/template-values.js';

/** A region of an SQL file with a direction (dbmate's `-- migrate:down` part is the downgrade). */
export interface SqlSection {
  start: number;
  end: number;
  direction: Direction;
  /** Overrides the file's transaction mode for this section (dbmate `transaction:false`). */
  transaction?: TransactionMode;
  /** The tool sends the section as one multi-statement query, in its transaction or not (dbmate, sqlx). */
  oneQuery?: boolean;
}

/** Parses the sections of an SQL file into one migration, positions relative to the whole file. */
export function sqlMigration(
  path: string,
  text: string,
  format: MigrationFormat,
  transaction: TransactionMode,
  sections: SqlSection[] = [{ start: 0, end: text.length, direction: 'upgrade' }],
  revisionAt?: (offset: number) => string | undefined,
): Migration {
  const index = new LineIndex(text);
  const ops: Operation[] = [];
  const diagnostics: Migration['diagnostics'] = [];
  let statementBase = 0;
  let byDirection: Migration['transactionByDirection'];
  // Same length as `text`: the sections' offsets and every position stay those of the file.
  const sql = templateActionsAsNames(text);
  for (const section of sections) {
    const body = sql.slice(section.start, section.end);
    const result = parseSql(body, {
      file: path,
      direction: section.direction,
      locate: (o) => index.position(section.start + o),
      revisionAt: revisionAt ? (o) => revisionAt(section.start + o) : undefined,
    });
    for (const op of result.ops) op.statementIndex += statementBase;
    statementBase += result.statements;
    assignTransactions(result.ops, section.transaction ?? transaction, section.oneQuery);
    if (section.transaction && section.transaction !== transaction)
      (byDirection ??= {})[section.direction] = section.transaction;
    for (const op of result.ops) ops.push(op); // (not push(...ops): 100,000+ ops overflow the stack)
    for (const d of result.diagnostics) diagnostics.push(d);
  }
  const migration: Migration = { file: path, format, ops, transaction, diagnostics, source: text };
  if (byDirection) migration.transactionByDirection = byDirection;
  return migration;
}

/**
 * The finding for a file that began with a UTF-8 byte order mark, for a tool that sends the file's bytes
 * as they are (sqlx, golang-migrate, pop): Postgres rejects the mark (`syntax error at or near "\ufeff"`),
 * so the migration fails before its first statement. Undefined for a file without one.
 */
export function byteOrderMark(file: SourceFile, tool: string): FileDiagnostic | undefined {
  if (!file.bom) return undefined;
  return {
    rule: 'parse-error',
    message: `The file starts with a UTF-8 byte order mark, which ${tool} sends to Postgres with the rest of the file: Postgres rejects it (syntax error at or near "\ufeff") and the migration fails. Save the file as UTF-8 without a BOM.`,
    span: { file: file.path, line: 1, column: 1, endLine: 1, endColumn: 1 },
  };
}

export function baseName(path: string): string {
  return path.replace(/\\/g, '/').split('/').pop() ?? path;
}

/** Whether a downgrade's ops do anything: transaction control and settings alone undo nothing. */
function runsSomething(ops: readonly Operation[]): boolean {
  return ops.some((op) => op.direction === 'downgrade' && op.kind !== 'transaction' && op.kind !== 'set-setting');
}

/** The downgrade facts of a file's downgrade section (dbmate, node-pg-migrate SQL), `span` being its marker. */
export function sectionDowngrade(migration: Migration, span: SourceSpan): DowngradeInfo {
  // A downgrade Postgres rejects is reported as a parse-error, not judged empty.
  const rejected = migration.diagnostics.some((d) => d.direction === 'downgrade');
  return { state: runsSomething(migration.ops) || rejected ? 'present' : 'empty', span };
}

/** A span over a character range of a file's text. */
export function textSpan(path: string, text: string, start: number, end: number): SourceSpan {
  return new LineIndex(text).span(path, start, end);
}

/**
 * For formats that keep the downgrade in a file of its own (golang-migrate `.down.sql`, Flyway `U`
 * undo files): states on each upgrade whether its downgrade file, when it is in the run, does
 * anything. `key` names a migration's version within its directory; files not in the run say nothing.
 */
export function pairDowngradeFiles(migrations: Migration[], key: (m: Migration) => string | undefined): void {
  const downs = new Map<string, Migration>();
  for (const m of migrations) {
    const k = m.fileDirection === 'downgrade' ? key(m) : undefined;
    if (k !== undefined) downs.set(k, m);
  }
  for (const m of migrations) {
    if (m.fileDirection !== 'upgrade') continue;
    const k = key(m);
    const down = k === undefined ? undefined : downs.get(k);
    // A down file that does not parse is reported as such, not judged empty.
    if (!down || down.diagnostics.length > 0) continue;
    m.downgrade = {
      state: runsSomething(down.ops) ? 'present' : 'empty',
      span: { file: down.file, line: 1, column: 1, endLine: 1, endColumn: 1 },
    };
  }
}

/** `dir/` of a path, for pairing files of one migration directory. */
export function dirName(path: string): string {
  const p = path.replace(/\\/g, '/');
  return p.slice(0, p.lastIndexOf('/') + 1);
}
