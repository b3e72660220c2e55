import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { runRule, ruleTester } from '../helpers/rule-tester.js';
import { addingForeignKeyConstraint as rule } from '../../src/rules/adding-foreign-key-constraint.js';

ruleTester(rule, {
  valid: [
    'ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;',
    'ALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey;',
    {
      name: 'new column without a default: nothing to check',
      sql: 'ALTER TABLE orders ADD COLUMN user_id bigint REFERENCES users (id);',
    },
    {
      name: 'constrained table created in the same migration',
      sql: 'CREATE TABLE payments (id bigint PRIMARY KEY, order_id bigint);\nALTER TABLE payments ADD CONSTRAINT payments_order_fkey FOREIGN KEY (order_id) REFERENCES orders (id);',
    },
    {
      name: 'CREATE TABLE with REFERENCES',
      sql: 'CREATE TABLE payments (id bigint PRIMARY KEY, order_id bigint NOT NULL REFERENCES orders (id));',
    },
    {
      name: 'other constraint types are not this rule',
      sql: 'ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0);',
    },
  ],
  invalid: [
    {
      name: 'foreign key on a table created and filled from a query in the same transaction',
      sql: 'BEGIN;\nCREATE TABLE order_lines_new (LIKE order_lines);\nINSERT INTO order_lines_new SELECT * FROM order_lines;\nALTER TABLE order_lines_new ADD CONSTRAINT order_lines_new_order_fk FOREIGN KEY (order_id) REFERENCES orders (id);\nCOMMIT;',
      errors: [{ line: 4, message: 'order_lines_new_order_fk' }],
    },
    {
      sql: 'ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id);',
      errors: [
        {
          line: 1,
          message:
            'Adding foreign key orders_user_id_fkey without NOT VALID checks every row of orders while blocking writes to orders and users',
        },
      ],
    },
    {
      name: 'unnamed, schema-qualified, ON DELETE CASCADE',
      sql: '-- link line items to products\nALTER TABLE shop.line_items\n  ADD FOREIGN KEY (product_id) REFERENCES shop.products (id) ON DELETE CASCADE;',
      errors: [{ line: 2, message: 'shop.line_items (product_id)' }],
    },
    {
      name: 'new column with a default is checked row by row',
      sql: 'ALTER TABLE orders ADD COLUMN currency_id int NOT NULL DEFAULT 1 REFERENCES currencies (id);',
      errors: [
        { line: 1, message: 'Column currency_id is added to orders with a default and a REFERENCES currencies' },
      ],
    },
    {
      name: 'new serial column referencing another table',
      sql: 'ALTER TABLE orders ADD COLUMN seq serial REFERENCES order_numbers (n);',
      errors: [{ line: 1 }],
    },
    {
      name: 'ADD COLUMN then ADD CONSTRAINT FOREIGN KEY in one statement',
      sql: 'ALTER TABLE orders ADD COLUMN user_id bigint, ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id);',
      errors: [{ line: 1, message: 'orders_user_id_fkey' }],
    },
    {
      name: 'table created by an earlier migration of the run is not new',
      sql: [
        'CREATE TABLE payments (id bigint PRIMARY KEY, order_id bigint);',
        'ALTER TABLE payments ADD CONSTRAINT payments_order_fkey FOREIGN KEY (order_id) REFERENCES orders (id);',
      ],
      errors: [{ line: 1, file: 'm002_migration.sql' }],
    },
  ],
});

describe('adding-foreign-key-constraint details', () => {
  it('names both locks and gives the NOT VALID recipe', async () => {
    const [f] = await runRule(rule, {
      sql: 'ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id);',
    });
    expect(f?.lock).toBe(
      'SHARE ROW EXCLUSIVE on orders (blocks writes) and SHARE ROW EXCLUSIVE on users (blocks writes)',
    );
    expect(f?.help).toContain('REFERENCES users (id) NOT VALID');
    expect(f?.help).toContain('VALIDATE CONSTRAINT orders_user_id_fkey');
  });

  it('a self-referencing key names its one table once', async () => {
    const [f] = await runRule(rule, {
      sql: 'ALTER TABLE employees ADD CONSTRAINT employees_manager_fkey FOREIGN KEY (manager_id) REFERENCES employees (id);',
    });
    expect(f?.message).toContain('while blocking writes to it.');
    expect(f?.lock).toBe('SHARE ROW EXCLUSIVE on employees (blocks writes)');
  });
});

/**
 * Differential: on embedded Postgres 18, a statement the rule reports must scan the referencing
 * table (pg_stat_user_tables.seq_scan) and take SHARE ROW EXCLUSIVE on the referenced one; one it
 * passes must not scan.
 */
describe('adding-foreign-key-constraint agrees with Postgres', () => {
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
      (await db.query<{ n: string }>("SELECT seq_scan AS n FROM pg_stat_user_tables WHERE relname = 'orders'")).rows[0]
        ?.n ?? 0,
    );
  const statements = [
    'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);',
    'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;',
    'ALTER TABLE orders ADD COLUMN buyer_id bigint REFERENCES users (id);',
    'ALTER TABLE orders ADD COLUMN buyer_id bigint DEFAULT 1 REFERENCES users (id);',
    'ALTER TABLE orders ADD COLUMN buyer_id bigint DEFAULT NULL REFERENCES users (id);',
    'ALTER TABLE orders ADD COLUMN buyer_id bigint, ADD CONSTRAINT orders_buyer_fk FOREIGN KEY (buyer_id) REFERENCES users (id);',
  ];
  for (const statement of statements) {
    it(statement, async () => {
      await db.exec(
        'DROP TABLE IF EXISTS orders; DROP TABLE IF EXISTS users; CREATE TABLE users (id bigint PRIMARY KEY); INSERT INTO users SELECT generate_series(1, 300);' +
          'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint); INSERT INTO orders SELECT g, g FROM generate_series(1, 300) g;',
      );
      await db.exec('SELECT pg_stat_force_next_flush()');
      const before = await seqScans();
      await db.exec('BEGIN');
      await db.exec(statement);
      const locks = (
        await db.query<{ mode: string }>(
          "SELECT mode FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'relation' AND relation = 'users'::regclass",
        )
      ).rows.map((r) => r.mode);
      await db.exec('COMMIT');
      await db.exec('SELECT pg_stat_force_next_flush()');
      const scanned = (await seqScans()) > before;
      const flagged = (await runRule(rule, { sql: statement, pgVersion: 18 })).length > 0;
      expect(flagged).toBe(scanned);
      expect(locks).toContain('ShareRowExclusiveLock');
    });
  }
});
