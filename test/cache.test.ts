/**
 * The parse cache (`--cache`): a warm run parses nothing and reports exactly what an uncached run
 * reports; a change of content, parse option or tool version is a miss; a corrupt, truncated or
 * foreign entry is ignored and rewritten; runs sharing a cache directory do not corrupt it.
 *
 * Parsing is counted by wrapping the registry's `parseFile`, which both the main thread and the
 * cache's callers go through in-process.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { cli, git, gitRepo, REPO_ROOT, tempDir, writeFiles } from './integrations/helpers.js';
import { stringContaining } from './helpers/matchers.js';
// @ts-expect-error -- plain ESM script without types
import { generateCorpus } from '../bench/generate.mjs';

const parsed: string[] = [];
vi.mock('../src/parsers/registry.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../src/parsers/registry.js')>();
  return {
    ...actual,
    parseFile: (file: { path: string }, options: never) => {
      parsed.push(file.path);
      return actual.parseFile(file as never, options);
    },
  };
});

// The tool version, changeable by a test (a new release must not trust an older release's entries).
const version = vi.hoisted(() => ({ current: '' }));
vi.mock('../src/version.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../src/version.js')>();
  version.current = actual.VERSION;
  return {
    ...actual,
    get VERSION() {
      return version.current;
    },
  };
});

beforeEach(() => {
  parsed.length = 0;
});

const CACHE = join('node_modules', '.cache', 'migration-lint', 'parse-v2');

/** A small project: plain SQL, a Knex migration and an Alembic revision, each with findings. */
function project(): string {
  const dir = tempDir('ml-cache-');
  writeFiles(dir, {
    'db/sql/001_users.sql': 'CREATE TABLE users (id int PRIMARY KEY, email text);\n',
    'db/sql/002_index.sql': 'CREATE INDEX users_email ON users (email);\n',
    'db/sql/003_not_null.sql': 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n',
    'db/knex/20240101_add_column.js': [
      'exports.up = async function (knex) {',
      "  await knex.schema.alterTable('orders', (t) => {",
      "    t.integer('total').notNullable().defaultTo(0);",
      "    t.index(['total']);",
      '  });',
      '};',
      'exports.down = async function (knex) {',
      "  await knex.schema.alterTable('orders', (t) => t.dropColumn('total'));",
      '};',
      '',
    ].join('\n'),
    'db/alembic/versions/a1_add_flag.py': [
      '"""add flag"""',
      'from alembic import op',
      'import sqlalchemy as sa',
      '',
      "revision = 'a1'",
      'down_revision = None',
      '',
      'def upgrade():',
      "    op.add_column('accounts', sa.Column('flag', sa.Boolean(), nullable=False))",
      '',
      'def downgrade():',
      "    op.drop_column('accounts', 'flag')",
      '',
    ].join('\n'),
  });
  return dir;
}
const FILES = 5;

/**
 * Removes the stored reports and outputs (src/cache/lint-results.ts, stored-output.ts,
 * test/report-cache.test.ts): an unchanged run is served by either without reading a parse entry, so a
 * test of the parse entries themselves removes them first.
 */
const forgetReports = (location: string) => {
  for (const layer of ['results-v1', 'output-v1']) rmSync(join(location, layer), { recursive: true, force: true });
};

const entries = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.json')) : []);

describe('parse cache', () => {
  it('a warm run parses nothing and reports what an uncached run reports', async () => {
    const dir = project();
    const uncached = await cli(['--format', 'json', 'db'], dir);
    expect(parsed).toHaveLength(FILES);
    expect((JSON.parse(uncached.stdout) as { findings: unknown[] }).findings.length).toBeGreaterThan(3);
    expect(existsSync(join(dir, 'node_modules'))).toBe(false); // off by default

    parsed.length = 0;
    const cold = await cli(['--cache', '--format', 'json', 'db'], dir);
    expect(parsed).toHaveLength(FILES);
    expect(entries(join(dir, CACHE))).toHaveLength(FILES);

    parsed.length = 0;
    const warm = await cli(['--cache', '--format', 'json', 'db'], dir);
    expect(parsed).toEqual([]);
    for (const run of [cold, warm]) {
      expect(run.stderr).toBe('');
      expect(run.stdout).toBe(uncached.stdout);
      expect(run.code).toBe(uncached.code);
    }
    // the text reporter's code frames need the source text, which entries do not store
    const text = await cli(['db'], dir);
    expect((await cli(['--cache', 'db'], dir)).stdout).toBe(text.stdout);
  });

  it('re-parses a file whose content changed, and only that file; old entries of the path are removed', async () => {
    const dir = project();
    await cli(['--cache', 'db'], dir);
    // temporary files of runs killed mid-write: an hour-old one is removed, a fresh one (a run in progress) is not
    const abandoned = join(dir, CACHE, '.0123456789abcdef-00.json.4242.a1b2c3.tmp');
    const inProgress = join(dir, CACHE, '.0123456789abcdef-00.json.4343.d4e5f6.tmp');
    writeFileSync(abandoned, '{"schema":');
    writeFileSync(inProgress, '{"schema":');
    utimesSync(abandoned, new Date(Date.now() - 2 * 3_600_000), new Date(Date.now() - 2 * 3_600_000));
    writeFileSync(join(dir, 'db/sql/002_index.sql'), 'CREATE INDEX CONCURRENTLY users_email ON users (email);\n');
    parsed.length = 0;
    const warm = await cli(['--cache', '--format', 'json', 'db'], dir);
    expect(parsed).toEqual(['db/sql/002_index.sql'].map((p) => stringContaining(p)));
    expect(warm.stdout).toBe((await cli(['--format', 'json', 'db'], dir)).stdout);
    expect(entries(join(dir, CACHE))).toHaveLength(FILES);
    expect([existsSync(abandoned), existsSync(inProgress)]).toEqual([false, true]);
  });

  it('re-parses every file when a parse option changes', async () => {
    const dir = project();
    await cli(['--cache', 'db'], dir);
    for (const flags of [['--assume-in-transaction'], ['--dialect', 'sqlite'], ['--framework', 'flyway']]) {
      parsed.length = 0;
      const run = await cli(['--cache', '--format', 'json', ...flags, 'db'], dir);
      expect(parsed.length, flags.join(' ')).toBe(FILES);
      expect(run.stdout).toBe((await cli(['--format', 'json', ...flags, 'db'], dir)).stdout);
    }
    // one entry per path: the default options' entries were replaced, so this run parses again…
    forgetReports(join(dir, CACHE, '..'));
    parsed.length = 0;
    await cli(['--cache', 'db'], dir);
    expect(parsed).toHaveLength(FILES);
    // …but an option that does not change parsing (rules, Postgres version) keeps the cache
    parsed.length = 0;
    await cli(['--cache', '--pg-version', '11', '--exclude', 'require-concurrent-index-creation', 'db'], dir);
    expect(parsed).toEqual([]);
  });

  it('re-parses every file under another tool version', async () => {
    const dir = project();
    await cli(['--cache', 'db'], dir);
    const before = version.current;
    parsed.length = 0;
    try {
      version.current = '99.0.0';
      const run = await cli(['--cache', '--format', 'json', 'db'], dir);
      expect(parsed).toHaveLength(FILES);
      expect((JSON.parse(run.stdout) as { findings: unknown[] }).findings.length).toBeGreaterThan(3);
    } finally {
      version.current = before;
    }
  });

  it('ignores and rewrites a corrupt, truncated or foreign entry', async () => {
    const dir = project();
    const uncached = await cli(['--format', 'json', 'db'], dir);
    await cli(['--cache', 'db'], dir);
    const cacheDir = join(dir, CACHE);
    const names = entries(cacheDir).sort();
    const good = names.map((n) => readFileSync(join(cacheDir, n), 'utf8'));
    const entry = JSON.parse(good[0]!) as { key: string; version: string; migrations: { ops: unknown[] }[] };
    const [migration] = entry.migrations;
    const damaged = [
      'not json at all {',
      good[1]!.slice(0, Math.floor(good[1]!.length / 2)), // a run killed mid-write (without the rename)
      JSON.stringify({ ...entry, schema: 0 }),
      JSON.stringify({ ...entry, version: '0.0.1' }),
      JSON.stringify({ ...entry, migrations: [{ ...migration, ops: 'none' }] }),
      JSON.stringify({ ...entry, migrations: [{ ...migration, ops: [null, ...(migration?.ops ?? [])] }] }),
      good[0]!, // another file's entry: its key and path do not match
    ];
    // damage the entries in turn; the last case puts the first file's entry in place of the second's
    for (const [k, content] of damaged.entries()) {
      const victim = k === damaged.length - 1 ? names[1]! : names[k % names.length]!;
      writeFileSync(join(cacheDir, victim), content);
      forgetReports(join(cacheDir, '..'));
      parsed.length = 0;
      const run = await cli(['--cache', '--format', 'json', 'db'], dir);
      expect(parsed, `case ${k}`).toHaveLength(1);
      expect(run.stdout, `case ${k}`).toBe(uncached.stdout);
      expect(run.stderr).toBe('');
      // rewritten: the next run trusts it again
      expect(readFileSync(join(cacheDir, victim), 'utf8')).toBe(good[names.indexOf(victim)]);
    }
    parsed.length = 0;
    await cli(['--cache', 'db'], dir);
    expect(parsed).toEqual([]);
  });

  it('--no-cache overrides the config; the config can turn the cache on and place it', async () => {
    const dir = project();
    writeFiles(dir, { 'migration-lint.config.json': JSON.stringify({ cache: true, cacheLocation: '.lint-cache' }) });
    await cli(['--no-cache', 'db'], dir);
    expect(existsSync(join(dir, '.lint-cache'))).toBe(false);
    await cli(['db'], dir);
    expect(entries(join(dir, '.lint-cache', 'parse-v2'))).toHaveLength(FILES);
    parsed.length = 0;
    await cli(['--no-cache', 'db'], dir);
    expect(parsed).toHaveLength(FILES);
    // --cache-location wins over the config's
    await cli(['--cache-location', 'other', 'db'], dir);
    expect(entries(join(dir, 'other', 'parse-v2'))).toHaveLength(FILES);
    const bad = await cli(['--config', 'bad.json', 'db'], (writeFiles(dir, { 'bad.json': '{"cache": "yes"}' }), dir));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('cache');
  });

  it('a cache directory holding files git tracks is not used: a commit cannot plant entries that hide a migration', async () => {
    const repo = gitRepo();
    writeFiles(repo, {
      '.gitignore': 'node_modules/\n',
      'db/001_index.sql': 'CREATE INDEX users_email ON users (email);\n',
    });
    // what an attacker would commit: the entry of this very file, with the CREATE INDEX removed
    await cli(['--cache', 'db'], repo);
    const [name] = entries(join(repo, CACHE));
    const entry = JSON.parse(readFileSync(join(repo, CACHE, name!), 'utf8')) as { migrations: { ops: unknown[] }[] };
    for (const m of entry.migrations) m.ops = [];
    writeFileSync(join(repo, CACHE, name!), JSON.stringify(entry));
    forgetReports(join(repo, CACHE, '..'));
    parsed.length = 0;
    // not committed yet: the local cache is the user's own and is trusted (the forged entry hides the finding)
    const rules = (r: { stdout: string }) =>
      (JSON.parse(r.stdout) as { findings: { rule: string }[] }).findings.map((f) => f.rule);
    expect(rules(await cli(['--cache', '--format', 'json', 'db'], repo))).not.toContain(
      'require-concurrent-index-creation',
    );
    git(repo, 'add', '-f', '.');
    git(repo, 'commit', '-q', '-m', 'migration and a planted cache entry');
    const run = await cli(['--cache', '--format', 'json', 'db'], repo);
    expect(run.stderr).toContain('not using the cache: git tracks files in node_modules/.cache/migration-lint');
    expect(rules(run)).toContain('require-concurrent-index-creation');
    expect(parsed).toHaveLength(1);
  });

  it('two runs at once on one cache directory both succeed and leave it valid', async () => {
    const dir = project();
    const uncached = await cli(['--format', 'json', 'db'], dir);
    const runs = await Promise.all([1, 2].map(() => cli(['--cache', '--format', 'json', 'db'], dir)));
    for (const r of runs) expect(r.stdout).toBe(uncached.stdout);
    expect(readdirSync(join(dir, CACHE)).filter((n) => !n.endsWith('.json'))).toEqual([]); // no temporary file left
    parsed.length = 0;
    expect((await cli(['--cache', '--format', 'json', 'db'], dir)).stdout).toBe(uncached.stdout);
    expect(parsed).toEqual([]);
  });

  const built = existsSync(join(REPO_ROOT, 'dist', 'parsers', 'parse-worker.js'));
  it.runIf(built)(
    'two processes (one parsing on a worker thread) writing one cache directory at once',
    async () => {
      const dir = tempDir('ml-cache-proc-');
      (generateCorpus as (o: object) => unknown)({ files: 200, seed: 3, out: join(dir, 'corpus') });
      const uncached = await cli(['--format', 'json', 'corpus'], dir);
      const bin = join(REPO_ROOT, 'bin', 'migration-lint.js');
      const child = (workers: string) =>
        new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
          const p = spawn(process.execPath, [bin, '--cache', '--format', 'json', 'corpus'], {
            cwd: dir,
            env: { ...process.env, MIGRATION_LINT_WORKERS: workers },
          });
          let stdout = '';
          let stderr = '';
          p.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
          p.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
          p.on('close', (code) => resolve({ code, stdout, stderr }));
        });
      const both = await Promise.all([child('1'), child('0')]);
      for (const r of both) {
        expect(r.stderr).toBe('');
        expect(r.stdout).toBe(uncached.stdout);
      }
      expect(entries(join(dir, CACHE))).toHaveLength(200);
      parsed.length = 0;
      expect((await cli(['--cache', '--format', 'json', 'corpus'], dir)).stdout).toBe(uncached.stdout);
      expect(parsed).toEqual([]);
    },
    120_000,
  );
});

describe('a warm run in a fresh process (nothing parsed, so nothing loaded by parsing)', () => {
  const built = existsSync(join(REPO_ROOT, 'dist', 'parsers', 'parse-worker.js'));
  const bin = join(REPO_ROOT, 'bin', 'migration-lint.js');
  const runBuilt = (args: string[], cwd: string) =>
    spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });

  it.runIf(built)('reports what an uncached run reports: a reserved word as a table name is still quoted', async () => {
    const dir = tempDir('ml-cache-fresh-');
    writeFiles(dir, {
      'db/001_order.sql': 'CREATE TABLE "order" (id serial PRIMARY KEY, total int);\n',
      'db/002_order_index.sql': 'CREATE INDEX order_total_idx ON "order" (total);\n',
    });
    const uncached = runBuilt(['--format', 'json', 'db'], dir);
    expect(uncached.stdout).toContain('SHARE on \\"order\\"');
    for (const run of ['cold', 'warm', 'parse entries only']) {
      if (run === 'parse entries only') forgetReports(join(dir, CACHE, '..'));
      expect(runBuilt(['--cache', '--format', 'json', 'db'], dir).stdout, run).toBe(uncached.stdout);
    }
  });

  it.runIf(built)(
    'over every fixture directory',
    () => {
      const cache = tempDir('ml-cache-fresh-fx-');
      const args = ['--format', 'json', '--allow-empty', 'fixtures'];
      const uncached = runBuilt(args, REPO_ROOT);
      expect((JSON.parse(uncached.stdout) as { summary: { files: number } }).summary.files).toBeGreaterThan(100);
      for (const run of ['cold', 'warm', 'parse entries only']) {
        if (run === 'parse entries only') forgetReports(cache);
        const cached = runBuilt(['--cache', '--cache-location', cache, ...args], REPO_ROOT);
        expect(cached.stdout, run).toBe(uncached.stdout);
        expect(cached.stderr, run).toBe(uncached.stderr);
      }
    },
    60_000,
  );
});

describe('findings with and without the cache (differential over fixtures/)', () => {
  const dirs = readdirSync(join(REPO_ROOT, 'fixtures'));
  it('covers the SQL, TypeScript and Alembic fixtures', () => {
    expect(dirs).toEqual(
      expect.arrayContaining([
        'sql',
        'knex',
        'typeorm',
        'kysely',
        'sequelize',
        'mikro-orm',
        'node-pg-migrate',
        'alembic',
      ]),
    );
  });
  it.each(dirs)('fixtures/%s: uncached, cold and warm runs report the same', async (name) => {
    const cache = tempDir('ml-cache-fx-');
    const args = ['--format', 'json', '--allow-empty', `fixtures/${name}`];
    const uncached = await cli(args, REPO_ROOT);
    const count = parsed.length;
    expect(count).toBeGreaterThan(0);
    const cold = await cli(['--cache', '--cache-location', cache, ...args], REPO_ROOT);
    parsed.length = 0;
    const warm = await cli(['--cache', '--cache-location', cache, ...args], REPO_ROOT);
    expect(parsed).toEqual([]);
    // the parse entries alone (no stored report): every file from them, the rules run again
    forgetReports(cache);
    const parsedOnly = await cli(['--cache', '--cache-location', cache, ...args], REPO_ROOT);
    expect(parsed).toEqual([]);
    for (const run of [cold, warm, parsedOnly]) {
      expect(run.stdout).toBe(uncached.stdout);
      expect(run.stderr).toBe(uncached.stderr);
      expect(run.code).toBe(uncached.code);
    }
    // the text report too (code frames come from the restored source)
    const textArgs = ['--allow-empty', `fixtures/${name}`];
    expect((await cli(['--cache', '--cache-location', cache, ...textArgs], REPO_ROOT)).stdout).toBe(
      (await cli(textArgs, REPO_ROOT)).stdout,
    );
  });
});
