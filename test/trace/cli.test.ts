/**
 * `migration-lint trace` through the real command line (`run` from src/cli/main.ts, in process).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/main.js';

/** The parts of `trace --format json` these tests read. */
interface TraceJson {
  version: number;
  trace: {
    engine: string;
    mode: string;
    migrations: {
      file: string;
      format: string;
      statements: { locks: { kind: string }[]; ms: number; heldMs: number }[];
    }[];
  };
  findings: { rule: string; line: number }[];
  summary: { files: number };
}

const FIXTURES = join(import.meta.dirname, 'fixtures');

async function cli(
  args: string[],
  cwd = join(import.meta.dirname, '..', '..'),
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await run(args, {
    stdout: (s) => void (out += s),
    stderr: (s) => void (err += s),
    readStdin: async () => Buffer.from(''),
    cwd,
    isTTY: false,
  });
  return { code, out, err };
}

const scratch = mkdtempSync(join(tmpdir(), 'trace-cli-'));
function write(name: string, text: string): string {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
}

afterAll(() => vi.restoreAllMocks());

describe('migration-lint trace (command line)', () => {
  it('prints the per-statement table, then the findings; warnings only → exit 0; no connection is opened', async () => {
    const connect = vi.spyOn(pg.Client.prototype, 'connect');
    const { code, out, err } = await cli(['trace', '--rows', '200', join(FIXTURES, 'shop')]);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(connect).not.toHaveBeenCalled();
    const lines = out.split('\n');
    expect(lines[0]).toBe(
      'migration-lint trace on PGlite (PostgreSQL 18.6, embedded, in memory): each statement in a transaction of its own; tables seeded with 200 rows',
    );
    expect(lines[2]).toMatch(/^LOCATION\s+STATEMENT\s+RELATION\s+LOCK\s+BLOCKS\s+REWRITE\s+MS\s+HELD$/);
    const row = lines.find((l) => l.startsWith('test/trace/fixtures/shop/003_columns.sql:4'))!;
    expect(row).toMatch(
      /ALTER TABLE customers ADD COLUMN referral_c…\s+customers\s+AccessExclusiveLock\s+reads, writes\s+yes\s+[\d.]+/,
    );
    const index = lines.find((l) => l.startsWith('test/trace/fixtures/shop/002_indexes.sql:1'))!;
    expect(index).toMatch(/customers\s+ShareLock\s+writes\s+-\s+[\d.]+$/);
    expect(out).toMatch(
      /\ntest\/trace\/fixtures\/shop\/002_indexes\.sql:4 +CREATE INDEX CONCURRENTLY orders_placed_idx… {2}locks not observed: ran outside a transaction \([\d.]+ m?s\)\n/,
    );
    expect(out).toContain('note: seeded 2 of 2 tables with 200 rows each');
    expect(out).toMatch(
      /test\/trace\/fixtures\/shop\/003_columns\.sql:4:1 {2}warning {2}trace-access-exclusive {2}took AccessExclusiveLock on customers \(blocks reads and writes\) and rewrote it: ran [\d.]+ m?s with 200 rows/,
    );
    expect(out).toMatch(/✖ \d+ problems \(0 errors, \d+ warnings, \d+ info\) in 6 files/);
  });

  it('--format json: the findings document with the observations under `trace`', async () => {
    const { code, out } = await cli(['trace', join(FIXTURES, 'dbmate'), '--format', 'json']);
    expect(code).toBe(0);
    const doc = JSON.parse(out) as TraceJson;
    expect(doc.version).toBe(1);
    expect(doc.trace.engine).toBe('pglite');
    expect(doc.trace.mode).toBe('per-statement');
    expect(doc.trace.migrations.map((m) => [m.file, m.format])).toEqual([
      ['test/trace/fixtures/dbmate/20240101000000_create_events.sql', 'dbmate'],
      ['test/trace/fixtures/dbmate/20240102000000_index_events.sql', 'dbmate'],
      ['test/trace/fixtures/dbmate/20240103000000_add_source.sql', 'dbmate'],
    ]);
    const add = doc.trace.migrations[2]!.statements[0]!;
    expect(add).toMatchObject({
      line: 2,
      statement: "ALTER TABLE events ADD COLUMN source text NOT NULL DEFAULT 'api'",
      origin: 'source',
      operations: ['add-column'],
      status: 'ok',
      inTransaction: true,
      ranInTransaction: true,
      observation: 'exact',
      targets: ['events'],
      error: null,
    });
    expect(add.locks.filter((l) => l.kind === 'table')).toEqual([
      {
        relation: 'events',
        schema: 'public',
        name: 'events',
        kind: 'table',
        table: null,
        mode: 'AccessExclusiveLock',
        modes: ['AccessExclusiveLock'],
        blocksReads: true,
        blocksWrites: true,
        createdByStatement: false,
        existedBeforeMigration: true,
      },
    ]);
    expect(add.ms).toBeGreaterThan(0);
    expect(add.heldMs).toBeGreaterThanOrEqual(add.ms);
    expect(doc.findings.map((f) => `${f.rule}:${f.line}`)).toContain('trace-access-exclusive:2');
    expect(doc.summary.files).toBe(3);
  });

  it('-f sarif carries the trace findings', async () => {
    const { code, out } = await cli([
      'trace',
      '-f',
      'sarif',
      join(FIXTURES, 'shop', '001_schema.sql'),
      join(FIXTURES, 'shop', '002_indexes.sql'),
    ]);
    expect(code).toBe(0);
    const sarif = JSON.parse(out) as { runs: { results: { ruleId: string }[] }[] };
    const results = sarif.runs[0]!.results;
    expect(results.map((r) => r.ruleId).sort()).toEqual(['trace-blocks-writes', 'trace-locks-not-observed']);
  });

  it('--setup and a statement Postgres rejects: exit 1, with the SQLSTATE and what to do', async () => {
    const setup = write('schema.sql', 'CREATE TABLE accounts (id bigint PRIMARY KEY, name text);\n');
    const migration = write('001_plan.sql', 'ALTER TABLE accounts ADD COLUMN plan text NOT NULL;\n');
    const { code, out } = await cli(['trace', '--setup', setup, '--rows', '5', migration], scratch);
    expect(code).toBe(1);
    expect(out).toMatch(
      /\n001_plan\.sql:1 +ALTER TABLE accounts ADD COLUMN plan text N… {2}FAILED: column "plan" of relation "accounts" contains null values \([\d.]+ m?s\)\n/,
    );
    expect(out).toContain(
      '001_plan.sql:1:1  error  trace-statement-failed  Postgres rejected this statement: column "plan" of relation "accounts" contains null values (SQLSTATE 23502).',
    );
    expect(out).toContain('fix:  The table has rows (--rows seeds them, as production has them)');
  });

  it.each([
    [['trace', '--allow-commit', 'x.sql'], '--allow-commit only applies with --database-url'],
    [['trace', '--allow-privileged-role', 'x.sql'], '--allow-privileged-role only applies with --database-url'],
    [['trace', '--rows', '-5', 'x.sql'], '--rows expects a whole number from 0 to 10,000,000, got "-5"'],
    [['trace', '--rows', 'lots', 'x.sql'], '--rows expects a whole number'],
    [
      ['trace', '--database-url', 'mysql://localhost/db', 'x.sql'],
      '--database-url expects a postgres:// or postgresql:// URL',
    ],
    [['trace', 'does/not/exist'], 'no such file or directory: does/not/exist'],
    [['trace', '--setup', 'missing.sql', 'x.sql'], 'cannot read --setup missing.sql'],
  ])('usage error %j → exit 2 and a one-line message', async (args, message) => {
    write('x.sql', 'SELECT 1;\n');
    const { code, err, out } = await cli(args, scratch);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain(message);
    expect(err).not.toMatch(/\n\s+at /);
  });

  it('a server that cannot be reached: exit 2, the address with its password masked, no stack trace', async () => {
    write('x.sql', 'SELECT 1;\n');
    const { code, err } = await cli(
      ['trace', '--database-url', 'postgres://app:s3cret@127.0.0.1:1/app', 'x.sql'],
      scratch,
    );
    expect(code).toBe(2);
    expect(err).toMatch(
      /^migration-lint trace: cannot connect to postgres:\/\/app:\*\*\*@127\.0\.0\.1:1\/app: .*ECONNREFUSED/,
    );
    expect(err).not.toContain('s3cret');
    expect(err).not.toMatch(/\n\s+at /);
  });

  it('trace findings are explainable', async () => {
    for (const id of [
      'trace-access-exclusive',
      'trace-blocks-writes',
      'trace-statement-failed',
      'trace-not-run',
      'trace-locks-not-observed',
    ]) {
      const { code, out } = await cli(['explain', id]);
      expect(code, id).toBe(0);
      expect(out).toContain(`# ${id}`);
      expect(out).toContain('## Why it is dangerous');
    }
  });

  it('trace --help lists its options', async () => {
    const { code, out } = await cli(['trace', '--help']);
    expect(code).toBe(0);
    for (const option of [
      '--database-url <url>',
      '--allow-commit',
      '--allow-privileged-role',
      '--setup <schema.sql>',
      '--rows <n>',
      '-f, --format <format>',
    ])
      expect(out).toContain(option);
  });
});
