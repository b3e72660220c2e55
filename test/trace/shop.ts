/**
 * The trace fixtures (test/trace/fixtures) and what Postgres does with the shop migration set:
 * shared by the PGlite test and the real-server comparison.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readSource } from '../../src/files/read.js';
import type { SourceInput } from '../../src/linter.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');

export function fixtureSet(name: string): SourceInput[] {
  const dir = join(FIXTURES, name);
  return readdirSync(dir)
    .sort()
    .map((f) => ({ path: join(dir, f), content: readSource(join(dir, f)) }));
}

/** Statement prefix → strongest lock per relation that existed before it, and the tables it rewrote. */
export const SHOP_EXPECTED: [string, Record<string, string>, string[]][] = [
  ["CREATE TYPE order_status AS ENUM ('pending', 'paid')", {}, []],
  ['CREATE TABLE customers', {}, []],
  ['CREATE TABLE orders', { customers: 'ShareRowExclusiveLock' }, []],
  ['CREATE INDEX orders_customer_idx', { orders: 'ShareLock' }, []],
  ['CREATE INDEX customers_name_idx', { customers: 'ShareLock' }, []],
  ["SET LOCAL lock_timeout = '2s'", {}, []],
  ['ALTER TABLE customers ADD COLUMN phone text', { customers: 'AccessExclusiveLock' }, []],
  // A volatile default is evaluated per row: the table is rewritten.
  [
    'ALTER TABLE customers ADD COLUMN referral_code uuid DEFAULT gen_random_uuid()',
    { customers: 'AccessExclusiveLock' },
    ['customers'],
  ],
  // More precision, same scale: binary compatible, no rewrite.
  ['ALTER TABLE orders ALTER COLUMN total TYPE numeric(14,2)', { orders: 'AccessExclusiveLock' }, []],
  // ADD CHECK takes ACCESS EXCLUSIVE even with NOT VALID; VALIDATE only SHARE UPDATE EXCLUSIVE.
  ['ALTER TABLE orders ADD CONSTRAINT orders_total_nonnegative', { orders: 'AccessExclusiveLock' }, []],
  ['ALTER TABLE orders VALIDATE CONSTRAINT', { orders: 'ShareUpdateExclusiveLock' }, []],
  ['ALTER TABLE customers ALTER COLUMN name SET NOT NULL', { customers: 'AccessExclusiveLock' }, []],
  ['ALTER TABLE orders ADD CONSTRAINT orders_placed_recent', { orders: 'AccessExclusiveLock' }, []],
  // varchar → text is binary compatible: no rewrite, not even of the unique index.
  ['ALTER TABLE customers ALTER COLUMN email TYPE text', { customers: 'AccessExclusiveLock' }, []],
  ['ALTER TABLE orders ALTER COLUMN status DROP DEFAULT', { orders: 'AccessExclusiveLock' }, []],
  ['ALTER TABLE orders ALTER COLUMN status TYPE text', { orders: 'AccessExclusiveLock' }, ['orders']],
  ["ALTER TYPE order_status ADD VALUE 'refunded'", {}, []],
  // bigint → integer rewrites, and re-checking the foreign key locks the referenced table too.
  [
    'ALTER TABLE orders ALTER COLUMN customer_id TYPE integer',
    { orders: 'AccessExclusiveLock', customers: 'AccessExclusiveLock' },
    ['orders'],
  ],
  ['DROP INDEX customers_name_idx', { customers: 'AccessExclusiveLock' }, []],
  ['ALTER TABLE customers RENAME COLUMN phone TO phone_number', { customers: 'AccessExclusiveLock' }, []],
  ['ALTER TABLE customers DROP COLUMN referral_code', { customers: 'AccessExclusiveLock' }, []],
  ["UPDATE orders SET status = 'paid'", { orders: 'RowExclusiveLock' }, []],
  [
    'TRUNCATE customers CASCADE',
    { customers: 'AccessExclusiveLock', orders: 'AccessExclusiveLock' },
    ['customers', 'orders'],
  ],
];
