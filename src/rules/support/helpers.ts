import { qualified, quoteIdent } from '../../ir/identifiers.js';
import type { DefaultValue, QualifiedName } from '../../ir/types.js';
import { describeLockOn, type LockMode } from '../../analysis/lock-modes.js';

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
