import type { Rule } from './types.js';
import { opLock, tableName } from './support/helpers.js';

export const requireConcurrentReindex: Rule = {
  meta: {
    id: 'require-concurrent-reindex',
    severity: 'error',
    squawk: true,
    summary:
      'REINDEX without CONCURRENTLY blocks writes to the table, and reads through the index, for the whole rebuild.',
    docs: {
      what:
        'Flags `REINDEX INDEX`, `REINDEX TABLE`, `REINDEX SCHEMA` and `REINDEX DATABASE` without `CONCURRENTLY` ' +
        '(`REINDEX SYSTEM` cannot run concurrently and is not flagged). Tables created earlier in the same migration are not flagged.',
      why:
        'A plain REINDEX takes a `SHARE` lock on the table (verified on PostgreSQL 15) — every `INSERT`, `UPDATE` and `DELETE` ' +
        'waits for the whole rebuild — and an `ACCESS EXCLUSIVE` lock on each index it rebuilds, so queries that would use the ' +
        'index wait too. `REINDEX … CONCURRENTLY` (PostgreSQL 12 and later) builds a new copy of the index beside the old one ' +
        'under a `SHARE UPDATE EXCLUSIVE` lock and swaps them, so reads and writes go on.',
      instead:
        'On PostgreSQL 12 or later, rebuild concurrently, in a migration that runs outside a transaction block (the statement ' +
        'refuses to run in one):\n\n' +
        '```sql\n' +
        'REINDEX INDEX CONCURRENTLY orders_customer_id_idx;\n' +
        '```',
    },
    lock: {
      mode: 'ShareLock',
      setup:
        'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);\nCREATE INDEX orders_customer_id_idx ON orders (customer_id);',
      statement: 'REINDEX TABLE orders;',
      relation: 'orders',
    },
  },
  create(context) {
    return {
      reindex(op) {
        if (op.concurrently || op.target === 'system') return;
        if (op.target === 'table' && context.isNewTable(op.name)) return;
        const what = `REINDEX ${op.target.toUpperCase()} ${tableName(op.name)}`;
        const target =
          op.target === 'table'
            ? tableName(op.name)
            : op.target === 'index'
              ? `the table of ${tableName(op.name)}`
              : `every table of ${op.target} ${tableName(op.name)}`;
        context.report(
          op,
          `${what} without CONCURRENTLY blocks writes to ${target} (SHARE lock) and reads through the rebuilt indexes until it finishes.`,
          {
            lock: opLock(op, context),
            help:
              context.pgVersion >= 12
                ? `Use REINDEX ${op.target.toUpperCase()} CONCURRENTLY ${tableName(op.name)}, in a migration that runs outside a transaction block.`
                : `REINDEX … CONCURRENTLY needs PostgreSQL 12 (the target is ${context.pgVersion}): build a new index with CREATE INDEX CONCURRENTLY, then drop the old one with DROP INDEX CONCURRENTLY.`,
          },
        );
      },
    };
  },
};
