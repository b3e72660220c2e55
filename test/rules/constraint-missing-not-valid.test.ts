import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { ruleTester } from '../helpers/rule-tester.js';
import { constraintMissingNotValid as rule } from '../../src/rules/constraint-missing-not-valid.js';

const ADD = 'ALTER TABLE orders ADD CONSTRAINT orders_total_nonnegative CHECK (total >= 0) NOT VALID;';
const VALIDATE = 'ALTER TABLE orders VALIDATE CONSTRAINT orders_total_nonnegative;';

ruleTester(rule, {
  valid: [
    ADD,
    {
      name: 'inline CHECK on a table created in the same migration',
      sql: 'CREATE TABLE players (id bigint PRIMARY KEY);\nALTER TABLE players ADD COLUMN rank int NOT NULL DEFAULT 0 CHECK (rank >= 0);',
    },
    { name: 'ADD COLUMN without a CHECK', sql: 'ALTER TABLE players ADD COLUMN rank int NOT NULL DEFAULT 0;' },
    { name: 'plain SQL: each statement commits on its own', sql: `${ADD}\n${VALIDATE}` },
    { name: 'validated after an explicit COMMIT', sql: `BEGIN;\n${ADD}\nCOMMIT;\n\nBEGIN;\n${VALIDATE}\nCOMMIT;` },
    {
      name: 'validated in a later migration of a wrapping tool',
      file: ['db/migrations/20240301000000_a.sql', 'db/migrations/20240302000000_b.sql'],
      sql: [`-- migrate:up\n${ADD}\n`, `-- migrate:up\n${VALIDATE}\n`],
    },
    {
      name: 'CHECK on a table created in the same migration',
      sql: 'CREATE TABLE refunds (id bigint PRIMARY KEY, amount numeric);\nALTER TABLE refunds ADD CONSTRAINT refunds_amount_positive CHECK (amount > 0);',
    },
    {
      name: 'foreign keys belong to adding-foreign-key-constraint',
      sql: 'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);',
    },
    { name: 'validating a constraint added by an earlier migration', sql: VALIDATE, assumeInTransaction: true },
  ],
  invalid: [
    {
      name: 'inline CHECK on ADD COLUMN is checked against every row',
      sql: '-- ranks are never negative\nALTER TABLE players ADD COLUMN rank int NOT NULL DEFAULT 0 CHECK (rank >= 0);',
      errors: [
        {
          line: 2,
          message:
            'ADD COLUMN rank with an inline CHECK (rank >= 0) checks every existing row of players while holding an ACCESS EXCLUSIVE lock',
        },
      ],
    },
    {
      name: 'named inline CHECK, the fix uses its name',
      sql: 'ALTER TABLE players ADD COLUMN rank int CONSTRAINT players_rank_nonneg CHECK (rank >= 0);',
      errors: [{ line: 1, message: 'an inline CHECK cannot be NOT VALID' }],
    },
    {
      sql: 'ALTER TABLE orders ADD CONSTRAINT orders_total_nonnegative CHECK (total >= 0);',
      errors: [{ line: 1, message: 'Adding CHECK constraint orders_total_nonnegative to orders without NOT VALID' }],
    },
    {
      name: 'unnamed CHECK, after a comment',
      sql: '-- quantities are never negative\nALTER TABLE line_items ADD CHECK (quantity >= 0);',
      errors: [{ line: 2, message: '(quantity >= 0)' }],
    },
    {
      name: 'NOT VALID then VALIDATE inside one BEGIN … COMMIT',
      sql: `BEGIN;\n${ADD}\n${VALIDATE}\nCOMMIT;`,
      errors: [{ line: 3, message: 'same transaction that added it NOT VALID (line 2)' }],
    },
    {
      name: 'dbmate wraps both in one transaction',
      file: 'db/migrations/20240301000000_total_check.sql',
      sql: `-- migrate:up\n${ADD}\n${VALIDATE}\n`,
      errors: [{ line: 3 }],
    },
    {
      name: 'golang-migrate runs the file as one implicit transaction',
      file: 'migrations/000012_total_check.up.sql',
      sql: `${ADD}\n${VALIDATE}\n`,
      errors: [{ line: 2 }],
    },
    {
      name: 'foreign key NOT VALID validated in the same transaction',
      assumeInTransaction: true,
      sql: 'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;',
      errors: [{ line: 2, message: 'orders_user_fk' }],
    },
  ],
});

/** Postgres facts the rule rests on, checked on embedded Postgres 18. */
describe('constraint-missing-not-valid: Postgres behaviour', () => {
  let db: PGlite;
  beforeAll(async () => {
    db = new PGlite();
    await db.waitReady;
  });
  afterAll(async () => {
    await db.close();
  });
  const heldOnOrders = async () =>
    (
      await db.query<{ mode: string }>(
        "SELECT mode FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'relation' AND relation = 'orders'::regclass",
      )
    ).rows.map((r) => r.mode);
  const reset = () =>
    db.exec(
      'DROP TABLE IF EXISTS orders; CREATE TABLE orders (id bigint PRIMARY KEY, total integer); INSERT INTO orders SELECT g, g FROM generate_series(1, 100) g;',
    );

  it('VALIDATE in the same transaction still holds the ACCESS EXCLUSIVE lock of the ADD', async () => {
    await reset();
    await db.exec('BEGIN');
    await db.exec(ADD);
    await db.exec(VALIDATE);
    expect(await heldOnOrders()).toContain('AccessExclusiveLock');
    await db.exec('COMMIT');
  });
  it('VALIDATE in its own transaction takes only SHARE UPDATE EXCLUSIVE', async () => {
    await reset();
    await db.exec(ADD);
    await db.exec('BEGIN');
    await db.exec(VALIDATE);
    const held = await heldOnOrders();
    await db.exec('COMMIT');
    expect(held).toEqual(['ShareUpdateExclusiveLock']);
  });
});

describe('an inline CHECK on ADD COLUMN, on embedded Postgres', () => {
  it('is checked against the existing rows even when the new column is all NULL', async () => {
    const db = new PGlite();
    try {
      await db.exec('CREATE TABLE players (id bigint PRIMARY KEY); INSERT INTO players VALUES (1), (2);');
      await expect(db.exec('ALTER TABLE players ADD COLUMN rank int CHECK (rank IS NOT NULL);')).rejects.toThrow(
        /violated by some row/,
      );
      // the fix: NOT VALID leaves the existing rows alone
      await db.exec(
        'ALTER TABLE players ADD COLUMN rank int; ALTER TABLE players ADD CONSTRAINT players_rank_check CHECK (rank IS NOT NULL) NOT VALID;',
      );
    } finally {
      await db.close();
    }
  });
});
