/**
 * Facts about the migration being linted that several rules share: how the tool runs this direction
 * with respect to transactions, and what this migration's own upgrade created (so a downgrade that
 * removes it again is the expected reverse, not a loss of existing data).
 */
import type {
  ConstraintDef,
  Migration,
  Operation,
  QualifiedName,
  TransactionHelp,
  TransactionMode,
} from '../../ir/types.js';
import type { RuleContext } from '../types.js';
import { tableKey } from '../../analysis/schema-state.js';
import { blocksWrites, locksOf } from '../../analysis/locks.js';

/** How the tool runs the ops of the direction being linted. */
export function toolTransactionMode(context: RuleContext): TransactionMode {
  return context.migration.transactionByDirection?.[context.direction] ?? context.migration.transaction;
}

/**
 * In a downgrade: the migration's upgrade created this table (or added this column), so dropping it
 * is the reverse of this very migration. Always false for upgrades.
 */
export function createdByOwnUpgrade(context: RuleContext, table: QualifiedName, column?: string): boolean {
  if (context.direction !== 'downgrade') return false;
  const key = tableKey(table);
  for (const op of context.migration.ops) {
    if (op.direction !== 'upgrade') continue;
    if (op.kind === 'create-table' && tableKey(op.table) === key) {
      if (column === undefined || op.columns.some((c) => c.name === column)) return true;
    }
    if (column !== undefined && op.kind === 'add-column' && tableKey(op.table) === key && op.column.name === column)
      return true;
  }
  return false;
}

/** The constraints an op creates on a table, with the table (CREATE TABLE, ADD COLUMN's inline ones, ADD CONSTRAINT). */
export function constraintsCreatedBy(op: Operation): { table: QualifiedName; constraint: ConstraintDef }[] {
  switch (op.kind) {
    case 'create-table':
      return [...op.constraints, ...op.columns.flatMap((c) => c.constraints)].map((constraint) => ({
        table: op.table,
        constraint,
      }));
    case 'add-column':
      return op.column.constraints.map((constraint) => ({ table: op.table, constraint }));
    case 'add-constraint':
      return [{ table: op.table, constraint: op.constraint }];
    default:
      return [];
  }
}

/**
 * In a downgrade: the migration's upgrade created this constraint (by name; a nameless drop matches any
 * constraint the upgrade created on the table without a name), so dropping it is that migration's reverse.
 */
export function constraintCreatedByOwnUpgrade(context: RuleContext, table: QualifiedName, name: string): boolean {
  if (context.direction !== 'downgrade') return false;
  const key = tableKey(table);
  return context.migration.ops.some(
    (op) =>
      op.direction === 'upgrade' &&
      constraintsCreatedBy(op).some((c) => tableKey(c.table) === key && (c.constraint.name ?? '') === name),
  );
}

/** Why `op` runs in a transaction block; `begin` is the explicit BEGIN still open when it runs. */
export function transactionCause(migration: Migration, op: Operation, begin: Operation | undefined): TransactionHelp {
  if (begin) {
    return {
      reason: `the file opens a transaction block with BEGIN on line ${begin.span.line}`,
      fix: 'move the statement after the COMMIT, or to a migration of its own that has no BEGIN',
    };
  }
  // The frontend states how its tool runs the migration and how to leave the transaction.
  const mode = migration.transactionByDirection?.[op.direction] ?? migration.transaction;
  if (mode === 'implicit') {
    return (
      migration.transactionFacts?.implicit ?? {
        reason:
          'the migration tool sends the whole file as one multi-statement query, which Postgres runs as one implicit transaction',
        fix: 'make it the only statement of its migration file (a SET before it counts as a statement too)',
      }
    );
  }
  if (mode === 'wrapped') {
    return (
      migration.transactionFacts?.wrapped ?? {
        reason: 'the migration tool runs this file in a transaction',
        fix: 'run the statement in a migration the tool executes outside a transaction',
      }
    );
  }
  // The tool opens no transaction, yet the frontend saw the statement sent together with others.
  return {
    reason:
      'it is sent in one SQL string together with other statements, which Postgres runs as one implicit transaction',
    fix: 'send it in a query (a raw SQL call) of its own',
  };
}

/** What takes the place of a dropped table or column later in the same transaction. */
export interface Replacement {
  /** The op that puts something under the dropped name. */
  by: Operation;
  /** `renamed`: another table/column is renamed to the name (a swap); `added`: a new column gets it. */
  how: 'renamed' | 'added';
  /** The name the replacement had before (the copy a swap renames into place). */
  from?: string;
  /** The earlier op of the same transaction that filled the replacement from the dropped one, if any. */
  copy?: Operation;
}

/**
 * The same transaction as `op` for each of `ops` (in order, from `op` on): both run in the tool's (or
 * the migration's own) transaction and no COMMIT/BEGIN lies between them.
 */
function transactionAround(context: RuleContext, op: Operation): Operation[] {
  const ops = context.ops;
  const at = ops.indexOf(op);
  if (at < 0 || !op.inTransaction) return [];
  let start = at;
  while (start > 0 && ops[start - 1]!.inTransaction && ops[start - 1]!.kind !== 'transaction') start--;
  let end = at;
  while (end < ops.length - 1 && ops[end + 1]!.inTransaction && ops[end + 1]!.kind !== 'transaction') end++;
  return ops.slice(start, end + 1);
}

/** The data change among `ops` that writes `table` and passes `test` (the statement that fills a copy). */
function filledBefore(
  ops: readonly Operation[],
  table: QualifiedName,
  test: (op: Extract<Operation, { kind: 'data-change' }>) => boolean,
): Operation | undefined {
  const key = tableKey(table);
  return ops.find((o) => o.kind === 'data-change' && o.table !== undefined && tableKey(o.table) === key && test(o));
}

/**
 * A later op of the same transaction that puts another table (or column) under the dropped name:
 * the drop is one step of a replacement — fill a copy, drop the original, rename the copy into its
 * place — so running code finds the name again when the transaction commits.
 */
export function replacementOf(
  context: RuleContext,
  op: Operation,
  table: QualifiedName,
  column?: string,
): Replacement | undefined {
  const tx = transactionAround(context, op);
  const at = tx.indexOf(op);
  if (at < 0) return undefined;
  const key = tableKey(table);
  for (const later of tx.slice(at + 1)) {
    if (column === undefined && later.kind === 'rename-table' && later.newName === table.name) {
      const from = later.table;
      // INSERT INTO the copy … SELECT … FROM the dropped table
      const copy = filledBefore(tx.slice(0, at), from, (o) => (o.sources ?? []).some((s) => tableKey(s) === key));
      return { by: later, how: 'renamed', from: from.name, ...(copy ? { copy } : {}) };
    }
    if (column === undefined || !('table' in later) || !later.table || tableKey(later.table) !== key) continue;
    if (later.kind === 'rename-column' && later.newName === column) {
      // UPDATE t SET copy = dropped
      const copy = filledBefore(
        tx.slice(0, at),
        table,
        (o) => (o.assigns ?? []).includes(later.column) && (o.reads ?? []).includes(column),
      );
      return { by: later, how: 'renamed', from: later.column, ...(copy ? { copy } : {}) };
    }
    if (later.kind === 'add-column' && later.column.name === column) return { by: later, how: 'added' };
  }
  return undefined;
}

/** Whether an op of the same transaction before `before` locks `table` against writes (held until COMMIT). */
export function writesBlockedBefore(context: RuleContext, before: Operation, table: QualifiedName): boolean {
  const tx = transactionAround(context, before);
  const key = tableKey(table);
  return tx
    .slice(0, tx.indexOf(before))
    .some((o) =>
      locksOf(o, context).some((l) => typeof l.table !== 'string' && tableKey(l.table) === key && blocksWrites(l.mode)),
    );
}
