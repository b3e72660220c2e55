import { describe, expect, it } from 'vitest';
import { runRule, ruleTester } from '../helpers/rule-tester.js';
import { backfillInDdlTransaction as rule } from '../../src/rules/backfill-in-ddl-transaction.js';
import { initSqlParser, parseSql } from '../../src/parsers/sql/parse-sql.js';

const PRISMA = 'prisma/migrations/20240301120000_order_customer_name/migration.sql';

function alembic(body: string): string {
  return `from alembic import op\nimport sqlalchemy as sa\n\nrevision = "b7e1c2d3"\ndown_revision = "a1f0e9d8"\n\n\ndef upgrade():\n${body
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n')}\n`;
}

ruleTester(rule, {
  valid: [
    {
      name: 'plain SQL without BEGIN: each statement commits on its own',
      sql: "ALTER TABLE users ADD COLUMN plan text;\nUPDATE users SET plan = 'free';",
    },
    {
      name: 'the backfill after COMMIT',
      sql: "BEGIN;\nALTER TABLE users ADD COLUMN plan text;\nCOMMIT;\nUPDATE users SET plan = 'free' WHERE plan IS NULL;",
    },
    {
      name: 'a keyed update touches one row',
      sql: "BEGIN;\nALTER TABLE settings ADD COLUMN note text;\nUPDATE settings SET note = 'x' WHERE id = 1;\nCOMMIT;",
    },
    {
      name: 'a column the migration makes unique is a key',
      sql: "BEGIN;\nALTER TABLE settings ADD CONSTRAINT settings_key_unique UNIQUE (key);\nDELETE FROM settings WHERE key IN ('a', 'b');\nCOMMIT;",
    },
    {
      name: 'INSERT … VALUES is a fixed list of rows',
      sql: "BEGIN;\nALTER TABLE plans ADD COLUMN price numeric;\nINSERT INTO plans (id, name, price) VALUES (1, 'free', 0), (2, 'pro', 10);\nCOMMIT;",
    },
    {
      name: 'the backfill before the schema change',
      sql: 'BEGIN;\nUPDATE users SET email = lower(email);\nCREATE INDEX users_email_idx ON users (email);\nCOMMIT;',
    },
    {
      name: 'only new tables locked',
      sql: 'BEGIN;\nCREATE TABLE plans (id bigint PRIMARY KEY, name text);\nALTER TABLE plans ADD COLUMN price numeric;\nINSERT INTO plans (id, name) SELECT id, name FROM legacy_plans;\nCOMMIT;',
    },
    {
      name: 'VALIDATE CONSTRAINT takes SHARE UPDATE EXCLUSIVE only',
      sql: 'BEGIN;\nALTER TABLE orders VALIDATE CONSTRAINT orders_total_check;\nUPDATE orders SET total = 0 WHERE total IS NULL;\nCOMMIT;',
    },
    {
      name: 'Knex: an update by primary key',
      file: 'migrations/20240301120000_admin_plan.js',
      sql: "exports.up = async function (knex) {\n  await knex.schema.alterTable('users', (t) => {\n    t.text('plan');\n  });\n  await knex('users').where({ id: 1 }).update({ plan: 'admin' });\n};\n\nexports.down = async function () {};\n",
    },
    {
      name: 'Prisma: a backfill alone in its migration',
      file: PRISMA,
      sql: 'UPDATE "Order" o SET "customerName" = c."name" FROM "Customer" c WHERE c."id" = o."customerId";\n',
    },
  ],
  invalid: [
    {
      name: 'Prisma: add column, backfill from another table, SET NOT NULL — one transaction',
      file: PRISMA,
      sql:
        '-- AlterTable\nALTER TABLE "Order" ADD COLUMN "customerName" TEXT;\n\n-- Backfill\n' +
        'UPDATE "Order" o SET "customerName" = c."name" FROM "Customer" c WHERE c."id" = o."customerId";\n\n' +
        '-- AlterTable\nALTER TABLE "Order" ALTER COLUMN "customerName" SET NOT NULL;\n',
      errors: [
        {
          line: 5,
          message:
            'UPDATE of "Order" changes every row its WHERE matches in the same transaction as ALTER TABLE (line 2), which took an ACCESS EXCLUSIVE lock on "Order"',
        },
      ],
    },
    {
      name: 'explicit transaction, UPDATE without WHERE',
      sql: "BEGIN;\nALTER TABLE users ADD COLUMN plan text;\nUPDATE users SET plan = 'free';\nCOMMIT;",
      errors: [{ line: 3, message: 'UPDATE of users changes every row in the same transaction' }],
    },
    {
      name: 'an always-true WHERE is every row',
      sql: 'BEGIN;\nALTER TABLE sessions ADD COLUMN expired boolean;\nDELETE FROM sessions WHERE 1 = 1;\nCOMMIT;',
      errors: [{ line: 3, message: 'DELETE from sessions changes every row in' }],
    },
    {
      name: 'INSERT … SELECT under the SHARE lock of CREATE INDEX',
      sql: "BEGIN;\nCREATE INDEX orders_customer_idx ON orders (customer_id);\nINSERT INTO order_archive SELECT * FROM orders WHERE created_at < now() - interval '1 year';\nCOMMIT;",
      errors: [{ line: 3, message: 'which took a SHARE lock on orders' }],
    },
    {
      name: 'a foreign key locks both tables (SHARE ROW EXCLUSIVE) while the backfill runs',
      sql: 'BEGIN;\nALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;\nUPDATE orders SET customer_id = NULL WHERE customer_id NOT IN (SELECT id FROM customers);\nCOMMIT;',
      errors: [{ line: 3, message: 'SHARE ROW EXCLUSIVE lock on orders' }],
    },
    {
      name: 'a status equality is not a key: read as filtered only when not compared with a constant',
      sql: 'BEGIN;\nALTER TABLE users ADD COLUMN plan text;\nUPDATE users SET plan = legacy_plan WHERE legacy_plan IS NOT NULL;\nCOMMIT;',
      errors: [{ line: 3, message: 'every row its WHERE matches' }],
    },
    {
      name: 'an equality on a column not known to be unique is not a key',
      sql: "BEGIN;\nALTER TABLE users ADD COLUMN plan text;\nUPDATE users SET plan = 'legacy' WHERE status = 'archived';\nCOMMIT;",
      errors: [
        { line: 3, message: 'every row whose status equals the value given (more than one unless it is a unique key)' },
      ],
    },
    {
      name: 'reported once per transaction, at its first backfill, naming the lock on the table it changes',
      sql: "BEGIN;\nALTER TABLE accounts ADD COLUMN tier text;\nALTER TABLE users ADD COLUMN plan text;\nUPDATE users SET plan = 'free' WHERE paid = false;\nUPDATE users SET plan = 'pro' WHERE paid = true AND plan IS NULL;\nUPDATE accounts SET tier = 'basic';\nCOMMIT;\nBEGIN;\nALTER TABLE orders ADD COLUMN note text;\nUPDATE orders SET note = '';\nCOMMIT;",
      errors: [
        {
          line: 4,
          message:
            'as ALTER TABLE (line 3), which took an ACCESS EXCLUSIVE lock on users and 1 other table: locks are held until COMMIT, so the table stays locked for the whole backfill (2 more data changes follow in this transaction).',
        },
        { line: 10, message: 'lock on orders: locks are held' },
      ],
    },
    {
      name: 'Alembic: add_column, op.execute backfill, alter_column nullable=False',
      file: 'migrations/versions/b7e1c2d3_user_plan.py',
      sql: alembic(
        'op.add_column("users", sa.Column("plan", sa.Text(), nullable=True))\nop.execute("UPDATE users SET plan = \'free\'")\nop.alter_column("users", "plan", nullable=False)',
      ),
      errors: [
        { line: 10, message: 'UPDATE of users changes every row in the same transaction as ALTER TABLE (line 9)' },
      ],
    },
    {
      name: 'Knex: an update call inside the migration transaction',
      file: 'migrations/20240301120000_user_plan.js',
      sql: "exports.up = async function (knex) {\n  await knex.schema.alterTable('users', (t) => {\n    t.text('plan');\n  });\n  await knex('users').update({ plan: 'free' });\n};\n\nexports.down = async function (knex) {\n  await knex.schema.alterTable('users', (t) => {\n    t.dropColumn('plan');\n  });\n};\n",
      errors: [{ line: 5, message: 'UPDATE of users changes every row in the same transaction' }],
    },
    {
      name: 'Knex: a where…() in the chain is a filter, not a key',
      file: 'migrations/20240301120000_user_plan.js',
      sql: "exports.up = async function (knex) {\n  await knex.schema.alterTable('users', (t) => {\n    t.text('plan');\n  });\n  await knex('users').whereNull('plan').update({ plan: 'free' });\n};\n\nexports.down = async function () {};\n",
      errors: [{ line: 5, message: 'UPDATE of users changes every row its WHERE matches' }],
    },
    {
      name: 'Kysely: an update without where()',
      file: 'migrations/2024_03_01_0001_user_plan.ts',
      sql: "import { Kysely, sql } from 'kysely';\n\nexport async function up(db: Kysely<any>): Promise<void> {\n  await db.schema.alterTable('users').addColumn('plan', 'text').execute();\n  await db.updateTable('users').set({ plan: 'free' }).execute();\n}\n",
      errors: [{ line: 5, message: 'UPDATE of users changes every row in the same transaction' }],
    },
  ],
});

describe('the facts the rule reads arrive parsed in the IR', () => {
  const dataChange = async (sql: string) => {
    await initSqlParser();
    const { ops } = parseSql(sql, { file: 'm.sql', direction: 'upgrade' });
    return ops.find((o) => o.kind === 'data-change');
  };
  it.each([
    ["UPDATE users SET plan = 'free'", { rowScope: 'all' }],
    ['UPDATE users SET plan = NULL WHERE true', { rowScope: 'all' }],
    ['DELETE FROM users WHERE false', { rowScope: 'filtered' }],
    ['UPDATE users SET plan = NULL WHERE id = $1', { rowScope: 'single-row', keyColumns: ['id'] }],
    [
      "UPDATE users u SET plan = 'x' WHERE u.tenant_id = 7 AND u.id IN (1, 2) AND u.plan IS NULL",
      { rowScope: 'single-row', keyColumns: ['tenant_id', 'id'] },
    ],
    ['UPDATE orders o SET total = i.sum FROM totals i WHERE i.order_id = o.id', { rowScope: 'filtered' }],
    ['INSERT INTO plans VALUES (1), (2)', { rowScope: 'single-row', fromQuery: false }],
    ['INSERT INTO plans SELECT * FROM legacy_plans', { rowScope: 'all', fromQuery: true }],
    ["INSERT INTO plans SELECT 1, 'free'", { rowScope: 'single-row', fromQuery: false }],
  ])('%s', async (sql, expected) => {
    expect(await dataChange(sql)).toMatchObject(expected);
  });
});

describe('outside the rule tester', () => {
  it('points at the backfill, not at the schema change', async () => {
    const findings = await runRule(rule, {
      sql: "BEGIN;\nALTER TABLE users ADD COLUMN plan text;\nUPDATE users SET plan = 'free';\nCOMMIT;",
    });
    expect(findings[0]).toMatchObject({
      line: 3,
      column: 1,
      lock: 'ACCESS EXCLUSIVE on users (blocks reads and writes)',
    });
  });
});
