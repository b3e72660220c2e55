import type { Rule } from './types.js';
import { tableName } from './support/helpers.js';

export const banTruncateCascade: Rule = {
  meta: {
    id: 'ban-truncate-cascade',
    severity: 'error',
    squawk: true,
    summary: 'TRUNCATE … CASCADE also empties every table that references the truncated ones by foreign key.',
    docs: {
      what: 'Flags `TRUNCATE … CASCADE` unless every truncated table was created earlier in the same migration.',
      why:
        '`CASCADE` truncates, recursively, every table with a foreign key to a truncated table — tables the statement ' +
        'never names (truncating `users` empties `orders`, then `order_items`…). Which tables that is depends on the ' +
        'foreign keys in the target database, not on what the migration shows, and the rows are gone without a trace ' +
        '(TRUNCATE fires no DELETE triggers). Every one of those tables is locked `ACCESS EXCLUSIVE`, blocking reads ' +
        'and writes, and rewritten as an empty file.',
      instead:
        'Name every table to empty; without `CASCADE` Postgres refuses, and names the referencing table, if another ' +
        'table still points at them:\n\n' +
        '```sql\n' +
        'TRUNCATE order_items, orders;\n' +
        '```\n\n' +
        'To remove only some rows, delete them in batches instead: ' +
        "`DELETE FROM orders WHERE id IN (SELECT id FROM orders WHERE created_at < '2020-01-01' LIMIT 10000);`",
    },
    lock: {
      mode: 'AccessExclusiveLock',
      setup:
        'CREATE TABLE users (id bigint PRIMARY KEY);\n' +
        'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));\n' +
        'CREATE TABLE order_items (id bigint PRIMARY KEY, order_id bigint REFERENCES orders (id));',
      statement: 'TRUNCATE users CASCADE;',
      // A table two foreign keys away, never named in the statement.
      relation: 'order_items',
    },
  },
  create(context) {
    return {
      truncate(op) {
        if (!op.cascade || op.tables.every((t) => context.isNewTable(t))) return;
        const names = op.tables.map(tableName).join(', ');
        context.report(
          op,
          `TRUNCATE ${names} CASCADE also empties every table that references ${op.tables.length > 1 ? 'them' : 'it'} by foreign key, recursively, including tables this migration never names.`,
          {
            lock: `ACCESS EXCLUSIVE on ${names} and every table that references ${op.tables.length > 1 ? 'them' : 'it'} (blocks reads and writes)`,
            help: 'List every table to empty explicitly and drop CASCADE, so Postgres refuses if another table still references them.',
          },
        );
      },
    };
  },
};
