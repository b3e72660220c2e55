import type { Direction, Operation, TransactionMode } from './types.js';

/**
 * Fills in `inTransaction` for each op, per direction, from how the tool runs the file (`mode`)
 * and the explicit BEGIN/COMMIT/ROLLBACK ops in it. A transaction op records the state before it
 * runs, so a BEGIN with `inTransaction: true` is a nested BEGIN.
 */
export function assignTransactions(ops: Operation[], mode: TransactionMode, oneQuery = false): void {
  for (const direction of ['upgrade', 'downgrade'] as Direction[]) {
    const list = ops.filter((op) => op.direction === direction);
    if (list.length === 0) continue;
    // A multi-statement simple query is one implicit transaction: Postgres rejects CONCURRENTLY
    // in it unless it is the only statement.
    const statements = new Set(list.filter((op) => op.kind !== 'transaction').map((op) => op.statementIndex)).size;
    let inTx = mode === 'wrapped' || (mode === 'implicit' && statements > 1);
    for (const op of list) {
      op.inTransaction = inTx;
      if (op.kind === 'transaction') {
        if (op.action === 'begin') inTx = true;
        else if (op.action === 'commit' || op.action === 'rollback' || op.action === 'prepare')
          // A tool that sends its wrapped section as one query (dbmate's Exec, sqlx): what follows a COMMIT
          // in the section is still part of that multi-statement query, so an implicit transaction.
          inTx = (mode === 'implicit' && statements > 1) || (mode === 'wrapped' && oneQuery);
      }
    }
  }
}
