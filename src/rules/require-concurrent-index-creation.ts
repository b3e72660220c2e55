import type { Rule } from './types.js';
import { opLock, quoteIdent, tableName } from './support/helpers.js';

export const requireConcurrentIndexCreation: Rule = {
  meta: {
    id: 'require-concurrent-index-creation',
    severity: 'error',
    squawk: true,
    summary: 'CREATE INDEX on an existing table without CONCURRENTLY blocks writes for the whole build.',
    docs: {
      what: 'Flags `CREATE INDEX` (and `CREATE UNIQUE INDEX`) without `CONCURRENTLY` on a table that was not created earlier in the same migration.',
      why:
        'A plain `CREATE INDEX` takes a `SHARE` lock on the table for the entire build: reads go on, but every ' +
        '`INSERT`, `UPDATE` and `DELETE` waits until the index is built, which on a large table takes minutes. ' +
        'Applies to every Postgres version.',
      instead:
        'Build the index concurrently, outside a transaction block (it takes `SHARE UPDATE EXCLUSIVE`, which lets reads and writes go on):\n\n' +
        '```sql\nCREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);\n```\n\n' +
        'If the build fails it leaves an `INVALID` index behind: `DROP INDEX CONCURRENTLY users_email_idx;` and retry.\n\n' +
        "The finding gives the migration tool's own way: node-pg-migrate `pgm.createIndex(…, { concurrently: true })` after " +
        '`pgm.noTransaction()`; Sequelize `queryInterface.addIndex(…, { concurrently: true })` outside a transaction; Alembic ' +
        '`op.create_index(…, postgresql_concurrently=True)` inside `with op.get_context().autocommit_block():`; Knex, TypeORM, Kysely ' +
        'and MikroORM the SQL above through their raw-SQL call, in a migration they run without a transaction; dbmate ' +
        '`transaction:false`, sqlx a file whose first line is `-- no-transaction`, golang-migrate and Prisma a file holding only that statement.',
    },
    lock: {
      mode: 'ShareLock',
      setup: 'CREATE TABLE users (id bigint PRIMARY KEY, email text);',
      statement: 'CREATE INDEX users_email_idx ON users (email);',
      relation: 'users',
    },
  },
  create(context) {
    return {
      'create-index'(op) {
        if (op.concurrently || context.isNewTable(op.table)) return;
        const name = op.name ? ` ${quoteIdent(op.name)}` : '';
        // The format says how its tool runs the statement outside a transaction (knex.raw, postgresql_concurrently…).
        const how = context.migration.formatHelp?.concurrentIndex;
        context.report(
          op,
          `CREATE ${op.unique ? 'UNIQUE ' : ''}INDEX${name} on ${tableName(op.table)} without CONCURRENTLY blocks writes to the table until the index is built.`,
          {
            lock: opLock(op, context),
            help: `Use CREATE ${op.unique ? 'UNIQUE ' : ''}INDEX CONCURRENTLY${name} ON ${tableName(op.table)} (…), run outside a transaction block.${how ? ` ${how}.` : ''}`,
          },
        );
      },
    };
  },
};
