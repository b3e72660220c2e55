/**
 * Files that are not what they claim (issue 16): a baseline, config or migration that is a device,
 * FIFO or huge file must not hang or exhaust the run; and `--since` must not report per-file
 * findings (here `empty-migration`, a run-level check) on files the branch did not change.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_BASELINE_BYTES } from '../src/baseline/baseline.js';
import { run } from '../src/cli/main.js';
import { cli, commitAll, git, gitRepo, tempDir, writeFiles } from './integrations/helpers.js';
import { stringMatching } from './helpers/matchers.js';

const HAZARD = 'CREATE INDEX orders_created_at_idx ON orders (created_at);\n';
const STACK_TRACE = /\n\s+at .+:\d+:\d+/;

describe('baseline and config files', () => {
  it('--baseline /dev/zero is a usage error (exit 2), not an endless read', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'm/001.sql': HAZARD });
    const r = await cli(['--baseline', '/dev/zero', 'm'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read the baseline .*dev\/zero: not a regular file/);
    expect(r.stderr).not.toMatch(STACK_TRACE);
  });

  it('a baseline named in the config that is a FIFO is refused without opening it for a writer', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'm/001.sql': HAZARD, 'migration-lint.config.json': '{ "baseline": "baseline.json" }' });
    execFileSync('mkfifo', [join(dir, 'baseline.json')]);
    const r = await cli(['m'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/baseline\.json: not a regular file/);
  });

  it('a baseline over the size limit is refused (sparse file: nothing is written to disk)', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'm/001.sql': HAZARD, 'baseline.json': '' });
    truncateSync(join(dir, 'baseline.json'), MAX_BASELINE_BYTES + 1);
    const r = await cli(['--baseline', 'baseline.json', 'm'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/baseline\.json: too large \(64 MB; the limit is 64 MB\)/);
  });

  it('--config /dev/zero is a configuration error (exit 2)', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'm/001.sql': HAZARD });
    const r = await cli(['--config', '/dev/zero', 'm'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\/dev\/zero: cannot read the config file: not a regular file/);
    expect(r.stderr).not.toMatch(STACK_TRACE);
  });

  it('a migration that is a symbolic link to /dev/zero gets an io-error; the other files are linted', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'm'));
    symlinkSync('/dev/zero', join(dir, 'm/001_zero.sql'));
    writeFileSync(join(dir, 'm/002_index.sql'), HAZARD);
    const r = await cli(['--format', 'json', 'm'], dir);
    expect(r.code).toBe(1);
    const findings = (JSON.parse(r.stdout) as { findings: { file: string; rule: string; message: string }[] }).findings;
    expect(findings.filter((f) => f.file === 'm/001_zero.sql')).toEqual([
      expect.objectContaining({ rule: 'io-error', message: stringMatching(/not a regular file/) }),
    ]);
    expect(findings.find((f) => f.file === 'm/002_index.sql')?.rule).toBe('require-concurrent-index-creation');
  });
});

describe('--since and run-level checks', () => {
  it('an unchanged empty migration gets no empty-migration finding; a changed one does', async () => {
    const repo = gitRepo();
    writeFiles(repo, {
      'db/001_placeholder.sql': '-- kept for numbering\n',
      'db/002_users.sql': 'CREATE TABLE users (id bigint PRIMARY KEY);\n',
    });
    commitAll(repo, 'base');
    git(repo, 'checkout', '-q', '-b', 'feature');
    writeFiles(repo, {
      'db/003_todo.sql': '-- TODO\n',
      'db/004_index.sql': 'CREATE INDEX users_id_idx ON users (id);\n',
    });
    commitAll(repo, 'feature');
    const rulesOf = async (args: string[]) => {
      const r = await cli(['--format', 'json', ...args, 'db'], repo);
      return (JSON.parse(r.stdout) as { findings: { file: string; rule: string }[] }).findings
        .filter((f) => f.rule === 'empty-migration')
        .map((f) => f.file);
    };
    expect(await rulesOf([])).toEqual(['db/001_placeholder.sql', 'db/003_todo.sql']);
    expect(await rulesOf(['--since', 'main'])).toEqual(['db/003_todo.sql']);
  });
});

describe('deep nesting in a TypeScript/JavaScript migration (found by the fuzz test)', () => {
  it('5,000 nested parentheses: a parse-error at the deepest one, no raw "Maximum call stack" message; the next file is linted', async () => {
    const dir = tempDir();
    const deep = `${'('.repeat(5000)}1${')'.repeat(5000)}`;
    writeFiles(dir, {
      'migrations/20230501000000-deep.js': `'use strict';\nmodule.exports = {\n  async up(queryInterface, Sequelize) {\n    await queryInterface.addColumn('posts', 'x', ${deep});\n  },\n  async down() {},\n};\n`,
      'migrations/20230502000000-index.js': `'use strict';\nmodule.exports = {\n  async up(queryInterface) {\n    await queryInterface.addIndex('posts', ['author_id']);\n  },\n  async down() {},\n};\n`,
    });
    const r = await cli(['--format', 'json', 'migrations'], dir);
    const findings = (
      JSON.parse(r.stdout) as {
        findings: { file: string; rule: string; line: number; column: number; message: string }[];
      }
    ).findings;
    const deepFindings = findings.filter((f) => f.file === 'migrations/20230501000000-deep.js');
    expect(deepFindings).toEqual([
      expect.objectContaining({
        rule: 'parse-error',
        line: 4,
        column: 5 + "await queryInterface.addColumn('posts', 'x', ".length + 4999,
      }),
    ]);
    expect(deepFindings[0]!.message).toMatch(/nested too deeply to read/);
    expect(deepFindings[0]!.message).not.toMatch(/Maximum call stack/);
    expect(findings.find((f) => f.file === 'migrations/20230502000000-index.js')?.rule).toBe(
      'require-concurrent-index-creation',
    );
  });
});

describe('memory: the JSON report of a huge run is written in pieces', () => {
  it('20,000 findings: several writes, together exactly JSON.stringify(report, null, 2)', async () => {
    const dir = tempDir();
    const statements = Array.from({ length: 20_000 }, (_, i) => `CREATE INDEX i${i} ON orders (c${i});`).join('\n');
    writeFiles(dir, { 'm/001_indexes.sql': statements + '\n', 'm/notes.txt': 'not a migration\n' });
    const writes: string[] = [];
    const code = await run(['--format', 'json', '--verbose', 'm'], {
      stdout: (s) => writes.push(s),
      stderr: () => {},
      readStdin: async () => Buffer.from(''),
      cwd: dir,
      isTTY: false,
    });
    expect(code).toBe(1);
    expect(writes.length).toBeGreaterThan(10);
    const text = writes.join('');
    const report = JSON.parse(text) as { findings: unknown[] };
    expect(report.findings.length).toBeGreaterThanOrEqual(20_000);
    expect(text).toBe(JSON.stringify(report, null, 2) + '\n');
  });
});
