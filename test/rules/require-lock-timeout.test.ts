import { describe, expect, it } from 'vitest';
import { runRule, ruleTester } from '../helpers/rule-tester.js';
import { requireLockTimeout as rule } from '../../src/rules/require-lock-timeout.js';

ruleTester(rule, {
  valid: [
    "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN plan text;\nCREATE INDEX users_plan_idx ON users (plan);",
    'SET lock_timeout TO 5000;\nALTER TABLE users DROP COLUMN legacy_flag;',
    {
      name: 'SET LOCAL inside the transaction dbmate opens',
      file: 'db/migrations/20240301000000_plan.sql',
      sql: "-- migrate:up\nSET LOCAL lock_timeout = '3s';\nALTER TABLE users ADD COLUMN plan text;\n",
    },
    {
      name: 'SET LOCAL inside an explicit transaction',
      sql: "BEGIN;\nSET LOCAL lock_timeout = '3s';\nALTER TABLE users ADD COLUMN plan text;\nCOMMIT;",
    },
    {
      name: 'concurrent index builds take SHARE UPDATE EXCLUSIVE',
      sql: 'CREATE INDEX CONCURRENTLY users_plan_idx ON users (plan);\nDROP INDEX CONCURRENTLY users_old_idx;',
    },
    {
      name: 'VALIDATE CONSTRAINT takes SHARE UPDATE EXCLUSIVE',
      sql: 'ALTER TABLE orders VALIDATE CONSTRAINT orders_total_check;',
    },
    {
      name: 'statistics target takes SHARE UPDATE EXCLUSIVE',
      sql: 'ALTER TABLE orders ALTER COLUMN status SET STATISTICS 500;',
    },
    { name: 'data changes take ROW EXCLUSIVE', sql: "UPDATE users SET plan = 'free' WHERE plan IS NULL;" },
    {
      name: 'everything on a table created in the same migration',
      sql: 'CREATE TABLE plans (id bigint PRIMARY KEY, name text);\nALTER TABLE plans ADD COLUMN price numeric;\nCREATE INDEX plans_name_idx ON plans (name);',
    },
    {
      name: 'dropping an index this migration built on a table it created',
      sql: 'CREATE TABLE plans (id bigint PRIMARY KEY, name text);\nCREATE INDEX plans_name_idx ON plans (name);\nDROP INDEX plans_name_idx;',
    },
    {
      name: 'a new table referencing a table also new',
      sql: 'CREATE TABLE plans (id bigint PRIMARY KEY);\nCREATE TABLE plan_prices (plan_id bigint REFERENCES plans (id));',
    },
    // Checked on PostgreSQL 15 in pg_locks: these take no lock stronger than ACCESS SHARE on an existing table.
    { name: 'ALTER TYPE … ADD VALUE locks no table', sql: "ALTER TYPE order_status ADD VALUE 'refunded';" },
    {
      name: 'a new view only reads its tables',
      sql: 'CREATE VIEW active_users AS SELECT * FROM users WHERE deleted_at IS NULL;',
    },
    { name: 'COMMENT ON takes SHARE UPDATE EXCLUSIVE', sql: "COMMENT ON TABLE users IS 'people who sign in';" },
    {
      name: 'ALTER INDEX … RENAME takes SHARE UPDATE EXCLUSIVE (12+)',
      sql: 'ALTER INDEX users_plan_idx RENAME TO users_plan_key;',
    },
    {
      name: 'a new materialized view only reads its tables',
      sql: 'CREATE MATERIALIZED VIEW user_counts AS SELECT plan, count(*) FROM users GROUP BY plan;',
    },
  ],
  invalid: [
    // From the lock model (src/analysis/locks.ts), each checked on PGlite and PostgreSQL 15 by test/analysis/locks.test.ts.
    {
      name: 'a new partition locks its parent ACCESS EXCLUSIVE',
      sql: 'CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM (2025) TO (2026);',
      errors: [
        {
          line: 1,
          message: 'CREATE TABLE … PARTITION OF takes an ACCESS EXCLUSIVE lock on events with no lock_timeout set',
        },
      ],
    },
    {
      name: 'ATTACH PARTITION names the table it locks ACCESS EXCLUSIVE',
      sql: 'ALTER TABLE events ATTACH PARTITION events_2024 FOR VALUES FROM (2024) TO (2025);',
      errors: [
        {
          line: 1,
          message:
            'ALTER TABLE … ATTACH PARTITION takes an ACCESS EXCLUSIVE lock on events_2024 with no lock_timeout set',
        },
      ],
    },
    {
      name: 'ALTER SEQUENCE takes SHARE ROW EXCLUSIVE on the sequence (nextval waits)',
      sql: 'ALTER SEQUENCE orders_id_seq RESTART WITH 1000;',
      errors: [{ line: 1, message: 'ALTER SEQUENCE takes a SHARE ROW EXCLUSIVE lock on orders_id_seq' }],
    },
    {
      name: 'DROP SCHEMA … CASCADE locks every relation in it',
      sql: 'DROP SCHEMA archive CASCADE;',
      errors: [{ line: 1, message: 'DROP SCHEMA takes an ACCESS EXCLUSIVE lock on every relation of schema archive' }],
    },
    {
      name: 'reported once, at the first statement',
      sql: '-- add billing plan\nALTER TABLE users ADD COLUMN plan text;\nALTER TABLE users ADD COLUMN plan_since date;',
      errors: [{ line: 2, message: 'ALTER TABLE takes an ACCESS EXCLUSIVE lock on users with no lock_timeout set' }],
    },
    {
      name: 'lock_timeout 0 waits forever',
      sql: "SET lock_timeout = '0';\nALTER TABLE users ADD COLUMN plan text;",
      errors: [{ line: 2 }],
    },
    {
      name: 'lock_timeout set too late',
      sql: "ALTER TABLE users ADD COLUMN plan text;\nSET lock_timeout = '2s';",
      errors: [{ line: 1 }],
    },
    {
      name: 'RESET cancels it',
      sql: "SET lock_timeout = '2s';\nRESET lock_timeout;\nALTER TABLE users ADD COLUMN plan text;",
      errors: [{ line: 3 }],
    },
    {
      name: 'SET LOCAL outside a transaction does nothing',
      sql: "SET LOCAL lock_timeout = '2s';\nALTER TABLE users ADD COLUMN plan text;",
      errors: [{ line: 2 }],
    },
    {
      name: 'SET LOCAL ends with its transaction',
      sql: "BEGIN;\nSET LOCAL lock_timeout = '2s';\nALTER TABLE users ADD COLUMN plan text;\nCOMMIT;\nALTER TABLE orders ADD COLUMN note text;",
      errors: [{ line: 5, message: 'on orders' }],
    },
    {
      name: 'CREATE INDEX takes SHARE',
      sql: 'CREATE INDEX users_plan_idx ON users (plan);',
      errors: [{ line: 1, message: 'CREATE INDEX takes a SHARE lock on users' }],
    },
    {
      name: 'DROP INDEX',
      sql: 'DROP INDEX users_plan_idx;',
      errors: [{ line: 1, message: 'the table of users_plan_idx' }],
    },
    {
      name: 'DROP INDEX of an index built earlier on an existing table names the table',
      sql: 'CREATE INDEX CONCURRENTLY users_plan_idx ON users (plan);\nDROP INDEX users_plan_idx;',
      errors: [{ line: 2, message: 'DROP INDEX takes an ACCESS EXCLUSIVE lock on users' }],
    },
    {
      name: 'new table referencing an existing one locks it',
      sql: 'CREATE TABLE invoices (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));',
      errors: [{ line: 1, message: 'SHARE ROW EXCLUSIVE lock on users' }],
    },
    {
      name: 'foreign key locks the referenced table',
      sql: 'CREATE TABLE invoices (id bigint PRIMARY KEY, user_id bigint);\nALTER TABLE invoices ADD CONSTRAINT invoices_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;',
      errors: [{ line: 2, message: 'on users' }],
    },
    {
      name: 'CREATE TRIGGER',
      sql: 'CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch_updated_at();',
      errors: [{ line: 1, message: 'CREATE TRIGGER takes a SHARE ROW EXCLUSIVE lock on users' }],
    },
    // Modes checked on PostgreSQL 15 in pg_locks (and by this rule's neighbours' lock claims).
    {
      name: 'DROP TRIGGER',
      sql: 'DROP TRIGGER users_touch ON public.users;',
      errors: [{ line: 1, message: 'DROP TRIGGER takes an ACCESS EXCLUSIVE lock on public.users' }],
    },
    {
      name: 'CREATE OR REPLACE VIEW',
      sql: 'CREATE OR REPLACE VIEW active_users AS SELECT id, email FROM users;',
      errors: [{ line: 1, message: 'CREATE OR REPLACE VIEW takes an ACCESS EXCLUSIVE lock on active_users' }],
    },
    {
      name: 'DROP VIEW',
      sql: 'DROP VIEW active_users;',
      errors: [{ line: 1, message: 'DROP VIEW takes an ACCESS EXCLUSIVE lock on active_users' }],
    },
    {
      name: 'DROP MATERIALIZED VIEW',
      sql: 'DROP MATERIALIZED VIEW user_counts;',
      errors: [{ line: 1, message: 'DROP MATERIALIZED VIEW takes an ACCESS EXCLUSIVE lock on user_counts' }],
    },
    {
      name: 'ALTER VIEW … RENAME',
      sql: 'ALTER VIEW active_users RENAME TO current_users;',
      errors: [{ line: 1, message: 'ALTER VIEW … RENAME takes an ACCESS EXCLUSIVE lock on active_users' }],
    },
    {
      name: 'REFRESH MATERIALIZED VIEW',
      sql: 'REFRESH MATERIALIZED VIEW user_counts;',
      errors: [{ line: 1, message: 'REFRESH MATERIALIZED VIEW takes an ACCESS EXCLUSIVE lock on user_counts' }],
    },
    {
      name: 'CLUSTER',
      sql: 'CLUSTER users USING users_pkey;',
      errors: [{ line: 1, message: 'CLUSTER takes an ACCESS EXCLUSIVE lock on users' }],
    },
    {
      name: 'VACUUM FULL',
      sql: 'VACUUM FULL users;',
      errors: [{ line: 1, message: 'VACUUM FULL takes an ACCESS EXCLUSIVE lock on users' }],
    },
    {
      name: 'SET UNLOGGED',
      sql: 'ALTER TABLE events SET UNLOGGED;',
      errors: [{ line: 1, message: 'ALTER TABLE takes an ACCESS EXCLUSIVE lock on events' }],
    },
    {
      name: 'SET LOGGED',
      sql: 'ALTER TABLE events SET LOGGED;',
      errors: [{ line: 1, message: 'ALTER TABLE takes an ACCESS EXCLUSIVE lock on events' }],
    },
    {
      name: 'DISABLE TRIGGER',
      sql: 'ALTER TABLE users DISABLE TRIGGER users_touch;',
      errors: [{ line: 1, message: 'ALTER TABLE takes a SHARE ROW EXCLUSIVE lock on users' }],
    },
    {
      name: 'TRUNCATE',
      sql: 'TRUNCATE sessions;',
      errors: [{ line: 1, message: 'TRUNCATE takes an ACCESS EXCLUSIVE lock on sessions' }],
    },
    {
      name: 'other ALTER TABLE subcommands',
      sql: 'ALTER TABLE users ENABLE ROW LEVEL SECURITY;',
      errors: [{ line: 1, message: 'ACCESS EXCLUSIVE lock on users' }],
    },
    {
      name: 'VACUUM FULL',
      sql: 'VACUUM FULL users;',
      errors: [{ line: 1, message: 'VACUUM FULL takes an ACCESS EXCLUSIVE' }],
    },
    {
      name: 'once per migration, each migration on its own',
      sql: [
        'ALTER TABLE users ADD COLUMN plan text;',
        "SET lock_timeout = '1s';\nALTER TABLE users DROP COLUMN plan;",
        'ALTER TABLE orders ADD COLUMN note text;',
      ],
      errors: [
        { line: 1, file: 'm001_migration.sql' },
        { line: 1, file: 'm003_migration.sql' },
      ],
    },
  ],
});

describe('require-lock-timeout finding', () => {
  it('is a warning with the lock and the fix', async () => {
    const [f] = await runRule(rule, { sql: 'ALTER TABLE users ADD COLUMN plan text;' });
    expect(f?.severity).toBe('warning');
    expect(f?.lock).toBe('ACCESS EXCLUSIVE on users (blocks reads and writes)');
    expect(f?.help).toContain("SET lock_timeout = '2s';");
  });
});
