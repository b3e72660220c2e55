/**
 * Differential tests against the real Squawk CLI for the rules that complete Squawk's set (domains,
 * partition detach, REINDEX, VACUUM FULL/CLUSTER, enum ordering, identifier length, smallint,
 * statement_timeout, table schema, robust statements): on Squawk's own cases both tools flag the same
 * statements, and each deliberate difference is asserted on both tools with its reason.
 */
import { describe, expect, it } from 'vitest';
import type { Rule } from '../../src/rules/types.js';
import { flaggedByBoth } from '../helpers/squawk.js';
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

const RULES: Rule[] = [
  banCreateDomainWithConstraint,
  banAlterDomainWithAddConstraint,
  requireConcurrentPartitionDetach,
  requireConcurrentReindex,
  preferRepack,
  requireEnumValueOrdering,
  identifierTooLong,
  preferBigintOverSmallint,
  requireStatementTimeout,
  requireTableSchema,
  preferRobustStmts,
];

interface Options {
  pgVersion?: number;
  assumeInTransaction?: boolean;
}

/** `rule@line` of both tools on the same SQL (statement start lines). */
async function both(sql: string, options: Options = {}): Promise<{ ours: string[]; squawk: string[] }> {
  return flaggedByBoth(sql, RULES, { ...options, include: ['require-table-schema'] });
}

const LONG = 'table_very_long_very_long_very_long_very_long_very_long_very_long';

const AGREE: { name: string; sql: string; options?: Options; silent?: boolean }[] = [
  {
    name: 'domains with and without constraints',
    sql: "SET statement_timeout = '1min';\nCREATE DOMAIN public.d1 AS text;\nCREATE DOMAIN public.d2 AS numeric(15,5) CHECK (value > 0);\nALTER DOMAIN public.d1 ADD CONSTRAINT c CHECK (value <> '');\nALTER DOMAIN public.d1 DROP CONSTRAINT c;",
  },
  {
    name: 'partition detach: plain, concurrently, finalize',
    sql: "SET statement_timeout = '1min';\nALTER TABLE public.t DETACH PARTITION p;\nALTER TABLE public.t DETACH PARTITION p2 CONCURRENTLY;\nALTER TABLE public.t DETACH PARTITION p3 FINALIZE;",
  },
  {
    name: 'REINDEX targets',
    sql: "SET statement_timeout = '1min';\nREINDEX TABLE public.orders;\nREINDEX INDEX CONCURRENTLY orders_idx;\nREINDEX (CONCURRENTLY) TABLE public.orders;\nREINDEX SCHEMA billing;",
  },
  {
    name: 'VACUUM FULL and CLUSTER on PostgreSQL 19',
    sql: "SET statement_timeout = '1min';\nVACUUM FULL public.foo;\nVACUUM (FULL) public.foo;\nCLUSTER public.foo;\nVACUUM public.foo;",
    options: { pgVersion: 19 },
  },
  {
    name: 'enum values with and without a position',
    sql: "SET statement_timeout = '1min';\nALTER TYPE my_enum ADD VALUE 'a';\nALTER TYPE my_enum ADD VALUE 'b' BEFORE 'a';\nALTER TYPE my_enum ADD VALUE IF NOT EXISTS 'c';",
  },
  {
    name: 'long identifiers',
    sql: `CREATE TABLE IF NOT EXISTS public.${LONG} (id bigint);\nCREATE TABLE IF NOT EXISTS public.short_name (id bigint);`,
  },
  {
    name: 'smallint types',
    sql: 'CREATE TABLE IF NOT EXISTS public.users (id bigint, a smallint, b int2, c smallserial, d serial2);',
  },
  {
    name: 'statement_timeout missing before a slow statement, reported once',
    sql: "SET lock_timeout = '1s';\nALTER TABLE public.users ADD COLUMN IF NOT EXISTS a text;\nALTER TABLE public.users ADD COLUMN IF NOT EXISTS b text;",
  },
  {
    name: 'statement_timeout set first',
    sql: "SET lock_timeout = '1s';\nSET statement_timeout = '5s';\nALTER TABLE public.users ADD COLUMN IF NOT EXISTS a text;",
    silent: true,
  },
  {
    name: 'unqualified tables',
    sql: "SET statement_timeout = '5s';\nCREATE TABLE IF NOT EXISTS my_table (id bigint);\nALTER TABLE my_table ADD COLUMN IF NOT EXISTS name text;\nDROP TABLE IF EXISTS my_table;",
  },
  {
    name: 'robust statements outside a transaction',
    sql: "SET statement_timeout = '5s';\nCREATE TABLE public.audit_log (id bigint);\nALTER TABLE public.users ADD COLUMN locale text;\nALTER TABLE public.users DROP COLUMN IF EXISTS legacy;\nDROP INDEX IF EXISTS users_locale_idx;",
  },
  {
    name: 'robust statements inside BEGIN … COMMIT',
    sql: "BEGIN;\nSET statement_timeout = '5s';\nCREATE TABLE public.audit_log (id bigint);\nALTER TABLE public.users ADD COLUMN locale text;\nCOMMIT;",
    silent: true,
  },
  {
    name: 'renames outside a transaction',
    sql: "SET statement_timeout = '5s';\nALTER TABLE public.users RENAME COLUMN name TO full_name;\nALTER TABLE public.users RENAME TO accounts;",
  },
];

describe('squawk parity for the remaining Squawk rules', () => {
  for (const c of AGREE) {
    it(c.name, async () => {
      const { ours, squawk } = await both(c.sql, c.options);
      expect(ours).toEqual(squawk);
      if (c.silent) expect(ours).toEqual([]);
      else expect(ours.length).toBeGreaterThan(0);
    });
  }
});

describe('squawk parity: deliberate differences', () => {
  it('ALTER TYPE … ADD VALUE takes no lock on any table (trace shows none), so it needs no statement_timeout; Squawk asks for one', async () => {
    const { ours, squawk } = await both("ALTER TYPE my_enum ADD VALUE 'a' BEFORE 'b';");
    expect(squawk).toEqual(['require-statement-timeout@1']);
    expect(ours).toEqual([]);
  });

  it('statements that succeed when repeated (SET NOT NULL, SET DEFAULT, VALIDATE CONSTRAINT) are robust as they are; Squawk wants a transaction', async () => {
    const sql =
      "SET statement_timeout = '5s';\nALTER TABLE public.users ALTER COLUMN email SET NOT NULL;\nALTER TABLE public.users ALTER COLUMN plan SET DEFAULT 'free';\nALTER TABLE public.users VALIDATE CONSTRAINT users_email_check;";
    const { ours, squawk } = await both(sql);
    expect(squawk).toEqual(['prefer-robust-stmts@2', 'prefer-robust-stmts@3', 'prefer-robust-stmts@4']);
    expect(ours).toEqual([]);
  });

  it('VACUUM FULL before PostgreSQL 19: Squawk is silent (no REPACK there); the table is still rewritten under ACCESS EXCLUSIVE, and pg_repack is the online way', async () => {
    const { ours, squawk } = await both("SET statement_timeout = '1min';\nVACUUM FULL public.orders;", {
      pgVersion: 15,
    });
    expect(squawk).toEqual([]);
    expect(ours).toEqual(['prefer-repack@2']);
  });

  it('a partition detached from a table created in the same migration: nothing uses it yet', async () => {
    const sql =
      "SET statement_timeout = '1min';\nCREATE TABLE IF NOT EXISTS public.events (id bigint, at date) PARTITION BY RANGE (at);\n" +
      "CREATE TABLE IF NOT EXISTS public.events_2024 PARTITION OF public.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\n" +
      'ALTER TABLE public.events DETACH PARTITION public.events_2024;';
    const { ours, squawk } = await both(sql);
    expect(squawk).toContain('require-concurrent-partition-detach@4');
    expect(ours).not.toContain('require-concurrent-partition-detach@4');
  });

  it('a file the tool wraps in a transaction (--assume-in-transaction): ADD CONSTRAINT is rolled back on failure, so it can be re-run', async () => {
    const sql =
      "SET statement_timeout = '1min';\nALTER TABLE public.users ADD CONSTRAINT users_locale_check CHECK (locale <> '') NOT VALID;";
    const { ours, squawk } = await both(sql, { assumeInTransaction: true });
    expect(squawk.filter((f) => f.startsWith('prefer-robust-stmts'))).toEqual([]);
    expect(ours.filter((f) => f.startsWith('prefer-robust-stmts'))).toEqual([]);
    // …and both flag it when nothing wraps it.
    const plain = await both(sql);
    expect(plain.squawk).toContain('prefer-robust-stmts@2');
    expect(plain.ours).toContain('prefer-robust-stmts@2');
  });
});
