import { scanSync } from 'libpg-query';
import type { DefaultValue, Operation, QualifiedName } from '../../ir/types.js';
import {
  aLock,
  type LockFacts,
  type LockMode,
  lockBlocks,
  lockSql,
  lockStrength,
  locksOf,
} from '../../analysis/locks.js';

const quotedIdents = new Map<string, string>();

/**
 * An identifier as it must be written in SQL: as is when Postgres would read it back unchanged
 * (lower case, not a reserved word — asked of the real scanner), else double-quoted. Used in
 * messages and in the SQL of fixes, so `ALTER TABLE "user" ALTER COLUMN "lastName" …` runs as shown.
 */
export function quoteIdent(name: string): string {
  let shown = quotedIdents.get(name);
  if (shown === undefined) {
    let plain = /^[a-z_][a-z0-9_$]*$/.test(name);
    if (plain) {
      try {
        // keywordKind 3 (type/function-name keyword) and 4 (reserved) cannot be a bare column or table name.
        plain = (scanSync(name).tokens[0]?.keywordKind ?? 0) < 3;
      } catch {
        // parser not loaded (never the case inside a lint run): keep the name as written
      }
    }
    shown = plain ? name : `"${name.replace(/"/g, '""')}"`;
    quotedIdents.set(name, shown);
  }
  return shown;
}

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
  return t.schema ? `${quoteIdent(t.schema)}.${quoteIdent(t.name)}` : quoteIdent(t.name);
}

/** `ACCESS EXCLUSIVE on users (blocks reads and writes)` */
export function describeLock(mode: LockMode, t: QualifiedName | string): string {
  return `${lockSql(mode)} on ${typeof t === 'string' ? t : tableName(t)} (${lockBlocks(mode)})`;
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
