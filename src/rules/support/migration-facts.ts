/**
 * Facts about the migration being linted that several rules share: how the tool runs this direction
 * with respect to transactions, and what this migration's own upgrade created (so a downgrade that
 * removes it again is the expected reverse, not a loss of existing data).
 */
import type { QualifiedName, TransactionMode } from '../../ir/types.js';
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
