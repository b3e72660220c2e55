/**
 * The engine's schema state as rules see it (new tables, column types, validated NOT NULL checks, across
 * the migrations of a run and per direction), and the transaction state the SQL formats assign — the
 * latter checked against real Postgres (PGlite) running each file the way its tool runs it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import type { Direction, Migration, Operation } from '../src/ir/types.js';
import type { Rule } from '../src/rules/types.js';
import { lintMigrations } from '../src/engine/lint.js';
import { chooseParser } from '../src/parsers/registry.js';
import { setSqlxProjectProbe } from '../src/parsers/formats/sqlx.js';
import { initSqlParser } from '../src/parsers/sql/parse-sql.js';
import { splitStatements } from '../src/parsers/sql/split.js';
import { LineIndex } from '../src/ir/source-text.js';

async function parse(path: string, text: string, assumeInTransaction = false): Promise<Migration> {
  await initSqlParser();
  const source = { path, text };
  const parser = chooseParser(source);
  expect(parser, `a parser for ${path}`).toBeDefined();
  const [migration] = await parser!.parse(source, { assumeInTransaction, dialect: 'postgresql' });
  expect(migration?.diagnostics).toEqual([]);
  return migration!;
}

interface Observation {
  file: string;
  direction: Direction;
  line: number;
  kind: string;
  isNew?: boolean;
  type?: string;
  notNullProven?: boolean;
}

/**
 * A rule that records what the context says at each op: whether the op's table is new, the type of a
 * named column, and whether a validated NOT NULL check covers it.
 */
function probe(observations: Observation[], column?: string): Rule {
  return {
    meta: {
      id: 'probe',
      severity: 'info',
      summary: 'records the engine state',
      docs: { what: '-', why: '-', instead: '-' },
    },
    create(context) {
      const visit = (op: Operation) => {
        const table = op.kind === 'drop-table' ? op.tables[0] : 'table' in op && op.table ? op.table : undefined;
        const o: Observation = { file: op.span.file, direction: op.direction, line: op.span.line, kind: op.kind };
        if (table) {
          o.isNew = context.isNewTable(table);
          if (column) {
            const t = context.columnType(table, column);
            if (t) o.type = t.text;
            o.notNullProven = context.hasValidNotNullCheck(table, column);
          }
        }
        observations.push(o);
      };
      const visitor: Record<string, (op: Operation) => void> = {};
      for (const kind of [
        'create-table',
        'add-column',
        'drop-column',
        'rename-column',
        'rename-table',
        'alter-column-type',
        'add-constraint',
        'validate-constraint',
        'set-not-null',
        'create-index',
        'drop-table',
      ])
        visitor[kind] = visit;
      return visitor;
    },
  };
}

async function observe(
  files: [string, string][],
  options: { column?: string; checkDowngrade?: boolean } = {},
): Promise<Observation[]> {
  const migrations = [];
  for (const [path, text] of files) migrations.push(await parse(path, text));
  const observations: Observation[] = [];
  lintMigrations(migrations, {
    pgVersion: 16,
    checkDowngrade: Boolean(options.checkDowngrade),
    rules: [{ rule: probe(observations, options.column), severity: 'info' }],
  });
  return observations;
}

describe('isNewTable', () => {
  it('is true only after the CREATE TABLE, and only within the migration that created the table', async () => {
    const obs = await observe([
      [
        '001_users.sql',
        'ALTER TABLE users ADD COLUMN too_early text;\nCREATE TABLE users (id bigint PRIMARY KEY);\nALTER TABLE users ADD COLUMN email text;\nCREATE INDEX users_email_idx ON public.users (email);',
      ],
      ['002_users_more.sql', 'ALTER TABLE users ADD COLUMN name text;'],
    ]);
    expect(obs.map((o) => [o.file, o.line, o.kind, o.isNew])).toEqual([
      ['001_users.sql', 1, 'add-column', false],
      ['001_users.sql', 2, 'create-table', false],
      ['001_users.sql', 3, 'add-column', true],
      // `public.users` and `users` are the same table.
      ['001_users.sql', 4, 'create-index', true],
      ['002_users_more.sql', 1, 'add-column', false],
    ]);
  });

  it('tells schemas apart and follows a rename of a new table', async () => {
    const obs = await observe([
      [
        '001_x.sql',
        'CREATE TABLE app.users (id bigint);\nALTER TABLE users ADD COLUMN a text;\nALTER TABLE app.users RENAME TO members;\nALTER TABLE app.members ADD COLUMN b text;\nALTER TABLE members ADD COLUMN c text;',
      ],
    ]);
    expect(obs.map((o) => [o.line, o.isNew])).toEqual([
      [1, false],
      [2, false],
      [3, true],
      [4, true],
      [5, false],
    ]);
  });

  it('is per direction: a table the upgrade creates is not new in the downgrade', async () => {
    const text =
      '-- migrate:up\nCREATE TABLE plans (id bigint);\nALTER TABLE plans ADD COLUMN name text;\n\n-- migrate:down\nALTER TABLE plans DROP COLUMN name;\nDROP TABLE plans;\n';
    const obs = await observe([['20240101000000_plans.sql', text]], { checkDowngrade: true });
    expect(obs.map((o) => [o.direction, o.line, o.isNew])).toEqual([
      ['upgrade', 2, false],
      ['upgrade', 3, true],
      ['downgrade', 6, false],
      ['downgrade', 7, false],
    ]);
  });
});

describe('columnType and hasValidNotNullCheck', () => {
  it('carry column facts across migrations and show each visitor the state before its op', async () => {
    const obs = await observe(
      [
        ['001.sql', 'CREATE TABLE orders (id bigint PRIMARY KEY, price integer);'],
        [
          '002.sql',
          'ALTER TABLE orders ALTER COLUMN price TYPE numeric(12,2);\nALTER TABLE orders ADD CONSTRAINT orders_price_nn CHECK (price IS NOT NULL) NOT VALID;',
        ],
        [
          '003.sql',
          'ALTER TABLE orders VALIDATE CONSTRAINT orders_price_nn;\nALTER TABLE orders ALTER COLUMN price SET NOT NULL;',
        ],
        ['004.sql', 'ALTER TABLE orders RENAME COLUMN price TO amount;\nALTER TABLE orders ADD COLUMN price text;'],
        ['005.sql', 'ALTER TABLE orders DROP COLUMN price;\nALTER TABLE orders ADD COLUMN note text;'],
      ],
      { column: 'price' },
    );
    expect(obs.map((o) => [o.file, o.line, o.kind, o.type, o.notNullProven])).toEqual([
      ['001.sql', 1, 'create-table', undefined, false],
      ['002.sql', 1, 'alter-column-type', 'integer', false],
      ['002.sql', 2, 'add-constraint', 'numeric(12,2)', false],
      // NOT VALID: not proven until validated.
      ['003.sql', 1, 'validate-constraint', 'numeric(12,2)', false],
      ['003.sql', 2, 'set-not-null', 'numeric(12,2)', true],
      ['004.sql', 1, 'rename-column', 'numeric(12,2)', true],
      // After the rename, `price` is a different (new, text) column: the CHECK now proves `amount`
      // (Postgres rewrites it to CHECK (amount IS NOT NULL)), so nothing proves the new `price`.
      ['004.sql', 2, 'add-column', undefined, false],
      ['005.sql', 1, 'drop-column', 'text', false],
      ['005.sql', 2, 'add-column', undefined, false],
    ]);
  });

  it('does not let downgrade ops change the state later migrations see', async () => {
    const obs = await observe(
      [
        [
          '20240101000000_a.sql',
          '-- migrate:up\nCREATE TABLE orders (id bigint, price integer);\n-- migrate:down\nALTER TABLE orders ALTER COLUMN price TYPE text;\n',
        ],
        [
          '20240102000000_b.sql',
          '-- migrate:up\nALTER TABLE orders ADD COLUMN note text;\n-- migrate:down\nALTER TABLE orders DROP COLUMN note;\n',
        ],
      ],
      { column: 'price', checkDowngrade: true },
    );
    const b = obs.filter((o) => o.file === '20240102000000_b.sql' && o.direction === 'upgrade');
    expect(b.map((o) => o.type)).toEqual(['integer']);
  });
});

/**
 * Transaction state against real Postgres. Each case is a migration file and the way its tool sends it:
 * - `statements`: one statement per query, no wrapping (psql, Flyway's non-transactional migrations);
 * - `wrapped`: BEGIN, the statements, COMMIT (node-pg-migrate, drizzle, Flyway, tools under
 *   --assume-in-transaction);
 * - `one-query`: the whole section as one multi-statement query (golang-migrate, Prisma, dbmate
 *   `transaction:false`, sqlx `-- no-transaction`).
 * - `wrapped-one-query`: BEGIN, the whole file or section as one multi-statement query, COMMIT (sqlx; dbmate,
 *   whose `tx.Exec` sends a section at once).
 * The claim checked: an op is `inTransaction` exactly when Postgres refuses `CREATE INDEX CONCURRENTLY`
 * there with "cannot run inside a transaction block"; a BEGIN/COMMIT is `inTransaction` exactly when
 * Postgres warns that a transaction is already / is not in progress (for the separate-query modes).
 */
type Delivery = 'statements' | 'wrapped' | 'one-query' | 'wrapped-one-query';
interface TxCase {
  name: string;
  file: string;
  text: string;
  delivery: Delivery;
  assumeInTransaction?: boolean;
  /** The part of the file the tool runs for the upgrade (dbmate's up section); default the whole file. */
  upEnd?: string;
}

const TX_CASES: TxCase[] = [
  {
    name: 'plain SQL, no transaction',
    file: '001_idx.sql',
    text: 'ALTER TABLE users ADD COLUMN email text;\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n',
    delivery: 'statements',
  },
  {
    name: 'plain SQL, CONCURRENTLY inside BEGIN/COMMIT',
    file: '001_idx.sql',
    text: 'BEGIN;\nALTER TABLE users ADD COLUMN email text;\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\nCOMMIT;\n',
    delivery: 'statements',
  },
  {
    name: 'plain SQL, CONCURRENTLY after COMMIT',
    file: '001_idx.sql',
    text: 'BEGIN;\nALTER TABLE users ADD COLUMN email text;\nCOMMIT;\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n',
    delivery: 'statements',
  },
  {
    name: 'plain SQL, nested BEGIN and a COMMIT too many',
    file: '001_idx.sql',
    text: 'BEGIN;\nALTER TABLE users ADD COLUMN email text;\nBEGIN;\nCOMMIT;\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\nCOMMIT;\n',
    delivery: 'statements',
  },
  {
    name: 'plain SQL with --assume-in-transaction',
    file: '001_idx.sql',
    text: 'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n',
    delivery: 'wrapped',
    assumeInTransaction: true,
  },
  {
    name: 'wrapped file that commits the tool transaction before CONCURRENTLY and reopens one after it',
    file: '001_idx.sql',
    text: 'ALTER TABLE users ADD COLUMN email text;\nCOMMIT;\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\nBEGIN;\n',
    delivery: 'wrapped',
    assumeInTransaction: true,
  },
  {
    name: 'dbmate (wrapped)',
    file: '20240101000000_idx.sql',
    text: '-- migrate:up\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n\n-- migrate:down\nDROP INDEX users_email_idx;\n',
    delivery: 'wrapped-one-query',
    upEnd: '-- migrate:down',
  },
  {
    name: 'dbmate, CONCURRENTLY after a COMMIT in the section: the rest of its one Exec is an implicit transaction',
    file: '20240101000000_idx.sql',
    text: '-- migrate:up\nALTER TABLE users ADD COLUMN email text;\nCOMMIT;\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n\n-- migrate:down\nDROP INDEX users_email_idx;\n',
    delivery: 'wrapped-one-query',
    upEnd: '-- migrate:down',
  },
  {
    name: 'dbmate transaction:false, single statement',
    file: '20240101000000_idx.sql',
    text: '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n\n-- migrate:down\nDROP INDEX users_email_idx;\n',
    delivery: 'one-query',
    upEnd: '-- migrate:down',
  },
  {
    name: 'dbmate transaction:false, several statements: one implicit transaction',
    file: '20240101000000_idx.sql',
    text: '-- migrate:up transaction:false\nALTER TABLE users ADD COLUMN email text;\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n\n-- migrate:down\nDROP INDEX users_email_idx;\n',
    delivery: 'one-query',
    upEnd: '-- migrate:down',
  },
  {
    name: 'golang-migrate, single statement',
    file: '000001_idx.up.sql',
    text: 'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n',
    delivery: 'one-query',
  },
  {
    name: 'golang-migrate, several statements',
    file: '000001_idx.up.sql',
    text: 'ALTER TABLE users ADD COLUMN email text;\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n',
    delivery: 'one-query',
  },
  {
    name: 'golang-migrate, CONCURRENTLY after an explicit COMMIT: still in the implicit transaction',
    file: '000001_idx.up.sql',
    text: 'BEGIN;\nALTER TABLE users ADD COLUMN email text;\nCOMMIT;\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n',
    delivery: 'one-query',
  },
  {
    name: 'Prisma, several statements',
    file: 'prisma/migrations/20240101000000_idx/migration.sql',
    text: '-- AlterTable\nALTER TABLE "users" ADD COLUMN "email" TEXT;\n\n-- CreateIndex\nCREATE INDEX CONCURRENTLY "users_email_idx" ON "users"("email");\n',
    delivery: 'one-query',
  },
  {
    name: 'Flyway, only CONCURRENTLY statements: run without a transaction',
    file: 'V2__idx.sql',
    text: "SET lock_timeout = '2s';\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\nCREATE INDEX CONCURRENTLY users_id_idx ON users (id);\n",
    delivery: 'statements',
  },
  {
    name: 'node-pg-migrate SQL (wrapped)',
    file: 'migrations/1700000000000_idx.sql',
    text: '-- Up Migration\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n-- Down Migration\nDROP INDEX users_email_idx;\n',
    delivery: 'wrapped',
    upEnd: '-- Down Migration',
  },
  {
    name: 'drizzle (wrapped)',
    file: 'drizzle/0001_idx.sql',
    text: 'ALTER TABLE "users" ADD COLUMN "email" text;--> statement-breakpoint\nCREATE INDEX CONCURRENTLY "users_email_idx" ON "users" ("email");',
    delivery: 'wrapped',
  },
  {
    name: 'sqlx (wrapped)',
    file: 'sqlx/20240101000000_idx.sql',
    text: 'ALTER TABLE users ADD COLUMN email text;\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n',
    delivery: 'wrapped',
  },
  {
    name: 'sqlx, CONCURRENTLY after a COMMIT in the file: the rest of its one query is an implicit transaction',
    file: 'sqlx/20240101000000_idx.sql',
    text: 'ALTER TABLE users ADD COLUMN email text;\nCOMMIT;\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n',
    delivery: 'wrapped-one-query',
  },
  {
    name: 'sqlx -- no-transaction, single statement',
    file: 'sqlx/20240101000000_idx.sql',
    text: '-- no-transaction\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n',
    delivery: 'one-query',
  },
  {
    name: 'sqlx -- no-transaction, several statements: one implicit transaction',
    file: 'sqlx/20240101000000_idx.sql',
    text: '-- no-transaction\nALTER TABLE users ADD COLUMN email text;\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n',
    delivery: 'one-query',
  },
];

interface StatementOutcome {
  /** 1-based line where the statement starts. */
  line: number;
  error?: string;
  notices: string[];
}

describe('transaction state of each SQL format, checked on Postgres', () => {
  let db: PGlite;
  let platformSqlxProbe: (path: string) => boolean;
  beforeAll(async () => {
    db = await PGlite.create();
    // The sqlx cases stand for files of a crate whose Cargo.toml names sqlx.
    platformSqlxProbe = setSqlxProjectProbe((path) => path.startsWith('sqlx/'));
  });
  afterAll(async () => {
    setSqlxProjectProbe(platformSqlxProbe);
    await db.close();
  });

  async function runAsTool(c: TxCase): Promise<StatementOutcome[]> {
    await db.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public; CREATE TABLE users (id bigint PRIMARY KEY);');
    const end = c.upEnd ? c.text.indexOf(c.upEnd) : c.text.length;
    const lines = new LineIndex(c.text);
    const slices = splitStatements(c.text.slice(0, end));
    const outcomes: StatementOutcome[] = slices.map((s) => ({ line: lines.position(s.start).line, notices: [] }));
    const run = async (sql: string, outcome?: StatementOutcome) => {
      try {
        await db.exec(sql, { onNotice: (n) => outcome?.notices.push(String(n.message)) });
      } catch (e) {
        if (outcome) outcome.error = (e as Error).message;
      }
    };
    if (c.delivery === 'one-query' || c.delivery === 'wrapped-one-query') {
      // One query: Postgres stops at the first error; find which statement it was by running it alone
      // would change the semantics, so attribute the error to the CONCURRENTLY statement (the only one
      // that can fail on the prepared schema).
      const target = outcomes.find((o) => /CONCURRENTLY/.test(c.text.split('\n')[o.line - 1]!))!;
      if (c.delivery === 'wrapped-one-query') await run('BEGIN');
      await run(c.text.slice(0, end), target);
      if (c.delivery === 'wrapped-one-query') await run('COMMIT');
    } else {
      if (c.delivery === 'wrapped') await run('BEGIN');
      for (let i = 0; i < slices.length; i++) await run(c.text.slice(slices[i]!.start, slices[i]!.end), outcomes[i]);
      if (c.delivery === 'wrapped') await run('COMMIT');
    }
    // Leave no transaction open for the next case.
    await run('ROLLBACK');
    return outcomes;
  }

  for (const c of TX_CASES) {
    it(c.name, async () => {
      const migration = await parse(c.file, c.text, c.assumeInTransaction);
      const ops = migration.ops.filter((op) => op.direction === 'upgrade');
      const outcomes = await runAsTool(c);
      const at = (line: number) => outcomes.find((o) => o.line === line)!;
      const concurrent = ops.filter((op) => op.kind === 'create-index' && op.concurrently);
      expect(concurrent.length).toBeGreaterThan(0);
      for (const op of concurrent) {
        const refused = /cannot run inside a transaction block/.test(at(op.span.line).error ?? '');
        expect({ line: op.span.line, inTransaction: op.inTransaction }).toEqual({
          line: op.span.line,
          inTransaction: refused,
        });
      }
      if (c.delivery !== 'one-query' && c.delivery !== 'wrapped-one-query') {
        for (const op of ops) {
          if (op.kind !== 'transaction') continue;
          const notices = at(op.span.line).notices;
          if (op.action === 'begin')
            expect(op.inTransaction).toBe(notices.includes('there is already a transaction in progress'));
          if (op.action === 'commit')
            expect(op.inTransaction).toBe(!notices.includes('there is no transaction in progress'));
        }
      }
    });
  }

  it('records the modes: dbmate transaction:false is a one-query section, and only in its direction', async () => {
    const m = await parse(
      '20240101000000_idx.sql',
      TX_CASES.find((c) => c.name.startsWith('dbmate transaction:false, several'))!.text,
    );
    expect(m.transaction).toBe('wrapped');
    expect(m.transactionByDirection).toEqual({ upgrade: 'implicit' });
    expect(m.ops.filter((op) => op.direction === 'downgrade').every((op) => op.inTransaction)).toBe(true);
    const flyway = await parse('V2__idx.sql', TX_CASES.find((c) => c.file === 'V2__idx.sql')!.text);
    expect(flyway.transaction).toBe('none');
    // A Flyway migration with any transactional statement runs in Flyway's transaction.
    const flywayWrapped = await parse(
      'V3__idx.sql',
      'ALTER TABLE users ADD COLUMN email text;\nCREATE INDEX users_email_idx ON users (email);\n',
    );
    expect(flywayWrapped.transaction).toBe('wrapped');
    expect(flywayWrapped.ops.every((op) => op.inTransaction)).toBe(true);
    const sqlxNoTx = await parse(
      'sqlx/20240101000000_idx.sql',
      TX_CASES.find((c) => c.name.startsWith('sqlx -- no-transaction, several'))!.text,
    );
    expect([sqlxNoTx.format, sqlxNoTx.transaction]).toEqual(['sqlx', 'implicit']);
    const sqlxWrapped = await parse(
      'sqlx/20240101000000_idx.sql',
      TX_CASES.find((c) => c.name === 'sqlx (wrapped)')!.text,
    );
    expect([sqlxWrapped.format, sqlxWrapped.transaction]).toEqual(['sqlx', 'wrapped']);
    const plain = await parse('001_idx.sql', 'SELECT 1;');
    expect(plain.transaction).toBe('none');
    expect((await parse('001_idx.sql', 'SELECT 1;', true)).transaction).toBe('wrapped');
  });
});
