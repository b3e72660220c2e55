/**
 * The ops that take a lock of SHARE strength or more on an existing relation — the statements that
 * make every other query on it queue while they wait, and that hold the lock while they run — as the
 * lock model (src/analysis/locks.ts) says. Shared by require-lock-timeout, require-statement-timeout,
 * ban-multiple-access-exclusive-locks and backfill-in-ddl-transaction.
 */
import type { Operation, OperationKind, QualifiedName } from '../../ir/types.js';
import { type LockFacts, type LockMode, lockStrength, locksOf, OPERATION_KINDS } from '../../analysis/locks.js';
import { tableName } from './helpers.js';

export interface TableLock {
  mode: LockMode;
  /** The relation locked, or a description when the op does not name it (DROP INDEX) or names several. */
  table: QualifiedName | string;
}

/** What `strongLock` needs to know: the model's facts, and which relations this migration created. */
export interface StrongLockFacts extends LockFacts {
  isNewTable(table: QualifiedName): boolean;
}

const ALTER_OBJECT: Record<string, string> = {
  OBJECT_VIEW: 'ALTER VIEW',
  OBJECT_MATVIEW: 'ALTER MATERIALIZED VIEW',
  OBJECT_INDEX: 'ALTER INDEX',
  OBJECT_SEQUENCE: 'ALTER SEQUENCE',
  OBJECT_TYPE: 'ALTER TYPE',
  OBJECT_TRIGGER: 'ALTER TRIGGER',
  OBJECT_TABCONSTRAINT: 'ALTER TABLE … RENAME CONSTRAINT',
  OBJECT_RULE: 'RULE',
  OBJECT_POLICY: 'POLICY',
};

const STATEMENT_LABELS: Record<string, string> = {
  CreateTrigStmt: 'CREATE TRIGGER',
  RuleStmt: 'CREATE RULE',
  CreatePolicyStmt: 'CREATE POLICY',
  AlterPolicyStmt: 'ALTER POLICY',
  AlterSeqStmt: 'ALTER SEQUENCE',
  CommentStmt: 'COMMENT ON',
  CreateStatsStmt: 'CREATE STATISTICS',
  'AlterTableStmt:AT_AttachPartition': 'ALTER TABLE … ATTACH PARTITION',
};

/** How a statement that `strongLock` knows reads in a message (`DROP TRIGGER`, `ALTER TABLE`). */
export function statementLabel(op: Operation): string {
  switch (op.kind) {
    case 'create-index':
      return 'CREATE INDEX';
    case 'drop-index':
      return 'DROP INDEX';
    case 'create-table':
      return op.partitionOf ? 'CREATE TABLE … PARTITION OF' : 'CREATE TABLE … REFERENCES';
    case 'drop-table':
      return 'DROP TABLE';
    case 'truncate':
      return 'TRUNCATE';
    case 'reindex':
      return 'REINDEX';
    case 'alter-domain':
      return 'ALTER DOMAIN';
    case 'drop-schema':
      return 'DROP SCHEMA';
    case 'attach-partition':
      return 'ALTER TABLE … ATTACH PARTITION';
    case 'other': {
      const label = STATEMENT_LABELS[op.statementType];
      if (label) return label;
      const [stmt, object] = op.statementType.split(':');
      if (stmt === 'DropStmt' && object) return `DROP ${(ALTER_OBJECT[object] ?? object).replace(/^ALTER /, '')}`;
      if (stmt === 'RenameStmt' && object) {
        const statement = ALTER_OBJECT[object] ?? object;
        return statement.includes('RENAME') ? statement : `${statement} … RENAME`;
      }
      if (stmt === 'AlterTableStmt') return object && ALTER_OBJECT[object] ? ALTER_OBJECT[object] : 'ALTER TABLE';
      if (op.detail && op.statementType !== 'CreateTrigStmt') return op.detail;
      return op.statementType;
    }
    default:
      return 'ALTER TABLE';
  }
}

/**
 * The strongest lock of at least SHARE strength an op takes on a relation that existed before the
 * migration, if any. Several relations locked in that mode (DROP TABLE a, b; a foreign key) are named together.
 */
export function strongLock(op: Operation, facts: StrongLockFacts): TableLock | undefined {
  const existing = locksOf(op, facts).filter(
    (l) =>
      lockStrength(l.mode) >= lockStrength('ShareLock') &&
      // An index's own lock goes with its table's, which the model lists too.
      !l.index &&
      (typeof l.table === 'string' || !facts.isNewTable(l.table)),
  );
  const first = existing[0];
  if (!first) return undefined;
  const same = existing.filter((l) => l.mode === first.mode);
  const names = [...new Set(same.map((l) => (typeof l.table === 'string' ? l.table : tableName(l.table))))];
  return { mode: first.mode, table: names.length > 1 ? names.join(', ') : first.table };
}

/**
 * `SET lock_timeout` to a value that actually limits the wait (0 means wait forever), from the value in
 * milliseconds the frontend parsed. A value it could not read as a duration (an expression) counts as a limit.
 */
export function limitsWait(op: { value?: string; durationMs?: number }): boolean {
  if (op.durationMs !== undefined) return op.durationMs > 0;
  // RESET / DEFAULT: back to the server default, 0 unless configured
  return op.value !== undefined && !/^\s*'?\s*default\s*'?\s*$/i.test(op.value);
}

/** The op kinds `strongLock` can return a lock for: every kind the lock model knows. */
export const STRONG_LOCK_KINDS: readonly OperationKind[] = OPERATION_KINDS;

/** The kinds a timeout rule visits: the locking ones, and the settings and transaction ends it follows. */
export const TIMEOUT_VISITOR_KINDS: readonly string[] = [
  ...new Set<string>([...STRONG_LOCK_KINDS, 'set-setting', 'transaction']),
];

/** A visitor that hands every op of `kinds` to one handler (made for every migration: a loop, no entry arrays). */
export function visitKinds(
  kinds: readonly string[],
  handler: (op: Operation) => void,
): Record<string, (op: Operation) => void> {
  const visitor: Record<string, (op: Operation) => void> = {};
  for (const kind of kinds) visitor[kind] = handler;
  return visitor;
}

/**
 * Whether a timeout setting (`lock_timeout`, `statement_timeout`) is in force at the current op, as
 * the migration's own SET / SET LOCAL / RESET statements and transaction ends show.
 */
export class TimeoutSetting {
  private session = false;
  private local = false;

  constructor(readonly name: string) {}

  /** Feeds a settings or transaction op; returns true when the op was one. */
  observe(op: Operation): boolean {
    if (op.kind === 'set-setting') {
      if (op.name !== this.name) return true;
      // SET LOCAL only lasts until the end of the transaction, and does nothing outside one.
      if (op.local) this.local = op.inTransaction && limitsWait(op);
      else {
        this.session = limitsWait(op);
        this.local = false;
      }
      return true;
    }
    if (op.kind === 'transaction') {
      if (op.action === 'commit' || op.action === 'rollback' || op.action === 'prepare') this.local = false;
      return true;
    }
    return false;
  }

  get inForce(): boolean {
    return this.session || this.local;
  }
}

/**
 * Visitors that call `report` once, for the first op taking a strong lock on an existing relation while
 * the `setting` timeout (`lock_timeout`, `statement_timeout`) is not in force.
 */
export function onFirstStrongLockWithout(
  setting: string,
  facts: StrongLockFacts,
  report: (op: Operation, lock: TableLock, target: string) => void,
): Record<string, (op: Operation) => void> {
  const timeout = new TimeoutSetting(setting);
  let reported = false;
  const check = (op: Operation) => {
    if (timeout.observe(op) || reported || timeout.inForce) return;
    const lock = strongLock(op, facts);
    if (!lock) return;
    reported = true;
    report(op, lock, typeof lock.table === 'string' ? lock.table : tableName(lock.table));
  };
  return visitKinds(TIMEOUT_VISITOR_KINDS, check);
}
