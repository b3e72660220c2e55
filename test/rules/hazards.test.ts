/**
 * Rules for hazards a TypeScript peer (pgfence) reports: json columns, plain TRUNCATE, exclusion
 * constraints, and NOT NULL columns added to a table the migration has already filled.
 */
import { describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { ruleTester } from '../helpers/rule-tester.js';
import { preferJsonb } from '../../src/rules/prefer-jsonb.js';
import { banTruncate } from '../../src/rules/ban-truncate.js';
import { banExclusionConstraint } from '../../src/rules/ban-exclusion-constraint.js';
import { addingRequiredField } from '../../src/rules/adding-required-field.js';
import { lockTimeoutTooLong } from '../../src/rules/lock-timeout-too-long.js';
import { banEnumValueAddInTransaction } from '../../src/rules/ban-enum-value-add-in-transaction.js';
import { initSqlParser, parseSql } from '../../src/parsers/sql/parse-sql.js';
import { requireIndexForForeignKey } from '../../src/rules/require-index-for-foreign-key.js';
import { banDropSchema } from '../../src/rules/ban-drop-schema.js';
import { renamingSchema } from '../../src/rules/renaming-schema.js';
import { banUnfilteredDataChange } from '../../src/rules/ban-unfiltered-data-change.js';
import { banDisableTrigger } from '../../src/rules/ban-disable-trigger.js';
import { banMultipleAccessExclusiveLocks } from '../../src/rules/ban-multiple-access-exclusive-locks.js';

ruleTester(preferJsonb, {
  valid: [
    'CREATE TABLE events (id bigint PRIMARY KEY, payload jsonb NOT NULL);',
    'ALTER TABLE events ALTER COLUMN payload TYPE jsonb USING payload::jsonb;',
    { name: 'a json-looking name is not a json type', sql: 'ALTER TABLE events ADD COLUMN json_payload text;' },
  ],
  invalid: [
    {
      name: 'CREATE TABLE',
      sql: 'CREATE TABLE events (\n  id bigint PRIMARY KEY,\n  payload json NOT NULL\n);',
      errors: [{ line: 1, message: 'Column events.payload is json: json keeps the raw text' }],
    },
    {
      name: 'ADD COLUMN json[]',
      sql: 'ALTER TABLE events ADD COLUMN history json[];',
      errors: [{ line: 1, message: 'Column events.history is json[]' }],
    },
    {
      name: 'Prisma writes JSON',
      file: 'prisma/migrations/20240301120000_event_payload/migration.sql',
      sql: 'ALTER TABLE "Event" ADD COLUMN "payload" JSON;',
      errors: [{ line: 1, message: 'Column "Event".payload is' }],
    },
  ],
});

ruleTester(banTruncate, {
  valid: [
    {
      name: 'a table created in the same migration',
      sql: 'CREATE TABLE import_rows (id bigint);\nTRUNCATE import_rows;',
    },
    { name: 'CASCADE is ban-truncate-cascade', sql: 'TRUNCATE users CASCADE;' },
  ],
  invalid: [
    {
      name: 'plain TRUNCATE',
      sql: '-- start over\nTRUNCATE sessions;',
      errors: [{ line: 2, message: 'TRUNCATE sessions deletes every row on every database this migration runs on' }],
    },
    {
      name: 'names only the existing tables',
      sql: 'CREATE TABLE staging (id bigint);\nTRUNCATE staging, audit_log RESTART IDENTITY;',
      errors: [{ line: 2, message: 'TRUNCATE audit_log deletes' }],
    },
    {
      name: 'Knex truncate()',
      file: 'migrations/20240301120000_reset_sessions.js',
      sql: "exports.up = async function (knex) {\n  await knex('sessions').truncate();\n};\n\nexports.down = async function () {};\n",
      errors: [{ line: 2, message: 'TRUNCATE sessions' }],
    },
  ],
});

ruleTester(banExclusionConstraint, {
  valid: [
    {
      name: 'on a table created in the same migration',
      sql: 'CREATE TABLE bookings (id bigint PRIMARY KEY, during tstzrange);\nALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (during WITH &&);',
    },
    {
      name: 'inline in CREATE TABLE',
      sql: 'CREATE TABLE bookings (id bigint PRIMARY KEY, during tstzrange, EXCLUDE USING gist (during WITH &&));',
    },
  ],
  invalid: [
    {
      name: 'ADD CONSTRAINT … EXCLUDE on an existing table',
      sql: 'ALTER TABLE bookings\n  ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (room_id WITH =, during WITH &&);',
      errors: [
        {
          line: 1,
          message:
            'Adding exclusion constraint bookings_no_overlap to bookings builds its index and checks every row while holding an ACCESS EXCLUSIVE lock',
        },
      ],
    },
  ],
});

ruleTester(addingRequiredField, {
  valid: [
    {
      name: 'a new empty table',
      sql: 'CREATE TABLE plans (id bigint PRIMARY KEY);\nALTER TABLE plans ADD COLUMN name text NOT NULL;',
    },
    {
      name: 'added before the rows',
      sql: "CREATE TABLE plans (id bigint PRIMARY KEY);\nALTER TABLE plans ADD COLUMN name text NOT NULL;\nINSERT INTO plans VALUES (1, 'free');",
    },
    {
      name: 'with a default after the rows',
      sql: "CREATE TABLE plans (id bigint PRIMARY KEY);\nINSERT INTO plans VALUES (1);\nALTER TABLE plans ADD COLUMN name text NOT NULL DEFAULT 'free';",
    },
  ],
  invalid: [
    {
      name: 'NOT NULL without default after rows were inserted into the new table',
      sql: 'CREATE TABLE plans (id bigint PRIMARY KEY);\nINSERT INTO plans (id) VALUES (1), (2);\nALTER TABLE plans ADD COLUMN name text NOT NULL;',
      errors: [
        {
          line: 3,
          message:
            'Column name is added to plans as NOT NULL without a DEFAULT after rows were put in the table (line 2): the statement fails on every database',
        },
      ],
    },
    {
      name: 'existing tables are still reported',
      sql: 'ALTER TABLE users ADD COLUMN plan text NOT NULL;',
      errors: [{ line: 1, message: 'the statement fails if the table has any rows' }],
    },
  ],
});

ruleTester(lockTimeoutTooLong, {
  valid: [
    "SET lock_timeout = '2s';",
    "SET lock_timeout = '5s';",
    'SET lock_timeout TO 3000;',
    { name: 'statement_timeout is not this rule', sql: "SET statement_timeout = '15min';" },
    { name: 'RESET', sql: 'RESET lock_timeout;' },
  ],
  invalid: [
    {
      name: 'thirty seconds',
      sql: "SET lock_timeout = '30s';",
      errors: [{ line: 1, message: 'lock_timeout is set to 30s' }],
    },
    {
      name: 'milliseconds without a unit',
      sql: 'SET LOCAL lock_timeout TO 60000;',
      errors: [{ message: 'lock_timeout is set to 1min' }],
    },
    {
      name: 'in an Alembic op.execute',
      file: 'migrations/versions/c1d2_plan.py',
      sql: 'from alembic import op\n\nrevision = "c1d2"\ndown_revision = None\n\n\ndef upgrade():\n    op.execute("SET lock_timeout = \'10s\'")\n',
      errors: [{ line: 8, message: 'set to 10s' }],
    },
  ],
});

describe('durations arrive parsed in the IR', () => {
  it.each([
    ["SET lock_timeout = '2s'", 2000],
    ['SET lock_timeout TO 5000', 5000],
    ["SET LOCAL statement_timeout = '1.5min'", 90_000],
    ["SET lock_timeout = '250ms'", 250],
    ['SET lock_timeout = 0', 0],
    ["SET lock_timeout = '1h'", 3_600_000],
  ])('%s → %d ms', async (sql, ms) => {
    await initSqlParser();
    const op = parseSql(sql, { file: 'm.sql', direction: 'upgrade' }).ops[0];
    expect(op).toMatchObject({ kind: 'set-setting', durationMs: ms });
  });
  it('leaves non-duration settings alone', async () => {
    await initSqlParser();
    expect(parseSql("SET search_path = '5s'", { file: 'm.sql', direction: 'upgrade' }).ops[0]).not.toHaveProperty(
      'durationMs',
    );
  });
});

ruleTester(banEnumValueAddInTransaction, {
  valid: [
    {
      name: 'PostgreSQL 12+ allows it',
      sql: "BEGIN;\nALTER TYPE order_status ADD VALUE 'refunded';\nCOMMIT;",
      pgVersion: 12,
    },
    {
      name: 'outside a transaction on PostgreSQL 11',
      sql: "ALTER TYPE order_status ADD VALUE 'refunded';",
      pgVersion: 11,
    },
  ],
  invalid: [
    {
      name: 'explicit BEGIN on PostgreSQL 11',
      sql: "BEGIN;\nALTER TYPE order_status ADD VALUE 'refunded';\nCOMMIT;",
      pgVersion: 11,
      errors: [
        {
          line: 2,
          message:
            "ALTER TYPE order_status ADD VALUE 'refunded' cannot run inside a transaction block on PostgreSQL 11 (allowed from 12), and it runs in one here: the file opens a transaction block with BEGIN on line 1",
        },
      ],
    },
    {
      name: 'the transaction a Knex migration runs in, on PostgreSQL 10',
      file: 'migrations/20240301120000_refunded.js',
      sql: 'exports.up = function (knex) {\n  return knex.raw("ALTER TYPE order_status ADD VALUE \'refunded\'");\n};\n\nexports.down = function () {};\n',
      pgVersion: 10,
      errors: [{ line: 2, message: 'cannot run inside a transaction block on PostgreSQL 10' }],
    },
  ],
});

const CUSTOMERS = 'CREATE TABLE customers (id bigint PRIMARY KEY);';
ruleTester(requireIndexForForeignKey, {
  valid: [
    {
      name: 'indexed in the same migration',
      sql: `${CUSTOMERS}\nCREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id));\nCREATE INDEX orders_customer_id_idx ON orders (customer_id);`,
    },
    {
      name: 'indexed by a later migration',
      sql: [
        `${CUSTOMERS}\nCREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id));`,
        'CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);',
      ],
    },
    {
      name: 'leading columns of a composite primary key',
      sql: `${CUSTOMERS}\nCREATE TABLE customer_tags (customer_id bigint REFERENCES customers (id), tag text, PRIMARY KEY (customer_id, tag));`,
    },
    {
      name: 'a unique constraint in another column order',
      sql: `${CUSTOMERS}\nCREATE TABLE pairs (a bigint, b bigint, UNIQUE (b, a), FOREIGN KEY (a, b) REFERENCES other (x, y));`,
    },
    {
      name: 'the index follows a renamed column (drizzle-kit renames, it does not rebuild)',
      sql: [
        `${CUSTOMERS}\nCREATE TABLE invoices (id bigint PRIMARY KEY, customer_id bigint);\nCREATE INDEX invoices_customer_id_idx ON invoices (customer_id);`,
        'CREATE TABLE accounts (id bigint PRIMARY KEY);\nALTER TABLE invoices RENAME COLUMN customer_id TO account_id;\nALTER TABLE invoices ADD CONSTRAINT invoices_account_id_fk FOREIGN KEY (account_id) REFERENCES accounts (id);',
      ],
    },
    {
      name: 'indexes and keys follow a renamed table',
      sql: [
        `${CUSTOMERS}\nCREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);\nCREATE INDEX orders_customer_id_idx ON orders (customer_id);`,
        'ALTER TABLE orders RENAME TO purchases;\nALTER TABLE purchases ADD CONSTRAINT purchases_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);',
      ],
    },
    {
      name: 'the column was dropped later',
      sql: [
        `${CUSTOMERS}\nCREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id));`,
        'ALTER TABLE orders DROP COLUMN customer_id;',
      ],
    },
  ],
  invalid: [
    {
      name: 'no index anywhere in the set',
      sql: `${CUSTOMERS}\nCREATE TABLE orders (\n  id bigint PRIMARY KEY,\n  customer_id bigint REFERENCES customers (id)\n);`,
      errors: [
        {
          // at the REFERENCES clause, not at CREATE TABLE
          line: 4,
          message:
            'Foreign key orders (customer_id) → customers has no index on orders (customer_id) in the migrations linted: every DELETE on customers, and every update of its key, scans orders.',
        },
      ],
    },
    {
      name: 'ADD CONSTRAINT on an existing table',
      sql: 'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;',
      errors: [{ line: 1, message: 'orders (customer_id)' }],
    },
    {
      name: 'dropped and re-added (a new ON DELETE): reported once, at the constraint in force',
      sql: [
        `${CUSTOMERS}\nCREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);\nALTER TABLE orders ADD CONSTRAINT orders_customer_fkey FOREIGN KEY (customer_id) REFERENCES customers (id);`,
        'ALTER TABLE orders DROP CONSTRAINT orders_customer_fkey;\nALTER TABLE orders ADD CONSTRAINT orders_customer_fkey FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE;',
      ],
      errors: [{ line: 2, file: 'm002_migration.sql' }],
    },
    {
      name: 'an index whose leading column is another one does not serve',
      sql: `${CUSTOMERS}\nCREATE TABLE orders (id bigint PRIMARY KEY, created_at timestamptz, customer_id bigint REFERENCES customers (id));\nCREATE INDEX orders_created_customer ON orders (created_at, customer_id);`,
      errors: [{ line: 2 }],
    },
    {
      name: "another service's directory indexing a table of the same name does not serve (sets are apart)",
      sql: [
        `${CUSTOMERS}\nCREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id));`,
        'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);\nCREATE INDEX orders_customer_id_idx ON orders (customer_id);',
      ],
      file: ['services/shop/migrations/001_orders.sql', 'services/billing/migrations/001_orders.sql'],
      errors: [{ line: 2, file: 'services/shop/migrations/001_orders.sql', message: 'orders (customer_id)' }],
    },
    {
      name: 'a renamed column leaves behind an index on the other column',
      sql: [
        `${CUSTOMERS}\nCREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, buyer_id bigint);\nCREATE INDEX orders_customer_id_idx ON orders (customer_id);`,
        'ALTER TABLE orders RENAME COLUMN customer_id TO legacy_customer_id;\nALTER TABLE orders RENAME COLUMN buyer_id TO customer_id;\nALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);',
      ],
      errors: [{ line: 3, file: 'm002_migration.sql', message: 'orders (customer_id)' }],
    },
    {
      name: 'named as written, with the names a later rename gave it',
      sql: [
        `${CUSTOMERS}\nCREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id));`,
        'ALTER TABLE orders RENAME COLUMN customer_id TO buyer_id;',
      ],
      errors: [
        {
          line: 2,
          file: 'm001_migration.sql',
          message:
            'Foreign key orders (customer_id) → customers has no index on orders (customer_id) in the migrations linted (renamed since: orders (buyer_id)):',
        },
      ],
    },
    {
      name: 'an index dropped later no longer serves',
      sql: [
        `${CUSTOMERS}\nCREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id));\nCREATE INDEX orders_customer_id_idx ON orders (customer_id);`,
        'DROP INDEX CONCURRENTLY orders_customer_id_idx;',
      ],
      errors: [
        {
          line: 1,
          file: 'm002_migration.sql',
          message:
            'Dropping index orders_customer_id_idx leaves foreign key orders (customer_id) → customers without an index',
        },
      ],
    },
  ],
});

ruleTester(banDropSchema, {
  valid: [{ name: 'without CASCADE it only drops an empty schema', sql: 'DROP SCHEMA IF EXISTS legacy;' }],
  invalid: [
    {
      name: 'CASCADE',
      sql: 'DROP SCHEMA IF EXISTS legacy, staging CASCADE;',
      errors: [{ line: 1, message: 'DROP SCHEMA legacy, staging CASCADE drops every table (with its rows)' }],
    },
  ],
});

ruleTester(renamingSchema, {
  valid: ['ALTER TABLE billing.invoices SET SCHEMA invoicing;'],
  invalid: [
    {
      name: 'rename',
      sql: 'ALTER SCHEMA billing RENAME TO invoicing;',
      errors: [{ line: 1, message: 'Renaming schema billing to invoicing breaks every query' }],
    },
  ],
});

ruleTester(banUnfilteredDataChange, {
  valid: [
    "UPDATE users SET plan = 'free' WHERE plan IS NULL;",
    'DELETE FROM sessions WHERE expires_at < now();',
    {
      name: 'a table created in the same migration',
      sql: "CREATE TABLE plans (id bigint, name text);\nINSERT INTO plans VALUES (1, 'free');\nUPDATE plans SET name = upper(name);",
    },
  ],
  invalid: [
    {
      name: 'DELETE without WHERE',
      sql: 'DELETE FROM sessions;',
      errors: [{ line: 1, message: 'DELETE FROM sessions has no WHERE clause: it deletes every row' }],
    },
    { name: 'always-true WHERE', sql: 'DELETE FROM sessions WHERE 1 = 1;', errors: [{ message: 'deletes every row' }] },
    {
      name: 'UPDATE without WHERE',
      sql: "UPDATE users SET plan = 'free';",
      errors: [{ line: 1, message: 'UPDATE users has no WHERE clause: one statement rewrites every row' }],
    },
  ],
});

const TRIGGER_SETUP = 'CREATE TABLE orders (id bigint PRIMARY KEY);\n';
ruleTester(banDisableTrigger, {
  valid: [
    {
      name: 'enabled again in the same migration',
      sql: "BEGIN;\nALTER TABLE orders DISABLE TRIGGER orders_audit;\nUPDATE orders SET region = 'eu' WHERE region IS NULL;\nALTER TABLE orders ENABLE TRIGGER orders_audit;\nCOMMIT;",
    },
    { name: 'a table created in the same migration', sql: `${TRIGGER_SETUP}ALTER TABLE orders DISABLE TRIGGER ALL;` },
  ],
  invalid: [
    {
      name: 'one trigger',
      sql: 'ALTER TABLE orders DISABLE TRIGGER orders_audit;',
      errors: [
        { line: 1, message: 'trigger orders_audit on orders is disabled and not enabled again in this migration' },
      ],
    },
    {
      name: 'ALL includes foreign keys',
      sql: 'ALTER TABLE orders DISABLE TRIGGER ALL;',
      errors: [{ message: 'ALL triggers (foreign-key enforcement included) on orders are disabled' }],
    },
    {
      name: 'enabling another table does not count',
      sql: 'ALTER TABLE orders DISABLE TRIGGER USER;\nALTER TABLE invoices ENABLE TRIGGER USER;',
      errors: [{ line: 1, message: 'every user trigger on orders' }],
    },
  ],
});

ruleTester(banMultipleAccessExclusiveLocks, {
  valid: [
    {
      name: 'one table per transaction',
      sql: 'BEGIN;\nALTER TABLE orders ADD COLUMN region text;\nCOMMIT;\nBEGIN;\nALTER TABLE invoices ADD COLUMN region text;\nCOMMIT;',
    },
    {
      name: 'several changes to the same table',
      sql: 'BEGIN;\nALTER TABLE orders ADD COLUMN region text;\nALTER TABLE orders ADD COLUMN note text;\nCOMMIT;',
    },
    {
      name: 'plain SQL without a transaction',
      sql: 'ALTER TABLE orders ADD COLUMN region text;\nALTER TABLE invoices ADD COLUMN region text;',
    },
    {
      name: 'a weaker lock second (CREATE INDEX takes SHARE)',
      sql: 'BEGIN;\nALTER TABLE orders ADD COLUMN region text;\nCREATE INDEX invoices_region_idx ON invoices (region);\nCOMMIT;',
    },
  ],
  invalid: [
    {
      name: 'two tables in a Prisma migration',
      file: 'prisma/migrations/20240301120000_region/migration.sql',
      sql: '-- AlterTable\nALTER TABLE "Order" ADD COLUMN "region" TEXT;\n\n-- AlterTable\nALTER TABLE "Invoice" ADD COLUMN "region" TEXT;\n\n-- AlterTable\nALTER TABLE "Payment" ADD COLUMN "region" TEXT;\n',
      errors: [
        {
          line: 5,
          message:
            'ALTER TABLE locks "Invoice" ACCESS EXCLUSIVE while this transaction still holds ACCESS EXCLUSIVE on "Order" (line 2)',
        },
      ],
    },
  ],
});

describe('the claims, on embedded Postgres', () => {
  it('ADD COLUMN … NOT NULL after an INSERT into the new table fails', async () => {
    const db = new PGlite();
    try {
      await db.exec('CREATE TABLE plans (id bigint PRIMARY KEY); INSERT INTO plans (id) VALUES (1);');
      await expect(db.exec('ALTER TABLE plans ADD COLUMN name text NOT NULL;')).rejects.toThrow(/contains null values/);
    } finally {
      await db.close();
    }
  });
  it('json has no equality operator; jsonb has', async () => {
    const db = new PGlite();
    try {
      await db.exec(`CREATE TABLE e (j json, b jsonb); INSERT INTO e VALUES ('{"a":1}', '{"a":1}');`);
      await expect(db.query('SELECT DISTINCT j FROM e')).rejects.toThrow(
        /could not identify an equality operator for type json/,
      );
      expect((await db.query('SELECT DISTINCT b FROM e')).rows).toHaveLength(1);
    } finally {
      await db.close();
    }
  });
  it('exclusion constraints take no USING INDEX', async () => {
    const db = new PGlite();
    try {
      await db.exec(
        'CREATE TABLE bookings (id bigint PRIMARY KEY, during tstzrange); CREATE INDEX bookings_during ON bookings USING gist (during);',
      );
      await expect(
        db.exec('ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING INDEX bookings_during'),
      ).rejects.toThrow();
    } finally {
      await db.close();
    }
  });
});
