import type { Rule } from './types.js';
import { opLock, tableName } from './support/helpers.js';

export const preferRepack: Rule = {
  meta: {
    id: 'prefer-repack',
    severity: 'warning',
    squawk: true,
    summary:
      'VACUUM FULL and CLUSTER rewrite the table under an ACCESS EXCLUSIVE lock; REPACK CONCURRENTLY (PG 19) or pg_repack do not block.',
    docs: {
      what:
        'Flags `VACUUM FULL` and `CLUSTER` on an existing table. Squawk reports this only when the target is PostgreSQL 19 or ' +
        'later (where `REPACK` exists); migration-lint reports it for every version, with the online alternative that version has.',
      why:
        'Both rewrite the whole table and all its indexes while holding an `ACCESS EXCLUSIVE` lock: every query on the table, ' +
        'plain `SELECT`s included, waits for the entire rewrite, which takes minutes on a large table. They also need free disk ' +
        'space for a full second copy. On a live database this is an outage for that table.',
      instead:
        'On PostgreSQL 19 or later, rewrite the table without blocking reads and writes:\n\n' +
        '```sql\n' +
        'REPACK (CONCURRENTLY) orders;\n' +
        '-- instead of CLUSTER orders USING orders_created_at_idx:\n' +
        'REPACK (CONCURRENTLY) orders USING INDEX orders_created_at_idx;\n' +
        '```\n\n' +
        'On older versions, run the `pg_repack` extension outside the migration (`pg_repack --table=orders`), or leave the ' +
        'table to autovacuum.',
    },
    lock: {
      mode: 'AccessExclusiveLock',
      setup: 'CREATE TABLE orders (id bigint PRIMARY KEY, note text);',
      statement: 'CLUSTER orders USING orders_pkey;',
      relation: 'orders',
    },
  },
  create(context) {
    return {
      other(op) {
        if (op.detail !== 'VACUUM FULL' && op.detail !== 'CLUSTER') return;
        if (op.table && context.isNewTable(op.table)) return;
        const target = op.table ? tableName(op.table) : 'every table it processes';
        const command = op.detail === 'CLUSTER' ? 'CLUSTER' : 'VACUUM FULL';
        context.report(
          op,
          `${command} rewrites ${target} and its indexes under an ACCESS EXCLUSIVE lock: every read and write waits for the whole rewrite.`,
          {
            lock: opLock(op, context),
            help:
              context.pgVersion >= 19
                ? `Use REPACK (CONCURRENTLY)${op.table ? ` ${tableName(op.table)}` : ''} instead.`
                : `Run pg_repack${op.table ? ` --table=${tableName(op.table)}` : ''} outside the migration (REPACK (CONCURRENTLY) needs PostgreSQL 19; the target is ${context.pgVersion}).`,
          },
        );
      },
    };
  },
};
