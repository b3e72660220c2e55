/**
 * Which files a run lints: glob patterns on the command line (quoted, so migration-lint expands them)
 * and in the config, patterns that cannot be made to take super-linear time, and runs that select
 * nothing — an error (exit 2) unless the caller says an empty run is expected.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileGlob, fileFilter } from '../../src/files/glob.js';
import {
  cli,
  commitAll,
  git,
  gitRepo,
  onlyRules,
  REPO_ROOT,
  SAMPLE_MIGRATIONS,
  tempDir,
  writeFiles,
} from './helpers.js';

const files = (stdout: string) =>
  [...new Set((JSON.parse(stdout) as { findings: { file: string }[] }).findings.map((f) => f.file))].sort();
const linted = (stdout: string) => (JSON.parse(stdout) as { summary: { files: number } }).summary.files;

/** A monorepo with SQL migrations in two services and Knex migrations in a third, plus files that are not migrations. */
function monorepo(): string {
  const dir = tempDir('ml-sel-');
  writeFiles(dir, {
    'services/billing/db/migrations/001_invoices.sql':
      'CREATE TABLE invoices (id bigint PRIMARY KEY, total_cents bigint NOT NULL);\n',
    'services/billing/db/migrations/002_invoices_due.sql': 'CREATE INDEX invoices_due_idx ON invoices (due_at);\n',
    'services/billing/db/migrations/archive/000_legacy.sql': 'DROP TABLE legacy_invoices;\n',
    'services/accounts/db/migrations/001_users.sql': 'ALTER TABLE users ADD COLUMN plan text NOT NULL;\n',
    'services/web/db/migrations/20240102_add_sessions.ts':
      "import type { Knex } from 'knex';\n\nexport async function up(knex: Knex): Promise<void> {\n  await knex.schema.alterTable('sessions', (t) => {\n    t.index(['user_id']);\n  });\n}\n\nexport async function down(knex: Knex): Promise<void> {\n  await knex.schema.alterTable('sessions', (t) => {\n    t.dropIndex(['user_id']);\n  });\n}\n",
    'services/web/src/server.ts': 'export const port = 8080;\n',
    'docs/schema.sql': 'CREATE INDEX docs_example_idx ON users (email);\n',
  });
  return dir;
}

describe('glob patterns on the command line', () => {
  it("quoted patterns select exactly the files they match: 'dir/*.sql', '**' across directories, a pattern naming directories", async () => {
    const dir = monorepo();
    const one = await cli(['--format', 'json', 'services/billing/db/migrations/*.sql'], dir);
    expect(one.stderr).toBe('');
    expect(files(one.stdout)).toEqual(['services/billing/db/migrations/002_invoices_due.sql']); // not archive/, * stays in its segment
    expect(linted(one.stdout)).toBe(2);

    const deep = await cli(['--format', 'json', 'services/**/migrations/**/*.sql'], dir);
    expect(files(deep.stdout)).toEqual([
      'services/accounts/db/migrations/001_users.sql',
      'services/billing/db/migrations/002_invoices_due.sql',
      'services/billing/db/migrations/archive/000_legacy.sql',
    ]);

    const ts = await cli(['--format', 'json', 'services/*/db/**/*.ts'], dir);
    expect(files(ts.stdout)).toEqual(['services/web/db/migrations/20240102_add_sessions.ts']);
    expect(linted(ts.stdout)).toBe(1); // services/web/src/server.ts is not under db/

    // a pattern that matches directories lints what is in them, as the shell's expansion would
    const dirs = await cli(['--format', 'json', 'services/{billing,accounts}/db/migrations'], dir);
    expect(linted(dirs.stdout)).toBe(4);
    // patterns, directories and files together; a file matched twice is linted once
    const mixed = await cli(
      ['--format', 'json', 'services/billing/db/migrations', 'services/billing/db/migrations/*.sql', 'docs/schema.sql'],
      dir,
    );
    expect(linted(mixed.stdout)).toBe(4);
  });

  it('an absolute pattern, and a pattern from a sub-directory reaching up with ..', async () => {
    const dir = monorepo();
    const abs = await cli(['--format', 'json', join(dir, 'services/accounts/db/migrations/*.sql')], tempDir());
    expect(linted(abs.stdout)).toBe(1);
    const up = await cli(['--format', 'json', '../accounts/db/migrations/*.sql'], join(dir, 'services/billing'));
    expect(files(up.stdout)).toEqual(['../accounts/db/migrations/001_users.sql']);
  });

  it('an existing file whose name looks like a pattern is the file, not a pattern', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'migrations/[tenant]_001.sql': 'DROP TABLE tenants;\n' });
    const r = await cli(['--format', 'json', 'migrations/[tenant]_001.sql'], dir);
    expect(files(r.stdout)).toEqual(['migrations/[tenant]_001.sql']);
  });

  it('a pattern that matches nothing exits 2 and says so', async () => {
    const dir = monorepo();
    const r = await cli(['services/billing/db/migration/*.sql'], dir); // "migration" for "migrations"
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('No files matching the pattern "services/billing/db/migration/*.sql" were found.');
    expect(r.stderr).toContain('--allow-empty');
    const broken = await cli(['services/billing/db/migrations/[0-9*.sql'], dir);
    expect(broken).toMatchObject({
      code: 2,
      stderr:
        'migration-lint: invalid glob pattern services/billing/db/migrations/[0-9*.sql: unclosed "[" in "services/billing/db/migrations/[0-9*.sql"\n',
    });
    // without pattern characters a missing path is still "no such file"
    expect((await cli(['services/billing/db/migration'], dir)).stderr).toMatch(
      /no such file or directory: services\/billing\/db\/migration\n/,
    );
  });
});

describe('config include/exclude patterns', () => {
  it('select files with the same matcher: .gitignore-like names at any depth, directories covering their files', async () => {
    const dir = monorepo();
    writeFiles(dir, {
      'migration-lint.config.json': JSON.stringify({
        include: ['services/*/db/migrations'],
        exclude: ['archive', '*_due.sql'],
        rules: onlyRules(['ban-drop-table', 'require-concurrent-index-creation', 'adding-required-field']),
      }),
    });
    const r = await cli(['--format', 'json'], dir);
    expect(files(r.stdout)).toEqual([
      'services/accounts/db/migrations/001_users.sql',
      'services/web/db/migrations/20240102_add_sessions.ts',
    ]);
    expect(linted(r.stdout)).toBe(3); // invoices, users and the Knex migration; not archive/, *_due.sql, src/ or docs/
  });

  // Issue 16: the old hand-written glob→regex compiler backtracked: 16 stars before a "!" cost 2.25 s
  // per path and grew ~36× per 4 more stars; a 5,000-star include never finished. These patterns are
  // far past that (hours per path with a backtracking matcher); minimatch walks them in linear time.
  const hostile = {
    stars: '*'.repeat(40) + '!',
    longStars: '*'.repeat(5000),
    starLetters: '*a'.repeat(30) + '!',
    braces: '{a,b}'.repeat(16) + '.sql', // 65,536 alternatives, expansion capped
    classes: '[a-z]'.repeat(1000) + '!',
  };
  const longName = 'a'.repeat(60) + '_add_a_very_long_column_name_to_the_accounts_table.sql';

  it('hostile patterns (fuzzer reproducers) match in linear time and still mean what they say', () => {
    const paths = [
      longName,
      `db/migrations/${longName}`,
      'db/' + 'a/'.repeat(200) + longName,
      'db/migrations/' + 'a'.repeat(2000) + '.sql',
    ];
    for (const path of paths) {
      expect(compileGlob(hostile.stars).test(path), path).toBe(false);
      expect(compileGlob(hostile.longStars).test(path), path).toBe(true); // 5,000 stars = one star: any name at any depth
      expect(compileGlob(hostile.starLetters).test(path), path).toBe(false);
      expect(compileGlob(hostile.braces).test(path), path).toBe(false);
      expect(compileGlob(hostile.classes).test(path), path).toBe(false);
    }
    expect(compileGlob('*'.repeat(40) + '.sql').test(`db/migrations/${longName}`)).toBe(true);
    expect(compileGlob('*a'.repeat(30) + '.sql').test('a'.repeat(40) + '.sql')).toBe(true);
    expect(fileFilter([hostile.longStars], [hostile.stars, hostile.starLetters])(`db/migrations/${longName}`)).toBe(
      true,
    );
  });

  it('a config carrying them (from a pull request) lints normally', async () => {
    const dir = tempDir('ml-redos-');
    const migrations: Record<string, string> = {};
    for (let i = 1; i <= 40; i++)
      migrations[`db/migrations/${String(i).padStart(4, '0')}_${'a'.repeat(40)}_step.sql`] =
        `ALTER TABLE accounts ADD COLUMN c${i} text;\n`;
    migrations['db/migrations/0041_accounts_email.sql'] = 'CREATE INDEX accounts_email_idx ON accounts (email);\n';
    writeFiles(dir, {
      ...migrations,
      'migration-lint.config.json': JSON.stringify({
        include: [hostile.longStars],
        exclude: Object.values(hostile).filter((p) => p !== hostile.longStars),
        rules: onlyRules(['require-concurrent-index-creation']),
      }),
    });
    const r = await cli(['--format', 'json', 'db'], dir);
    expect(r.code).toBe(1);
    expect(linted(r.stdout)).toBe(41);
    expect(files(r.stdout)).toEqual(['db/migrations/0041_accounts_email.sql']);
  });

  it('patterns too big to be globs are config errors naming the key, not slow runs or internal errors', async () => {
    const dir = monorepo();
    const cases: [string, string][] = [
      ['*'.repeat(70_000), 'longer than 10,000 characters'], // minimatch itself throws past 64 KiB
      ['{a,b}'.repeat(2000), 'more than 16 {…} groups in one pattern'], // seconds of brace expansion otherwise
      ['{'.repeat(200) + 'a' + '}'.repeat(200), 'more than 16 {…} groups in one pattern'],
    ];
    for (const [pattern, message] of cases) {
      writeFiles(dir, { 'migration-lint.config.json': JSON.stringify({ exclude: ['docs/**', pattern] }) });
      const r = await cli(['services'], dir);
      expect(r.code, message).toBe(2);
      expect(r.stderr, message).toContain(`"exclude[1]": invalid glob pattern: ${message}`);
      expect(r.stderr).not.toContain('internal error');
    }
  });

  it('unclosed brackets are config errors, not silent literals', async () => {
    const dir = monorepo();
    writeFiles(dir, { 'migration-lint.config.json': '{ "include": ["services/{billing,accounts/db/**"] }' });
    const r = await cli([], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      '"include[0]": invalid glob pattern: unclosed "{" in "services/{billing,accounts/db/**"',
    );
  });
});

describe('no silent green runs', () => {
  it('an empty directory, or one with no migration in it, exits 2; --allow-empty and "allowEmpty" accept it', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'db/migrations/.gitkeep': '',
      'src/app.ts': 'export const port = 8080;\n',
      'src/routes.ts': "export const routes = ['/'];\n",
    });
    const empty = await cli(['db/migrations'], dir);
    expect(empty).toMatchObject({ code: 2, stdout: '' });
    expect(empty.stderr).toContain('No migration files were found in db/migrations (no .sql, .ts, .js or .py files).');
    // a path that exists but holds no migration (the "src" typo for "db"): every file is skipped, nothing linted
    const typo = await cli(['src'], dir);
    expect(typo).toMatchObject({ code: 2, stdout: '' });
    expect(typo.stderr).toMatch(
      /^migration-lint: No migration files were linted:\n {2}src\/app\.ts: .+\n {2}src\/routes\.ts: /,
    );

    const allowed = await cli(['--allow-empty', 'db/migrations'], dir);
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toBe('✔ no problems in 0 files\n');
    writeFiles(dir, { 'migration-lint.config.json': '{ "allowEmpty": true }' });
    expect((await cli(['src'], dir)).code).toBe(0);
    expect((await cli(['--no-allow-empty', 'src'], dir)).code).toBe(2);
  });

  it('a config whose include matches nothing exits 2 (a typo in CI would otherwise pass forever)', async () => {
    const dir = tempDir();
    writeFiles(dir, { ...SAMPLE_MIGRATIONS, 'migration-lint.config.json': '{ "include": ["db/migration/**"] }' });
    const r = await cli([], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('No files matching the include patterns of migration-lint.config.json were found.');
    // a directory whose every file the config leaves out
    writeFiles(dir, { 'migration-lint.config.json': '{ "exclude": ["db/migrations/*.sql"] }' });
    const excluded = await cli(['db/migrations'], dir);
    expect(excluded.code).toBe(2);
    expect(excluded.stderr).toContain(
      'No migration files were found in db/migrations (all 4 files found are excluded by the include/exclude globs of migration-lint.config.json).',
    );
  });

  it('a named file the config excludes is reported as ignored on stderr; alone it leaves nothing to lint (exit 2)', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      ...SAMPLE_MIGRATIONS,
      'db/seeds/001_demo.sql': 'CREATE INDEX demo_idx ON users (email);\n',
      'migration-lint.config.json': '{ "exclude": ["db/seeds"] }',
    });
    const both = await cli(['db/seeds/001_demo.sql', 'db/migrations/002_index_emails.sql'], dir);
    expect(both.code).toBe(1);
    expect(both.stderr).toBe(
      'migration-lint: warning: db/seeds/001_demo.sql is ignored: not selected by the include/exclude globs of migration-lint.config.json\n',
    );
    expect(both.stdout).not.toContain('001_demo.sql');
    const alone = await cli(['db/seeds/001_demo.sql'], dir);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('warning: db/seeds/001_demo.sql is ignored');
    expect(alone.stderr).toContain(
      'No migration files were linted:\n  db/seeds/001_demo.sql: not selected by the include/exclude globs of migration-lint.config.json',
    );
    expect((await cli(['--allow-empty', 'db/seeds/001_demo.sql'], dir)).code).toBe(0);
  });

  it('the pre-commit hook accepts a commit that stages no migration (its entry passes --allow-empty)', async () => {
    const hooks = readFileSync(join(REPO_ROOT, '.pre-commit-hooks.yaml'), 'utf8');
    const entry = /^\s*entry:\s*(.+)$/m.exec(hooks)![1]!.trim().split(/\s+/);
    expect(entry.slice(0, 1)).toEqual(['migration-lint']);
    const dir = tempDir();
    writeFiles(dir, { 'src/app.ts': 'export const port = 8080;\n', 'tools/report.py': 'print("monthly revenue")\n' });
    // what pre-commit runs for a commit touching only these: the hook's arguments, then the staged files
    const staged = ['src/app.ts', 'tools/report.py'];
    expect(await cli([...entry.slice(1), ...staged], dir)).toMatchObject({
      code: 0,
      stdout: '✔ no problems in 0 files — 2 files skipped\n',
    });
    expect((await cli([...entry.slice(1).filter((a) => a !== '--allow-empty'), ...staged], dir)).code).toBe(2);
  });

  it('--since with no changed migration is a legitimate empty run: exit 0 and a line saying so; a bad path still fails', async () => {
    const repo = gitRepo();
    writeFiles(repo, { ...SAMPLE_MIGRATIONS, 'migration-lint.config.json': JSON.stringify({ rules: onlyRules() }) });
    commitAll(repo, 'migrations');
    git(repo, 'checkout', '-q', '-b', 'docs-only');
    writeFiles(repo, { 'README.md': '# shop\n' });
    commitAll(repo, 'readme');
    const r = await cli(['--since', 'main', 'db/migrations'], repo);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      'migration-lint: no migration file changed since main (4 read for context): nothing to report\n',
    );
    expect(r.stdout).toBe('✔ no problems in 0 files\n');
    const typo = await cli(['--since', 'main', 'db/migration/*.sql'], repo);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('No files matching the pattern "db/migration/*.sql" were found.');
  });
});
