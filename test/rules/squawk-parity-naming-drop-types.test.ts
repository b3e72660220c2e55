/**
 * Differential tests against the real Squawk CLI for the naming, drop, transaction and type-preference
 * rules that share Squawk's ids: on the same SQL, both tools must flag the same statements the same
 * number of times — except where this project deliberately differs, which is asserted separately.
 */
import { expect, it } from 'vitest';
import type { Rule } from '../../src/rules/types.js';
import { lintMigrations } from '../../src/engine/lint.js';
import { chooseParser } from '../../src/parsers/registry.js';
import { initSqlParser } from '../../src/parsers/sql/parse-sql.js';
import { describeWithSquawk, runSquawk } from '../helpers/squawk.js';
import { renamingColumn } from '../../src/rules/renaming-column.js';
import { renamingTable } from '../../src/rules/renaming-table.js';
import { banDropColumn } from '../../src/rules/ban-drop-column.js';
import { banDropTable } from '../../src/rules/ban-drop-table.js';
import { banDropDatabase } from '../../src/rules/ban-drop-database.js';
import { banDropNotNull } from '../../src/rules/ban-drop-not-null.js';
import { banTruncateCascade } from '../../src/rules/ban-truncate-cascade.js';
import { transactionNesting } from '../../src/rules/transaction-nesting.js';
import { banUncommittedTransaction } from '../../src/rules/ban-uncommitted-transaction.js';
import { preferBigintOverInt } from '../../src/rules/prefer-bigint-over-int.js';
import { preferBigintOverSmallint } from '../../src/rules/prefer-bigint-over-smallint.js';
import { preferTextField } from '../../src/rules/prefer-text-field.js';
import { preferTimestamptz } from '../../src/rules/prefer-timestamptz.js';
import { preferIdentity } from '../../src/rules/prefer-identity.js';
import { banCharField } from '../../src/rules/ban-char-field.js';

const RULES: Rule[] = [
  renamingColumn,
  renamingTable,
  banDropColumn,
  banDropTable,
  banDropDatabase,
  banDropNotNull,
  banTruncateCascade,
  transactionNesting,
  banUncommittedTransaction,
  preferBigintOverInt,
  preferBigintOverSmallint,
  preferTextField,
  preferTimestamptz,
  preferIdentity,
  banCharField,
];

/** Squawk's reported names for our rule ids (Squawk reports timestamptz as `prefer-timestamp-tz`). */
const SQUAWK_NAMES: Record<string, string[]> = {
  'prefer-timestamptz': ['prefer-timestamp-tz', 'prefer-timestamptz'],
};

interface Compared {
  /** rule id → sorted start lines of the flagged statements, one entry per finding. */
  ours: Record<string, number[]>;
  squawk: Record<string, number[]>;
}

async function compare(
  sql: string,
  options: { assumeInTransaction?: boolean; pgVersion?: number } = {},
): Promise<Compared> {
  await initSqlParser();
  // Not `migration.sql`: that name is Prisma's, which runs the file as one multi-statement query.
  const source = { path: '001_change.sql', text: sql };
  const [migration] = await chooseParser(source)!.parse(source, {
    assumeInTransaction: Boolean(options.assumeInTransaction),
    dialect: 'postgresql',
  });
  if (!migration) throw new Error('no migration');
  expect(migration.diagnostics).toEqual([]);
  const findings = lintMigrations([migration], {
    pgVersion: options.pgVersion ?? 14,
    checkDowngrade: false,
    rules: RULES.map((rule) => ({ rule, severity: rule.meta.severity })),
  });
  // Squawk reports the line of a type or keyword, this project the line of the column or clause; both
  // are mapped to the start line of their statement.
  const statementStart = (line: number) => {
    const whole = migration.ops
      .map((op) => op.statementSpan ?? op.span)
      .find((s) => s.line <= line && line <= s.endLine);
    return whole?.line ?? line;
  };
  const squawkFindings = runSquawk(sql, options);
  const ours: Record<string, number[]> = {};
  const squawk: Record<string, number[]> = {};
  for (const rule of RULES) {
    const id = rule.meta.id;
    ours[id] = findings
      .filter((f) => f.rule === id)
      .map((f) => statementStart(f.line))
      .sort((a, b) => a - b);
    const names = SQUAWK_NAMES[id] ?? [id];
    squawk[id] = squawkFindings
      .filter((f) => names.includes(f.rule))
      .map((f) => statementStart(f.line))
      .sort((a, b) => a - b);
  }
  return { ours, squawk };
}

const AGREE: { name: string; sql: string; assumeInTransaction?: boolean; pgVersion?: number; silent?: boolean }[] = [
  {
    name: 'column types in CREATE TABLE',
    sql:
      'CREATE TABLE IF NOT EXISTS orders (\n' +
      '  id serial PRIMARY KEY,\n' +
      '  public_id bigserial,\n' +
      '  user_id integer NOT NULL,\n' +
      '  position smallint,\n' +
      '  rank smallserial,\n' +
      '  tags int[],\n' +
      '  code char(3),\n' +
      '  kind character,\n' +
      '  reference varchar(64),\n' +
      '  note character varying,\n' +
      '  title text,\n' +
      '  placed_at timestamp,\n' +
      '  shipped_at timestamp(3) without time zone,\n' +
      '  paid_at timestamptz,\n' +
      '  total numeric(12,2)\n' +
      ');\n',
  },
  {
    name: 'ADD COLUMN and ALTER TYPE',
    sql:
      'ALTER TABLE users ADD COLUMN IF NOT EXISTS login_count int4;\n' +
      'ALTER TABLE users ADD COLUMN IF NOT EXISTS country char(2);\n' +
      'ALTER TABLE users ADD COLUMN IF NOT EXISTS nickname varchar(30);\n' +
      'ALTER TABLE users ADD COLUMN IF NOT EXISTS last_seen timestamp;\n' +
      'ALTER TABLE users ADD COLUMN IF NOT EXISTS seq serial8;\n' +
      'ALTER TABLE users ALTER COLUMN nickname TYPE varchar(60);\n' +
      'ALTER TABLE users ALTER COLUMN login_count TYPE int2;\n' +
      'ALTER TABLE users ALTER COLUMN last_seen TYPE timestamptz;\n',
  },
  {
    name: 'renames, drops, DROP NOT NULL, TRUNCATE CASCADE, DROP DATABASE on existing objects',
    sql:
      'ALTER TABLE users RENAME COLUMN email TO email_address;\n' +
      'ALTER TABLE users RENAME TO accounts;\n' +
      'ALTER TABLE accounts DROP COLUMN IF EXISTS legacy_plan;\n' +
      'ALTER TABLE accounts ALTER COLUMN phone DROP NOT NULL;\n' +
      'DROP TABLE IF EXISTS sessions;\n' +
      'TRUNCATE audit_log CASCADE;\n' +
      'TRUNCATE audit_log_archive;\n' +
      'DROP DATABASE IF EXISTS reporting;\n',
  },
  {
    name: 'nested explicit BEGIN',
    sql: "BEGIN;\nALTER TABLE users ADD COLUMN IF NOT EXISTS plan text;\nBEGIN;\nUPDATE users SET plan = 'free';\nCOMMIT;\nCOMMIT;\n",
  },
  { name: 'uncommitted BEGIN', sql: 'BEGIN;\nALTER TABLE users ADD COLUMN IF NOT EXISTS plan text;\n' },
  {
    name: 'committed transactions',
    sql: "BEGIN;\nALTER TABLE users ADD COLUMN IF NOT EXISTS plan text;\nCOMMIT;\nSTART TRANSACTION;\nUPDATE users SET plan = 'free';\nROLLBACK;\n",
    silent: true,
  },
  {
    name: 'BEGIN/COMMIT in a file the tool wraps (--assume-in-transaction)',
    sql: 'BEGIN;\nALTER TABLE users ADD COLUMN IF NOT EXISTS plan text;\nCOMMIT;\n',
    assumeInTransaction: true,
  },
];

describeWithSquawk('squawk parity: same statements flagged as Squawk 2.x', () => {
  for (const c of AGREE) {
    it(c.name, async () => {
      const { ours, squawk } = await compare(c.sql, c);
      expect(ours).toEqual(squawk);
      // The corpus must exercise the rules, not agree on silence, unless the case is about silence.
      if (c.silent) expect(Object.values(ours).flat()).toEqual([]);
      else expect(Object.values(ours).flat().length).toBeGreaterThan(0);
    });
  }
});

describeWithSquawk('squawk parity: deliberate differences', () => {
  it('objects created earlier in the same file hold no data and no running code uses them: not flagged here, flagged by Squawk', async () => {
    const sql =
      'CREATE TABLE IF NOT EXISTS drafts (id bigint PRIMARY KEY, body text NOT NULL, title text);\n' +
      'ALTER TABLE drafts RENAME COLUMN title TO headline;\n' +
      'ALTER TABLE drafts ALTER COLUMN body DROP NOT NULL;\n' +
      'ALTER TABLE drafts DROP COLUMN IF EXISTS headline;\n' +
      'DROP TABLE IF EXISTS drafts;\n';
    const { ours, squawk } = await compare(sql);
    for (const id of ['renaming-column', 'ban-drop-not-null', 'ban-drop-column', 'ban-drop-table']) {
      expect(ours[id]).toEqual([]);
      expect(squawk[id]!.length).toBe(1);
    }
  });

  it('a temporary table lives for one session, so its column types never need changing on a live table: not flagged here', async () => {
    const { ours, squawk } = await compare(
      'CREATE TEMPORARY TABLE IF NOT EXISTS tmp_ids (id integer, seen_at timestamp, code varchar(10));\n',
    );
    for (const id of ['prefer-bigint-over-int', 'prefer-timestamptz', 'prefer-text-field']) {
      expect(ours[id]).toEqual([]);
      expect(squawk[id]).toEqual([1]);
    }
  });

  it("a BEGIN after the file committed the tool's transaction opens a fresh one that the tool commits: Squawk flags it twice, this project flags the COMMIT", async () => {
    const sql =
      'ALTER TABLE orders ADD COLUMN IF NOT EXISTS ref text;\nCOMMIT;\nCREATE INDEX CONCURRENTLY IF NOT EXISTS orders_ref_idx ON orders (ref);\nBEGIN;\n';
    const { ours, squawk } = await compare(sql, { assumeInTransaction: true });
    expect(ours['transaction-nesting']).toEqual([2]);
    expect(squawk['transaction-nesting']).toEqual([2, 4]);
    expect(ours['ban-uncommitted-transaction']).toEqual([]);
    expect(squawk['ban-uncommitted-transaction']).toEqual([4]);
  });
});
