import { qualified, quoteIdent } from '../../ir/identifiers.js';
import type { DefaultValue, Operation, QualifiedName } from '../../ir/types.js';
import {
  aLock,
  describeLockOn,
  type LockFacts,
  type LockMode,
  lockBlocks,
  lockStrength,
  locksOf,
} from '../../analysis/locks.js';

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

/** `ACCESS EXCLUSIVE on users (blocks reads and writes)` */
export function describeLock(mode: LockMode, t: QualifiedName | string): string {
  return describeLockOn(mode, typeof t === 'string' ? t : tableName(t));
}

/**
 * The locks an op takes, as the lock model says, for a finding's `lock` field: every relation it locks
 * SHARE UPDATE EXCLUSIVE or stronger (an index's own lock goes with its table's), strongest first —
 * `ACCESS EXCLUSIVE on users (blocks reads and writes) and SHARE ROW EXCLUSIVE on teams (blocks writes)`.
 */
export function opLock(op: Operation, facts: LockFacts): string | undefined {
  const seen = new Set<string>();
  const parts: string[] = [];
  for (const l of locksOf(op, facts)) {
    if (l.index || lockStrength(l.mode) < lockStrength('ShareUpdateExclusiveLock')) continue;
    const name = typeof l.table === 'string' ? l.table : tableName(l.table);
    if (seen.has(name)) continue;
    seen.add(name);
    parts.push(describeLock(l.mode, name));
  }
  return parts.length ? parts.join(' and ') : undefined;
}

/** The strongest lock an op takes, as the lock model says, for a message: `an ACCESS EXCLUSIVE lock that blocks reads and writes`. */
export function lockPhrase(op: Operation, facts: LockFacts): string {
  const mode = locksOf(op, facts)[0]?.mode;
  return mode ? `${aLock(mode)} that ${lockBlocks(mode)}` : 'no table lock';
}
