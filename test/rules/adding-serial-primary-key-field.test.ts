import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { runRule, ruleTester } from '../helpers/rule-tester.js';
import { addingSerialPrimaryKeyField as rule } from '../../src/rules/adding-serial-primary-key-field.js';

ruleTester(rule, {
  valid: [
    'CREATE UNIQUE INDEX CONCURRENTLY events_pkey ON events (id);\nALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_pkey;',
    {
      name: 'table created in the same migration',
      sql: 'CREATE TABLE imports (name text);\nALTER TABLE imports ADD COLUMN id bigserial PRIMARY KEY;',
    },
    {
      name: 'CREATE TABLE with a serial primary key',
      sql: 'CREATE TABLE imports (id bigserial PRIMARY KEY, name text);',
    },
    {
      name: 'a plain serial column without PRIMARY KEY is not this rule',
      sql: 'ALTER TABLE events ADD COLUMN seq bigserial;',
    },
    {
      name: 'UNIQUE belongs to disallowed-unique-constraint',
      sql: 'ALTER TABLE events ADD CONSTRAINT events_key UNIQUE (id);',
    },
  ],
  invalid: [
    {
      sql: 'ALTER TABLE events ADD COLUMN id bigserial PRIMARY KEY;',
      errors: [
        {
          line: 1,
          message: 'rewrites events to give every existing row a bigserial value, then builds the primary key index',
        },
      ],
    },
    {
      name: 'identity primary key',
      sql: 'ALTER TABLE events ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;',
      errors: [{ line: 1, message: 'identity value' }],
    },
    {
      name: 'ADD PRIMARY KEY on existing columns',
      sql: 'ALTER TABLE events ADD PRIMARY KEY (id);',
      errors: [{ line: 1, message: 'Adding PRIMARY KEY (id) to events builds its index' }],
    },
    {
      name: 'named composite primary key',
      sql: 'ALTER TABLE memberships\n  ADD CONSTRAINT memberships_pkey PRIMARY KEY (org_id, user_id);',
      errors: [{ line: 1, message: '(org_id, user_id)' }],
    },
    {
      name: 'plain column as primary key',
      sql: "ALTER TABLE events ADD COLUMN id uuid NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000' PRIMARY KEY;",
      errors: [{ line: 1, message: 'builds the primary key index over events' }],
    },
  ],
});

describe('adding-serial-primary-key-field help', () => {
  it('gives the USING INDEX recipe with the constraint name', async () => {
    const [f] = await runRule(rule, {
      sql: 'ALTER TABLE memberships ADD CONSTRAINT memberships_pkey PRIMARY KEY (org_id, user_id);',
    });
    expect(f?.help).toContain('CREATE UNIQUE INDEX CONCURRENTLY memberships_pkey ON memberships (org_id, user_id)');
    expect(f?.help).toContain('PRIMARY KEY USING INDEX memberships_pkey');
  });
});

/** The recipe in the docs, checked on embedded Postgres 18: USING INDEX after a validated CHECK does not scan. */
describe('adding-serial-primary-key-field: Postgres behaviour', () => {
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
      (await db.query<{ n: string }>("SELECT seq_scan AS n FROM pg_stat_user_tables WHERE relname = 'events'")).rows[0]
        ?.n ?? 0,
    );
  const scansOf = async (statement: string) => {
    await db.exec('SELECT pg_stat_force_next_flush()');
    const before = await seqScans();
    await db.exec(statement);
    await db.exec('SELECT pg_stat_force_next_flush()');
    return (await seqScans()) - before;
  };
  const reset = () =>
    db.exec(
      "DROP TABLE IF EXISTS events; CREATE TABLE events (id bigint, name text); INSERT INTO events SELECT g, 'e' FROM generate_series(1, 200) g; CREATE UNIQUE INDEX events_pkey ON events (id);",
    );

  it('ADD PRIMARY KEY USING INDEX scans a nullable column', async () => {
    await reset();
    expect(
      await scansOf('ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_pkey;'),
    ).toBeGreaterThan(0);
  });
  it('ADD PRIMARY KEY USING INDEX does not scan once a validated CHECK proves NOT NULL', async () => {
    await reset();
    await db.exec('ALTER TABLE events ADD CONSTRAINT events_id_not_null CHECK (id IS NOT NULL) NOT VALID;');
    await db.exec('ALTER TABLE events VALIDATE CONSTRAINT events_id_not_null;');
    expect(await scansOf('ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_pkey;')).toBe(0);
  });
});
