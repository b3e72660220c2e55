import type { Operation } from '../ir/types.js';

/** Op lists already numbered: an op list is not changed once rules read it. */
const numbered = new WeakMap<readonly Operation[], ReadonlyMap<Operation, number | undefined>>();

function endsTransaction(op: Operation): boolean {
  return op.kind === 'transaction' && (op.action === 'commit' || op.action === 'rollback' || op.action === 'prepare');
}

/**
 * Numbers the transactions of a migration's ops (one direction, in order): ops with the same number
 * run in the same transaction; an op outside any transaction block gets undefined (it commits on its
 * own). Built from the `inTransaction` flags the frontend set and the explicit BEGIN/COMMIT ops, so a
 * COMMIT in the middle of a wrapped or multi-statement file starts a new transaction.
 */
export function transactionIds(ops: readonly Operation[]): ReadonlyMap<Operation, number | undefined> {
  // Several rules ask for the same migration's ops (the engine's one array per migration and direction).
  const known = numbered.get(ops);
  if (known) return known;
  const ids = new Map<Operation, number | undefined>();
  numbered.set(ops, ids);
  let id = 0;
  let open = false;
  for (const op of ops) {
    const inside = op.inTransaction || (op.kind === 'transaction' && op.action === 'begin');
    if (inside && !open) id++;
    ids.set(op, inside ? id : undefined);
    open = inside && !endsTransaction(op);
  }
  return ids;
}
