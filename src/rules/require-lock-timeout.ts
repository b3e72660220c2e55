import type { Operation, QualifiedName } from '../ir/types.js';
import type { LockMode, Rule, RuleContext } from '../engine/types.js';
import { tableKey } from '../engine/lint.js';
import { describeLock, lockSql, tableName } from './support/helpers.js';

interface TableLock {
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
  'AT_DetachPartitionFinalize',
  'AT_ValidateConstraint',
]);
// Trigger changes take SHARE ROW EXCLUSIVE.
const TRIGGER_ALTER_TABLE = new Set(['AT_EnableTrig', 'AT_EnableAlwaysTrig', 'AT_EnableReplicaTrig', 'AT_DisableTrig', 'AT_EnableTrigAll', 'AT_DisableTrigAll', 'AT_EnableTrigUser', 'AT_DisableTrigUser']);

/** The lock of at least SHARE strength an op takes on an existing table, if any. */
function strongLock(op: Operation, isNew: (t: QualifiedName) => boolean, indexTable: (index: QualifiedName) => QualifiedName | undefined): TableLock | undefined {
  const on = (mode: LockMode, table: QualifiedName): TableLock | undefined => (isNew(table) ? undefined : { mode, table });
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
        return on('ShareRowExclusiveLock', op.table) ?? (op.constraint.references ? on('ShareRowExclusiveLock', op.constraint.references.table) : undefined);
      }
      return on('AccessExclusiveLock', op.table);
    case 'create-table': {
      // A new table's foreign keys lock the tables they reference (SHARE ROW EXCLUSIVE) to add their triggers.
      const refs = [...op.constraints, ...op.columns.flatMap((c) => c.constraints)].flatMap((c) => (c.references ? [c.references.table] : []));
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
    case 'drop-table':
    case 'truncate': {
      const existing = op.tables.filter((t) => !isNew(t));
      return existing.length ? { mode: 'AccessExclusiveLock', table: existing.map(tableName).join(', ') } : undefined;
    }
    case 'other': {
      if (!op.table) return undefined;
      if (op.detail === 'VACUUM FULL' || op.detail === 'CLUSTER' || op.detail === 'REFRESH MATERIALIZED VIEW') return on('AccessExclusiveLock', op.table);
      if (op.detail === 'REFRESH MATERIALIZED VIEW CONCURRENTLY') return on('ExclusiveLock', op.table);
      if (op.statementType === 'CreateTrigStmt') return on('ShareRowExclusiveLock', op.table);
      const sub = op.statementType.startsWith('AlterTableStmt:AT_') ? op.statementType.slice('AlterTableStmt:'.length) : undefined;
      if (!sub || LIGHT_ALTER_TABLE.has(sub)) return undefined;
      // ATTACH PARTITION takes SHARE UPDATE EXCLUSIVE on the parent but ACCESS EXCLUSIVE on the table it attaches.
      if (sub === 'AT_AttachPartition') return { mode: 'AccessExclusiveLock', table: `the partition attached to ${tableName(op.table)}` };
      return on(TRIGGER_ALTER_TABLE.has(sub) ? 'ShareRowExclusiveLock' : 'AccessExclusiveLock', op.table);
    }
    default:
      return undefined;
  }
}

/** `SET lock_timeout` to a value that actually limits the wait (0 means wait forever). */
function limitsWait(value: string | undefined): boolean {
  if (value === undefined) return false; // RESET / DEFAULT: back to the server default, 0 unless configured
  const v = value.trim().replace(/^'(.*)'$/, '$1').trim();
  if (v === '' || /^default$/i.test(v)) return false;
  return !/^0*(\.0*)?\s*(us|ms|s|min|h|d)?$/i.test(v);
}

function statementLabel(op: Operation): string {
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
    case 'other':
      if (op.statementType === 'CreateTrigStmt') return 'CREATE TRIGGER';
      if (op.statementType.startsWith('AlterTableStmt')) return 'ALTER TABLE';
      return op.detail ?? op.statementType;
    default:
      return 'ALTER TABLE';
  }
}

export const requireLockTimeout: Rule = {
  meta: {
    id: 'require-lock-timeout',
    severity: 'warning',
    squawk: true,
    summary: 'A statement that takes a strong table lock runs with no lock_timeout: while it waits, every query on the table queues behind it.',
    docs: {
      what:
        'The first statement of a migration that takes an `ACCESS EXCLUSIVE`, `EXCLUSIVE`, `SHARE ROW EXCLUSIVE` or `SHARE` lock on an ' +
        'existing table (ALTER TABLE, CREATE INDEX without CONCURRENTLY, DROP INDEX, foreign keys, triggers, TRUNCATE…) when no ' +
        '`SET lock_timeout` to a non-zero value comes before it in the migration. Reported once per migration.',
      why:
        'Before it can change anything the statement has to wait for every transaction already using the table — a long report, ' +
        'an idle-in-transaction session. Postgres grants locks in queue order, so while the `ALTER TABLE` waits for its ' +
        '`ACCESS EXCLUSIVE` lock, every new query on the table, plain `SELECT`s included, queues behind it: a statement that ' +
        'would take a millisecond takes the application down for as long as the oldest transaction runs. `lock_timeout` makes ' +
        'the statement give up instead (the migration fails and can be retried) so that traffic goes on. The default is 0: wait forever.',
      instead:
        'Set a short lock timeout at the top of the migration (and retry the migration when it times out):\n\n' +
        "```sql\nSET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN plan text;\n```\n\n" +
        'In a transaction, `SET LOCAL lock_timeout = \'2s\';` limits it to that transaction. If your migration tool or database role ' +
        'already sets `lock_timeout`, turn this rule off.',
    },
    lock: {
      mode: 'AccessExclusiveLock',
      setup: 'CREATE TABLE users (id bigint PRIMARY KEY);',
      statement: 'ALTER TABLE users ADD COLUMN plan text;',
      relation: 'users',
    },
  },
  create(context: RuleContext) {
    let timeoutSet = false;
    let localTimeoutSet = false;
    let reported = false;
    // Index → table, for indexes built earlier in this migration.
    const indexTables = new Map<string, QualifiedName>();
    const indexTable = (index: QualifiedName) => indexTables.get(tableKey(index));
    const check = (op: Operation) => {
      if (op.kind === 'create-index' && op.name) indexTables.set(tableKey({ schema: op.table.schema, name: op.name }), op.table);
      if (op.kind === 'set-setting') {
        if (op.name !== 'lock_timeout') return;
        // SET LOCAL only lasts until the end of the transaction, and does nothing outside one.
        if (op.local) localTimeoutSet = op.inTransaction && limitsWait(op.value);
        else {
          timeoutSet = limitsWait(op.value);
          localTimeoutSet = false;
        }
        return;
      }
      if (op.kind === 'transaction') {
        if (op.action === 'commit' || op.action === 'rollback' || op.action === 'prepare') localTimeoutSet = false;
        return;
      }
      if (reported || timeoutSet || localTimeoutSet) return;
      const lock = strongLock(op, (t) => context.isNewTable(t), indexTable);
      if (!lock) return;
      reported = true;
      const target = typeof lock.table === 'string' ? lock.table : tableName(lock.table);
      context.report(
        op,
        `${statementLabel(op)} takes ${/^[AEIOU]/.test(lockSql(lock.mode)) ? 'an' : 'a'} ${lockSql(lock.mode)} lock on ${target} with no lock_timeout set: while it waits for running transactions to finish, every new query that conflicts with it queues behind it.`,
        {
          // About the statement (a lock timeout covers it whole), not one of its clauses.
          span: op.statementSpan ?? op.span,
          lock: describeLock(lock.mode, target),
          help: "Put SET lock_timeout = '2s'; (or SET LOCAL inside the transaction) before the first statement of the migration, and retry the migration if it times out.",
        },
      );
    };
    return {
      'add-column': check,
      'drop-column': check,
      'rename-column': check,
      'alter-column-type': check,
      'set-not-null': check,
      'drop-not-null': check,
      'set-default': check,
      'add-constraint': check,
      'drop-constraint': check,
      'rename-table': check,
      'create-table': check,
      'create-index': check,
      'drop-index': check,
      reindex: check,
      'drop-table': check,
      truncate: check,
      other: check,
      'set-setting': check,
      transaction: check,
    };
  },
};
