import type { Operation, QualifiedName } from './types.js';

/** The existing table an ALTER TABLE action works on (ADD/DROP COLUMN, constraints, renames, ATTACH/DETACH PARTITION…); undefined for other ops. */
export function alteredTable(op: Operation): QualifiedName | undefined {
  switch (op.kind) {
    case 'add-column':
    case 'drop-column':
    case 'rename-column':
    case 'alter-column-type':
    case 'set-not-null':
    case 'drop-not-null':
    case 'set-default':
    case 'add-constraint':
    case 'drop-constraint':
    case 'validate-constraint':
    case 'rename-table':
    case 'attach-partition':
    case 'detach-partition':
      return op.table;
    default:
      return undefined;
  }
}
