/**
 * Which ops take a lock of SHARE strength or more on an existing table — the statements that make
 * every other query on the table queue while they wait, and that hold the lock while they run.
 * Shared by require-lock-timeout and require-statement-timeout.
 */
import type { Operation, OperationKind, QualifiedName } from '../../ir/types.js';
import type { LockMode } from '../../analysis/lock-modes.js';
import { tableName } from './helpers.js';

export interface TableLock {
  mode: LockMode;
  /** The table locked, or a description when the op does not name it (DROP INDEX). */
  table: QualifiedName | string;
}

// ALTER TABLE subcommands that take less than SHARE (statistics, storage options, partition attach on the parent…).
const LIGHT_ALTER_TABLE = new Set([
  'AT_SetStatistics',
  'AT_SetOptions',
  'AT_ResetOptions',
  'AT_SetRelOptions',
  'AT_ResetRelOptions',
  'AT_ClusterOn',
  'AT_DropCluster',
  'AT_ValidateConstraint',
]);
// Trigger changes take SHARE ROW EXCLUSIVE.
const TRIGGER_ALTER_TABLE = new Set([
  'AT_EnableTrig',
  'AT_EnableAlwaysTrig',
  'AT_EnableReplicaTrig',
  'AT_DisableTrig',
  'AT_EnableTrigAll',
  'AT_DisableTrigAll',
  'AT_EnableTrigUser',
  'AT_DisableTrigUser',
]);

const VIEW_OR_TRIGGER_DDL = new Set([
  'DropStmt:OBJECT_TRIGGER',
  'DropStmt:OBJECT_VIEW',
  'DropStmt:OBJECT_MATVIEW',
  'RenameStmt:OBJECT_VIEW',
  'RenameStmt:OBJECT_MATVIEW',
]);

/** How a statement that `strongLock` knows reads in a message (`DROP TRIGGER`, `ALTER TABLE`). */
export function statementLabel(op: Operation): string {
  switch (op.kind) {
    case 'create-index':
      return 'CREATE INDEX';
    case 'drop-index':
      return 'DROP INDEX';
    case 'create-table':
      return 'CREATE TABLE … REFERENCES';
    case 'drop-table':
      return 'DROP TABLE';
    case 'truncate':
      return 'TRUNCATE';
    case 'reindex':
      return 'REINDEX';
    case 'alter-domain':
      return 'ALTER DOMAIN';
    case 'other':
      switch (op.statementType) {
        case 'CreateTrigStmt':
          return 'CREATE TRIGGER';
        case 'DropStmt:OBJECT_TRIGGER':
          return 'DROP TRIGGER';
        case 'DropStmt:OBJECT_VIEW':
          return 'DROP VIEW';
        case 'DropStmt:OBJECT_MATVIEW':
          return 'DROP MATERIALIZED VIEW';
        case 'RenameStmt:OBJECT_VIEW':
          return 'ALTER VIEW … RENAME';
        case 'RenameStmt:OBJECT_MATVIEW':
          return 'ALTER MATERIALIZED VIEW … RENAME';
        default:
          if (op.statementType.startsWith('AlterTableStmt')) return 'ALTER TABLE';
          return op.detail ?? op.statementType;
      }
    default:
      return 'ALTER TABLE';
  }
}

/** The lock of at least SHARE strength an op takes on an existing table, if any. */
export function strongLock(
  op: Operation,
  isNew: (t: QualifiedName) => boolean,
  indexTable: (index: QualifiedName) => QualifiedName | undefined,
): TableLock | undefined {
  const on = (mode: LockMode, table: QualifiedName): TableLock | undefined =>
    isNew(table) ? undefined : { mode, table };
  switch (op.kind) {
    case 'add-column':
    case 'drop-column':
    case 'rename-column':
    case 'alter-column-type':
    case 'set-not-null':
    case 'drop-not-null':
    case 'set-default':
    case 'drop-constraint':
    case 'rename-table':
      return on('AccessExclusiveLock', op.table);
    case 'add-constraint':
      if (op.constraint.type === 'foreign-key') {
        return (
          on('ShareRowExclusiveLock', op.table) ??
          (op.constraint.references ? on('ShareRowExclusiveLock', op.constraint.references.table) : undefined)
        );
      }
      return on('AccessExclusiveLock', op.table);
    case 'create-table': {
      // A new table's foreign keys lock the tables they reference (SHARE ROW EXCLUSIVE) to add their triggers.
      const refs = [...op.constraints, ...op.columns.flatMap((c) => c.constraints)].flatMap((c) =>
        c.references ? [c.references.table] : [],
      );
      for (const r of refs) {
        const l = on('ShareRowExclusiveLock', r);
        if (l) return l;
      }
      return undefined;
    }
    case 'create-index':
      return op.concurrently ? undefined : on('ShareLock', op.table);
    case 'drop-index': {
      if (op.concurrently) return undefined;
      const tables = op.indexes.map(indexTable);
      // Only indexes this migration built on tables it created are known to sit on new tables.
      if (tables.every((t) => t !== undefined && isNew(t))) return undefined;
      const known = tables.length === 1 && tables[0] ? tableName(tables[0]) : undefined;
      return { mode: 'AccessExclusiveLock', table: known ?? `the table of ${op.indexes.map(tableName).join(', ')}` };
    }
    case 'reindex': {
      if (op.concurrently) return undefined;
      if (op.target === 'table') return on('ShareLock', op.name);
      const table = op.target === 'index' ? indexTable(op.name) : undefined;
      if (table) return on('ShareLock', table);
      if (op.target === 'index') return { mode: 'ShareLock', table: `the table of ${tableName(op.name)}` };
      return { mode: 'ShareLock', table: `every table of ${op.target} ${tableName(op.name)}` };
    }
    case 'attach-partition':
      // SHARE UPDATE EXCLUSIVE on the parent, ACCESS EXCLUSIVE on the table attached (pg_locks, PostgreSQL 15).
      return on('AccessExclusiveLock', op.partition);
    case 'detach-partition':
      // CONCURRENTLY and FINALIZE take SHARE UPDATE EXCLUSIVE on the parent.
      return op.mode === 'blocking' ? on('AccessExclusiveLock', op.table) : undefined;
    case 'alter-domain':
      // Checking existing values locks every table that has a column of the domain (SHARE), while it scans them.
      if (
        (op.action === 'add-constraint' && !op.constraint?.notValid) ||
        op.action === 'set-not-null' ||
        op.action === 'validate-constraint'
      ) {
        return { mode: 'ShareLock', table: `every table with a column of domain ${tableName(op.name)}` };
      }
      return undefined;
    case 'drop-table':
    case 'truncate': {
      const existing = op.tables.filter((t) => !isNew(t));
      return existing.length ? { mode: 'AccessExclusiveLock', table: existing.map(tableName).join(', ') } : undefined;
    }
    case 'other': {
      if (!op.table) return undefined;
      if (op.detail === 'VACUUM FULL' || op.detail === 'CLUSTER' || op.detail === 'REFRESH MATERIALIZED VIEW')
        return on('AccessExclusiveLock', op.table);
      if (op.detail === 'REFRESH MATERIALIZED VIEW CONCURRENTLY') return on('ExclusiveLock', op.table);
      if (op.statementType === 'CreateTrigStmt') return on('ShareRowExclusiveLock', op.table);
      // Dropping a trigger, or dropping, replacing or renaming a view, takes ACCESS EXCLUSIVE on the table or view
      // (checked on PostgreSQL 15 in pg_locks); a new view (plain CREATE VIEW) only reads its tables' definitions.
      if (VIEW_OR_TRIGGER_DDL.has(op.statementType) || op.detail === 'CREATE OR REPLACE VIEW')
        return on('AccessExclusiveLock', op.table);
      const sub = op.statementType.startsWith('AlterTableStmt:AT_')
        ? op.statementType.slice('AlterTableStmt:'.length)
        : undefined;
      if (!sub || LIGHT_ALTER_TABLE.has(sub)) return undefined;
      return on(TRIGGER_ALTER_TABLE.has(sub) ? 'ShareRowExclusiveLock' : 'AccessExclusiveLock', op.table);
    }
    default:
      return undefined;
  }
}

/** `SET lock_timeout` to a value that actually limits the wait (0 means wait forever). */
export function limitsWait(value: string | undefined): boolean {
  if (value === undefined) return false; // RESET / DEFAULT: back to the server default, 0 unless configured
  const v = value
    .trim()
    .replace(/^'(.*)'$/, '$1')
    .trim();
  if (v === '' || /^default$/i.test(v)) return false;
  return !/^0*(\.0*)?\s*(us|ms|s|min|h|d)?$/i.test(v);
}

/** The op kinds `strongLock` can return a lock for. */
export const STRONG_LOCK_KINDS: readonly OperationKind[] = [
  'add-column',
  'drop-column',
  'rename-column',
  'alter-column-type',
  'set-not-null',
  'drop-not-null',
  'set-default',
  'add-constraint',
  'drop-constraint',
  'rename-table',
  'create-table',
  'create-index',
  'drop-index',
  'reindex',
  'attach-partition',
  'detach-partition',
  'alter-domain',
  'drop-table',
  'truncate',
  'other',
];

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
      if (op.local) this.local = op.inTransaction && limitsWait(op.value);
      else {
        this.session = limitsWait(op.value);
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
