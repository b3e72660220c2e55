/**
 * Baselines on a real temporary git repository: record today's findings, commit, then shift lines,
 * re-indent, add hazards in old and new files, fix one — only the new findings are reported.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, commitAll, findingKeys, gitRepo, writeFiles } from './helpers.js';

const V1 = {
  'db/migrations/001_users.sql': `CREATE TABLE users (id bigint PRIMARY KEY, email text, plan text);
CREATE TABLE audit (id bigint PRIMARY KEY, at timestamptz);
`,
  'db/migrations/002_indexes.sql': `CREATE INDEX users_email_idx ON users (email);
-- the same index, created twice by a bad merge years ago
CREATE INDEX IF NOT EXISTS audit_at_idx ON audit (at);
CREATE INDEX IF NOT EXISTS audit_at_idx ON audit (at);
`,
  'db/migrations/003_plan.sql': `ALTER TABLE users
  ADD COLUMN tier text NOT NULL;
`,
};

const relevant = (keys: string[]) =>
  keys.filter((k) => /require-concurrent-index-creation|adding-required-field/.test(k));

describe('--write-baseline / --baseline', () => {
  it('reports only findings that are new since the baseline, across line shifts and re-indentation', async () => {
    const repo = gitRepo();
    writeFiles(repo, V1);
    const write = await cli(
      ['--format', 'json', '--write-baseline', 'migration-lint.baseline.json', 'db/migrations'],
      repo,
    );
    expect(write.code).toBe(0);
    const recorded = relevant(findingKeys(write.stdout));
    expect(recorded).toEqual([
      'db/migrations/002_indexes.sql:1 require-concurrent-index-creation',
      'db/migrations/002_indexes.sql:3 require-concurrent-index-creation',
      'db/migrations/002_indexes.sql:4 require-concurrent-index-creation',
      'db/migrations/003_plan.sql:1 adding-required-field',
    ]);
    expect(write.stderr).toMatch(/^migration-lint: wrote \d+ findings to the baseline migration-lint.baseline.json\n$/);
    const baseline = JSON.parse(readFileSync(join(repo, 'migration-lint.baseline.json'), 'utf8')) as {
      version: number;
      findings: { rule: string; file: string; fingerprint: string; line: number }[];
    };
    expect(baseline.version).toBe(1);
    expect(
      baseline.findings.filter((f) => f.rule === 'require-concurrent-index-creation').map((f) => `${f.file}:${f.line}`),
    ).toEqual([
      'db/migrations/002_indexes.sql:1',
      'db/migrations/002_indexes.sql:3',
      'db/migrations/002_indexes.sql:4',
    ]);
    commitAll(repo, 'migrations and their baseline');

    // Nothing new: exit 0 and no findings.
    const clean = await cli(['--format', 'json', '--baseline', 'migration-lint.baseline.json', 'db/migrations'], repo);
    expect([clean.code, findingKeys(clean.stdout), clean.stderr]).toEqual([0, [], '']);

    // A year later: a header shifts 002 down and 002 gets a third copy of the duplicated index; 003
    // is re-indented and gets a new hazard; a new migration 004 arrives.
    writeFileSync(
      join(repo, 'db/migrations/002_indexes.sql'),
      '-- Indexes (see ADR 12)\n\n' +
        V1['db/migrations/002_indexes.sql'] +
        'CREATE INDEX IF NOT EXISTS audit_at_idx ON audit (at);\n',
    );
    writeFileSync(
      join(repo, 'db/migrations/003_plan.sql'),
      'ALTER TABLE users ADD COLUMN tier text NOT NULL;\nCREATE INDEX users_tier_idx ON users (tier);\n',
    );
    writeFiles(repo, { 'db/migrations/004_orders.sql': 'ALTER TABLE users ADD COLUMN region text NOT NULL;\n' });
    commitAll(repo, 'more migrations');

    const after = await cli(['--format', 'json', '--baseline', 'migration-lint.baseline.json', 'db/migrations'], repo);
    expect(after.code).toBe(1);
    expect(relevant(findingKeys(after.stdout))).toEqual([
      'db/migrations/002_indexes.sql:7 require-concurrent-index-creation',
      'db/migrations/003_plan.sql:2 require-concurrent-index-creation',
      'db/migrations/004_orders.sql:1 adding-required-field',
    ]);

    // Fixing a baselined finding leaves a stale entry, which the run points out.
    writeFileSync(
      join(repo, 'db/migrations/003_plan.sql'),
      "ALTER TABLE users ADD COLUMN tier text NOT NULL DEFAULT 'free';\nCREATE INDEX users_tier_idx ON users (tier);\n",
    );
    const fixed = await cli(['--format', 'json', '--baseline', 'migration-lint.baseline.json', 'db/migrations'], repo);
    // every baselined finding on the edited statement (other rules may flag it too) is now stale
    const stale = baseline.findings.filter((f) => f.file === 'db/migrations/003_plan.sql').length;
    expect(stale).toBeGreaterThanOrEqual(1);
    expect(fixed.stderr).toContain(
      stale === 1
        ? 'migration-lint: 1 baselined finding is gone (fixed or edited); rerun with --write-baseline migration-lint.baseline.json to drop it'
        : `migration-lint: ${stale} baselined findings are gone (fixed or edited); rerun with --write-baseline migration-lint.baseline.json to drop them`,
    );

    // Editing a baselined statement makes it new again.
    writeFileSync(
      join(repo, 'db/migrations/002_indexes.sql'),
      readFileSync(join(repo, 'db/migrations/002_indexes.sql'), 'utf8').replace(
        'users (email)',
        'users (lower(email))',
      ),
    );
    const edited = await cli(['--format', 'json', '--baseline', 'migration-lint.baseline.json', 'db/migrations'], repo);
    expect(relevant(findingKeys(edited.stdout))).toContain(
      'db/migrations/002_indexes.sql:3 require-concurrent-index-creation',
    );
  });

  it('is found through the config, with paths relative to the baseline file, from any directory', async () => {
    const repo = gitRepo();
    writeFiles(repo, {
      ...V1,
      'migration-lint.config.json':
        '{ "include": ["db/migrations/**"], "baseline": "ci/migration-lint.baseline.json" }',
      'ci/.keep': '',
    });
    const write = await cli(['--write-baseline', 'ci/migration-lint.baseline.json'], repo);
    expect(write.code).toBe(0);
    const baseline = JSON.parse(readFileSync(join(repo, 'ci/migration-lint.baseline.json'), 'utf8')) as {
      findings: { file: string }[];
    };
    expect(baseline.findings[0]!.file).toBe('../db/migrations/002_indexes.sql');
    commitAll(repo, 'baseline');
    writeFiles(repo, { 'db/migrations/004_orders.sql': 'ALTER TABLE users ADD COLUMN region text NOT NULL;\n' });
    const fromSub = await cli(['--format', 'json'], join(repo, 'db'));
    expect(relevant(findingKeys(fromSub.stdout))).toEqual(['migrations/004_orders.sql:1 adding-required-field']);
    // --since and the baseline combine: unchanged files are not reported, and changed ones only for new findings
    const both = await cli(['--format', 'json', '--since', 'HEAD'], repo);
    expect(relevant(findingKeys(both.stdout))).toEqual(['db/migrations/004_orders.sql:1 adding-required-field']);
    expect(both.stderr).toBe('');
  });

  it('rejects a missing or malformed baseline, and a baseline written from a --since run, with exit 2', async () => {
    const repo = gitRepo();
    writeFiles(repo, { ...V1, 'bad.json': '{"findings": 3}', 'notjson.json': '{' });
    const missing = await cli(['--baseline', 'nope.json', 'db/migrations'], repo);
    expect([missing.code, missing.stderr]).toEqual([
      2,
      'migration-lint: baseline nope.json not found (create it with --write-baseline nope.json)\n',
    ]);
    const bad = await cli(['--baseline', 'bad.json', 'db/migrations'], repo);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('is not a migration-lint baseline');
    expect((await cli(['--baseline', 'notjson.json', 'db/migrations'], repo)).stderr).toContain('is not valid JSON');
    // a baseline written from a --since run would silently miss every unchanged file
    const partial = await cli(['--since', 'HEAD', '--write-baseline', 'b.json', 'db/migrations'], repo);
    expect([partial.code, partial.stderr]).toEqual([
      2,
      'migration-lint: --write-baseline records the findings of every file; run it without --since\n',
    ]);
  });
});
