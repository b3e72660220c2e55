import type { Rule } from './types.js';
import { opLock, tableName } from './support/helpers.js';

export const requireConcurrentPartitionDetach: Rule = {
  meta: {
    id: 'require-concurrent-partition-detach',
    severity: 'error',
    squawk: true,
    summary: 'DETACH PARTITION without CONCURRENTLY locks the whole partitioned table against reads and writes.',
    docs: {
      what:
        'Flags `ALTER TABLE parent DETACH PARTITION child` without `CONCURRENTLY` on an existing partitioned table. ' +
        '`DETACH PARTITION … FINALIZE` (which completes an interrupted concurrent detach) is not flagged.',
      why:
        'A plain detach takes an `ACCESS EXCLUSIVE` lock on the parent table and on the partition (verified on PostgreSQL 15): ' +
        'every query on any partition of the table, reads included, waits until the migration commits, and everything queues ' +
        'behind the detach while it waits for running queries. Since PostgreSQL 14, `DETACH PARTITION … CONCURRENTLY` takes only ' +
        'a `SHARE UPDATE EXCLUSIVE` lock on the parent and works in two transactions, so reads and writes go on.',
      instead:
        'On PostgreSQL 14 or later, detach concurrently, in a migration that runs outside a transaction block (the statement ' +
        'refuses to run in one):\n\n' +
        '```sql\n' +
        'ALTER TABLE measurements DETACH PARTITION measurements_2023 CONCURRENTLY;\n' +
        '-- if it is interrupted, finish it with:\n' +
        'ALTER TABLE measurements DETACH PARTITION measurements_2023 FINALIZE;\n' +
        '```',
    },
    lock: {
      mode: 'AccessExclusiveLock',
      setup:
        "CREATE TABLE measurements (id bigint, taken_on date) PARTITION BY RANGE (taken_on);\nCREATE TABLE measurements_2023 PARTITION OF measurements FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');",
      statement: 'ALTER TABLE measurements DETACH PARTITION measurements_2023;',
      relation: 'measurements',
    },
  },
  create(context) {
    return {
      'detach-partition'(op) {
        if (op.mode !== 'blocking' || context.isNewTable(op.table)) return;
        const parent = tableName(op.table);
        const help =
          context.pgVersion >= 14
            ? `Use ALTER TABLE ${parent} DETACH PARTITION ${tableName(op.partition)} CONCURRENTLY, in a migration that runs outside a transaction block.`
            : `DETACH PARTITION … CONCURRENTLY needs PostgreSQL 14 (the target is ${context.pgVersion}): run the detach when traffic allows, with a short lock_timeout, or upgrade first.`;
        context.report(
          op,
          `Detaching partition ${tableName(op.partition)} without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on ${parent} and the partition: every read and write of the table waits until the migration commits.`,
          {
            lock: opLock(op, context),
            help,
          },
        );
      },
    };
  },
};
