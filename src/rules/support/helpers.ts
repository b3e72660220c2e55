import { qualified, quoteIdent } from '../../ir/identifiers.js';
import type { DefaultValue, QualifiedName } from '../../ir/types.js';
import type { LockMode } from '../../engine/types.js';

export { quoteIdent };

/**
 * A column default for messages: `DEFAULT now()`, or — when the migration's own code computes it —
 * what it is, never its JavaScript/Python source dressed up as SQL.
 */
export function describeDefault(d: DefaultValue): string {
  if (!d.computedIn) return `DEFAULT ${d.text}`;
  const what = d.volatility === 'immutable' ? 'a value' : 'SQL text';
  return `\`${d.text}\`, ${what} computed in ${d.computedIn} when the migration runs`;
}

export function tableName(t: QualifiedName): string {
  return qualified(t);
}

const LOCK_SQL: Record<LockMode, string> = {
  AccessShareLock: 'ACCESS SHARE',
  RowShareLock: 'ROW SHARE',
  RowExclusiveLock: 'ROW EXCLUSIVE',
  ShareUpdateExclusiveLock: 'SHARE UPDATE EXCLUSIVE',
  ShareLock: 'SHARE',
  ShareRowExclusiveLock: 'SHARE ROW EXCLUSIVE',
  ExclusiveLock: 'EXCLUSIVE',
  AccessExclusiveLock: 'ACCESS EXCLUSIVE',
};

/** What a lock mode blocks, for messages: only ACCESS EXCLUSIVE blocks plain reads. */
export function lockBlocks(mode: LockMode): string {
  switch (mode) {
    case 'AccessExclusiveLock':
      return 'blocks reads and writes';
    case 'ExclusiveLock':
    case 'ShareRowExclusiveLock':
    case 'ShareLock':
      return 'blocks writes';
    default:
      return 'blocks other schema changes';
  }
}

/** `ACCESS EXCLUSIVE on users (blocks reads and writes)` */
export function describeLock(mode: LockMode, t: QualifiedName | string): string {
  return `${LOCK_SQL[mode]} on ${typeof t === 'string' ? t : tableName(t)} (${lockBlocks(mode)})`;
}

export function lockSql(mode: LockMode): string {
  return LOCK_SQL[mode];
}
