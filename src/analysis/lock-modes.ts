/** Postgres table-level lock modes, and how messages name them and what they block. */

/** Postgres table-level lock modes, weakest to strongest. */
export type LockMode =
  | 'AccessShareLock'
  | 'RowShareLock'
  | 'RowExclusiveLock'
  | 'ShareUpdateExclusiveLock'
  | 'ShareLock'
  | 'ShareRowExclusiveLock'
  | 'ExclusiveLock'
  | 'AccessExclusiveLock';

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

/** `ACCESS EXCLUSIVE on users (blocks reads and writes)`, for a relation already written as SQL. */
export function describeLockOn(mode: LockMode, relation: string): string {
  return `${LOCK_SQL[mode]} on ${relation} (${lockBlocks(mode)})`;
}

export function lockSql(mode: LockMode): string {
  return LOCK_SQL[mode];
}
