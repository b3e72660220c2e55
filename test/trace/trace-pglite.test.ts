/**
 * End-to-end traces on the embedded database: realistic migration sets in test/trace/fixtures,
 * replayed in file order with seeded tables. The expected locks and rewrites are what Postgres 18
 * does (and the real-server test checks the same set against Debian's Postgres).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXTENSIONS } from '../../src/parsers/registry.js';
import type { TraceResult } from '../../src/trace/index.js';
import { closePglite, file, stepFor, steps, strongestByRelation, traceOnPglite } from './helpers.js';
import { fixtureSet, SHOP_EXPECTED } from './shop.js';

afterAll(closePglite);

function tableRewrites(result: TraceResult, prefix: string): string[] {
  return stepFor(result, prefix)
    .rewrites.filter((w) => w.kind === 'table')
    .map((w) => w.relation)
    .sort();
}

describe('trace on PGlite: the shop migrations (plain SQL, seeded with rows)', () => {
  let result: TraceResult;
  beforeAll(async () => {
    result = await traceOnPglite(fixtureSet('shop'), { rows: 500 });
  });

  it.each(SHOP_EXPECTED)('%s', async (prefix, locks, rewrites) => {
    const step = stepFor(result, prefix);
    expect(step.status).toBe('ok');
    expect(step.observation).toBe('exact');
    expect(strongestByRelation(step)).toEqual(locks);
    expect(tableRewrites(result, prefix)).toEqual([...rewrites].sort());
  });

  it('every upgrade statement of every file is accounted for, in file order', async () => {
    expect(result.report.migrations.map((m) => m.file.split('/').pop())).toEqual([
      '001_schema.sql',
      '002_indexes.sql',
      '003_columns.sql',
      '004_constraints.sql',
      '005_types.sql',
      '006_cleanup.sql',
    ]);
    const ran = steps(result).filter((r) => !r.step.skip);
    expect(ran.every((r) => r.status === 'ok')).toBe(true);
    // BEGIN and COMMIT of 003 are transaction control, handled by trace.
    expect(
      steps(result)
        .filter((r) => r.step.skip?.quiet)
        .map((r) => r.step.sql),
    ).toEqual(['BEGIN', 'COMMIT']);
  });

  it('CREATE INDEX CONCURRENTLY and VACUUM FULL run outside a transaction; their locks are reported as not observed, the rewrite is still seen', async () => {
    const cic = stepFor(result, 'CREATE INDEX CONCURRENTLY orders_placed_idx');
    expect([cic.status, cic.ranInTransaction, cic.observation, cic.locks]).toEqual(['ok', false, 'not-observed', []]);
    const vacuum = stepFor(result, 'VACUUM FULL orders');
    expect([vacuum.status, vacuum.ranInTransaction, vacuum.observation]).toEqual(['ok', false, 'not-observed']);
    expect(vacuum.rewrites.filter((w) => w.kind === 'table').map((w) => w.relation)).toEqual(['orders']);
  });

  it('seeds every table with the requested rows, referenced tables first, and counts them before each statement', async () => {
    expect(result.report.seeding.map((s) => [s.table.name, s.rows, s.problem ?? null])).toEqual([
      ['customers', 500, null],
      ['orders', 500, null],
    ]);
    expect(stepFor(result, 'ALTER TABLE customers ADD COLUMN phone text').rowCounts).toEqual({ customers: 500 });
    // The DROP INDEX counts the index's table; the FK check counts both tables.
    expect(stepFor(result, 'DROP INDEX customers_name_idx').rowCounts).toEqual({ customers: 500 });
    expect(stepFor(result, 'TRUNCATE customers CASCADE').rowCounts).toEqual({ customers: 500 });
  });

  it('locks taken inside the explicit BEGIN … COMMIT are held until COMMIT', async () => {
    const group = [
      'SET LOCAL',
      'ALTER TABLE customers ADD COLUMN phone',
      'ALTER TABLE customers ADD COLUMN referral_code',
      'ALTER TABLE orders ALTER COLUMN total',
    ].map((p) => stepFor(result, p));
    const total = group.reduce((a, r) => a + r.ms!, 0);
    expect(group[1]!.heldMs).toBeCloseTo(total - group[0]!.ms!, 6);
    expect(group[3]!.heldMs).toBeCloseTo(group[3]!.ms!, 6);
    // Plain SQL outside BEGIN: autocommitted, held only while it runs.
    const alone = stepFor(result, 'ALTER TABLE orders VALIDATE CONSTRAINT');
    expect(alone.heldMs).toBe(alone.ms);
  });

  it('reports findings for locks on tables that existed before the file, not on tables the file created', async () => {
    const byLine = result.findings.map((f) => `${f.file.split('/').pop()}:${f.line} ${f.rule}`);
    expect(byLine.filter((l) => l.startsWith('001_schema.sql'))).toEqual([]);
    expect(byLine).toContain('002_indexes.sql:1 trace-blocks-writes');
    expect(byLine).toContain('002_indexes.sql:4 trace-locks-not-observed');
    expect(byLine).toContain('003_columns.sql:3 trace-access-exclusive');
    expect(byLine).not.toContain('004_constraints.sql:2 trace-access-exclusive');
    const rewrite = result.findings.find((f) => f.file.endsWith('003_columns.sql') && f.line === 4);
    expect(rewrite?.message).toMatch(
      /^took AccessExclusiveLock on customers \(blocks reads and writes\) and rewrote it: ran [\d.]+ m?s with 500 rows(, lock held [\d.]+ m?s until the migration's transaction ends)?$/,
    );
    expect(rewrite?.lock).toBe('ACCESS EXCLUSIVE on customers (blocks reads and writes)');
    // The first ALTER of the BEGIN … COMMIT block keeps its lock while the two after it run.
    const held = result.findings.find((f) => f.file.endsWith('003_columns.sql') && f.line === 3);
    expect(held?.message).toMatch(
      /^took AccessExclusiveLock on customers \(blocks reads and writes\): ran [\d.]+ m?s with 500 rows, lock held [\d.]+ m?s until the migration's transaction ends$/,
    );
    expect(result.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });
});

describe('trace on PGlite: dbmate sections', () => {
  it('runs the up sections only, honours transaction:false, and counts the down statements it skipped', async () => {
    const result = await traceOnPglite(fixtureSet('dbmate'), { rows: 50 });
    expect(result.report.migrations.map((m) => m.downgradeStatements)).toEqual([1, 1, 1]);
    expect(steps(result).every((r) => r.step.ops.every((op) => op.direction === 'upgrade'))).toBe(true);
    const cic = stepFor(result, 'CREATE INDEX CONCURRENTLY events_kind_idx');
    expect([cic.status, cic.step.inTransaction, cic.ranInTransaction]).toEqual(['ok', false, false]);
    expect(
      strongestByRelation(stepFor(result, "ALTER TABLE events ADD COLUMN source text NOT NULL DEFAULT 'api'")),
    ).toEqual({ events: 'AccessExclusiveLock' });
    expect(tableRewrites(result, 'ALTER TABLE events ADD COLUMN source')).toEqual([]);
    expect(strongestByRelation(stepFor(result, 'ALTER TABLE events ALTER COLUMN payload SET NOT NULL'))).toEqual({
      events: 'AccessExclusiveLock',
    });
    // The up section of 003 is one transaction: the first statement's lock is held through the UPDATE.
    const first = stepFor(result, 'ALTER TABLE events ADD COLUMN source');
    const update = stepFor(result, "UPDATE events SET payload = '{}'");
    expect(first.heldMs!).toBeGreaterThanOrEqual(first.ms! + update.ms!);
  });
});

describe('trace on PGlite: problems are findings, and the run goes on', () => {
  it('a failing statement, an unparsable one, a refused one and an unreadable file', async () => {
    const result = await traceOnPglite(
      [
        file('m/001_users.sql', 'CREATE TABLE users (id bigint PRIMARY KEY);'),
        file(
          'm/002_bad.sql',
          'ALTER TABLE users ADD COLUMN plan text NOT NULL;\nSELEC 1;\nDROP DATABASE production;\nALTER TABLE missing ADD COLUMN x int;\nCREATE INDEX users_id_idx ON users (id);',
        ),
        {
          path: 'm/003_binary.sql',
          content: {
            ok: false,
            rule: 'parse-error',
            message: 'File looks binary (it contains NUL bytes); not a migration text file.',
          },
        },
        file('m/004_after.sql', 'ALTER TABLE users ADD COLUMN nickname text;'),
      ],
      { rows: 10 },
    );
    const rules = result.findings.map((f) => `${f.file}:${f.line} ${f.rule}`);
    expect(rules).toEqual([
      'm/002_bad.sql:1 trace-statement-failed',
      'm/002_bad.sql:2 parse-error',
      'm/002_bad.sql:3 trace-not-run',
      'm/002_bad.sql:4 trace-statement-failed',
      'm/002_bad.sql:5 trace-blocks-writes',
      'm/003_binary.sql:1 parse-error',
      'm/004_after.sql:1 trace-access-exclusive',
    ]);
    expect(result.findings[0]!.message).toBe(
      'Postgres rejected this statement: column "plan" of relation "users" contains null values (SQLSTATE 23502).',
    );
    expect(result.findings[3]!.message).toBe(
      'Postgres rejected this statement: relation "missing" does not exist (SQLSTATE 42P01).',
    );
    expect(result.findings[0]!.help).toMatch(/--rows/);
    expect(result.findings[3]!.help).toMatch(/--setup/);
  });

  it('--setup: a pg_dump-style schema (empty search_path, psql meta-commands) starts the run, and its problems are findings on the setup file', async () => {
    const setup = file(
      'schema.sql',
      [
        "SELECT pg_catalog.set_config('search_path', '', false);",
        '\\restrict abc123',
        'CREATE TABLE public.accounts (id bigint NOT NULL, name text);',
        'ALTER TABLE ONLY public.accounts ADD CONSTRAINT accounts_pkey PRIMARY KEY (id);',
        'CREATE INDEX accounts_name_idx ON public.accounts USING btree (name);',
      ].join('\n'),
    );
    const result = await traceOnPglite([file('m/001_plan.sql', 'ALTER TABLE accounts ADD COLUMN plan text;')], {
      setup,
      rows: 20,
    });
    // search_path was reset after the setup, so the unqualified name resolves.
    expect(strongestByRelation(stepFor(result, 'ALTER TABLE accounts ADD COLUMN plan'))).toEqual({
      accounts: 'AccessExclusiveLock',
    });
    expect(result.report.seeding.map((s) => [s.table.name, s.rows])).toEqual([['accounts', 20]]);
    const setupFindings = result.findings.filter((f) => f.file === 'schema.sql');
    expect(setupFindings.map((f) => [f.line, f.rule, f.message])).toEqual([
      [2, 'trace-not-run', 'Setup line not run: psql meta-command \\restrict: not SQL.'],
    ]);
  });

  it('--rows: tables whose constraints reject generated rows stay empty with a note; the others are seeded', async () => {
    const result = await traceOnPglite(
      [
        file(
          'm/001.sql',
          `CREATE TABLE parents (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), code char(3) NOT NULL UNIQUE, kind text NOT NULL CHECK (kind IN ('a', 'b')));
           CREATE TABLE children (id int PRIMARY KEY, parent_id uuid NOT NULL REFERENCES parents (id), spot point NOT NULL);
           CREATE TABLE tree (id int PRIMARY KEY, parent int REFERENCES tree (id), at date NOT NULL, amount numeric(4,2) NOT NULL, tags text[] NOT NULL, flags jsonb NOT NULL);`,
        ),
        file('m/002.sql', 'ALTER TABLE tree ADD COLUMN note text;'),
      ],
      { rows: 200 },
    );
    const seeded = Object.fromEntries(result.report.seeding.map((s) => [s.table.name, [s.rows, s.problem ?? null]]));
    expect(seeded.parents![0]).toBe(0); // kind CHECK rejects the generated text
    expect(seeded.children).toEqual([0, 'no value can be generated for NOT NULL column spot (point)']);
    expect(seeded.tree).toEqual([200, null]);
    expect(stepFor(result, 'ALTER TABLE tree ADD COLUMN note').rowCounts).toEqual({ tree: 200 });
  });
});

describe('trace on PGlite: migrations that are not SQL run through the IR', () => {
  const hasKnex = EXTENSIONS.includes('.js');
  it.skipIf(!hasKnex)('a knex migration: builder calls are rendered as SQL, knex.raw runs its own SQL', async () => {
    const result = await traceOnPglite(
      [
        file(
          'migrations/20240101000000_users.js',
          "exports.up = (knex) => knex.schema.createTable('users', (t) => {\n  t.bigIncrements('id');\n  t.string('email', 255).notNullable();\n});\nexports.down = (knex) => knex.schema.dropTable('users');\n",
        ),
        file(
          'migrations/20240102000000_email_index.js',
          "exports.up = async (knex) => {\n  await knex.schema.alterTable('users', (t) => {\n    t.index(['email'], 'users_email_idx');\n  });\n  await knex.raw('ALTER TABLE users ALTER COLUMN email TYPE text');\n};\nexports.down = async () => {};\n",
        ),
      ],
      { rows: 30 },
    );
    const index = stepFor(result, 'CREATE INDEX users_email_idx');
    expect(index.step.origin).toBe('rendered');
    expect(strongestByRelation(index)).toEqual({ users: 'ShareLock' });
    const raw = stepFor(result, 'ALTER TABLE users ALTER COLUMN email TYPE text');
    expect(raw.step.origin).toBe('embedded');
    expect(raw.step.span.line).toBe(5);
    expect(strongestByRelation(raw)).toEqual({ users: 'AccessExclusiveLock' });
    expect(result.report.seeding.map((s) => [s.table.name, s.rows])).toEqual([['users', 30]]);
  });
});

describe('trace on PGlite: extensions', () => {
  it('the contrib extensions migrations usually create are available', async () => {
    const result = await traceOnPglite(
      [
        file(
          'm/001_extensions.sql',
          'CREATE EXTENSION IF NOT EXISTS "uuid-ossp";\nCREATE EXTENSION IF NOT EXISTS citext;\nCREATE EXTENSION IF NOT EXISTS pg_trgm;\nCREATE EXTENSION IF NOT EXISTS pgcrypto;\n' +
            "CREATE TABLE users (id uuid PRIMARY KEY DEFAULT uuid_generate_v4(), email citext NOT NULL, token text DEFAULT encode(gen_random_bytes(8), 'hex'));",
        ),
        file('m/002_search.sql', 'CREATE INDEX users_email_trgm ON users USING gin (email gin_trgm_ops);'),
      ],
      { rows: 20 },
    );
    expect(steps(result).map((r) => [r.step.sql?.split('\n')[0], r.status, r.error?.message ?? null])).toEqual([
      ['CREATE EXTENSION IF NOT EXISTS "uuid-ossp"', 'ok', null],
      ['CREATE EXTENSION IF NOT EXISTS citext', 'ok', null],
      ['CREATE EXTENSION IF NOT EXISTS pg_trgm', 'ok', null],
      ['CREATE EXTENSION IF NOT EXISTS pgcrypto', 'ok', null],
      [
        "CREATE TABLE users (id uuid PRIMARY KEY DEFAULT uuid_generate_v4(), email citext NOT NULL, token text DEFAULT encode(gen_random_bytes(8), 'hex'))",
        'ok',
        null,
      ],
      ['CREATE INDEX users_email_trgm ON users USING gin (email gin_trgm_ops)', 'ok', null],
    ]);
    expect(strongestByRelation(stepFor(result, 'CREATE INDEX users_email_trgm'))).toEqual({ users: 'ShareLock' });
    expect(result.report.seeding.map((s) => [s.table.name, s.rows, s.problem ?? null])).toEqual([['users', 20, null]]);
  });
});

describe('trace on PGlite: the order the tool runs', () => {
  it('Flyway: versioned migrations by version, repeatable (R__) ones after them', async () => {
    const result = await traceOnPglite([
      file(
        'db/migration/R__invoice_totals.sql',
        'CREATE OR REPLACE VIEW invoice_totals AS SELECT account_id, sum(total) AS total FROM invoices GROUP BY account_id;',
      ),
      file(
        'db/migration/V1__invoices.sql',
        'CREATE TABLE invoices (id bigint PRIMARY KEY, account_id bigint NOT NULL, total numeric NOT NULL);',
      ),
      file('db/migration/V2__invoice_index.sql', 'CREATE INDEX invoices_account_idx ON invoices (account_id);'),
    ]);
    expect(result.report.migrations.map((m) => m.file)).toEqual([
      'db/migration/V1__invoices.sql',
      'db/migration/V2__invoice_index.sql',
      'db/migration/R__invoice_totals.sql',
    ]);
    expect(steps(result).map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
  });
});
