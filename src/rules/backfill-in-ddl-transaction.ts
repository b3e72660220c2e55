import type { DataChangeOp, Operation, QualifiedName } from '../ir/types.js';
import type { Rule } from './types.js';
import { tableKey } from '../analysis/schema-state.js';
import { aLock } from '../analysis/locks.js';
import { describeLock, tableName } from './support/helpers.js';
import { STRONG_LOCK_KINDS, type TableLock, statementLabel, strongLock, visitKinds } from './support/strong-locks.js';
import { transactionIds } from '../analysis/transaction-scope.js';

const VERB: Record<string, string> = {
  UpdateStmt: 'UPDATE',
  DeleteStmt: 'DELETE',
  InsertStmt: 'INSERT … SELECT',
  MergeStmt: 'MERGE',
};

/**
 * Why the data change may touch many rows, or undefined when it touches a bounded set: a VALUES list, or a
 * WHERE that pins a key (`id`, or a column this migration makes a primary key or unique) to constants.
 */
function manyRows(op: DataChangeOp, isKey: (column: string) => boolean): string | undefined {
  switch (op.statementType) {
    case 'UpdateStmt':
    case 'DeleteStmt':
      if (op.rowScope === 'single-row') {
        const columns = op.keyColumns ?? [];
        if (columns.some(isKey)) return undefined;
        return `every row whose ${columns.join(', ')} equals the value given (more than one unless ${columns.length > 1 ? 'these columns are' : 'it is'} a unique key)`;
      }
      if (op.rowScope === 'all') return 'every row';
      if (op.rowScope === 'filtered') return 'every row its WHERE matches';
      return 'rows the migration does not show (its WHERE could not be read)';
    case 'InsertStmt':
      return op.fromQuery ? 'every row its SELECT returns' : undefined;
    case 'MergeStmt':
      return 'every row it merges';
    default:
      return undefined;
  }
}

/** Single columns this migration declares PRIMARY KEY or UNIQUE, per table. */
function uniqueColumns(ops: readonly Operation[]): Map<string, Set<string>> {
  const keys = new Map<string, Set<string>>();
  const add = (table: QualifiedName, columns: string[]) => {
    if (columns.length !== 1) return;
    const k = tableKey(table);
    if (!keys.has(k)) keys.set(k, new Set());
    keys.get(k)!.add(columns[0]!);
  };
  for (const op of ops) {
    if (op.kind === 'create-table') {
      for (const c of op.columns) if (c.primaryKey || c.unique) add(op.table, [c.name]);
      for (const c of op.constraints) if (c.type === 'primary-key' || c.type === 'unique') add(op.table, c.columns);
    } else if (op.kind === 'add-column' && (op.column.primaryKey || op.column.unique)) add(op.table, [op.column.name]);
    else if (op.kind === 'add-constraint' && (op.constraint.type === 'primary-key' || op.constraint.type === 'unique'))
      add(op.table, op.constraint.columns);
    else if (op.kind === 'create-index' && op.unique && !op.where) add(op.table, op.columns);
  }
  return keys;
}

export const backfillInDdlTransaction: Rule = {
  meta: {
    id: 'backfill-in-ddl-transaction',
    severity: 'warning',
    summary:
      'A backfill (UPDATE/DELETE of many rows, INSERT … SELECT) runs in the transaction of an earlier schema change: the strong lock it took is held for the whole backfill.',
    docs: {
      what:
        'Reported once per transaction, at its first backfill: a data change that can touch many rows — `UPDATE`/`DELETE` without a WHERE that pins a key to constants (`WHERE id = 42`, ' +
        "or a column the migration declares `PRIMARY KEY`/`UNIQUE`; `WHERE status = 'active'` is not a key), " +
        '`INSERT … SELECT … FROM`, `MERGE`, and the update/delete calls of Knex, Kysely and Sequelize, Alembic `op.execute()` — that ' +
        'runs in the same transaction as, and after, a statement that took a `SHARE` or stronger lock on an existing table ' +
        '(`ALTER TABLE`, `CREATE INDEX` without `CONCURRENTLY`, a foreign key, a trigger…). The transaction is the one the migration ' +
        'tool opens around the file (Prisma, Drizzle, TypeORM, Alembic, dbmate…) or an explicit `BEGIN`. A data change on a ' +
        'table created in the same migration is reported too when another table is locked: that lock is what waits.',
      why:
        'Postgres keeps every lock until the transaction ends. `ALTER TABLE users ADD COLUMN plan text` takes `ACCESS EXCLUSIVE` ' +
        '(blocks reads and writes) for a moment; an `UPDATE users SET plan = …` after it in the same transaction rewrites every ' +
        'row while that lock is still held, so every query on `users` waits for the whole backfill — minutes on a large table. ' +
        '`SHARE` (CREATE INDEX) and `SHARE ROW EXCLUSIVE` (foreign keys, triggers) block all writes for as long. This is the shape ' +
        'of the schema-change-then-backfill-then-`SET NOT NULL` migration that ORMs generate and people edit by hand. Whether the ' +
        'rule fires does not depend on table size, which a migration does not show; on a table of a few thousand rows the wait is ' +
        'short — ignore it there with a reason.',
      instead:
        'Split it: the schema change in one transaction, the backfill in batches each in its own transaction, then the constraint.\n\n' +
        '```sql\n-- migration 1 (its own transaction)\nALTER TABLE users ADD COLUMN plan text;\n\n' +
        '-- migration 2, outside a transaction (or one short transaction per batch)\n' +
        "UPDATE users SET plan = 'free' WHERE id IN (SELECT id FROM users WHERE plan IS NULL LIMIT 10000);\n-- repeat until 0 rows\n\n" +
        '-- migration 3\nALTER TABLE users ADD CONSTRAINT users_plan_not_null CHECK (plan IS NOT NULL) NOT VALID;\n' +
        'ALTER TABLE users VALIDATE CONSTRAINT users_plan_not_null;\nALTER TABLE users ALTER COLUMN plan SET NOT NULL;\n```\n\n' +
        'Prisma and Drizzle run a file in one transaction: put the backfill in a migration of its own (or run it as a script). ' +
        'Alembic: `transaction_per_migration=True` in env.py and a separate revision for the backfill, or ' +
        '`with op.get_context().autocommit_block():` around the batched updates. Knex: `exports.config = { transaction: false }` ' +
        'on the backfill migration. A default that is a constant is better set by `ADD COLUMN … DEFAULT` (no rewrite since Postgres 11) ' +
        'than by an UPDATE.',
    },
    lock: {
      mode: 'AccessExclusiveLock',
      setup:
        "CREATE TABLE users (id bigint PRIMARY KEY, email text);\nINSERT INTO users SELECT g, 'u' || g FROM generate_series(1, 100) g;",
      statement: "ALTER TABLE users ADD COLUMN plan text;\nUPDATE users SET plan = 'free';",
      relation: 'users',
    },
  },
  create(context) {
    const tx = transactionIds(context.ops);
    const keys = uniqueColumns(context.ops);
    const isKey = (table: QualifiedName | undefined) => (column: string) =>
      column === 'id' || (table !== undefined && Boolean(keys.get(tableKey(table))?.has(column)));
    // transaction id → the strong locks taken in it so far, first one first (keyed by the table locked)
    const held = new Map<number, Map<string, { op: Operation; lock: TableLock }>>();
    const reported = new Set<number>();
    const indexTables = new Map<string, QualifiedName>();
    // What the lock model asks, built once for the migration: lockTaken runs for every op.
    const facts = {
      pgVersion: context.pgVersion,
      isNewTable: (t: QualifiedName) => context.isNewTable(t),
      indexTable: (index: QualifiedName) => indexTables.get(tableKey(index)),
      columnType: (t: QualifiedName, c: string) => context.columnType(t, c),
      hasValidNotNullCheck: (t: QualifiedName, c: string) => context.hasValidNotNullCheck(t, c),
    };
    const lockTaken = (op: Operation) => {
      if (op.kind === 'create-index' && op.name)
        indexTables.set(tableKey({ schema: op.table.schema, name: op.name }), op.table);
      const id = tx.get(op);
      if (id === undefined) return;
      const lock = strongLock(op, facts);
      if (!lock) return;
      const locks = held.get(id) ?? new Map<string, { op: Operation; lock: TableLock }>();
      held.set(id, locks);
      const key = typeof lock.table === 'string' ? lock.table : tableKey(lock.table);
      if (!locks.has(key)) locks.set(key, { op, lock });
    };
    const backfills = (id: number) =>
      context.ops.filter((o) => o.kind === 'data-change' && tx.get(o) === id && manyRows(o, isKey(o.table)));
    const visitor = visitKinds(STRONG_LOCK_KINDS, lockTaken);
    visitor['data-change'] = (op) => {
      const change = op as DataChangeOp;
      const id = tx.get(change);
      if (id === undefined || reported.has(id)) return;
      const locks = held.get(id);
      const rows = manyRows(change, isKey(change.table));
      if (!locks?.size || !rows) return;
      reported.add(id);
      // The lock on the table being changed when there is one, else the first lock the transaction took.
      const first = (change.table && locks.get(tableKey(change.table))) || locks.values().next().value!;
      const lockedTable = typeof first.lock.table === 'string' ? first.lock.table : tableName(first.lock.table);
      const verb = VERB[change.statementType] ?? change.statementType;
      const target = change.table
        ? ` ${change.statementType === 'InsertStmt' ? 'into' : change.statementType === 'DeleteStmt' ? 'from' : 'of'} ${tableName(change.table)}`
        : '';
      const later = backfills(id).filter(
        (o) =>
          o.span.line > change.span.line || (o.span.line === change.span.line && o.span.column > change.span.column),
      ).length;
      const more = later
        ? ` (${later} more data change${later > 1 ? 's' : ''} follow${later > 1 ? '' : 's'} in this transaction)`
        : '';
      const others = locks.size > 1 ? ` and ${locks.size - 1} other table${locks.size > 2 ? 's' : ''}` : '';
      context.report(
        change,
        `${verb}${target} changes ${rows} in the same transaction as ${statementLabel(first.op)} (line ${first.op.span.line}), which took ${aLock(first.lock.mode)} on ${lockedTable}${others}: locks are held until COMMIT, so the table stays locked for the whole backfill${more}.`,
        {
          lock: describeLock(first.lock.mode, lockedTable),
          help:
            'Commit the schema change first (a migration of its own), run the backfill in batches outside that transaction ' +
            '(e.g. UPDATE … WHERE id IN (SELECT id … LIMIT 10000), repeated), then add NOT NULL or other constraints in a later migration.',
        },
      );
    };
    return visitor;
  },
};
