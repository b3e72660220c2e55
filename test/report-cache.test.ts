/**
 * The cache's findings layer (`--cache`, src/cache/lint-results.ts): a run whose files, options and
 * tool version are all unchanged prints the stored report without parsing or running a rule, and prints
 * exactly what an uncached run prints; any change to what findings depend on (a file's content, a file
 * added or removed, a rule's severity, the Postgres version, the tool version) runs the rules again; a
 * corrupt or foreign stored report is ignored and rewritten; runs sharing a cache directory do not
 * corrupt it.
 *
 * Parsing is counted by wrapping the registry's `parseFile`, and rule runs by wrapping the engine's
 * `lintMigrations`, which every in-process run goes through.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { cli, commitAll, gitRepo, REPO_ROOT, tempDir, writeFiles } from './integrations/helpers.js';

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

const linted = { runs: 0 };
vi.mock('../src/engine/lint.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../src/engine/lint.js')>();
  return {
    ...actual,
    lintMigrations: (...args: Parameters<typeof actual.lintMigrations>) => {
      linted.runs++;
      return actual.lintMigrations(...args);
    },
  };
});

// The tool version, changeable by a test (a new release must not trust an older release's report).
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
  linted.runs = 0;
});

const LOCATION = join('node_modules', '.cache', 'migration-lint');
const REPORTS = join(LOCATION, 'results-v1');
const PARSED = join(LOCATION, 'parse-v2');
const OUTPUTS = join(LOCATION, 'output-v1');

/** Two migration sets (plain SQL, Knex) with findings, an unknown Knex call and a file that is not a migration. */
function project(): string {
  const dir = tempDir('ml-report-cache-');
  writeFiles(dir, {
    'db/sql/001_users.sql': 'CREATE TABLE users (id int PRIMARY KEY, email text);\n',
    'db/sql/002_index.sql': 'CREATE INDEX users_email ON users (email);\n',
    'db/sql/003_not_null.sql': 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n',
    'db/knex/knexfile.js': "module.exports = { client: 'pg', migrations: { directory: './' } };\n",
    'db/knex/20240101_add_column.js': [
      'exports.up = async function (knex) {',
      "  await knex.schema.alterTable('orders', (t) => {",
      "    t.integer('total').notNullable().defaultTo(0);",
      "    t.index(['total']);",
      '  });',
      "  await knex.schema.someCallNobodyKnows('orders');",
      '};',
      'exports.down = async function (knex) {',
      "  await knex.schema.alterTable('orders', (t) => t.dropColumn('total'));",
      '};',
      '',
    ].join('\n'),
  });
  return dir;
}
const FILES = 4;

const json = ['--format', 'json', '--verbose'];
const findingsOf = (r: { stdout: string }) =>
  (JSON.parse(r.stdout) as { findings: { rule: string; severity: string }[] }).findings;
const reports = (dir: string) => (existsSync(join(dir, REPORTS)) ? readdirSync(join(dir, REPORTS)) : []);

/** The run's --verbose note on how the cache served it. */
const cacheNote = (stderr: string) => stderr.split('\n').find((l) => l.startsWith('migration-lint: cache:')) ?? '';
/** stderr without that note (what an uncached run prints). */
const withoutNote = (stderr: string) =>
  stderr
    .split('\n')
    .filter((l) => !l.startsWith('migration-lint: cache:'))
    .join('\n');

describe('the stored report', () => {
  it('an unchanged run parses nothing, runs no rule, reads no parse entry and prints what an uncached run prints', async () => {
    const dir = project();
    const uncached = await cli([...json, 'db'], dir);
    expect(findingsOf(uncached).length).toBeGreaterThan(3);
    expect(uncached.stdout).toContain('someCallNobodyKnows'); // --verbose lists the call not understood
    expect(uncached.stdout).toContain('knexfile.js'); // and the skipped file
    const text = await cli(['--verbose', 'db'], dir);
    const sarif = await cli(['--format', 'sarif', 'db'], dir);

    linted.runs = 0;
    const cold = await cli(['--cache', ...json, 'db'], dir);
    expect(linted.runs).toBe(1);
    expect(reports(dir)).toHaveLength(1);
    // the stored report serves the next runs on its own: the parse cache's entries are not read
    rmSync(join(dir, PARSED), { recursive: true });
    parsed.length = 0;
    linted.runs = 0;
    const warm = await cli(['--cache', ...json, 'db'], dir);
    expect([parsed, linted.runs]).toEqual([[], 0]);
    for (const run of [cold, warm]) {
      expect(run.stdout).toBe(uncached.stdout);
      expect(run.code).toBe(uncached.code);
      expect(withoutNote(run.stderr)).toBe(uncached.stderr);
    }
    expect(cacheNote(warm.stderr)).toContain('the stored report reused, nothing parsed');
    expect(cacheNote(cold.stderr)).toContain(`0 files read from it, ${FILES} files parsed`);
    // every reporter: code frames come from the files' texts, --verbose from the stored unknown calls
    expect((await cli(['--cache', '--verbose', 'db'], dir)).stdout).toBe(text.stdout);
    expect((await cli(['--cache', '--format', 'sarif', 'db'], dir)).stdout).toBe(sarif.stdout);
    expect([parsed, linted.runs]).toEqual([[], 0]);
  });

  it('a changed, added or removed file runs the rules again (over the parse cache) and reports what an uncached run reports', async () => {
    const dir = project();
    await cli(['--cache', 'db'], dir);
    const changes: [string, () => void][] = [
      [
        'content',
        () =>
          writeFileSync(join(dir, 'db/sql/002_index.sql'), 'CREATE INDEX CONCURRENTLY users_email ON users (email);\n'),
      ],
      ['added', () => writeFiles(dir, { 'db/sql/004_drop.sql': 'ALTER TABLE users DROP COLUMN email;\n' })],
      ['removed', () => unlinkSync(join(dir, 'db/sql/003_not_null.sql'))],
      // the same bytes under another name: paths are in the key (findings name their file)
      [
        'renamed',
        () => {
          writeFiles(dir, { 'db/sql/001_people.sql': readFileSync(join(dir, 'db/sql/001_users.sql'), 'utf8') });
          unlinkSync(join(dir, 'db/sql/001_users.sql'));
        },
      ],
    ];
    for (const [change, make] of changes) {
      make();
      const uncached = await cli(json.concat('db'), dir);
      linted.runs = 0;
      parsed.length = 0;
      const run = await cli(['--cache', ...json, 'db'], dir);
      expect(linted.runs, change).toBe(1);
      // only a file with new content is parsed; the others come from the parse cache
      expect(parsed.length, change).toBeLessThanOrEqual(1);
      expect(run.stdout, change).toBe(uncached.stdout);
      linted.runs = 0;
      expect((await cli(['--cache', ...json, 'db'], dir)).stdout, change).toBe(uncached.stdout);
      expect(linted.runs, `${change}: stored again`).toBe(0);
    }
    // one entry for this directory set, replaced on each change
    expect(reports(dir)).toHaveLength(1);
  });

  it('an option or config that changes findings runs the rules again; the report format does not', async () => {
    const dir = project();
    await cli(['--cache', 'db'], dir);
    const variants = [
      ['--pg-version', '11'],
      ['--exclude', 'require-concurrent-index-creation'],
      ['--check-downgrade'],
      ['--config', 'strict.json'],
    ];
    writeFiles(dir, {
      'strict.json': JSON.stringify({ rules: { 'require-concurrent-index-creation': 'info', 'parse-error': 'off' } }),
    });
    const seen = new Set<string>();
    for (const flags of variants) {
      const uncached = await cli([...json, ...flags, 'db'], dir);
      linted.runs = 0;
      parsed.length = 0;
      const run = await cli(['--cache', ...json, ...flags, 'db'], dir);
      expect(linted.runs, flags.join(' ')).toBe(1);
      expect(parsed, flags.join(' ')).toEqual([]); // none of them changes parsing
      expect(run.stdout, flags.join(' ')).toBe(uncached.stdout);
      seen.add(run.stdout);
    }
    expect(seen.size).toBe(variants.length); // each really changes the report
    // the severity from the config is what the stored report holds
    const strict = await cli(['--cache', ...json, '--config', 'strict.json', 'db'], dir);
    expect(findingsOf(strict).find((f) => f.rule === 'require-concurrent-index-creation')?.severity).toBe('info');
    // the reporter is not part of the key: a text run after a JSON run reuses the report
    linted.runs = 0;
    await cli(['--cache', '--pg-version', '11', 'db'], dir);
    expect(linted.runs).toBe(0);
  });

  /** The built command line in a fresh process (the parsers remember per process what they found beside a directory). */
  const builtCliIn = (dir: string) => (args: string[]) =>
    spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'migration-lint.js'), ...args], { cwd: dir, encoding: 'utf8' });

  // In a fresh process each: the parsers remember per process whether a directory has a journal.
  it.runIf(existsSync(join(REPO_ROOT, 'dist', 'cache', 'lint-results.js')))(
    "drizzle-kit's journal appearing beside the SQL files (not an input itself) runs the rules again",
    () => {
      const dir = tempDir('ml-report-cache-drizzle-');
      writeFiles(dir, { 'drizzle/0000_init.sql': 'CREATE INDEX users_email ON users (email);\n' });
      const run = builtCliIn(dir);
      const before = run(['--cache', ...json, 'drizzle']);
      expect(before.stdout).toContain('"sql": 1');
      writeFiles(dir, {
        'drizzle/meta/_journal.json': JSON.stringify({
          version: '7',
          dialect: 'postgresql',
          entries: [{ idx: 0, version: '7', when: 1700000000000, tag: '0000_init', breakpoints: true }],
        }),
      });
      const uncached = run([...json, 'drizzle']);
      expect(uncached.stdout).toContain('"drizzle": 1'); // the journal makes the file drizzle-kit's
      const cached = run(['--cache', ...json, 'drizzle']);
      expect(cached.stdout).toBe(uncached.stdout);
      expect(cacheNote(cached.stderr)).toContain('1 file parsed');
      expect(cacheNote(run(['--cache', ...json, 'drizzle']).stderr)).toContain('the stored report reused');
    },
  );

  it.runIf(existsSync(join(REPO_ROOT, 'dist', 'cache', 'lint-results.js')))(
    'a Cargo.toml naming sqlx appearing above the SQL files (not an input itself) runs the rules again',
    () => {
      const dir = tempDir('ml-report-cache-sqlx-');
      writeFiles(dir, {
        'migrations/20240101000000_users.sql':
          'CREATE TABLE users (id bigint PRIMARY KEY);\nBEGIN;\nALTER TABLE users ADD COLUMN email text;\n',
      });
      const run = builtCliIn(dir);
      const before = run(['--cache', ...json, 'migrations']);
      expect(before.stdout).toContain('"sql": 1');
      writeFiles(dir, {
        'Cargo.toml':
          '[package]\nname = "api"\n\n[dependencies]\nsqlx = { version = "0.8", features = ["postgres"] }\n',
      });
      const uncached = run([...json, 'migrations']);
      expect(uncached.stdout).toContain('"sqlx": 1'); // the crate makes the file sqlx's
      const cached = run(['--cache', ...json, 'migrations']);
      expect(cached.stdout).toBe(uncached.stdout);
      expect(cacheNote(cached.stderr)).toContain('1 file parsed');
      expect(cacheNote(run(['--cache', ...json, 'migrations']).stderr)).toContain('the stored report reused');
    },
  );

  it("a change to Alembic's env.py (not an input) runs the rules again over freshly parsed revisions", async () => {
    const dir = tempDir('ml-report-cache-alembic-');
    const envPy = (extra: string) =>
      [
        'from alembic import context',
        '',
        'def run_migrations_online():',
        `    context.configure(connection=None, target_metadata=None${extra})`,
        '    with context.begin_transaction():',
        '        context.run_migrations()',
        '',
        'run_migrations_online()',
        '',
      ].join('\n');
    writeFiles(dir, {
      'migrations/env.py': envPy(''),
      'migrations/versions/a1_search_index.py': [
        'from alembic import op',
        '',
        "revision = 'a1'",
        'down_revision = None',
        '',
        'def upgrade():',
        "    op.create_index('ix_docs_title', 'docs', ['title'], postgresql_concurrently=True)",
        '',
      ].join('\n'),
    });
    const args = [...json, 'migrations/versions'];
    await cli(['--cache', ...args], dir);
    const before = await cli(args, dir);
    writeFiles(dir, { 'migrations/env.py': envPy(', transaction_per_migration=True') });
    const uncached = await cli(args, dir);
    expect(uncached.stdout).toContain('each migration in its own transaction');
    expect(uncached.stdout).not.toBe(before.stdout);
    linted.runs = 0;
    parsed.length = 0;
    expect((await cli(['--cache', ...args], dir)).stdout).toBe(uncached.stdout);
    expect([linted.runs, parsed.length]).toEqual([1, 1]);
  });

  it('another tool version does not trust the stored report', async () => {
    const dir = project();
    await cli(['--cache', 'db'], dir);
    const before = version.current;
    try {
      version.current = '99.0.0';
      linted.runs = 0;
      const run = await cli(['--cache', ...json, 'db'], dir);
      expect(linted.runs).toBe(1);
      expect(cacheNote(run.stderr)).toContain('corrupt or foreign');
      expect(findingsOf(run).length).toBeGreaterThan(3);
    } finally {
      version.current = before;
    }
  });

  it('ignores and rewrites a corrupt, truncated or foreign stored report', async () => {
    const dir = project();
    const uncached = await cli([...json, 'db'], dir);
    await cli(['--cache', 'db'], dir);
    const [name] = reports(dir);
    const path = join(dir, REPORTS, name!);
    const good = readFileSync(path, 'utf8');
    const entry = JSON.parse(good) as {
      findings: { strings: string[]; rows: number[][]; related: unknown[] };
      migrations: Record<string, unknown>[];
    };
    const { findings } = entry;
    const [row] = findings.rows;
    const damaged = [
      'not json at all {',
      good.slice(0, Math.floor(good.length / 2)), // a run killed mid-write (without the rename)
      'null',
      JSON.stringify({ ...entry, schema: 0 }),
      JSON.stringify({ ...entry, findings: 'none' }),
      // written as ASCII: a raw non-ASCII byte is not this layer's
      good.replace('"strings":["', '"strings":["\u00e9'),
      // a row naming a string the table does not have, a row too short, a line that is not a number
      JSON.stringify({ ...entry, findings: { ...findings, rows: [row!.map((v, i) => (i === 7 ? 1e6 : v))] } }),
      JSON.stringify({ ...entry, findings: { ...findings, rows: [row!.slice(1)] } }),
      JSON.stringify({ ...entry, findings: { ...findings, rows: [row!.map((v, i) => (i === 3 ? 'one' : v))] } }),
      JSON.stringify({ ...entry, findings: { ...findings, strings: findings.strings.map((_, i) => i) } }),
      // a migration of a file this run does not read: its source could not be restored
      JSON.stringify({ ...entry, migrations: [{ ...entry.migrations[0], file: '/elsewhere/x.sql' }] }),
      JSON.stringify({ ...entry, migrations: [{ ...entry.migrations[0], unknown: [{ kind: 'create-table' }] }] }),
    ];
    for (const [k, content] of damaged.entries()) {
      writeFileSync(path, content);
      // the stored output would serve the run without reading the findings (its own tests are below)
      rmSync(join(dir, OUTPUTS), { recursive: true, force: true });
      linted.runs = 0;
      const run = await cli(['--cache', ...json, 'db'], dir);
      expect(linted.runs, `case ${k}`).toBe(1);
      expect(run.stdout, `case ${k}`).toBe(uncached.stdout);
      expect(cacheNote(run.stderr), `case ${k}`).toContain('its stored report was corrupt or foreign');
      expect((await cli(['--cache', 'db'], dir)).stderr, `case ${k}: no note without --verbose`).toBe('');
      // rewritten: the next run trusts it again
      expect(readFileSync(path, 'utf8'), `case ${k}`).toBe(good);
    }
    linted.runs = 0;
    await cli(['--cache', 'db'], dir);
    expect(linted.runs).toBe(0);
  });

  it('--no-cache overrides the config: no report is stored or read', async () => {
    const dir = project();
    writeFiles(dir, { 'migration-lint.config.json': JSON.stringify({ cache: true, cacheLocation: '.lint-cache' }) });
    await cli(['db'], dir);
    expect(readdirSync(join(dir, '.lint-cache', 'results-v1'))).toHaveLength(1);
    linted.runs = 0;
    await cli(['--no-cache', 'db'], dir);
    expect(linted.runs).toBe(1);
    rmSync(join(dir, '.lint-cache'), { recursive: true });
    await cli(['--no-cache', 'db'], dir);
    expect(existsSync(join(dir, '.lint-cache'))).toBe(false);
  });

  it('--fix works from the full IR, not the stored report', async () => {
    const dir = project();
    const expected = await cli(['--fix-dry-run', 'db'], dir);
    expect(expected.stdout).toContain('CONCURRENTLY');
    await cli(['--cache', 'db'], dir);
    await cli(['--cache', 'db'], dir);
    linted.runs = 0;
    const fromCache = await cli(['--cache', '--fix-dry-run', 'db'], dir);
    expect(fromCache.stdout).toBe(expected.stdout);
    expect(linted.runs).toBeGreaterThan(1); // the run, then each rewrite checked
  });

  it('--since (files linted for context, edits compared with git) is linted every time, never stored', async () => {
    const repo = gitRepo();
    writeFiles(repo, {
      '.gitignore': 'node_modules/\n',
      'db/001_users.sql': 'CREATE TABLE users (id int PRIMARY KEY, email text);\n',
    });
    commitAll(repo, 'base');
    writeFiles(repo, { 'db/002_index.sql': 'CREATE INDEX users_email ON users (email);\n' });
    const uncached = await cli([...json, '--since', 'main', 'db'], repo);
    for (const run of ['first', 'second']) {
      linted.runs = 0;
      const cached = await cli(['--cache', ...json, '--since', 'main', 'db'], repo);
      expect(linted.runs, run).toBe(1);
      expect(cached.stdout, run).toBe(uncached.stdout);
    }
    expect(reports(repo)).toEqual([]);
  });

  it('runs at once on one cache directory all succeed and leave one valid stored report', async () => {
    const dir = project();
    const uncached = await cli([...json, 'db'], dir);
    const runs = await Promise.all([1, 2, 3].map(() => cli(['--cache', ...json, 'db'], dir)));
    for (const r of runs) expect(r.stdout).toBe(uncached.stdout);
    expect(readdirSync(join(dir, REPORTS))).toHaveLength(1); // no temporary file left
    linted.runs = 0;
    expect((await cli(['--cache', ...json, 'db'], dir)).stdout).toBe(uncached.stdout);
    expect(linted.runs).toBe(0);
  });

  const built = existsSync(join(REPO_ROOT, 'dist', 'cache', 'lint-results.js'));
  it.runIf(built)('processes writing one stored report at once', async () => {
    const dir = project();
    const bin = join(REPO_ROOT, 'bin', 'migration-lint.js');
    const child = () =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const p = spawn(process.execPath, [bin, '--cache', '--format', 'json', 'db'], { cwd: dir });
        let stdout = '';
        let stderr = '';
        p.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
        p.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
        p.on('close', (code) => resolve({ code, stdout, stderr }));
      });
    const before = await cli(['--format', 'json', 'db'], dir);
    const racing = await Promise.all([child(), child(), child()]);
    for (const r of racing) {
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe(before.stdout);
    }
    // whichever process renamed last, its report is whole and is the report of these files
    linted.runs = 0;
    expect((await cli(['--cache', '--format', 'json', 'db'], dir)).stdout).toBe(before.stdout);
    expect(linted.runs).toBe(0);
    expect(readdirSync(join(dir, REPORTS))).toHaveLength(1);
  });
});

/**
 * The output layer (src/cache/stored-output.ts): an unchanged run writes the bytes it printed before,
 * without decoding findings or running a reporter. What it must never do is print another run's output:
 * each case compares with an uncached run of the same command.
 */
describe('the stored output', () => {
  const outputs = (dir: string) => (existsSync(join(dir, OUTPUTS)) ? readdirSync(join(dir, OUTPUTS)) : []);
  /** Only the output layer can serve the next run: the stored findings and parses are gone. */
  const keepOnlyOutputs = (dir: string) => {
    rmSync(join(dir, REPORTS), { recursive: true, force: true });
    rmSync(join(dir, PARSED), { recursive: true, force: true });
  };

  it('serves every format byte for byte as an uncached run prints it, with its exit code under each --fail-on', async () => {
    const dir = project();
    // non-ASCII in a finding's code frame and message
    writeFiles(dir, { 'db/sql/004_größe.sql': 'ALTER TABLE users ADD COLUMN "größe" int NOT NULL; -- ½ done\n' });
    for (const format of ['json', 'text', 'sarif', 'github', 'gitlab']) {
      const args = ['--format', format, '--verbose', 'db'];
      const codes = new Set<number>();
      for (const failOn of ['error', 'warning', 'never']) {
        const uncached = await cli([...args, '--fail-on', failOn], dir);
        expect(uncached.stdout, format).toMatch(/größe|gr%C3%B6%C3%9Fe/);
        await cli(['--cache', ...args, '--fail-on', failOn], dir);
        keepOnlyOutputs(dir);
        linted.runs = 0;
        parsed.length = 0;
        const warm = await cli(['--cache', ...args, '--fail-on', failOn], dir);
        expect([parsed, linted.runs], `${format} ${failOn}`).toEqual([[], 0]);
        expect(warm.stdout, `${format} ${failOn}`).toBe(uncached.stdout);
        expect(warm.code, `${format} ${failOn}`).toBe(uncached.code);
        expect(withoutNote(warm.stderr)).toBe(uncached.stderr);
        expect(cacheNote(warm.stderr)).toContain('the stored report reused, nothing parsed');
        codes.add(warm.code);
      }
      expect([...codes].sort(), format).toEqual([0, 1]); // the --fail-on levels really differ on this project
    }
    // one entry per format
    expect(outputs(dir)).toHaveLength(5);
  });

  it('is not served when what the reporter prints changes: --verbose, colour, hyperlinks, directory, CI root, skipped files, version', async () => {
    const dir = project();
    writeFiles(dir, { 'migration-lint.config.json': JSON.stringify({ exclude: ['**/knexfile.js'] }) });
    const location = ['--cache-location', join(dir, 'lint-cache')];
    const knexfile = join('db', 'knex', 'knexfile.js');
    const sqlFiles = ['001_users.sql', '002_index.sql', '003_not_null.sql'].map((f) => join('db', 'sql', f));
    type Run = [args: string[], cwd: string, env?: Record<string, string>];
    const abs = ['--config', join(dir, 'migration-lint.config.json'), join(dir, 'db')];
    // pairs of runs that differ in one thing only: the first one's output is stored, the second's is another
    const pairs: [string, Run, Run][] = [
      ['--verbose', [['db'], dir], [['--verbose', 'db'], dir]],
      ['--color', [['db'], dir], [['--color', 'db'], dir]],
      ['hyperlinks', [['db'], dir], [['db'], dir, { FORCE_HYPERLINK: '1' }]],
      ['the directory', [abs, dir], [abs, join(dir, 'db')]],
      [
        'the CI root',
        [['--format', 'github', 'db'], dir],
        [['--format', 'github', 'db'], dir, { GITHUB_WORKSPACE: join(dir, '..') }],
      ],
      // the same inputs; a named file the config leaves out is listed as skipped
      ['a skipped file', [['--format', 'json', ...sqlFiles], dir], [['--format', 'json', ...sqlFiles, knexfile], dir]],
    ];
    const cached = ([args, cwd, env = {}]: Run) => cli(['--cache', ...location, ...args], cwd, '', { env });
    for (const [what, stored, other] of pairs) {
      const expected = await cli(other[0], other[1], '', { env: other[2] ?? {} });
      expect(expected.stdout, what).not.toBe((await cli(stored[0], stored[1], '', { env: stored[2] ?? {} })).stdout);
      await cached(stored);
      await cached(stored);
      for (const round of ['stored', 'served']) {
        linted.runs = 0;
        const run = await cached(other);
        expect(run.stdout, `${what}, ${round}`).toBe(expected.stdout);
        expect(withoutNote(run.stderr), `${what}, ${round}`).toBe(expected.stderr);
        if (round === 'served') expect(linted.runs, what).toBe(0);
      }
    }
    // a new release prints its own version (SARIF names the tool's)
    await cached([['--format', 'sarif', 'db'], dir]);
    const before = version.current;
    try {
      version.current = '99.0.0';
      const uncached = await cli(['--format', 'sarif', 'db'], dir);
      expect(uncached.stdout).toContain('99.0.0');
      expect((await cached([['--format', 'sarif', 'db'], dir])).stdout).toBe(uncached.stdout);
    } finally {
      version.current = before;
    }
  });

  it('ignores and rewrites a damaged, truncated or foreign entry', async () => {
    const dir = project();
    const other = project();
    const args = ['--format', 'json', '--fail-on', 'warning', 'db'];
    const uncached = await cli(args, dir);
    expect(uncached.code).toBe(1);
    await cli(['--cache', ...args], dir);
    await cli(['--cache', '--format', 'json', 'db/sql'], other); // another run's output, in its own cache
    const [name] = outputs(dir);
    const path = join(dir, OUTPUTS, name!);
    const good = readFileSync(path);
    const newline = good.indexOf(0x0a);
    const header = JSON.parse(good.toString('latin1', 0, newline)) as Record<string, unknown>;
    const body = good.subarray(newline + 1);
    const withHeader = (h: Record<string, unknown>, b: Buffer = body) =>
      Buffer.concat([Buffer.from(`${JSON.stringify(h)}\n`), b]);
    const flipped = Buffer.from(body);
    flipped.writeUInt8(flipped.readUInt8(flipped.length >> 1) ^ 0x20, flipped.length >> 1); // the same length
    const damaged: [string, Buffer][] = [
      ['empty', Buffer.alloc(0)],
      ['no header', body],
      ['header not JSON', Buffer.concat([Buffer.from('{"key":\n'), body])],
      ['truncated', good.subarray(0, good.length >> 1)],
      ['a byte changed', Buffer.concat([good.subarray(0, newline + 1), flipped])],
      ['errors and warnings changed', withHeader({ ...header, errors: 0, warnings: 0 })],
      [
        'length changed to match',
        withHeader({ ...header, bytes: body.length >> 1 }, body.subarray(0, body.length >> 1)),
      ],
      ['another run', readFileSync(join(other, OUTPUTS, outputs(other)[0]!))],
    ];
    for (const [what, content] of damaged) {
      writeFileSync(path, content);
      keepOnlyOutputs(dir);
      linted.runs = 0;
      const run = await cli(['--cache', ...args], dir);
      expect(linted.runs, what).toBe(1); // not served: linted again
      expect(run.stdout, what).toBe(uncached.stdout);
      expect(run.code, what).toBe(1);
      expect(readFileSync(path).equals(good), `${what}: rewritten`).toBe(true);
    }
    keepOnlyOutputs(dir);
    linted.runs = 0;
    expect((await cli(['--cache', ...args], dir)).stdout).toBe(uncached.stdout);
    expect(linted.runs).toBe(0);
  });

  it('is not used by runs whose output depends on more than the findings: --baseline, --write-baseline, --sarif-file', async () => {
    const dir = project();
    const args = ['--format', 'json', 'db'];
    writeFiles(dir, { 'db/sql/004_drop.sql': 'ALTER TABLE users DROP COLUMN email;\n' });
    await cli(['--write-baseline', 'baseline.json', 'db'], dir);
    writeFileSync(
      join(dir, 'db/sql/004_drop.sql'),
      'ALTER TABLE users DROP COLUMN email;\nALTER TABLE users ADD COLUMN x int NOT NULL;\n',
    );
    const withBaseline = await cli([...args, '--baseline', 'baseline.json'], dir);
    await cli(['--cache', ...args], dir);
    await cli(['--cache', ...args], dir);
    const full = await cli(args, dir);
    expect(findingsOf(withBaseline).length).toBeLessThan(findingsOf(full).length);
    expect((await cli(['--cache', ...args, '--baseline', 'baseline.json'], dir)).stdout).toBe(withBaseline.stdout);
    const written = await cli(['--cache', ...args, '--write-baseline', 'again.json'], dir);
    expect([written.code, existsSync(join(dir, 'again.json'))]).toEqual([0, true]);
    expect(written.stderr).toContain('wrote');
    for (const run of ['first', 'second']) {
      rmSync(join(dir, 'report.sarif'), { force: true });
      await cli(['--cache', ...args, '--sarif-file', 'report.sarif'], dir);
      expect(readFileSync(join(dir, 'report.sarif'), 'utf8'), run).toContain('"version": "2.1.0"');
    }
    expect(outputs(dir)).toHaveLength(1); // only the plain JSON run's
  });

  it.runIf(existsSync(join(REPO_ROOT, 'dist', 'cache', 'stored-output.js')))(
    'the built command line writes the stored bytes as an uncached run does',
    () => {
      const dir = project();
      writeFiles(dir, { 'db/sql/004_größe.sql': 'ALTER TABLE users ADD COLUMN "größe" int NOT NULL; -- ½ done\n' });
      const bin = join(REPO_ROOT, 'bin', 'migration-lint.js');
      const run = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: dir });
      for (const format of ['json', 'text']) {
        const uncached = run(['--format', format, 'db']);
        run(['--cache', '--format', format, 'db']);
        keepOnlyOutputs(dir);
        const warm = run(['--cache', '--format', format, 'db']);
        expect(outputs(dir).length, format).toBeGreaterThan(0);
        expect(existsSync(join(dir, REPORTS)), `${format}: served by the output layer`).toBe(false);
        expect(warm.stdout.equals(uncached.stdout), format).toBe(true);
        expect(warm.stdout.includes(Buffer.from('größe')), format).toBe(true);
        expect([warm.status, warm.stderr.toString()]).toEqual([uncached.status, uncached.stderr.toString()]);
      }
    },
  );
});
