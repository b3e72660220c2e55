/**
 * .ci/run's housekeeping: system packages are installed only when the script may (root, or sudo
 * without a password), and it says what it skipped; the last line is exactly "N passed, N failed".
 * apt-get, sudo, id and dpkg-query are stand-ins on PATH that record how they were called.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir, writeFiles } from './integrations/helpers.js';

interface Machine {
  uid: number;
  /** Whether `sudo -n true` succeeds. */
  passwordlessSudo: boolean;
  installed: string[];
}

function runSystemPackages(machine: Machine) {
  const bin = tempDir('ml-fake-bin-');
  const log = join(bin, 'calls.log');
  const tool = (name: string, body: string) => {
    writeFiles(bin, { [name]: `#!/usr/bin/env bash\necho "${name} $*" >> ${log}\n${body}\n` });
    chmodSync(join(bin, name), 0o755);
  };
  tool('id', `echo ${machine.uid}`);
  tool('sudo', machine.passwordlessSudo ? 'if [ "$1" = -n ]; then shift; fi; "$@"' : 'exit 1');
  tool('apt-get', 'exit 0');
  tool(
    'dpkg-query',
    `case " ${machine.installed.join(' ')} " in *" \${@: -1} "*) echo -n "install ok installed";; *) exit 1;; esac`,
  );
  const r = spawnSync('bash', [join(REPO_ROOT, 'scripts/ci-system-packages.sh')], {
    encoding: 'utf8',
    env: { ...process.env, PATH: `${bin}:/usr/bin:/bin` },
  });
  const calls = existsSync(log)
    ? readFileSync(log, 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('apt-get') || l.startsWith('sudo'))
    : [];
  return { status: r.status, output: r.stdout + r.stderr, calls };
}

describe('.ci/run', () => {
  it('runs the system package step and the counts line', () => {
    const script = readFileSync(join(REPO_ROOT, '.ci/run'), 'utf8');
    expect(script).toContain('bash scripts/ci-system-packages.sh');
    expect(script).toContain('node scripts/test-counts.mjs .vitest-results.json');
  });

  it('not root and no passwordless sudo: installs nothing and says what it skipped', () => {
    const r = runSystemPackages({ uid: 1000, passwordlessSudo: false, installed: ['git'] });
    expect(r.calls.filter((c) => c.startsWith('apt-get'))).toEqual([]);
    expect(r.output).toContain(
      'system packages: skipped (not root, no passwordless sudo): python3-alembic python3-sqlalchemy python3-pyflakes postgresql pre-commit chromium not installed',
    );
  });

  it('passwordless sudo: installs only the missing packages through sudo', () => {
    const r = runSystemPackages({ uid: 1000, passwordlessSudo: true, installed: ['git', 'postgresql'] });
    expect(r.calls).toContain(
      'apt-get install -y -qq --no-install-recommends python3-alembic python3-sqlalchemy python3-pyflakes pre-commit chromium',
    );
    expect(r.calls).toContain(
      'sudo -n apt-get install -y -qq --no-install-recommends python3-alembic python3-sqlalchemy python3-pyflakes pre-commit chromium',
    );
    expect(r.output).toContain(
      'system packages: installed python3-alembic python3-sqlalchemy python3-pyflakes pre-commit chromium',
    );
  });

  it('root: installs directly; everything present: nothing to do', () => {
    const root = runSystemPackages({ uid: 0, passwordlessSudo: false, installed: [] });
    expect(root.calls.filter((c) => c.startsWith('sudo'))).toEqual([]);
    expect(root.calls).toContain('apt-get update -qq');
    const done = runSystemPackages({
      uid: 1000,
      passwordlessSudo: false,
      installed: [
        'python3-alembic',
        'python3-sqlalchemy',
        'python3-pyflakes',
        'postgresql',
        'pre-commit',
        'git',
        'chromium',
      ],
    });
    expect(done.calls).toEqual([]);
    expect(done.output).toContain(
      'system packages: python3-alembic python3-sqlalchemy python3-pyflakes postgresql pre-commit git chromium already installed',
    );
  });

  it('the last line is exactly "N passed, N failed", skipped tests on the line before', () => {
    const report = join(tempDir('ml-counts-'), 'results.json');
    writeFileSync(
      report,
      JSON.stringify({
        numPassedTests: 40,
        numFailedTests: 1,
        numPendingTests: 3,
        testResults: [{ status: 'failed', assertionResults: [] }],
      }),
    );
    const r = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts/test-counts.mjs'), report], { encoding: 'utf8' });
    expect(r.stdout.trimEnd().split('\n')).toEqual(['3 skipped', '40 passed, 2 failed']);
  });
});
