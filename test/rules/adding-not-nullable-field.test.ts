import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { runRule, ruleTester } from '../helpers/rule-tester.js';
import { addingNotNullableField as rule } from '../../src/rules/adding-not-nullable-field.js';

const CHECK_RECIPE = [
  'ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;',
  'ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;',
  'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
  'ALTER TABLE users DROP CONSTRAINT users_email_not_null;',
].join('\n');

ruleTester(rule, {
  valid: [
    {
      name: 'a column an earlier migration created NOT NULL (SET NOT NULL does nothing)',
      sql: [
        'CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL);',
        'ALTER TABLE accounts ALTER COLUMN email SET NOT NULL;',
      ],
    },
    {
      name: 'a column of a primary key table constraint',
      sql: [
        'CREATE TABLE accounts (id bigint, email text, CONSTRAINT accounts_pkey PRIMARY KEY (id));',
        'ALTER TABLE accounts ALTER COLUMN id SET NOT NULL;',
      ],
      pgVersion: 11,
    },
    { name: 'validated CHECK earlier in the migration (PG 12+)', sql: CHECK_RECIPE },
    {
      name: 'validated CHECK in an earlier migration of the run',
      sql: [
        'ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;',
        'ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;',
        'ALTER TABLE users ALTER COLUMN email SET NOT NULL;\nALTER TABLE users DROP CONSTRAINT users_email_not_null;',
      ],
    },
    {
      name: 'CHECK added valid (it scanned, but SET NOT NULL does not)',
      sql: 'ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL);\nALTER TABLE users ALTER COLUMN email SET NOT NULL;',
    },
    {
      name: 'PG 18 NOT NULL constraint added NOT VALID then validated',
      pgVersion: 18,
      sql: 'ALTER TABLE users ADD CONSTRAINT users_email_nn NOT NULL email NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT users_email_nn;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;',
    },
    {
      name: 'the proven column was renamed',
      sql: 'ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL);\nALTER TABLE users RENAME COLUMN email TO login;\nALTER TABLE users ALTER COLUMN login SET NOT NULL;',
    },
    {
      name: 'PG 18 NOT NULL constraint NOT VALID itself',
      pgVersion: 18,
      sql: 'ALTER TABLE users ADD CONSTRAINT users_email_nn NOT NULL email NOT VALID;',
    },
    {
      name: 'table created in the same migration',
      sql: 'CREATE TABLE invites (id bigint PRIMARY KEY, email text);\nALTER TABLE invites ALTER COLUMN email SET NOT NULL;',
    },
    'ALTER TABLE users ALTER COLUMN email DROP NOT NULL;',
  ],
  invalid: [
    {
      name: 'NOT NULL dropped then set again: Postgres checks every row again',
      sql: [
        'CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL);',
        'ALTER TABLE accounts ALTER COLUMN email DROP NOT NULL;\nALTER TABLE accounts ALTER COLUMN email SET NOT NULL;',
      ],
      errors: [{ file: 'm002_migration.sql', line: 2 }],
    },
    {
      name: 'set twice in the set: only the first one scans',
      sql: [
        'CREATE TABLE accounts (id bigint PRIMARY KEY, email text);',
        'ALTER TABLE accounts ALTER COLUMN email SET NOT NULL;',
        'ALTER TABLE accounts ALTER COLUMN email SET NOT NULL;',
      ],
      errors: [{ file: 'm002_migration.sql', line: 1 }],
    },
    {
      sql: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
      errors: [{ line: 1, message: 'SET NOT NULL on users.email scans the whole table' }],
    },
    {
      name: 'backfill then SET NOT NULL on a column just added to an existing table',
      sql: "ALTER TABLE accounts ADD COLUMN plan text;\nUPDATE accounts SET plan = 'free' WHERE plan IS NULL;\nALTER TABLE accounts\n  ALTER COLUMN plan SET NOT NULL;",
      errors: [{ line: 3, message: 'accounts.plan' }],
    },
    {
      name: 'CHECK still NOT VALID (never validated)',
      sql: 'ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;',
      errors: [{ line: 2 }],
    },
    {
      name: 'a CHECK on another column proves nothing',
      sql: 'ALTER TABLE users ADD CONSTRAINT users_name_nn CHECK (name IS NOT NULL);\nALTER TABLE users ALTER COLUMN email SET NOT NULL;',
      errors: [{ line: 2 }],
    },
    { name: 'validated CHECK does not help before PG 12', pgVersion: 11, sql: CHECK_RECIPE, errors: [{ line: 3 }] },
    {
      name: 'the CHECK was dropped before SET NOT NULL',
      sql: 'ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL);\nALTER TABLE users DROP CONSTRAINT users_email_nn;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;',
      errors: [{ line: 3 }],
    },
    {
      name: 'the proven column was dropped and added again',
      sql: "ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL);\nALTER TABLE users DROP COLUMN email;\nALTER TABLE users ADD COLUMN email text DEFAULT 'x';\nALTER TABLE users ALTER COLUMN email SET NOT NULL;",
      errors: [{ line: 4 }],
    },
    {
      name: 'the table was dropped and created again',
      sql: [
        'ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL);',
        'DROP TABLE users;',
        'CREATE TABLE users (id bigint, email text);',
        'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
      ],
      errors: [{ line: 1, file: 'm004_migration.sql' }],
    },
    {
      name: 'PG 18 NOT NULL constraint without NOT VALID',
      pgVersion: 18,
      sql: 'ALTER TABLE users ADD CONSTRAINT users_email_nn NOT NULL email;',
      errors: [{ line: 1, message: 'ADD CONSTRAINT … NOT NULL on users.email' }],
    },
    {
      name: 'schema-qualified table',
      sql: 'ALTER TABLE billing.invoices ALTER COLUMN due_on SET NOT NULL;',
      errors: [{ line: 1, message: 'billing.invoices.due_on' }],
    },
  ],
});

/**
 * Differential: on embedded Postgres 18, count the sequential scans the flagged statement makes
 * (pg_stat_user_tables.seq_scan) — the rule reports exactly the statements that scan.
 */
describe('adding-not-nullable-field agrees with Postgres about the scan', () => {
  let db: PGlite;
  beforeAll(async () => {
    db = new PGlite();
    await db.waitReady;
  });
  afterAll(async () => {
    await db.close();
  });
  const seqScans = async () =>
    Number(
      (await db.query<{ n: string }>("SELECT seq_scan AS n FROM pg_stat_user_tables WHERE relname = 'users'")).rows[0]
        ?.n ?? 0,
    );

  const cases: { name: string; before: string[]; statement: string }[] = [
    { name: 'plain SET NOT NULL', before: [], statement: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;' },
    {
      name: 'after a validated CHECK',
      before: [
        'ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;',
        'ALTER TABLE users VALIDATE CONSTRAINT users_email_nn;',
      ],
      statement: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
    },
    {
      name: 'after a NOT VALID CHECK only',
      before: ['ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;'],
      statement: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
    },
    {
      name: 'after a CHECK added valid',
      before: ['ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL);'],
      statement: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
    },
    {
      name: 'after a PG 18 NOT NULL NOT VALID + VALIDATE',
      before: [
        'ALTER TABLE users ADD CONSTRAINT users_email_nn NOT NULL email NOT VALID;',
        'ALTER TABLE users VALIDATE CONSTRAINT users_email_nn;',
      ],
      statement: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
    },
    {
      name: 'after a validated CHECK and a column rename',
      before: [
        'ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;',
        'ALTER TABLE users VALIDATE CONSTRAINT users_email_nn;',
        'ALTER TABLE users RENAME COLUMN email TO login;',
      ],
      statement: 'ALTER TABLE users ALTER COLUMN login SET NOT NULL;',
    },
    {
      name: 'the proven column was dropped and added again',
      before: [
        'ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL);',
        'ALTER TABLE users DROP COLUMN email;',
        "ALTER TABLE users ADD COLUMN email text DEFAULT 'x';",
      ],
      statement: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
    },
    {
      name: 'PG 18 NOT NULL constraint, valid',
      before: [],
      statement: 'ALTER TABLE users ADD CONSTRAINT users_email_nn NOT NULL email;',
    },
    {
      name: 'PG 18 NOT NULL constraint, NOT VALID',
      before: [],
      statement: 'ALTER TABLE users ADD CONSTRAINT users_email_nn NOT NULL email NOT VALID;',
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      await db.exec(
        "DROP TABLE IF EXISTS users; CREATE TABLE users (id bigint PRIMARY KEY, email text); INSERT INTO users SELECT g, 'u' || g || '@example.com' FROM generate_series(1, 500) g;",
      );
      for (const s of c.before) await db.exec(s);
      await db.exec('SELECT pg_stat_force_next_flush()');
      const before = await seqScans();
      await db.exec(c.statement);
      await db.exec('SELECT pg_stat_force_next_flush()');
      const scanned = (await seqScans()) > before;
      const flagged = (await runRule(rule, { sql: [...c.before, c.statement].join('\n'), pgVersion: 18 })).length > 0;
      expect(flagged).toBe(scanned);
    });
  }
});
