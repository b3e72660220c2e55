/**
 * Valid/invalid cases of the rules added to cover the rest of Squawk's rule set (domains, partitions,
 * REINDEX, VACUUM FULL/CLUSTER, enum ordering, identifier length, smallint, timeouts, schema, robust
 * statements). Squawk's own cases for each id are included; where migration-lint differs on purpose,
 * the case says why.
 */
import { ruleTester } from '../helpers/rule-tester.js';
import { banCreateDomainWithConstraint } from '../../src/rules/ban-create-domain-with-constraint.js';
import { banAlterDomainWithAddConstraint } from '../../src/rules/ban-alter-domain-with-add-constraint.js';
import { requireConcurrentPartitionDetach } from '../../src/rules/require-concurrent-partition-detach.js';
import { requireConcurrentReindex } from '../../src/rules/require-concurrent-reindex.js';
import { preferRepack } from '../../src/rules/prefer-repack.js';
import { requireEnumValueOrdering } from '../../src/rules/require-enum-value-ordering.js';
import { identifierTooLong } from '../../src/rules/identifier-too-long.js';
import { preferBigintOverSmallint } from '../../src/rules/prefer-bigint-over-smallint.js';
import { requireStatementTimeout } from '../../src/rules/require-statement-timeout.js';
import { requireTableSchema } from '../../src/rules/require-table-schema.js';
import { preferRobustStmts } from '../../src/rules/prefer-robust-stmts.js';

const LONG_TABLE = 'table_very_long_very_long_very_long_very_long_very_long_very_long';
const LONG_COLUMN = 'column_very_long_very_long_very_long_very_long_very_long_very_long';

ruleTester(banCreateDomainWithConstraint, {
  valid: [
    'CREATE DOMAIN domain_name_1 AS TEXT;',
    'CREATE DOMAIN domain_name_2 AS CHARACTER VARYING;',
    'CREATE DOMAIN money_amount AS numeric(12, 2) DEFAULT 0;',
  ],
  invalid: [
    {
      sql: 'CREATE DOMAIN domain_name_3 AS NUMERIC(15,5) CHECK (value > 0);',
      errors: [{ line: 1, message: 'Domain domain_name_3 is created with CHECK' }],
    },
    {
      sql: '-- positive amounts only\ncreate domain d as int check (value > 0) not null;',
      errors: [{ line: 2, message: 'created with CHECK and NOT NULL' }],
    },
  ],
});

ruleTester(banAlterDomainWithAddConstraint, {
  valid: [
    'ALTER DOMAIN domain_name_2 SET NOT NULL;',
    'ALTER DOMAIN domain_name_3 DROP CONSTRAINT other_domain_name;',
    'ALTER DOMAIN domain_name_4 RENAME CONSTRAINT constraint_name TO other_constraint_name;',
    'ALTER DOMAIN domain_name_5 SET DEFAULT 0;',
  ],
  invalid: [
    {
      sql: 'ALTER DOMAIN domain_name ADD CONSTRAINT constraint_name CHECK (value > 0);',
      errors: [{ line: 1, message: 'scans every table with a column of domain domain_name under a SHARE lock' }],
    },
    // NOT VALID only defers the scan to VALIDATE CONSTRAINT, which takes the same SHARE locks.
    {
      sql: 'ALTER DOMAIN price ADD CONSTRAINT price_positive CHECK (VALUE > 0) NOT VALID;',
      errors: [{ message: 'VALIDATE CONSTRAINT later scans' }],
    },
  ],
});

ruleTester(requireConcurrentPartitionDetach, {
  valid: [
    'ALTER TABLE t DETACH PARTITION p CONCURRENTLY;',
    'ALTER TABLE t DETACH PARTITION p FINALIZE;',
    // A partitioned table created in this migration has no traffic yet.
    "CREATE TABLE events (id bigint, at date) PARTITION BY RANGE (at);\nCREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\nALTER TABLE events DETACH PARTITION events_2024;",
  ],
  invalid: [
    {
      sql: 'ALTER TABLE t DETACH PARTITION p;',
      errors: [{ line: 1, message: 'Detaching partition p without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on t' }],
    },
    {
      sql: "SET lock_timeout = '2s';\nALTER TABLE measurements\n  DETACH PARTITION measurements_2019;",
      pgVersion: 13,
      errors: [{ line: 2, message: 'measurements_2019' }],
    },
  ],
});

ruleTester(requireConcurrentReindex, {
  valid: [
    'REINDEX INDEX CONCURRENTLY orders_customer_id_idx;',
    'REINDEX (CONCURRENTLY) TABLE orders;',
    'REINDEX TABLE CONCURRENTLY orders;',
    // REINDEX SYSTEM cannot run concurrently.
    'REINDEX SYSTEM app;',
    'CREATE TABLE staging_orders (id bigint PRIMARY KEY);\nREINDEX TABLE staging_orders;',
  ],
  invalid: [
    {
      sql: 'REINDEX TABLE orders;',
      errors: [{ line: 1, message: 'REINDEX TABLE orders without CONCURRENTLY blocks writes to orders' }],
    },
    { sql: 'REINDEX INDEX orders_customer_id_idx;', errors: [{ message: 'the table of orders_customer_id_idx' }] },
    { sql: 'REINDEX SCHEMA billing;', errors: [{ message: 'every table of schema billing' }] },
    { sql: 'REINDEX DATABASE app;', errors: [{ message: 'REINDEX DATABASE app' }] },
    { sql: 'REINDEX (VERBOSE) TABLE orders;', errors: [{ line: 1 }] },
  ],
});

ruleTester(preferRepack, {
  valid: [
    'VACUUM orders;',
    'VACUUM (ANALYZE) orders;',
    'ANALYZE orders;',
    'CREATE TABLE scratch (id int);\nCLUSTER scratch USING scratch_pkey;',
  ],
  invalid: [
    {
      sql: 'CLUSTER foo;',
      pgVersion: 19,
      errors: [{ line: 1, message: 'CLUSTER rewrites foo and its indexes under an ACCESS EXCLUSIVE lock' }],
    },
    { sql: 'VACUUM FULL foo;', pgVersion: 19, errors: [{ message: 'VACUUM FULL rewrites foo' }] },
    { sql: 'VACUUM (FULL) foo;', pgVersion: 19, errors: [{ message: 'VACUUM FULL rewrites foo' }] },
    // Squawk stays silent before PostgreSQL 19 (no REPACK there); the table is blocked all the same, and pg_repack exists.
    {
      sql: 'CLUSTER orders USING orders_created_at_idx;',
      pgVersion: 15,
      errors: [{ message: 'CLUSTER rewrites orders' }],
    },
  ],
});

ruleTester(requireEnumValueOrdering, {
  valid: [
    "ALTER TYPE my_enum ADD VALUE 'new_value' BEFORE 'existing_value';",
    "ALTER TYPE my_enum ADD VALUE 'new_value' AFTER 'existing_value';",
    "ALTER TYPE my_enum RENAME VALUE 'a' TO 'b';",
  ],
  invalid: [
    {
      sql: "ALTER TYPE my_enum ADD VALUE 'new_value';",
      errors: [{ line: 1, message: "ADD VALUE 'new_value' to my_enum gives no BEFORE or AFTER" }],
    },
    { sql: "ALTER TYPE my_enum ADD VALUE IF NOT EXISTS 'new_value';", errors: [{ line: 1 }] },
  ],
});

ruleTester(identifierTooLong, {
  valid: [
    'create table short_name (col bigint);',
    `CREATE TABLE t (note text DEFAULT '${'x'.repeat(80)}');`,
    `-- ${LONG_TABLE} in a comment\nCREATE TABLE t (id int);`,
  ],
  invalid: [
    {
      sql: `create table ${LONG_TABLE} (${LONG_COLUMN} bigint);`,
      errors: [
        {
          line: 1,
          message: `Identifier "${LONG_TABLE}" is 65 bytes long: Postgres truncates it to 63 bytes, "${LONG_TABLE.slice(0, 63)}".`,
        },
        { line: 1, message: `Identifier "${LONG_COLUMN}"` },
      ],
    },
    {
      sql: `create index index_very_long_very_long_very_long_very_long_very_long_very_long on t (col);`,
      errors: [{ message: 'index_very_long_very_long_very_long_very_long_very_long_very_lo"' }],
    },
    { sql: `drop table ${LONG_TABLE};`, errors: [{ message: LONG_TABLE }] },
    // Quoted names keep their case; multibyte characters count as their UTF-8 bytes and are never cut in half.
    {
      sql: `ALTER TABLE t ADD COLUMN "${'é'.repeat(32)}" text;`,
      errors: [{ message: `is 64 bytes long: Postgres truncates it to 63 bytes, "${'é'.repeat(31)}"` }],
    },
    {
      sql: `ALTER TABLE t\n  ADD CONSTRAINT "Orders_CustomerReference_FulfilmentCentre_Foreign_Key_Constraint" FOREIGN KEY (a) REFERENCES b (id);`,
      errors: [{ line: 2, message: '"Orders_CustomerReference_FulfilmentCentre_Foreign_Key_Constraint" is 64 bytes' }],
    },
  ],
});

ruleTester(preferBigintOverSmallint, {
  valid: [
    'create table users (id bigint);',
    'create table users (id int);',
    'ALTER TABLE users ADD COLUMN visits bigint;',
  ],
  invalid: [
    {
      sql: 'create table users (\n    id smallint\n);\ncreate table users2 (\n    id int2\n);\ncreate table users3 (\n    id smallserial\n);\ncreate table users4 (\n    id serial2\n);',
      errors: [
        { line: 2, message: 'users.id is smallint (16-bit)' },
        { line: 5 },
        { line: 8, message: 'smallserial' },
        { line: 11 },
      ],
    },
    {
      sql: 'ALTER TABLE playlists ADD COLUMN position int2[];',
      errors: [{ message: 'smallint[] (16-bit): values overflow at 32,767' }],
    },
  ],
});

ruleTester(requireStatementTimeout, {
  valid: [
    "SET statement_timeout = '5min';\nALTER TABLE orders ADD COLUMN note text;",
    "BEGIN;\nSET LOCAL statement_timeout = '1min';\nCREATE INDEX orders_note_idx ON orders (note);\nCOMMIT;",
    'CREATE TABLE orders (id bigint PRIMARY KEY);\nALTER TABLE orders ADD COLUMN note text;',
    'CREATE INDEX CONCURRENTLY orders_note_idx ON orders (note);',
  ],
  invalid: [
    {
      sql: "SET lock_timeout = '2s';\nALTER TABLE orders ADD COLUMN note text;\nALTER TABLE orders ADD COLUMN tag text;",
      errors: [{ line: 2, message: 'holds an ACCESS EXCLUSIVE lock on orders with no statement_timeout set' }],
    },
    // 0 disables the timeout; SET LOCAL outside a transaction does nothing.
    {
      sql: 'SET statement_timeout = 0;\nCREATE INDEX orders_tag_idx ON orders (tag);',
      errors: [{ line: 2, message: 'holds a SHARE lock on orders' }],
    },
    { sql: "SET LOCAL statement_timeout = '1min';\nREINDEX TABLE orders;", errors: [{ line: 2 }] },
  ],
});

ruleTester(requireTableSchema, {
  valid: [
    'CREATE TABLE public.my_table (id int);',
    'ALTER TABLE public.my_table ADD COLUMN name text;',
    'DROP TABLE public.my_table;',
    'CREATE TEMP TABLE scratch (id int);',
    'CREATE TABLE public.my_table AS SELECT 1;',
  ],
  invalid: [
    {
      sql: 'CREATE TABLE my_table (id int);',
      errors: [{ line: 1, message: 'Table my_table is not schema-qualified' }],
    },
    { sql: 'ALTER TABLE my_table ADD COLUMN name text, ADD COLUMN age int;', errors: [{ line: 1 }] },
    { sql: 'DROP TABLE my_table;', errors: [{ line: 1 }] },
    { sql: 'CREATE TABLE my_table AS SELECT 1;', errors: [{ line: 1 }] },
  ],
});

ruleTester(preferRobustStmts, {
  valid: [
    'CREATE TABLE IF NOT EXISTS audit_log (id bigint);',
    'ALTER TABLE users ADD COLUMN IF NOT EXISTS locale text;',
    'ALTER TABLE users DROP COLUMN IF EXISTS locale;',
    'DROP INDEX IF EXISTS users_locale_idx;',
    'DROP TABLE IF EXISTS audit_log;',
    "ALTER TABLE users DROP CONSTRAINT IF EXISTS users_locale_check;\nALTER TABLE users ADD CONSTRAINT users_locale_check CHECK (locale <> '');",
    // In a transaction a failure rolls everything back: nothing half-applied to re-run.
    'BEGIN;\nCREATE TABLE audit_log (id bigint);\nALTER TABLE users ADD COLUMN locale text;\nCOMMIT;',
    { sql: 'ALTER TABLE users ADD COLUMN locale text;', assumeInTransaction: true },
    'CREATE TEMP TABLE scratch (id int);',
  ],
  invalid: [
    {
      sql: 'CREATE TABLE audit_log (id bigint);',
      errors: [{ line: 1, message: 'CREATE TABLE audit_log has no IF NOT EXISTS and runs outside a transaction' }],
    },
    {
      sql: 'ALTER TABLE users ADD COLUMN locale text;',
      errors: [{ message: 'ADD COLUMN locale has no IF NOT EXISTS' }],
    },
    { sql: 'ALTER TABLE users DROP COLUMN locale;', errors: [{ message: 'DROP COLUMN locale has no IF EXISTS' }] },
    { sql: 'DROP INDEX users_locale_idx;', errors: [{ message: 'DROP INDEX users_locale_idx has no IF EXISTS' }] },
    {
      sql: 'ALTER TABLE users DROP CONSTRAINT users_locale_check;',
      errors: [{ message: 'DROP CONSTRAINT users_locale_check has no IF EXISTS' }],
    },
    {
      sql: "ALTER TABLE users ADD CONSTRAINT users_locale_check CHECK (locale <> '');",
      errors: [{ message: 'ADD CONSTRAINT users_locale_check runs outside a transaction and cannot be repeated' }],
    },
    // A failed concurrent build leaves an invalid index under that name, transaction or not.
    {
      sql: 'CREATE INDEX CONCURRENTLY users_locale_idx ON users (locale);',
      errors: [{ message: 'CREATE INDEX CONCURRENTLY users_locale_idx has no IF NOT EXISTS' }],
    },
  ],
});
