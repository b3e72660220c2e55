/**
 * Differential tests against the real Squawk CLI for the lock and constraint rules that share Squawk's
 * ids: on the same SQL both tools must flag the same statements, except where this project deliberately
 * differs because Postgres behaves otherwise (each difference is asserted on both tools, with the
 * Postgres fact it rests on checked in the rule's own test file).
 */
import { expect, it } from 'vitest';
import type { Rule } from '../../src/rules/types.js';
import { describeWithSquawk, flaggedByBoth } from '../helpers/squawk.js';
import { requireConcurrentIndexDeletion } from '../../src/rules/require-concurrent-index-deletion.js';
import { banConcurrentIndexCreationInTransaction } from '../../src/rules/ban-concurrent-index-creation-in-transaction.js';
import { addingNotNullableField } from '../../src/rules/adding-not-nullable-field.js';
import { addingFieldWithDefault } from '../../src/rules/adding-field-with-default.js';
import { addingForeignKeyConstraint } from '../../src/rules/adding-foreign-key-constraint.js';
import { constraintMissingNotValid } from '../../src/rules/constraint-missing-not-valid.js';
import { disallowedUniqueConstraint } from '../../src/rules/disallowed-unique-constraint.js';
import { addingSerialPrimaryKeyField } from '../../src/rules/adding-serial-primary-key-field.js';
import { changingColumnType } from '../../src/rules/changing-column-type.js';
import { requireLockTimeout } from '../../src/rules/require-lock-timeout.js';

const RULES: Rule[] = [
  requireConcurrentIndexDeletion,
  banConcurrentIndexCreationInTransaction,
  addingNotNullableField,
  addingFieldWithDefault,
  addingForeignKeyConstraint,
  constraintMissingNotValid,
  disallowedUniqueConstraint,
  addingSerialPrimaryKeyField,
  changingColumnType,
  requireLockTimeout,
];

interface Options {
  assumeInTransaction?: boolean;
  pgVersion?: number;
}

/** `rule@line` of both tools on the same SQL (statement start lines). */
async function both(sql: string, options: Options = {}): Promise<{ ours: string[]; squawk: string[] }> {
  return flaggedByBoth(sql, RULES, { ...options });
}

const AGREE: { name: string; sql: string; options?: Options }[] = [
  {
    name: 'DROP INDEX with and without CONCURRENTLY',
    sql: 'DROP INDEX users_email_idx;\nDROP INDEX CONCURRENTLY users_name_idx;',
  },
  {
    name: 'CREATE INDEX CONCURRENTLY after BEGIN',
    sql: 'BEGIN;\nALTER TABLE users ADD COLUMN email text;\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\nCOMMIT;',
  },
  { name: 'SET NOT NULL', sql: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;' },
  {
    name: 'SET NOT NULL after a validated CHECK',
    sql: "SET lock_timeout = '2s';\nALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT users_email_nn;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;",
  },
  {
    name: 'ADD COLUMN defaults: volatile, stable, constant, unknown function, identity, stored generated',
    sql:
      'ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();\nALTER TABLE users ADD COLUMN created_at timestamptz DEFAULT now();\n' +
      "ALTER TABLE users ADD COLUMN plan text NOT NULL DEFAULT 'free';\nALTER TABLE users ADD COLUMN region text DEFAULT default_region();\n" +
      'ALTER TABLE users ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;\nALTER TABLE users ADD COLUMN double_id bigint GENERATED ALWAYS AS (id * 2) STORED;\n' +
      'ALTER TABLE users ADD COLUMN enqueued_at timestamptz DEFAULT clock_timestamp();',
  },
  {
    name: 'any default before Postgres 11',
    sql: "ALTER TABLE users ADD COLUMN plan text DEFAULT 'free';",
    options: { pgVersion: 10 },
  },
  {
    name: 'foreign keys with and without NOT VALID, new column with a default',
    sql: 'ALTER TABLE orders ADD CONSTRAINT orders_user_fk2 FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\nALTER TABLE orders ADD COLUMN buyer_id bigint DEFAULT 1 REFERENCES users (id);',
  },
  {
    name: 'CHECK with and without NOT VALID',
    sql: 'ALTER TABLE orders ADD CONSTRAINT c1 CHECK (total >= 0);\nALTER TABLE orders ADD CONSTRAINT c2 CHECK (total >= 0) NOT VALID;',
  },
  {
    name: 'NOT VALID then VALIDATE in one transaction',
    sql: 'BEGIN;\nALTER TABLE orders ADD CONSTRAINT c2 CHECK (total >= 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT c2;\nCOMMIT;',
  },
  {
    name: 'UNIQUE via USING INDEX and ADD COLUMN … UNIQUE',
    sql: 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_idx;\nALTER TABLE users ADD COLUMN username text UNIQUE;',
  },
  {
    name: 'serial PRIMARY KEY, ADD PRIMARY KEY USING INDEX',
    sql: 'ALTER TABLE events ADD COLUMN id bigserial PRIMARY KEY;\nALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_pkey_idx;',
  },
  {
    name: 'column types with the old type unknown',
    sql: 'ALTER TABLE users ALTER COLUMN id TYPE bigint;\nALTER TABLE users ALTER COLUMN email TYPE text;\nALTER TABLE users ALTER COLUMN name TYPE varchar(100);',
  },
  {
    name: 'lock_timeout missing: reported once',
    sql: 'ALTER TABLE users ADD COLUMN a text;\nALTER TABLE users ADD COLUMN b text;',
  },
  {
    name: 'lock_timeout set first',
    sql: "SET lock_timeout = '1s';\nALTER TABLE users ADD COLUMN a text;\nCREATE INDEX users_a_idx ON users (a);",
  },
  { name: 'lock_timeout: CREATE INDEX', sql: 'CREATE INDEX users_a_idx ON users (a);' },
  {
    name: 'lock_timeout: CREATE TRIGGER',
    sql: 'CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch();',
  },
  {
    name: 'lock_timeout: CREATE TABLE referencing an existing table',
    sql: 'CREATE TABLE invoices (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));',
  },
  { name: 'lock_timeout: TRUNCATE', sql: 'TRUNCATE sessions;' },
];

describeWithSquawk('squawk parity (lock and constraint rules): same statements flagged as Squawk 2.x', () => {
  for (const c of AGREE) {
    it(c.name, async () => {
      const { ours, squawk } = await both(c.sql, c.options);
      expect(ours).toEqual(squawk);
      expect(ours.length + squawk.length === 0 || ours.length > 0).toBe(true);
    });
  }
});

describeWithSquawk('squawk parity (lock and constraint rules): deliberate differences', () => {
  it('an index on a table the same file created blocks nobody: not flagged here (neither by require-lock-timeout), flagged by Squawk', async () => {
    const r = await both('CREATE TABLE t (id int, a int);\nCREATE INDEX t_a_idx ON t (a);\nDROP INDEX t_a_idx;');
    expect(r.squawk).toEqual(['require-concurrent-index-deletion@3', 'require-lock-timeout@2']);
    expect(r.ours).toEqual([]);
  });
  it('CONCURRENTLY in a wrapped file, DROP INDEX / REINDEX CONCURRENTLY in a transaction fail on Postgres: flagged here, not by Squawk', async () => {
    const wrapped = await both('CREATE INDEX CONCURRENTLY users_email_idx ON users (email);', {
      assumeInTransaction: true,
    });
    expect(wrapped.squawk).not.toContain('ban-concurrent-index-creation-in-transaction@1');
    expect(wrapped.ours).toEqual(['ban-concurrent-index-creation-in-transaction@1']);
    const others = await both('BEGIN;\nDROP INDEX CONCURRENTLY a_idx;\nREINDEX INDEX CONCURRENTLY b_idx;\nCOMMIT;');
    expect(others.squawk.filter((f) => f.startsWith('ban-concurrent'))).toEqual([]);
    expect(others.ours).toEqual([
      'ban-concurrent-index-creation-in-transaction@2',
      'ban-concurrent-index-creation-in-transaction@3',
    ]);
  });
  it('a concurrent index build takes SHARE UPDATE EXCLUSIVE: no lock_timeout finding here, one from Squawk', async () => {
    const r = await both('CREATE INDEX CONCURRENTLY users_email_idx ON users (email);');
    expect(r.squawk).toEqual(['require-lock-timeout@1']);
    expect(r.ours).toEqual([]);
  });
  it('ADD COLUMN serial rewrites the table (nextval per row): flagged here, not by Squawk', async () => {
    const r = await both('ALTER TABLE events ADD COLUMN seq serial;');
    expect(r.squawk).toEqual(['require-lock-timeout@1']);
    expect(r.ours).toEqual(['adding-field-with-default@1', 'require-lock-timeout@1']);
  });
  it('ADD COLUMN … REFERENCES without a default checks no rows: not flagged here, flagged by Squawk', async () => {
    const r = await both('ALTER TABLE orders ADD COLUMN user_id bigint REFERENCES users (id);');
    expect(r.squawk).toContain('adding-foreign-key-constraint@1');
    expect(r.ours).toEqual(['require-lock-timeout@1']);
  });
  it('a foreign key, UNIQUE or PRIMARY KEY is reported once, by its own rule; Squawk adds constraint-missing-not-valid (UNIQUE and PRIMARY KEY cannot even be NOT VALID)', async () => {
    const r = await both(
      "SET lock_timeout = '1s';\nALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);\nALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);\nALTER TABLE events ADD PRIMARY KEY (id);",
    );
    expect(r.squawk).toEqual([
      'adding-foreign-key-constraint@2',
      'adding-serial-primary-key-field@4',
      'constraint-missing-not-valid@2',
      'constraint-missing-not-valid@3',
      'constraint-missing-not-valid@4',
      'disallowed-unique-constraint@3',
    ]);
    expect(r.ours).toEqual([
      'adding-foreign-key-constraint@2',
      'adding-serial-primary-key-field@4',
      'disallowed-unique-constraint@3',
    ]);
  });
  it('an identity PRIMARY KEY column is reported once, by adding-serial-primary-key-field; Squawk also reports adding-field-with-default', async () => {
    const r = await both(
      "SET lock_timeout = '1s';\nALTER TABLE events ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;",
    );
    expect(r.squawk).toEqual(['adding-field-with-default@2', 'adding-serial-primary-key-field@2']);
    expect(r.ours).toEqual(['adding-serial-primary-key-field@2']);
  });
  it('varchar(n) → text is catalog-only when an earlier statement shows the old type: not flagged here, flagged by Squawk', async () => {
    const r = await both(
      "SET lock_timeout = '1s';\nCREATE TABLE users (id int, email varchar(50));\nALTER TABLE users ALTER COLUMN email TYPE text;",
    );
    expect(r.squawk).toEqual(['changing-column-type@3']);
    expect(r.ours).toEqual([]);
  });
});
