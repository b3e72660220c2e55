/**
 * The config file: discovery (walking up, package.json key, --config, --no-config), the JSONC
 * reader, validation errors that name the key and the expectation (exit 2), what each key does on a
 * real run, and command-line flags overriding it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileGlob, fileFilter } from '../../src/files/glob.js';
import { parseJsonc } from '../../src/config/jsonc.js';
import { walkRoots } from '../../src/cli/lint-command.js';
import { resolveSettings } from '../../src/config/settings.js';
import { cli, findingKeys, onlyRules, SAMPLE_MIGRATIONS, tempDir, writeFiles } from './helpers.js';

const ERRORS_ONLY_SAMPLE = {
  'db/migrations/002_index_emails.sql': SAMPLE_MIGRATIONS['db/migrations/002_index_emails.sql']!,
  'db/migrations/003_order_status.sql': SAMPLE_MIGRATIONS['db/migrations/003_order_status.sql']!,
};

function project(files: Record<string, string>): string {
  const dir = tempDir('ml-config-');
  writeFiles(dir, { ...ERRORS_ONLY_SAMPLE, ...files });
  return dir;
}

describe('config discovery', () => {
  it('walks up from the working directory and lints the include globs when no path is given', async () => {
    const dir = project({
      'migration-lint.config.json': '{ "include": ["db/migrations/**"] }',
      'scripts/report.sql': 'CREATE INDEX adhoc_idx ON users (email);\n',
    });
    const fromRoot = await cli(['--format', 'json'], dir);
    expect(fromRoot.code).toBe(1);
    expect(findingKeys(fromRoot.stdout)).toEqual([
      'db/migrations/002_index_emails.sql:2 require-concurrent-index-creation',
      'db/migrations/003_order_status.sql:1 adding-required-field',
    ]);
    // from a sub-directory: the same config is found, paths print relative to the working directory
    const fromSub = await cli(['--format', 'json'], join(dir, 'db', 'migrations'));
    expect(findingKeys(fromSub.stdout)).toEqual([
      '002_index_emails.sql:2 require-concurrent-index-creation',
      '003_order_status.sql:1 adding-required-field',
    ]);
  });

  it('reads the "migration-lint" key of package.json, skipping package.json files without it', async () => {
    const dir = project({
      'package.json': JSON.stringify(
        { name: 'shop', version: '1.0.0', 'migration-lint': { rules: { 'require-concurrent-index-creation': 'off' } } },
        null,
        2,
      ),
      'db/package.json': JSON.stringify({ name: 'db-tools', private: true }),
    });
    const r = await cli(['--format', 'json', 'migrations'], join(dir, 'db'));
    expect(findingKeys(r.stdout)).toEqual(['migrations/003_order_status.sql:1 adding-required-field']);
  });

  it('prefers migration-lint.config.json over package.json in the same directory', async () => {
    const dir = project({
      'package.json': JSON.stringify({ 'migration-lint': { rules: { 'adding-required-field': 'off' } } }),
      'migration-lint.config.json': '{ "rules": { "require-concurrent-index-creation": "off" } }',
    });
    expect(findingKeys((await cli(['--format', 'json', 'db'], dir)).stdout)).toEqual([
      'db/migrations/003_order_status.sql:1 adding-required-field',
    ]);
  });

  it('--config names the file; --no-config ignores configs', async () => {
    const dir = project({
      'migration-lint.config.json': '{ "rules": { "adding-required-field": "off" } }',
      'ci/strict.json': '{ "rules": { "require-concurrent-index-creation": "off" } }',
    });
    expect(findingKeys((await cli(['--format', 'json', 'db'], dir)).stdout)).toEqual([
      'db/migrations/002_index_emails.sql:2 require-concurrent-index-creation',
    ]);
    expect(findingKeys((await cli(['--format', 'json', '--config', 'ci/strict.json', 'db'], dir)).stdout)).toEqual([
      'db/migrations/003_order_status.sql:1 adding-required-field',
    ]);
    expect(findingKeys((await cli(['--format', 'json', '--no-config', 'db'], dir)).stdout)).toHaveLength(2);
    const missing = await cli(['--config', 'nope.json', 'db'], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.json: config file not found');
  });

  it('accepts comments and trailing commas (JSONC), as migration-lint init writes', async () => {
    const dir = project({
      'migration-lint.config.json': `{
  // Postgres in production
  "pgVersion": 15,
  /* noisy on our tiny lookup tables */
  "rules": {
    "require-concurrent-index-creation": "warning", // reviewed case by case
  },
}
`,
    });
    const r = await cli(['--format', 'json', 'db'], dir);
    const doc = JSON.parse(r.stdout) as { findings: { rule: string; severity: string }[] };
    expect(doc.findings.find((f) => f.rule === 'require-concurrent-index-creation')!.severity).toBe('warning');
  });
});

describe('config validation (exit 2, naming the key and what was expected)', () => {
  const cases: { name: string; config: string; message: string | RegExp }[] = [
    {
      name: 'unknown key, with a suggestion',
      config: '{\n  "pgversion": 15\n}',
      message: 'migration-lint.config.json:2:3: "pgversion": unknown key "pgversion" (did you mean "pgVersion"?)',
    },
    {
      name: 'pgVersion as a string',
      config: '{ "pgVersion": "15" }',
      message: '"pgVersion": expected a Postgres major version as a number between 9 and 30 (e.g. 16), got "15"',
    },
    { name: 'pgVersion out of range', config: '{ "pgVersion": 8 }', message: /"pgVersion": expected .* got 8$/m },
    {
      name: 'unknown rule id',
      config: '{ "rules": {\n  "require-concurent-index-creation": "off" } }',
      message:
        'migration-lint.config.json:2:3: "rules.require-concurent-index-creation": unknown rule "require-concurent-index-creation" (did you mean "require-concurrent-index-creation"?)',
    },
    {
      name: 'bad rule setting',
      config: '{ "rules": { "adding-required-field": "fatal" } }',
      message: '"rules.adding-required-field": expected "error", "warning", "info" or "off", got "fatal"',
    },
    {
      name: 'rules not an object',
      config: '{ "rules": ["adding-required-field"] }',
      message: '"rules": expected an object mapping rule ids to "error", "warning", "info" or "off", got an array',
    },
    {
      name: 'boolean option as a string',
      config: '{ "assumeInTransaction": "yes" }',
      message: '"assumeInTransaction": expected true or false, got "yes"',
    },
    {
      name: 'unknown framework',
      config: '{ "framework": "knexjs" }',
      message: /"framework": expected one of "sql", .*"alembic", got "knexjs" \(did you mean "knex"\?\)/,
    },
    {
      name: 'unknown dialect',
      config: '{ "dialect": "mysql" }',
      message: '"dialect": expected "postgresql" or "sqlite", got "mysql"',
    },
    {
      name: 'include not an array',
      config: '{ "include": "db/**" }',
      message: '"include": expected an array of glob patterns such as ["db/migrations/**"], got "db/**"',
    },
    {
      name: 'empty glob',
      config: '{ "exclude": ["db/seed/**", ""] }',
      message: '"exclude[1]": expected a non-empty glob pattern string, got ""',
    },
    {
      name: 'broken glob',
      config: '{ "include": ["db/[abc"] }',
      message: '"include[0]": invalid glob pattern: unclosed "[" in "db/[abc"',
    },
    {
      name: 'failOn',
      config: '{ "failOn": "always" }',
      message: '"failOn": expected "error", "warning" or "never", got "always"',
    },
    {
      name: 'duplicate key',
      config: '{ "pgVersion": 14,\n  "pgVersion": 15 }',
      message: 'migration-lint.config.json:2:3: "pgVersion": appears more than once; keep one',
    },
    {
      name: 'syntax error with its position',
      config: '{\n  "pgVersion": 15\n  "dialect": "sqlite"\n}',
      message:
        'migration-lint.config.json:3:3: not valid JSON: expected "," or "}" after the value of "pgVersion", found """',
    },
    {
      name: 'not an object',
      config: '[]',
      message: 'migration-lint.config.json:1:1: expected an object of settings, got an array',
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const dir = project({ 'migration-lint.config.json': c.config });
      const r = await cli(['db'], dir);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^migration-lint: invalid configuration:\n/);
      if (typeof c.message === 'string') expect(r.stderr).toContain(c.message);
      else expect(r.stderr).toMatch(c.message);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    });
  }

  it('reports every problem at once, and package.json problems under their real key', async () => {
    const dir = project({
      'package.json': '{\n  "name": "shop",\n  "migration-lint": {\n    "pgVersion": 99,\n    "colour": true\n  }\n}\n',
    });
    const r = await cli(['db'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('package.json:4:5: "migration-lint.pgVersion": expected a Postgres major version');
    expect(r.stderr).toContain('package.json:5:5: "migration-lint.colour": unknown key "colour"');
  });
});

describe('config settings on a real run', () => {
  it('rule severities and --fail-on decide the exit code; the command line wins', async () => {
    // only the two studied rules are on, so the exit codes below are theirs
    const rules = (extra: Record<string, string>) => JSON.stringify({ ...onlyRules(), ...extra });
    const dir = project({
      'migration-lint.config.json': `{ "rules": ${rules({ 'require-concurrent-index-creation': 'warning', 'adding-required-field': 'info' })} }`,
    });
    const r = await cli(['--format', 'json', 'db'], dir);
    expect(r.code).toBe(0); // no errors left
    const severities = (JSON.parse(r.stdout) as { findings: { rule: string; severity: string }[] }).findings.map(
      (f) => `${f.rule}=${f.severity}`,
    );
    expect(severities).toEqual(['require-concurrent-index-creation=warning', 'adding-required-field=info']);
    expect((await cli(['--fail-on', 'warning', 'db'], dir)).code).toBe(1);
    writeFileSync(
      join(dir, 'migration-lint.config.json'),
      `{ "failOn": "warning", "rules": ${rules({ 'require-concurrent-index-creation': 'warning', 'adding-required-field': 'info' })} }`,
    );
    expect((await cli(['db'], dir)).code).toBe(1);
    expect((await cli(['--fail-on', 'never', 'db'], dir)).code).toBe(0);
    expect((await cli(['--fail-on', 'sometimes', 'db'], dir)).code).toBe(2);
    // --exclude (rules) adds to the config's rule settings
    expect(
      findingKeys(
        (await cli(['--format', 'json', '--exclude', 'require-concurrent-index-creation', 'db'], dir)).stdout,
      ),
    ).toEqual(['db/migrations/003_order_status.sql:1 adding-required-field']);
  });

  it('include/exclude select files; named files outside them are skipped and listed with --verbose', async () => {
    const dir = project({
      'migration-lint.config.json': '{ "include": ["db/migrations"], "exclude": ["*_order_status.sql"] }',
      'db/seeds/001_demo.sql': 'CREATE INDEX demo_idx ON users (email);\n',
    });
    expect(findingKeys((await cli(['--format', 'json', '.'], dir)).stdout)).toEqual([
      'db/migrations/002_index_emails.sql:2 require-concurrent-index-creation',
    ]);
    const named = await cli(
      [
        '--format',
        'json',
        '--verbose',
        'db/seeds/001_demo.sql',
        'db/migrations/003_order_status.sql',
        'db/migrations/002_index_emails.sql',
      ],
      dir,
    );
    const doc = JSON.parse(named.stdout) as { skipped: { file: string; reason: string }[] };
    expect(findingKeys(named.stdout)).toEqual([
      'db/migrations/002_index_emails.sql:2 require-concurrent-index-creation',
    ]);
    expect(doc.skipped.map((s) => s.file).sort()).toEqual([
      'db/migrations/003_order_status.sql',
      'db/seeds/001_demo.sql',
    ]);
    expect(doc.skipped[0]!.reason).toContain('include/exclude globs of migration-lint.config.json');
  });

  it('--skip-non-migrations leaves out named files no migration format reads (what the pre-commit hook passes)', async () => {
    const dir = project({
      'src/app.ts': 'export const port = 8080;\n',
      'tools/report.py': 'print("monthly revenue")\n',
    });
    const args = [
      '--format',
      'json',
      '--verbose',
      '--skip-non-migrations',
      'src/app.ts',
      'tools/report.py',
      'db/migrations/002_index_emails.sql',
    ];
    const r = await cli(args, dir);
    const doc = JSON.parse(r.stdout) as { summary: { files: number }; skipped: { file: string; reason: string }[] };
    expect(doc.summary.files).toBe(1);
    expect(findingKeys(r.stdout)).toEqual(['db/migrations/002_index_emails.sql:2 require-concurrent-index-creation']);
    expect(doc.skipped).toEqual([
      { file: 'src/app.ts', reason: 'not a migration: no migration format reads it' },
      { file: 'tools/report.py', reason: 'not a migration: no migration format reads it' },
    ]);
  });

  it('framework forces the format (visible in the summary); --framework overrides it', async () => {
    const dir = project({ 'migration-lint.config.json': '{ "framework": "dbmate" }' });
    const formats = async (...args: string[]) =>
      (
        JSON.parse((await cli(['--format', 'json', ...args, 'db'], dir)).stdout) as {
          summary: { filesByFormat: Record<string, number> };
        }
      ).summary.filesByFormat;
    expect(await formats()).toEqual({ dbmate: 2 });
    expect(await formats('--framework', 'sql')).toEqual({ sql: 2 });
    expect(await formats('--no-config')).toEqual({ sql: 2 });
  });

  it('resolves every option with flags over config over defaults', () => {
    const config = {
      rules: { 'adding-required-field': 'warning' as const },
      include: [],
      exclude: [],
      pgVersion: 12,
      assumeInTransaction: true,
      checkDowngrade: true,
      dialect: 'sqlite' as const,
      framework: 'alembic' as const,
      failOn: 'warning' as const,
    };
    const fromConfig = resolveSettings({}, config);
    expect(fromConfig.options).toMatchObject({
      pgVersion: 12,
      assumeInTransaction: true,
      checkDowngrade: true,
      dialect: 'sqlite',
      framework: 'alembic',
      rules: { 'adding-required-field': 'warning' },
    });
    expect(fromConfig.failOn).toBe('warning');
    const fromFlags = resolveSettings(
      {
        pgVersion: '16',
        assumeInTransaction: false,
        checkDowngrade: false,
        dialect: 'postgresql',
        framework: 'sql',
        failOn: 'never',
        exclude: 'adding-required-field',
      },
      config,
    );
    expect(fromFlags.options).toMatchObject({
      pgVersion: 16,
      assumeInTransaction: false,
      checkDowngrade: false,
      dialect: 'postgresql',
      framework: 'sql',
      rules: { 'adding-required-field': 'off' },
    });
    expect(fromFlags.failOn).toBe('never');
    const defaults = resolveSettings({}, undefined);
    expect(defaults.options).toMatchObject({
      pgVersion: 14,
      assumeInTransaction: false,
      checkDowngrade: false,
      dialect: 'postgresql',
      rules: {},
    });
    expect(defaults.options.framework).toBeUndefined();
    expect(defaults.failOn).toBe('error');
  });
});

describe('walking only where the include globs point', () => {
  it('walks the fixed leading directories of anchored patterns, else the config directory', () => {
    const dir = project({ 'services/billing/migrations/001.sql': 'SELECT 1;\n' });
    const roots = (include: string[]) =>
      walkRoots({
        config: { rules: {}, include, exclude: [] },
        file: join(dir, 'migration-lint.config.json'),
        dir,
        source: 'config-file',
      }).map((r) => r.slice(dir.length) || '/');
    expect(roots(['db/migrations/**'])).toEqual(['/db/migrations']);
    expect(roots(['db/migrations/**', 'services/*/migrations/**'])).toEqual(['/db/migrations', '/services']);
    expect(roots(['./db/migrations', 'db/migrations/*.sql'])).toEqual(['/db/migrations']);
    expect(roots(['*.sql'])).toEqual(['/']); // matches at any depth
    expect(roots(['**/migrations/**'])).toEqual(['/']);
    expect(roots(['missing/dir/**'])).toEqual(['/']);
    expect(roots([])).toEqual(['/']);
  });
});

describe('glob patterns', () => {
  it('match like .gitignore: anchored with a slash, any depth without, directories cover their files', () => {
    const cases: [string, string, boolean][] = [
      ['db/migrations/**', 'db/migrations/001_init.sql', true],
      ['db/migrations/**', 'db/migrations/2024/001_init.sql', true],
      ['db/migrations/**', 'other/db/migrations/001_init.sql', false],
      ['db/migrations', 'db/migrations/001_init.sql', true],
      ['db/migrations/*.sql', 'db/migrations/sub/001.sql', false],
      ['*.down.sql', 'db/migrations/001_init.down.sql', true],
      ['*.down.sql', 'db/migrations/001_init.up.sql', false],
      ['**/versions/*.py', 'alembic/versions/abc_init.py', true],
      ['prisma/migrations/*/migration.sql', 'prisma/migrations/20240101_init/migration.sql', true],
      ['db/{migrate,migrations}/**', 'db/migrate/001.rb', true],
      ['db/V[0-9]*__*.sql', 'db/V12__add.sql', true],
      ['db/V[!0-9]*.sql', 'db/V12__add.sql', false],
      ['./src/migrations/**', 'src/migrations/1700000000000-Init.ts', true],
      ['migration?.sql', 'x/migration1.sql', true],
    ];
    for (const [pattern, path, expected] of cases)
      expect([pattern, path, compileGlob(pattern).test(path)]).toEqual([pattern, path, expected]);
  });

  it('include then exclude', () => {
    const pass = fileFilter(['db/**'], ['db/seeds/**']);
    expect(pass('db/migrations/001.sql')).toBe(true);
    expect(pass('db/seeds/001.sql')).toBe(false);
    expect(pass('src/index.ts')).toBe(false);
    expect(fileFilter([], ['*.test.ts'])('src/a.ts')).toBe(true);
  });
});

describe('JSONC reader', () => {
  it('records positions of keys and array items, and keeps comment-like text inside strings', () => {
    const doc = parseJsonc('{\n  "a": { "b": [1, "// not a comment", /* c */ true] }, // tail\n}');
    expect(doc.value).toEqual({ a: { b: [1, '// not a comment', true] } });
    expect(doc.positions.get('a')).toEqual({ line: 2, column: 3 });
    expect(doc.positions.get('a.b[1]')).toEqual({ line: 2, column: 19 });
  });
  it('does not let "__proto__" keys reach the prototype', () => {
    const doc = parseJsonc('{ "__proto__": { "polluted": true } }');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(doc.value as object)).toEqual(['__proto__']);
  });
});
