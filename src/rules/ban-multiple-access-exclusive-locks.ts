import type { Operation, QualifiedName } from '../ir/types.js';
import type { Rule } from './types.js';
import { tableKey } from '../analysis/schema-state.js';
import { statementLabel, STRONG_LOCK_KINDS, strongLock, visitKinds } from './support/strong-locks.js';
import { describeLock, tableName } from './support/helpers.js';
import { transactionIds } from '../analysis/transaction-scope.js';

export const banMultipleAccessExclusiveLocks: Rule = {
  meta: {
    id: 'ban-multiple-access-exclusive-locks',
    severity: 'warning',
    offByDefault:
      'ORMs put every change of a migration in one transaction (Prisma, Drizzle, TypeORM), so most multi-table migrations have it; ' +
      'on a busy database it is worth splitting, on a quiet one it is harmless — a team decision.',
    summary:
      'A second table is locked ACCESS EXCLUSIVE while the transaction still holds the first: both stay blocked until COMMIT, and the waits add up.',
    docs: {
      what:
        'In one transaction, a statement that takes `ACCESS EXCLUSIVE` on an existing table after an earlier statement took ' +
        '`ACCESS EXCLUSIVE` on a different existing table. Reported once per transaction, at the second table.',
      why:
        'Locks are held until the transaction ends. While the transaction waits for the lock on the second table (behind whatever ' +
        'long query is using it), the first table is already locked against reads and writes — the outage on the first table lasts ' +
        'as long as the wait on the second. Two migrations (or a migration and an application transaction) that lock the same tables ' +
        'in the opposite order deadlock. `lock_timeout` bounds each wait, not their sum.',
      instead:
        "Change one table per transaction, each with a short `lock_timeout`:\n\n```sql\nBEGIN;\nSET LOCAL lock_timeout = '2s';\n" +
        "ALTER TABLE orders ADD COLUMN region text;\nCOMMIT;\n\nBEGIN;\nSET LOCAL lock_timeout = '2s';\n" +
        'ALTER TABLE invoices ADD COLUMN region text;\nCOMMIT;\n```',
    },
    lock: {
      mode: 'AccessExclusiveLock',
      setup: 'CREATE TABLE orders (id bigint PRIMARY KEY);\nCREATE TABLE invoices (id bigint PRIMARY KEY);',
      statement: 'ALTER TABLE orders ADD COLUMN region text;\nALTER TABLE invoices ADD COLUMN region text;',
      relation: 'invoices',
    },
  },
  create(context) {
    const tx = transactionIds(context.ops);
    const first = new Map<number, { op: Operation; table: QualifiedName }>();
    const reported = new Set<number>();
    const indexTables = new Map<string, QualifiedName>();
    // What the lock model asks, built once for the migration: check runs for every op.
    const facts = {
      pgVersion: context.pgVersion,
      isNewTable: (t: QualifiedName) => context.isNewTable(t),
      indexTable: (i: QualifiedName) => indexTables.get(tableKey(i)),
      columnType: (t: QualifiedName, c: string) => context.columnType(t, c),
      hasValidNotNullCheck: (t: QualifiedName, c: string) => context.hasValidNotNullCheck(t, c),
    };
    const check = (op: Operation) => {
      if (op.kind === 'create-index' && op.name)
        indexTables.set(tableKey({ schema: op.table.schema, name: op.name }), op.table);
      const id = tx.get(op);
      if (id === undefined || reported.has(id)) return;
      const lock = strongLock(op, facts);
      // Only named tables: a description ("the table of idx") cannot be compared.
      if (!lock || lock.mode !== 'AccessExclusiveLock' || typeof lock.table === 'string') return;
      const held = first.get(id);
      if (!held) {
        first.set(id, { op, table: lock.table });
        return;
      }
      if (tableKey(held.table) === tableKey(lock.table)) return;
      reported.add(id);
      context.report(
        op,
        `${statementLabel(op)} locks ${tableName(lock.table)} ACCESS EXCLUSIVE while this transaction still holds ACCESS EXCLUSIVE on ${tableName(held.table)} (line ${held.op.span.line}): ${tableName(held.table)} stays blocked for as long as this statement waits, and until COMMIT.`,
        {
          lock: describeLock(lock.mode, `${tableName(held.table)} and ${tableName(lock.table)}`),
          help: 'Change one table per transaction (one migration each, or COMMIT between them), each with SET lock_timeout.',
          related: [{ span: held.op.span, message: `ACCESS EXCLUSIVE on ${tableName(held.table)} taken here` }],
        },
      );
    };
    return visitKinds(STRONG_LOCK_KINDS, check);
  },
};
