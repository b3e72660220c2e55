import { ruleTester } from '../helpers/rule-tester.js';
import { anonymousConstraint, generatedConstraintName } from '../../src/rules/anonymous-constraint.js';
import { runRule } from '../helpers/rule-tester.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';

ruleTester(anonymousConstraint, {
  valid: [
    'ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;',
    'ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0);',
    'ALTER TABLE orders ADD COLUMN buyer_id bigint CONSTRAINT orders_buyer_id_fkey REFERENCES users (id);',
    'ALTER TABLE orders ADD PRIMARY KEY (id);',
    'ALTER TABLE orders ADD UNIQUE USING INDEX orders_ref_idx;',
    'CREATE TABLE shipments (id bigint PRIMARY KEY, order_id bigint REFERENCES orders, UNIQUE (order_id), CHECK (id > 0));',
    {
      name: 'table created earlier in the same migration',
      sql: 'CREATE TABLE shipments (id bigint PRIMARY KEY, order_id bigint);\nALTER TABLE shipments ADD FOREIGN KEY (order_id) REFERENCES orders (id);',
    },
    "ALTER TABLE orders ADD COLUMN note text NOT NULL DEFAULT '';",
  ],
  invalid: [
    {
      sql: 'ALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users (id);',
      errors: [
        {
          line: 1,
          message:
            'FOREIGN KEY (user_id) REFERENCES users (id) is added to orders without a name: Postgres generates one (orders_user_id_fkey, with a number appended',
        },
      ],
    },
    {
      sql: 'ALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;',
      errors: [{ message: 'VALIDATE CONSTRAINT needs it' }],
    },
    { sql: 'ALTER TABLE orders ADD UNIQUE (a, b);', errors: [{ message: '(orders_a_b_key,' }] },
    {
      sql: '-- sanity\nALTER TABLE orders ADD CHECK (amount > 0);',
      errors: [
        {
          line: 2,
          message:
            'CHECK (amount > 0) is added to orders without a name: Postgres generates one (orders_<column>_check or orders_check',
        },
      ],
    },
    {
      sql: 'ALTER TABLE orders ADD COLUMN buyer_id bigint REFERENCES users (id);',
      errors: [
        {
          message:
            'on new column buyer_id is added to orders without a name: Postgres generates one (orders_buyer_id_fkey',
        },
      ],
    },
    {
      sql: "ALTER TABLE orders ADD COLUMN code text UNIQUE CHECK (code <> '');",
      errors: [{ message: '(orders_code_key' }, { message: '(orders_code_check' }],
    },
    {
      sql: 'ALTER TABLE bookings ADD EXCLUDE USING gist (room WITH =, during WITH &&);',
      errors: [
        { message: 'EXCLUDE is added to bookings without a name: Postgres generates one (bookings_<columns>_excl' },
      ],
    },
  ],
});

it('anonymous-constraint: generated names clip the longer part to fit 63 bytes, as Postgres does', () => {
  // Names observed on Postgres 18 (PGlite) for these definitions.
  expect(
    generatedConstraintName(
      'a_very_long_table_name_that_goes_on_and_on_and_on_forever_xx',
      ['a_very_long_column_name_that_also_goes_on_and_on_yy'],
      'fkey',
    ),
  ).toBe('a_very_long_table_name_that_g_a_very_long_column_name_that_fkey');
  expect(generatedConstraintName('orders', [], 'check')).toBe('orders_check');
  expect(generatedConstraintName('orders', ['a', 'b'], 'key')).toBe('orders_a_b_key');
});

it('anonymous-constraint: the help names the constraint in a statement that runs on Postgres', async () => {
  const [f] = await runRule(anonymousConstraint, {
    sql: 'ALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;',
  });
  expect(f!.help).toBe(
    'Name it: ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;',
  );
  const db = await PGlite.create();
  await db.exec('CREATE TABLE users (id bigint PRIMARY KEY); CREATE TABLE orders (id bigint, user_id bigint);');
  await db.exec(f!.help!.replace(/^Name it: /, ''));
  expect((await db.query<{ conname: string }>("SELECT conname FROM pg_constraint WHERE contype = 'f'")).rows).toEqual([
    { conname: 'orders_user_id_fkey' },
  ]);
  await db.close();
});

it('anonymous-constraint: the help for an inline constraint uses column-constraint syntax', async () => {
  const [f] = await runRule(anonymousConstraint, {
    sql: 'ALTER TABLE orders ADD COLUMN buyer_id bigint REFERENCES users (id);',
  });
  expect(f!.help).toBe('Name it inline: ADD COLUMN buyer_id … CONSTRAINT orders_buyer_id_fkey REFERENCES users (id)');
});

describe('anonymous-constraint: predicted names match the names Postgres generates', () => {
  let db: PGlite;
  beforeAll(async () => {
    db = await PGlite.create();
  });
  afterAll(async () => {
    await db.close();
  });

  const setup =
    'CREATE TABLE users (id bigint PRIMARY KEY);\n' +
    'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, amount int, ref text, a int, b int);';
  const cases: { sql: string; extraSetup?: string; collides?: boolean }[] = [
    { sql: 'ALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users (id);' },
    { sql: 'ALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;' },
    { sql: 'ALTER TABLE orders ADD UNIQUE (ref);' },
    { sql: 'ALTER TABLE orders ADD UNIQUE (a, b);' },
    { sql: 'ALTER TABLE orders ADD COLUMN buyer_id bigint REFERENCES users (id);' },
    { sql: "ALTER TABLE orders ADD COLUMN code text CHECK (code <> '');" },
    { sql: 'ALTER TABLE orders ADD COLUMN code text UNIQUE;' },
    {
      sql: 'ALTER TABLE a_very_long_table_name_that_goes_on_and_on_and_on_forever_xx ADD COLUMN a_very_long_column_name_that_also_goes_on_and_on_yy bigint REFERENCES users;',
      extraSetup: 'CREATE TABLE a_very_long_table_name_that_goes_on_and_on_and_on_forever_xx (id bigint);',
    },
    // The same statement in an environment where the name is already taken (a constraint added by hand).
    {
      sql: 'ALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users (id);',
      extraSetup: 'ALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users (id);',
      collides: true,
    },
    {
      sql: 'ALTER TABLE orders ADD UNIQUE (ref);',
      extraSetup: 'CREATE INDEX orders_ref_key ON users (id);',
      collides: true,
    },
  ];
  for (const c of cases) {
    it(`${c.collides ? 'taken name: ' : ''}${c.sql}`, async () => {
      const [finding] = await runRule(anonymousConstraint, { sql: c.sql });
      const predicted = /Postgres generates one \(([A-Za-z0-9_]+),/.exec(finding!.message)?.[1];
      expect(predicted).toBeDefined();
      await db.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
      await db.exec(setup + (c.extraSetup ?? ''));
      const before = new Set(
        (await db.query<{ conname: string }>('SELECT conname FROM pg_constraint')).rows.map((r) => r.conname),
      );
      await db.exec(c.sql);
      const added = (await db.query<{ conname: string }>('SELECT conname FROM pg_constraint')).rows
        .map((r) => r.conname)
        .filter((n) => !before.has(n) && !n.endsWith('_not_null'));
      expect(added).toHaveLength(1);
      if (c.collides) expect(added[0]).toBe(`${predicted}1`);
      else expect(added[0]).toBe(predicted);
    });
  }
});
