import type { Direction, Migration, MigrationFormat, Operation, TransactionMode } from '../../ir/types.js';
import { LineIndex } from '../../ir/source-text.js';
import { assignTransactions } from '../../ir/transactions.js';
import { parseSql } from '../sql/parse-sql.js';

/** A region of an SQL file with a direction (dbmate's `-- migrate:down` part is the downgrade). */
export interface SqlSection {
  start: number;
  end: number;
  direction: Direction;
  /** Overrides the file's transaction mode for this section (dbmate `transaction:false`). */
  transaction?: TransactionMode;
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
  for (const section of sections) {
    const body = text.slice(section.start, section.end);
    const result = parseSql(body, {
      file: path,
      direction: section.direction,
      locate: (o) => index.position(section.start + o),
      revisionAt: revisionAt ? (o) => revisionAt(section.start + o) : undefined,
    });
    for (const op of result.ops) op.statementIndex += statementBase;
    statementBase += result.statements;
    assignTransactions(result.ops, section.transaction ?? transaction);
    if (section.transaction && section.transaction !== transaction) (byDirection ??= {})[section.direction] = section.transaction;
    for (const op of result.ops) ops.push(op); // (not push(...ops): 100,000+ ops overflow the stack)
    for (const d of result.diagnostics) diagnostics.push(d);
  }
  const migration: Migration = { file: path, format, ops, transaction, diagnostics, source: text };
  if (byDirection) migration.transactionByDirection = byDirection;
  return migration;
}

export function baseName(path: string): string {
  return path.replace(/\\/g, '/').split('/').pop() ?? path;
}
