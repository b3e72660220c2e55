/**
 * trace --database-url against a real PostgreSQL server (Debian's, started by
 * scripts/ci-postgres.sh, which exports MIGRATION_LINT_TEST_DATABASE_URL). Skipped, with a message,
 * when the variable is unset.
 *
 * - The migration sets (test/trace/fixtures and fixtures/) traced with --allow-commit in a fresh
 *   database give the same statements, outcomes, locks and rewrites as on PGlite.
 * - Statements that cannot run in a transaction are watched from a second connection.
 * - Without --allow-commit the run is one transaction that is rolled back: the database is unchanged.
 * - The lock conflict table trace uses (what blocks reads, what blocks writes) is Postgres's.
 */
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { discoverFiles } from '../../src/files/discover.js';
import { readSource } from '../../src/files/read.js';
import type { SourceInput } from '../../src/linter.js';
import { EXTENSIONS } from '../../src/parsers/registry.js';
import { traceSources, type TraceResult } from '../../src/trace/index.js';
import {
  blocksReads,
  blocksWrites,
  LOCK_MODES,
  lockConflicts,
  lockSql,
  lockStrength,
} from '../../src/analysis/locks.js';
import type { StepResult } from '../../src/trace/types.js';
import { traceNotes } from '../../src/trace/output.js';
import { run } from '../../src/cli/main.js';
import {
  closePglite,
  file,
  NO_SERVER_MESSAGE,
  scratchDatabase,
  SERVER_URL,
  stepFor,
  steps,
  strongestByRelation,
  traceOnPglite,
  warnWithoutServer,
} from './helpers.js';
import { fixtureSet, SHOP_EXPECTED } from './shop.js';

afterAll(closePglite);
warnWithoutServer();

const serverIt = (name: string, fn: () => Promise<void>, timeout = 120_000) =>
  it(
    name,
    async (ctx) => {
      if (!SERVER_URL) return ctx.skip(NO_SERVER_MESSAGE);
      await fn();
    },
    timeout,
  );

async function traceOnServer(
  inputs: SourceInput[],
  options: { rows?: number; allowCommit: boolean },
): Promise<TraceResult> {
  const scratch = await scratchDatabase('trace');
  try {
    return await traceSources(inputs, {
      databaseUrl: scratch.url,
      allowCommit: options.allowCommit,
      rows: options.rows ?? 0,
    });
  } finally {
    await scratch.drop();
  }
}

/**
 * What trace saw for one statement, in a form two Postgres versions can be compared on: outcome,
 * strongest lock per table, tables rewritten.
 */
function observed(r: StepResult): Record<string, unknown> {
  return {
    at: `${r.step.file.split('/').slice(-2).join('/')}:${r.step.span.line}`,
    status: r.status,
    error: r.error?.code ?? null,
    locks: r.observation === 'exact' ? strongestByRelation(r) : 'not compared',
    rewrites: r.rewrites
      .filter((w) => w.kind === 'table')
      .map((w) => w.relation)
      .sort(),
  };
}

/**
 * Known differences between Postgres 18 (PGlite) and the server's version, applied to the PGlite
 * side before comparing. None are needed for the server versions CI uses (Debian 12: PostgreSQL 15);
 * a difference found later belongs here with the versions it concerns (see docs/trace.md).
 */
function adjustForServerVersion(
  pglite: Record<string, unknown>[],
  _serverVersionNum: number,
): Record<string, unknown>[] {
  return pglite;
}

/** Directories holding a migration set (a Prisma migration folder counts as its parent's), as in fixtures.test.ts. */
function repositoryFixtureSets(): string[] {
  const root = join(import.meta.dirname, '..', '..', 'fixtures');
  const sets = new Set<string>();
  const walk = (dir: string) => {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(dir, e);
      if (statSync(p).isDirectory()) {
        if (!e.startsWith('.') && e !== 'node_modules') walk(p);
      } else if (EXTENSIONS.some((x) => e.toLowerCase().endsWith(x)) && !e.endsWith('.d.ts'))
        sets.add(e === 'migration.sql' ? dirname(dir) : dir);
    }
  };
  walk(root);
  return [...sets].sort().map((s) => relative(process.cwd(), s));
}

describe('trace on a real PostgreSQL server', () => {
  serverIt(
    'the shop migrations with --allow-commit: the locks and rewrites PGlite shows, and the concurrent statements watched',
    async () => {
      const server = await traceOnServer(fixtureSet('shop'), { rows: 500, allowCommit: true });
      expect(server.report.engine).toBe('postgres');
      expect(server.report.mode).toBe('per-statement');
      for (const [prefix, locks, rewrites] of SHOP_EXPECTED) {
        const r = stepFor(server, prefix);
        expect({
          prefix,
          status: r.status,
          locks: strongestByRelation(r),
          rewrites: r.rewrites
            .filter((w) => w.kind === 'table')
            .map((w) => w.relation)
            .sort(),
        }).toEqual({
          prefix,
          status: 'ok',
          locks,
          rewrites: [...rewrites].sort(),
        });
      }
      // Outside a transaction, a second connection reads the locks while the statement waits for
      // trace's watcher: CREATE INDEX CONCURRENTLY holds SHARE UPDATE EXCLUSIVE, VACUUM FULL asks for ACCESS EXCLUSIVE.
      const cic = stepFor(server, 'CREATE INDEX CONCURRENTLY orders_placed_idx');
      expect([cic.status, cic.ranInTransaction, cic.observation]).toEqual(['ok', false, 'sampled']);
      expect(strongestByRelation(cic)).toEqual({ orders: 'ShareUpdateExclusiveLock' });
      expect(cic.observationNote).toMatch(/waited for trace's watcher transaction/);
      const vacuum = stepFor(server, 'VACUUM FULL orders');
      expect(strongestByRelation(vacuum)).toEqual({ orders: 'AccessExclusiveLock' });
      expect(vacuum.rewrites.filter((w) => w.kind === 'table').map((w) => w.relation)).toEqual(['orders']);
      expect(server.findings.filter((f) => f.rule === 'trace-locks-not-observed')).toEqual([]);
    },
  );

  const sets: [string, () => SourceInput[]][] = [
    ['test/trace/fixtures/shop', () => fixtureSet('shop')],
    ['test/trace/fixtures/dbmate', () => fixtureSet('dbmate')],
    ...repositoryFixtureSets().map((dir): [string, () => SourceInput[]] => [
      dir,
      () => discoverFiles([dir], EXTENSIONS).map((path) => ({ path, content: readSource(path) })),
    ]),
  ];
  for (const [name, inputs] of sets) {
    serverIt(`${name}: the server trace (--allow-commit) matches the PGlite trace statement by statement`, async () => {
      const server = await traceOnServer(inputs(), { rows: 100, allowCommit: true });
      const embedded = await traceOnPglite(inputs(), { rows: 100 });
      const serverView = steps(server).map(observed);
      const pgliteView = adjustForServerVersion(steps(embedded).map(observed), server.report.serverVersionNum);
      // Statements PGlite could not observe (outside a transaction) are compared on outcome and rewrites only.
      const comparable = serverView.map((s, i) =>
        pgliteView[i]?.locks === 'not compared' ? { ...s, locks: 'not compared' } : s,
      );
      expect(comparable).toEqual(pgliteView);
    });
  }

  serverIt(
    'without --allow-commit: one transaction, rolled back; CONCURRENTLY skipped and listed; locks are those first taken',
    async () => {
      const scratch = await scratchDatabase('trace_rollback');
      const client = new pg.Client({ connectionString: scratch.url });
      await client.connect();
      try {
        const relations = async () =>
          Number(
            (
              await client.query<{ n: string }>(
                "SELECT count(*) AS n FROM pg_class WHERE relnamespace = 'public'::regnamespace",
              )
            ).rows[0]!.n,
          );
        await client.query('CREATE TABLE existing (id int PRIMARY KEY, note text)');
        const before = await relations();
        const server = await traceSources(fixtureSet('shop'), { databaseUrl: scratch.url, rows: 50 });
        expect(server.report.mode).toBe('rolled-back');
        expect(server.report.notes).toContain(
          'Ran in one transaction on the server and rolled it back: the database is unchanged.',
        );
        expect(await relations()).toBe(before);
        expect(
          (await client.query<{ r: string | null }>("SELECT to_regclass('customers') AS r")).rows[0]!.r,
        ).toBeNull();

        const cic = stepFor(server, 'CREATE INDEX CONCURRENTLY orders_placed_idx');
        expect(cic.status).toBe('skipped');
        expect(cic.notes[0]).toMatch(/cannot run inside a transaction block.*--allow-commit/);
        expect(
          server.findings.some((f) => f.rule === 'trace-not-run' && f.file.endsWith('002_indexes.sql') && f.line === 4),
        ).toBe(true);
        expect(traceNotes(server.report, join(import.meta.dirname, 'fixtures'))).toContain(
          '2 statements cannot run inside a transaction and were not run, because this run is rolled back (--allow-commit runs them, on a scratch database): shop/002_indexes.sql:4, shop/006_cleanup.sql:5',
        );

        // Every lock the single transaction shows for a statement is covered by one the statement takes on
        // its own (PGlite): the same mode or a stronger one on that relation. (PG 15 shows an extra
        // AccessShareLock on an index that ALTER COLUMN TYPE rebuilds, under the AccessExclusiveLock PG 18 reports.)
        const embedded = await traceOnPglite(fixtureSet('shop'), { rows: 50 });
        const own = new Map(steps(embedded).map((r) => [`${r.step.file}:${r.step.span.line}`, r]));
        for (const r of steps(server)) {
          if (r.status !== 'ok') continue;
          const alone = own.get(`${r.step.file}:${r.step.span.line}`)!;
          for (const l of r.locks) {
            const modes = alone.locks.find((x) => x.relation === l.relation)?.modes ?? [];
            const strongest = Math.max(-1, ...modes.map((m) => lockStrength(m)));
            for (const m of l.modes)
              expect(
                lockStrength(m),
                `${r.step.sql}: ${m} on ${l.relation} (alone: ${modes.join(', ') || 'none'})`,
              ).toBeLessThanOrEqual(strongest);
          }
        }
        // The first statement on customers after its CREATE TABLE shows the lock as already held.
        const phone = stepFor(server, 'ALTER TABLE customers ADD COLUMN phone text');
        expect(phone.observation).toBe('partial');
        expect(phone.alreadyHeld.find((h) => h.relation === 'customers')?.modes).toContain('AccessExclusiveLock');
      } finally {
        await client.end();
        await scratch.drop();
      }
    },
  );

  serverIt('a lock held by another session: the statement gives up after the lock timeout and says why', async () => {
    const scratch = await scratchDatabase('trace_busy');
    const other = new pg.Client({ connectionString: scratch.url });
    await other.connect();
    try {
      await other.query('CREATE TABLE busy (id int)');
      await other.query('BEGIN');
      await other.query('LOCK TABLE busy IN ACCESS SHARE MODE');
      const result = await traceSources(
        [file('m/001.sql', 'ALTER TABLE busy ADD COLUMN note text;\nCREATE TABLE calm (id int);')],
        {
          databaseUrl: scratch.url,
          allowCommit: true,
          serverLockTimeout: '300ms',
        },
      );
      const [alter, create] = steps(result);
      expect([alter!.status, alter!.error?.code]).toEqual(['failed', '55P03']);
      expect(create!.status).toBe('ok');
      const finding = result.findings.find((f) => f.rule === 'trace-statement-failed')!;
      expect(finding.message).toBe(
        'Postgres rejected this statement: canceling statement due to lock timeout (SQLSTATE 55P03).',
      );
      expect(finding.help).toMatch(/Another session of the server holds a conflicting lock/);
    } finally {
      await other.end();
      await scratch.drop();
    }
  });

  serverIt('the server ends the connection mid-run: exit 2 with the reason, no stack trace', async () => {
    const scratch = await scratchDatabase('trace_gone');
    try {
      const dir = mkdtempSync(join(tmpdir(), 'trace-gone-'));
      writeFileSync(
        join(dir, '001_bye.sql'),
        'CREATE TABLE t (id int);\nSELECT pg_terminate_backend(pg_backend_pid());\nCREATE TABLE u (id int);\n',
      );
      let err = '';
      const code = await run(['trace', '--database-url', scratch.url, '--allow-commit', join(dir, '001_bye.sql')], {
        stdout: () => undefined,
        stderr: (s) => void (err += s),
        readStdin: async () => Buffer.from(''),
        cwd: dir,
        isTTY: false,
      });
      expect(code).toBe(2);
      expect(err).toMatch(/^migration-lint trace: the database stopped the trace: /);
      expect(err).not.toMatch(/\n\s+at /);
    } finally {
      await scratch.drop();
    }
  });

  serverIt(
    'what each lock mode blocks: a second connection tries SELECT, INSERT and every mode against each mode',
    async () => {
      const scratch = await scratchDatabase('lock_matrix');
      const holder = new pg.Client({ connectionString: scratch.url });
      const other = new pg.Client({ connectionString: scratch.url });
      await holder.connect();
      await other.connect();
      const blocked = async (sql: string) => {
        try {
          await other.query('BEGIN');
          await other.query("SET LOCAL lock_timeout = '50ms'");
          await other.query(sql);
          return false;
        } catch (e) {
          if ((e as { code?: string }).code === '55P03') return true; // lock_not_available
          throw e;
        } finally {
          await other.query('ROLLBACK');
        }
      };
      try {
        await holder.query('CREATE TABLE t (id int)');
        const seen: Record<string, unknown> = {};
        const claimed: Record<string, unknown> = {};
        for (const mode of LOCK_MODES) {
          await holder.query('BEGIN');
          await holder.query(`LOCK TABLE t IN ${lockSql(mode)} MODE`);
          const conflicts: string[] = [];
          for (const requested of LOCK_MODES)
            if (await blocked(`LOCK TABLE t IN ${lockSql(requested)} MODE`)) conflicts.push(requested);
          seen[mode] = {
            reads: await blocked('SELECT * FROM t'),
            writes: await blocked('INSERT INTO t VALUES (1)'),
            conflicts,
          };
          claimed[mode] = {
            reads: blocksReads(mode),
            writes: blocksWrites(mode),
            conflicts: LOCK_MODES.filter((m) => lockConflicts(mode, m)),
          };
          await holder.query('ROLLBACK');
        }
        expect(seen).toEqual(claimed);
      } finally {
        await holder.end();
        await other.end();
        await scratch.drop();
      }
    },
  );
});
