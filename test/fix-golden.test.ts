/**
 * `--fix` golden files: per fixable rule and per framework, `test/fixtures/fix/<case>/input` is a
 * migration set as its tool lays it out and `expected/` holds every file `--fix` must rewrite, byte
 * for byte (a file not there must stay as it is). The rewritten set must then parse — Python by
 * CPython's own parser too — and lint without the findings of the case's rules, and the run must say
 * which files it changed.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, REPO_ROOT, tempDir } from './integrations/helpers.js';
import { ALEMBIC_AVAILABLE, FIXTURES as ALEMBIC_FIXTURES, runAlembic } from './alembic/helpers.js';

const CASES = join(REPO_ROOT, 'test', 'fixtures', 'fix');

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

interface Report {
  findings: { rule: string; file: string; line: number }[];
}

const python3 = (() => {
  try {
    execFileSync('python3', ['--version']);
    return true;
  } catch {
    return false;
  }
})();

describe.each(readdirSync(CASES).sort())('--fix golden: %s', (name) => {
  const root = join(CASES, name);
  const { rules } = JSON.parse(readFileSync(join(root, 'case.json'), 'utf8')) as { rules: string[] };
  const inputs = filesUnder(join(root, 'input'));
  const expected = filesUnder(join(root, 'expected'));
  const configArgs = inputs.includes('migration-lint.config.json') ? [] : ['--no-config'];

  it('rewrites exactly the expected files, which then parse and lint without the finding', async () => {
    expect(expected.length).toBeGreaterThan(0);
    const dir = tempDir('ml-fix-golden-');
    cpSync(join(root, 'input'), dir, { recursive: true });
    const before = await cli([...configArgs, '--format', 'json', '.'], dir);
    const flagged = (JSON.parse(before.stdout) as Report).findings.filter((f) => rules.includes(f.rule));
    // the case is about findings the input really has, in the files the fix rewrites
    expect(new Set(flagged.map((f) => f.file))).toEqual(new Set(expected));

    const run = await cli([...configArgs, '--fix', '--format', 'json', '.'], dir);
    for (const file of inputs) {
      const want = expected.includes(file) ? join(root, 'expected', file) : join(root, 'input', file);
      expect(readFileSync(join(dir, file), 'utf8'), file).toBe(readFileSync(want, 'utf8'));
    }
    // what it changed, file by file
    for (const file of expected) {
      const n = flagged.filter((f) => f.file === file).length;
      expect(run.stderr).toContain(`migration-lint: fixed ${String(n)} finding${n === 1 ? '' : 's'} in ${file}\n`);
    }
    expect(run.stderr).not.toContain('not fixed');
    // no temporary file is left beside the rewritten ones (written by rename)
    expect(filesUnder(dir)).toEqual(inputs);

    const after = JSON.parse((await cli([...configArgs, '--format', 'json', '.'], dir)).stdout) as Report;
    expect(after.findings.filter((f) => f.rule === 'parse-error')).toEqual([]);
    expect(after.findings.filter((f) => rules.includes(f.rule))).toEqual([]);
    // the JSON report of the --fix run is the re-lint's
    expect((JSON.parse(run.stdout) as Report).findings).toEqual(after.findings);

    for (const file of expected.filter((f) => f.endsWith('.py') && python3))
      execFileSync('python3', ['-c', 'import ast, sys; ast.parse(open(sys.argv[1]).read())', join(dir, file)]);
  });

  // Differential: real Alembic (offline mode) writes the rewritten revisions' SQL, which must run the
  // index build outside its transaction and lint clean of the case's rules
  // only the Alembic cases have revisions for Alembic to run
  if (name.startsWith('alembic-'))
    it.runIf(ALEMBIC_AVAILABLE)('real Alembic writes SQL that lints clean', async () => {
      const project = tempDir('ml-fix-alembic-');
      cpSync(join(ALEMBIC_FIXTURES, 'project', 'alembic.ini'), join(project, 'alembic.ini'));
      for (const f of ['env.py', 'script.py.mako'])
        cpSync(join(ALEMBIC_FIXTURES, 'project', 'migrations', f), join(project, 'migrations', f));
      cpSync(join(root, 'input'), project, { recursive: true });
      cpSync(join(root, 'expected'), project, { recursive: true });
      const r = runAlembic(project, ['upgrade', 'head', '--sql']);
      expect(r.status, r.stderr).toBe(0);
      if (rules.includes('require-concurrent-index-creation'))
        expect(r.stdout).toMatch(/COMMIT;\n\nCREATE INDEX CONCURRENTLY \w+ ON orders \(customer_id\);\n\nBEGIN;/);
      const sqlDir = tempDir('ml-fix-alembic-sql-');
      writeFileSync(join(sqlDir, 'upgrade_head.sql'), r.stdout);
      const report = JSON.parse((await cli(['--no-config', '--format', 'json', '.'], sqlDir)).stdout) as Report;
      expect(report.findings.filter((f) => f.rule === 'parse-error' || rules.includes(f.rule))).toEqual([]);
    });
});
