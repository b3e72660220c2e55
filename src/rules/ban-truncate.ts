import type { Rule } from './types.js';
import { opLock, tableName } from './support/helpers.js';

export const banTruncate: Rule = {
  meta: {
    id: 'ban-truncate',
    severity: 'warning',
    summary:
      'TRUNCATE in a migration deletes every row of an existing table, on every environment the migration reaches.',
    docs: {
      what: '`TRUNCATE` (without `CASCADE`, which `ban-truncate-cascade` reports) of a table not created earlier in the same migration.',
      why:
        'A migration runs on every environment, production included: `TRUNCATE` empties the table there too, fires no `DELETE` ' +
        'triggers (audit tables miss it) and cannot be undone by the down migration. It takes an `ACCESS EXCLUSIVE` lock, blocking ' +
        'reads and writes, and its effect is visible to concurrent MVCC snapshots as an empty table. Emptying a cache or a staging ' +
        'table is sometimes meant — then say so in an ignore comment.',
      instead:
        'Remove only the rows that must go, in batches:\n\n```sql\n' +
        'DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE expires_at < now() LIMIT 10000);\n```\n\n' +
        'If the whole table really is disposable: `-- migration-lint-disable-next-line ban-truncate -- cache table, rebuilt on demand`.',
    },
    lock: {
      mode: 'AccessExclusiveLock',
      setup: 'CREATE TABLE sessions (id bigint PRIMARY KEY, expires_at timestamptz);',
      statement: 'TRUNCATE sessions;',
      relation: 'sessions',
    },
  },
  create(context) {
    return {
      truncate(op) {
        if (op.cascade) return;
        const existing = op.tables.filter((t) => !context.isNewTable(t));
        if (!existing.length) return;
        const names = existing.map(tableName).join(', ');
        context.report(
          op,
          `TRUNCATE ${names} deletes every row on every database this migration runs on, production included; no DELETE trigger fires and the down migration cannot bring the rows back.`,
          {
            lock: opLock(op, context),
            help: 'Delete only the rows that must go, in batches; if the table is disposable, keep the TRUNCATE with an ignore comment that says why.',
          },
        );
      },
    };
  },
};
