/**
 * Shared helpers for the integration tests: throwaway directories and git repositories, and the CLI
 * run in-process with captured output.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { type CliIO, run } from '../../src/cli/main.js';
import { ALL_RULES } from '../../src/rules/index.js';

export const REPO_ROOT = realpathSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..'));

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** A fresh directory (real path, so it compares equal to what git and realpath report). */
export function tempDir(prefix = 'ml-int-'): string {
  const d = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  made.push(d);
  return d;
}

/** Writes files (path → content) under `root`, creating directories. */
export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process; `io` sets the terminal and environment it sees (none by default). */
export async function cli(
  argv: string[],
  cwd: string,
  stdin = '',
  io: Pick<Partial<CliIO>, 'isTTY' | 'env'> = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    readStdin: async () => Buffer.from(stdin),
    cwd,
    isTTY: false,
    ...io,
  });
  return { code, stdout, stderr };
}

/** A YAML file read with a real YAML parser (PyYAML, which pre-commit depends on). */
export function readYaml(path: string): unknown {
  const json = execFileSync(
    'python3',
    ['-c', 'import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))', path],
    { encoding: 'utf8' },
  );
  return JSON.parse(json);
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Test',
      GIT_AUTHOR_EMAIL: 'test@example.com',
      GIT_COMMITTER_NAME: 'Test',
      GIT_COMMITTER_EMAIL: 'test@example.com',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
    },
  });
}

/** A new git repository on branch `main`. */
export function gitRepo(): string {
  const d = tempDir('ml-git-');
  git(d, 'init', '-q', '-b', 'main');
  return d;
}

export function commitAll(repo: string, message: string): void {
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', message);
}

/**
 * The rules these tests are written around. Other rules may also flag the sample SQL (and more land
 * over time), so assertions on exact finding lists look at these only.
 */
export const STUDIED_RULES = [
  'require-concurrent-index-creation',
  'adding-required-field',
  'parse-error',
  'unused-suppression',
  'suppression-missing-reason',
];

/** Findings of a `--format json` run as `file:line rule` strings, sorted, for the studied rules. */
export function findingKeys(jsonOutput: string, rules: readonly string[] = STUDIED_RULES): string[] {
  const doc = JSON.parse(jsonOutput) as { findings: { file: string; line: number; rule: string }[] };
  return doc.findings
    .filter((f) => rules.includes(f.rule))
    .map((f) => `${f.file}:${f.line} ${f.rule}`)
    .sort();
}

/** A config `rules` object turning off every rule except `keep` (for tests that assert exit codes). */
export function onlyRules(keep: readonly string[] = STUDIED_RULES): Record<string, 'off'> {
  return Object.fromEntries(
    ALL_RULES.map((r) => r.meta.id)
      .filter((id) => !keep.includes(id))
      .map((id) => [id, 'off' as const]),
  );
}

/**
 * A small but realistic migration directory: a users/orders schema evolving over four plain-SQL
 * files, with hazards two rules flag, a safe concurrent index, and a file with a syntax error in the
 * middle (the statements around it are still linted).
 */
export const SAMPLE_MIGRATIONS: Record<string, string> = {
  'db/migrations/001_create_users.sql': `-- Users and their orders
CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users (id),
  total_cents bigint NOT NULL
);
CREATE INDEX orders_user_id_idx ON orders (user_id);
`,
  'db/migrations/002_index_emails.sql': `-- Look users up by e-mail
CREATE UNIQUE INDEX users_email_key
  ON users (lower(email));
`,
  'db/migrations/003_order_status.sql': `ALTER TABLE orders
  ADD COLUMN status text NOT NULL;

CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);
`,
  'db/migrations/004_broken.sql': `ALTER TABLE users ADD COLUMN nickname text;
ALTER TABLE users ADD COLUMN plan text NOT NULL,, ;
CREATE INDEX users_plan_idx ON users (plan);
`,
};
