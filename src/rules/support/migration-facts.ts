/**
 * Facts about the migration being linted that several rules share: how the tool runs this direction
 * with respect to transactions, and what this migration's own upgrade created (so a downgrade that
 * removes it again is the expected reverse, not a loss of existing data).
 */
import type { ConstraintDef, Operation, QualifiedName, TransactionMode } from '../../ir/types.js';
import type { RuleContext } from '../types.js';
import { tableKey } from '../../analysis/schema-state.js';

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
