import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { runRule, ruleTester } from '../helpers/rule-tester.js';
import { changingColumnType as rule } from '../../src/rules/changing-column-type.js';

const created = (type: string) => `CREATE TABLE users (id integer PRIMARY KEY, c ${type});`;

ruleTester(rule, {
  valid: [
    {
      name: 'varchar(n) → text, old type from an earlier migration',
      sql: [created('varchar(50)'), 'ALTER TABLE users ALTER COLUMN c TYPE text;'],
    },
    {
      name: 'varchar(n) → varchar(m ≥ n)',
      sql: [created('character varying(50)'), 'ALTER TABLE users ALTER COLUMN c TYPE varchar(255);'],
    },
    { name: 'varchar(n) → varchar', sql: [created('varchar(50)'), 'ALTER TABLE users ALTER COLUMN c TYPE varchar;'] },
    { name: 'text → varchar', sql: [created('text'), 'ALTER TABLE users ALTER COLUMN c TYPE character varying;'] },
    {
      name: 'numeric(p,s) → numeric(q > p, s)',
      sql: [created('numeric(10,2)'), 'ALTER TABLE users ALTER COLUMN c TYPE numeric(12,2);'],
    },
    {
      name: 'numeric(p,s) → numeric',
      sql: [created('decimal(10,2)'), 'ALTER TABLE users ALTER COLUMN c TYPE numeric;'],
    },
    { name: 'cidr → inet', sql: [created('cidr'), 'ALTER TABLE users ALTER COLUMN c TYPE inet;'] },
    {
      name: 'timestamptz(3) → timestamptz',
      sql: [created('timestamp(3) with time zone'), 'ALTER TABLE users ALTER COLUMN c TYPE timestamptz;'],
    },
    {
      name: 'USING that only restates the column',
      sql: [created('varchar(50)'), 'ALTER TABLE users ALTER COLUMN c TYPE text USING c::text;'],
    },
    {
      name: 'old type from an earlier ALTER in the run',
      sql: [
        created('varchar(20)'),
        'ALTER TABLE users ALTER COLUMN c TYPE varchar(50);',
        'ALTER TABLE users ALTER COLUMN c TYPE text;',
      ],
    },
    {
      name: 'renamed column keeps its type',
      sql: [
        created('varchar(20)'),
        'ALTER TABLE users RENAME COLUMN c TO nickname;\nALTER TABLE users ALTER COLUMN nickname TYPE text;',
      ],
    },
    {
      name: 'table created in the same migration',
      sql: `${created('integer')}\nALTER TABLE users ALTER COLUMN c TYPE bigint;`,
    },
  ],
  invalid: [
    {
      name: 'a SERIAL key widened to bigint: the message names the integer it stores',
      sql: [
        'CREATE TABLE vulnerability_record (id SERIAL PRIMARY KEY, cve_id text);',
        'ALTER TABLE vulnerability_record ALTER COLUMN id TYPE bigint;',
      ],
      errors: [
        { line: 1, message: 'Changing vulnerability_record.id from integer (declared serial) to bigint rewrites' },
      ],
    },
    {
      name: 'collation change on a text column: no rewrite, indexes rebuilt',
      sql: [created('text'), 'ALTER TABLE users ALTER COLUMN c TYPE text COLLATE "C";'],
      errors: [
        {
          line: 1,
          message:
            'Changing users.c to text COLLATE "C" does not rewrite the table, but every index on the column is rebuilt',
        },
      ],
    },
    {
      name: 'collation change with a binary-coercible type change',
      sql: [created('varchar(50)'), 'ALTER TABLE users ALTER COLUMN c TYPE text COLLATE "C";'],
      errors: [{ line: 1, message: 'does not rewrite the table, but every index on the column is rebuilt' }],
    },
    {
      name: 'collation change, old type unknown',
      sql: 'ALTER TABLE users ALTER COLUMN c TYPE text COLLATE "C";',
      errors: [{ line: 1, message: 'with a new collation, even an unchanged type rebuilds every index on the column' }],
    },
    {
      name: 'int → bigint',
      sql: [created('integer'), 'ALTER TABLE users ALTER COLUMN c TYPE bigint;'],
      errors: [{ line: 1, message: 'Changing users.c from integer to bigint rewrites the table and its indexes' }],
    },
    {
      name: 'varchar shrink',
      sql: [created('varchar(50)'), 'ALTER TABLE users ALTER COLUMN c TYPE varchar(20);'],
      errors: [{ line: 1, message: 'from varchar(50) to varchar(20)' }],
    },
    {
      name: 'text → varchar(n)',
      sql: [created('text'), 'ALTER TABLE users ALTER COLUMN c TYPE varchar(100);'],
      errors: [{ line: 1 }],
    },
    {
      name: 'numeric scale change',
      sql: [created('numeric(10,2)'), 'ALTER TABLE users ALTER COLUMN c TYPE numeric(12,3);'],
      errors: [{ line: 1 }],
    },
    {
      name: 'char(n) → text',
      sql: [created('char(5)'), 'ALTER TABLE users ALTER COLUMN c TYPE text;'],
      errors: [{ line: 1 }],
    },
    {
      name: 'USING that computes',
      sql: [created('varchar(50)'), 'ALTER TABLE users ALTER COLUMN c TYPE text USING lower(c);'],
      errors: [{ line: 1, message: 'USING lower(c) computes every row' }],
    },
    {
      name: 'old type unknown, new type could be safe',
      sql: 'ALTER TABLE users ALTER COLUMN email TYPE text;',
      errors: [
        { line: 1, message: 'current type is not shown by this migration set; unless it is varchar or varchar(n)' },
      ],
    },
    {
      name: 'old type unknown, varchar(m)',
      sql: 'ALTER TABLE users ALTER COLUMN email TYPE varchar(320);',
      errors: [{ line: 1, message: 'varchar(n) with n ≤ 320' }],
    },
    {
      name: 'old type unknown, bigint can never be safe',
      sql: 'ALTER TABLE users ALTER COLUMN id TYPE bigint;',
      errors: [{ line: 1, message: 'no old type makes a change to bigint binary-coercible' }],
    },
    {
      name: 'timestamp → timestamptz without TimeZone UTC',
      sql: [created('timestamp'), 'ALTER TABLE users ALTER COLUMN c TYPE timestamptz;'],
      errors: [{ line: 1, message: 'rewrites the table unless the session TimeZone is UTC' }],
    },
    {
      name: 'timestamp → timestamptz with TimeZone UTC: indexes still rebuilt',
      sql: [created('timestamp'), "SET TIME ZONE 'UTC';\nALTER TABLE users ALTER COLUMN c TYPE timestamptz;"],
      errors: [
        { line: 2, message: 'with TimeZone UTC does not rewrite the table, but every index on the column is rebuilt' },
      ],
    },
    {
      name: 'timestamp → timestamptz before PG 12 always rewrites',
      pgVersion: 11,
      sql: [created('timestamp'), "SET TIME ZONE 'UTC';\nALTER TABLE users ALTER COLUMN c TYPE timestamptz;"],
      errors: [{ line: 2, message: 'rewrites the table and its indexes' }],
    },
  ],
});

describe('changing-column-type severity', () => {
  it('is a warning when only the column indexes are rebuilt (TimeZone UTC)', async () => {
    const [f] = await runRule(rule, {
      sql: [created('timestamp'), "SET timezone TO 'Etc/UTC';\nALTER TABLE users ALTER COLUMN c TYPE timestamptz;"],
    });
    expect(f?.severity).toBe('warning');
  });
});

/**
 * Differential: with the old type known from an earlier migration, the rule reports exactly the type
 * changes that give the table a new relfilenode on embedded Postgres 18 (session TimeZone not UTC).
 */
describe('changing-column-type agrees with Postgres about rewrites', () => {
  let db: PGlite;
  beforeAll(async () => {
    db = new PGlite();
    await db.waitReady;
    await db.exec("SET TimeZone = 'Europe/Paris'");
  });
  afterAll(async () => {
    await db.close();
  });
  const pairs: [string, string, string][] = [
    ['varchar(50)', 'text', "'ab'"],
    ['varchar(50)', 'varchar(100)', "'ab'"],
    ['varchar(50)', 'varchar(20)', "'ab'"],
    ['varchar(50)', 'varchar', "'ab'"],
    ['text', 'varchar', "'ab'"],
    ['text', 'varchar(100)', "'ab'"],
    ['varchar', 'varchar(10)', "'ab'"],
    ['numeric(10,2)', 'numeric(12,2)', '1'],
    ['numeric(10,2)', 'numeric(12,3)', '1'],
    ['numeric(10,2)', 'numeric(8,2)', '1'],
    ['numeric(10,2)', 'numeric', '1'],
    ['numeric', 'numeric(10,2)', '1'],
    ['cidr', 'inet', "'10.0.0.0/8'"],
    ['inet', 'cidr', "'10.0.0.0/8'"],
    ['integer', 'bigint', '1'],
    ['bigint', 'integer', '1'],
    ['char(5)', 'char(10)', "'ab'"],
    ['char(5)', 'text', "'ab'"],
    ['bit varying(5)', 'bit varying(10)', "B'101'"],
    ['timestamp(3)', 'timestamp(6)', "'2024-01-01 10:00'"],
    ['timestamp(6)', 'timestamp(3)', "'2024-01-01 10:00'"],
    ['timestamptz(3)', 'timestamptz', "'2024-01-01 10:00'"],
    ['time(3)', 'time(6)', "'10:00'"],
    ['timestamp', 'timestamptz', "'2024-01-01 10:00'"],
    ['varchar(10)[]', 'text[]', "'{a}'"],
  ];
  for (const [from, to, sample] of pairs) {
    it(`${from} → ${to}`, async () => {
      const create = `CREATE TABLE users (id integer PRIMARY KEY, c ${from});`;
      const alter = `ALTER TABLE users ALTER COLUMN c TYPE ${to};`;
      await db.exec(
        `DROP TABLE IF EXISTS users; ${create} INSERT INTO users SELECT g, ${sample} FROM generate_series(1, 50) g;`,
      );
      const relfilenode = async () =>
        (await db.query<{ f: number }>("SELECT relfilenode AS f FROM pg_class WHERE relname = 'users'")).rows[0]!.f;
      const before = await relfilenode();
      await db.exec(alter);
      const rewritten = (await relfilenode()) !== before;
      const flagged = (await runRule(rule, { sql: [create, alter], pgVersion: 18 })).length > 0;
      expect(flagged).toBe(rewritten);
    });
  }
});

describe('a collation change, on embedded Postgres', () => {
  it('keeps the table, rebuilds the index on the column — as the finding says', async () => {
    const db = new PGlite();
    try {
      const create = 'CREATE TABLE users (id integer PRIMARY KEY, c text);';
      const alter = 'ALTER TABLE users ALTER COLUMN c TYPE text COLLATE "C";';
      await db.exec(
        `${create} CREATE INDEX users_c_idx ON users (c); INSERT INTO users SELECT g, 'v' || g FROM generate_series(1, 50) g;`,
      );
      const nodes = async () =>
        (
          await db.query<{ relname: string; f: number }>(
            "SELECT relname, relfilenode AS f FROM pg_class WHERE relname IN ('users', 'users_c_idx') ORDER BY relname",
          )
        ).rows;
      const before = await nodes();
      await db.exec(alter);
      const after = await nodes();
      expect(after[0]!.f).toBe(before[0]!.f); // users: no rewrite
      expect(after[1]!.f).not.toBe(before[1]!.f); // users_c_idx: rebuilt
      const [finding] = await runRule(rule, { sql: [create, alter] });
      expect(finding?.message).toMatch(/does not rewrite the table, but every index on the column is rebuilt/);
      expect(finding?.severity).toBe('warning');
    } finally {
      await db.close();
    }
  });
});
