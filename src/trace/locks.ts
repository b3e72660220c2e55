/**
 * Postgres table-level lock modes as `pg_locks.mode` names them: their strength order and what each
 * one blocks. "Blocks reads" means it conflicts with the ACCESS SHARE lock a plain SELECT takes;
 * "blocks writes" means it conflicts with the ROW EXCLUSIVE lock INSERT/UPDATE/DELETE take.
 * The conflict table is Postgres's (lock.c / "Table-Level Lock Modes" in the docs); the trace tests
 * check it against a real server with two connections.
 */
import type { LockMode } from '../analysis/lock-modes.js';

/** Weakest to strongest, in Postgres's own numbering (AccessShareLock = 1 … AccessExclusiveLock = 8). */
export const LOCK_MODES: readonly LockMode[] = [
  'AccessShareLock',
  'RowShareLock',
  'RowExclusiveLock',
  'ShareUpdateExclusiveLock',
  'ShareLock',
  'ShareRowExclusiveLock',
  'ExclusiveLock',
  'AccessExclusiveLock',
];

const CONFLICTS: Record<LockMode, readonly LockMode[]> = {
  AccessShareLock: ['AccessExclusiveLock'],
  RowShareLock: ['ExclusiveLock', 'AccessExclusiveLock'],
  RowExclusiveLock: ['ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'],
  ShareUpdateExclusiveLock: [
    'ShareUpdateExclusiveLock',
    'ShareLock',
    'ShareRowExclusiveLock',
    'ExclusiveLock',
    'AccessExclusiveLock',
  ],
  ShareLock: [
    'RowExclusiveLock',
    'ShareUpdateExclusiveLock',
    'ShareRowExclusiveLock',
    'ExclusiveLock',
    'AccessExclusiveLock',
  ],
  ShareRowExclusiveLock: [
    'RowExclusiveLock',
    'ShareUpdateExclusiveLock',
    'ShareLock',
    'ShareRowExclusiveLock',
    'ExclusiveLock',
    'AccessExclusiveLock',
  ],
  ExclusiveLock: [
    'RowShareLock',
    'RowExclusiveLock',
    'ShareUpdateExclusiveLock',
    'ShareLock',
    'ShareRowExclusiveLock',
    'ExclusiveLock',
    'AccessExclusiveLock',
  ],
  AccessExclusiveLock: LOCK_MODES,
};

export function isLockMode(s: string): s is LockMode {
  return (LOCK_MODES as readonly string[]).includes(s);
}

export function lockStrength(mode: LockMode): number {
  return LOCK_MODES.indexOf(mode) + 1;
}

export function strongestMode(modes: Iterable<LockMode>): LockMode | undefined {
  let best: LockMode | undefined;
  for (const m of modes) if (!best || lockStrength(m) > lockStrength(best)) best = m;
  return best;
}

export function lockConflicts(a: LockMode, b: LockMode): boolean {
  return CONFLICTS[a].includes(b);
}

/** A plain SELECT (ACCESS SHARE) has to wait for this lock. */
export function blocksReads(mode: LockMode): boolean {
  return lockConflicts(mode, 'AccessShareLock');
}

/** INSERT, UPDATE and DELETE (ROW EXCLUSIVE) have to wait for this lock. */
export function blocksWrites(mode: LockMode): boolean {
  return lockConflicts(mode, 'RowExclusiveLock');
}

/** `reads, writes` / `writes` / `-` for the trace table. */
export function blocksLabel(mode: LockMode): string {
  if (blocksReads(mode)) return 'reads, writes';
  if (blocksWrites(mode)) return 'writes';
  return '-';
}
