/**
 * The pre-commit hook, installed and run by the real pre-commit (`pre-commit run`) in a
 * throwaway repository: pre-commit builds a node environment from this repository (npm install,
 * npm pack — which builds dist/ —, npm install -g of the tarball; node is on PATH, so no Node
 * download) and runs the hook on the staged files only.
 *
 * Offline: npm talks to a local registry serving the packages package-lock.json names, from npm's
 * cache (test/helpers/local-registry.ts), with an empty npm cache of its own.
 *
 * One install, the slow part: the documented `.pre-commit-config.yaml` with `pre-commit run`, whose
 * environment is built once and reused by the next commit, as on a developer's machine. It points at
 * a clone of this repository's HEAD: that is what users install, and it keeps work in progress in the
 * checkout out of the build. (`pre-commit try-repo` builds the same environment from the same
 * .pre-commit-hooks.yaml in a temporary store; a second install only to test that cost ~25 s.)
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type LocalRegistry, npmEnvFor, startLocalRegistry } from '../helpers/local-registry.js';
import { commitAll, git, gitRepo, REPO_ROOT, tempDir, writeFiles } from './helpers.js';

function preCommitAvailable(): string | undefined {
  const r = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

const version = preCommitAvailable();

describe('pre-commit hook (pre-commit try-repo)', () => {
  let hooksRepo: string;
  let work: string;
  let registry: LocalRegistry;
  let env: Record<string, string>;

  /** Runs pre-commit in `work` (asynchronously: the registry answers from this process). */
  const preCommit = (args: string[]) =>
    new Promise<{ status: number; output: string }>((resolve, reject) => {
      const child = spawn('pre-commit', [...args, '--verbose', '--color', 'never'], { cwd: work, env });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ status: code ?? -1, output }));
    });

  beforeAll(async () => {
    if (!version) throw new Error('pre-commit is not installed (Debian package pre-commit; .ci/run installs it)');
    hooksRepo = join(tempDir('ml-pc-src-'), 'migration-lint');
    execFileSync('git', ['clone', '-q', REPO_ROOT, hooksRepo]);
    registry = await startLocalRegistry(inject('packedTarball'), { lockfile: join(hooksRepo, 'package-lock.json') });
    env = {
      ...(process.env as Record<string, string>),
      ...npmEnvFor(registry, tempDir('ml-pc-npm-cache-')),
      PRE_COMMIT_HOME: tempDir('ml-pc-home-'),
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.com',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.com',
    };

    work = gitRepo();
    writeFiles(work, {
      'migration-lint.config.json': '{ "include": ["db/migrations/**"] }\n',
      'db/migrations/001_users.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\n',
      // an old hazard, committed long ago: not staged, so not linted
      'db/migrations/002_email_index.sql': 'CREATE INDEX users_email_idx ON users (email);\n',
    });
    commitAll(work, 'existing migrations');
    writeFiles(work, {
      'db/migrations/003_users_status.sql': 'ALTER TABLE users\n  ADD COLUMN status text NOT NULL;\n',
      'db/migrations/004_users_created.sql':
        'ALTER TABLE users ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();\n',
      'reports/active_users.sql': 'CREATE INDEX reports_tmp_idx ON users (email);\n', // outside include
      'src/app.ts': 'export const port = 8080;\n', // not a migration
      // written but not staged: pre-commit stashes it away
      'db/migrations/005_unstaged.sql': 'CREATE INDEX users_status_idx ON users (status);\n',
    });
    git(
      work,
      'add',
      'db/migrations/003_users_status.sql',
      'db/migrations/004_users_created.sql',
      'reports/active_users.sql',
      'src/app.ts',
    );
  });
  afterAll(async () => {
    await registry.close();
  });

  it('.pre-commit-config.yaml: a staged hazard fails the commit; fixed, it passes and staged files that are not migrations are skipped', async () => {
    const rev = git(hooksRepo, 'rev-parse', 'HEAD').trim();
    writeFiles(work, {
      '.pre-commit-config.yaml': `repos:\n  - repo: ${hooksRepo}\n    rev: ${rev}\n    hooks:\n      - id: migration-lint\n`,
    });
    git(work, 'add', '.pre-commit-config.yaml');
    const failing = await preCommit(['run']);
    expect(failing.output).toMatch(/migration-lint\.*Failed/);
    expect(failing.status).toBe(1);
    expect(failing.output).toContain('db/migrations/003_users_status.sql:1:1  error  adding-required-field');
    // only staged migrations reach the hook: not the committed one, not the unstaged one, not excluded files
    expect(failing.output).not.toContain('002_email_index.sql');
    expect(failing.output).not.toContain('005_unstaged.sql');
    expect(failing.output).not.toContain('reports/active_users.sql:');
    expect(failing.output).toMatch(/✖ \d+ problems? \(\d+ errors?, \d+ warnings?.*\) in 2 files/);

    writeFiles(work, {
      'db/migrations/003_users_status.sql': "ALTER TABLE users\n  ADD COLUMN status text NOT NULL DEFAULT 'active';\n",
      // no include globs now: src/app.ts and tools/report.py reach migration-lint, which skips them
      'migration-lint.config.json': '{ "exclude": ["reports/**"] }\n',
      'tools/report.py': 'print("monthly revenue")\n',
    });
    git(work, 'add', 'db/migrations/003_users_status.sql', 'migration-lint.config.json', 'tools/report.py');
    const passing = await preCommit(['run']);
    expect(passing.output).not.toContain('Installing environment'); // built once, reused
    expect(passing.output).toMatch(/migration-lint\.*Passed/);
    expect(passing.status).toBe(0);
  });
});
