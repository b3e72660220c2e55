/**
 * The Action's report step (src/action/main.ts): the Markdown job summary made from a real run's SARIF,
 * and the sticky pull request comment kept up to date through a local fake of GitHub's REST API
 * across the pushes of a pull request: created on the first findings, edited in place, marked clean.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMENT_MARKER } from '../../src/action/job-summary.js';
import { runActionReport } from '../../src/action/main.js';
import { type FakeGitHub, startFakeGitHub } from '../helpers/fake-github.js';
import { cli, onlyRules, tempDir, writeFiles } from './helpers.js';

const REPOSITORY = 'acme/shop';
const TOKEN = 'ghs_fake-installation-token';
const PULL = 42;
const CONFIG = JSON.stringify({
  rules: onlyRules(['require-concurrent-index-creation', 'adding-required-field', 'ban-drop-column']),
});

/** One push of the pull request: lints `files` in a fresh workspace, then runs the report step. */
async function push(
  github: FakeGitHub,
  files: Record<string, string>,
  options: { comment?: boolean; event?: object } = {},
) {
  const workspace = tempDir('ml-report-');
  writeFiles(workspace, { ...files, 'migration-lint.config.json': CONFIG });
  const lint = await cli(['--format', 'sarif', 'db/migrations'], workspace);
  const sarif = join(workspace, 'out.sarif');
  writeFileSync(sarif, lint.stdout);
  const eventPath = join(workspace, 'event.json');
  writeFileSync(
    eventPath,
    JSON.stringify(options.event ?? { pull_request: { number: PULL, head: { sha: 'c0ffee1234' } } }),
  );
  const summaryPath = join(workspace, 'summary.md');
  writeFileSync(summaryPath, '');
  const logged: string[] = [];
  await runActionReport(
    {
      GITHUB_WORKSPACE: workspace,
      GITHUB_STEP_SUMMARY: summaryPath,
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_REPOSITORY: REPOSITORY,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_API_URL: github.apiUrl,
      GITHUB_SHA: 'merge-commit-sha',
      MIGRATION_LINT_SARIF: sarif,
      MIGRATION_LINT_EXIT_CODE: String(lint.code),
      INPUT_COMMENT: options.comment === false ? 'false' : 'true',
      INPUT_GITHUB_TOKEN: TOKEN,
    },
    (line) => logged.push(line),
  );
  return { summary: readFileSync(summaryPath, 'utf8'), logged, code: lint.code };
}

const stickyComments = (github: FakeGitHub) =>
  (github.comments.get(PULL) ?? []).filter((c) => c.body.includes(COMMENT_MARKER));

describe('the Action report step', () => {
  let github: FakeGitHub;
  beforeAll(async () => {
    github = await startFakeGitHub(REPOSITORY, TOKEN);
  });
  afterAll(async () => {
    await github.close();
  });

  it('job summary: findings per file with rule, docs link, line link, lock and fix; what was linted', async () => {
    const r = await push(
      github,
      {
        'db/migrations/001_users.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\n',
        'db/migrations/002_users_email.sql': '-- look-ups by e-mail\nCREATE INDEX users_email_idx ON users (email);\n',
      },
      { comment: false },
    );
    expect(r.code).toBe(1);
    expect(r.summary).toContain('### ❌ migration-lint: 1 problem (1 error, 0 warnings) in 2 files');
    expect(r.summary).toContain('#### `db/migrations/002_users_email.sql`');
    expect(r.summary).toContain(
      '- **error** [`require-concurrent-index-creation`](https://github.com/migration-lint/migration-lint/blob/v0.1.0/docs/rules.md#require-concurrent-index-creation), [line 2](https://github.com/acme/shop/blob/c0ffee1234/db/migrations/002_users_email.sql#L2): CREATE INDEX users\\_email\\_idx on users without CONCURRENTLY',
    );
    expect(r.summary).toContain('  - Lock: SHARE on users (blocks writes)\n  - Fix: Use CREATE INDEX CONCURRENTLY');
    expect(r.summary).toContain(
      '<details><summary>What was linted: 2 files</summary>\n\n- `db/migrations/001_users.sql`\n- `db/migrations/002_users_email.sql`\n',
    );
    expect(github.requests).toEqual([]); // comment: false talks to no API
  });

  it('text quoted from a hostile migration cannot inject HTML, links or @mentions', async () => {
    const r = await push(
      github,
      { 'db/migrations/001_x.sql': 'CREATE INDEX "<img src=x onerror=alert(1)>[a](https://e.x)@bob" ON t (c);\n' },
      { comment: false },
    );
    expect(r.summary).toContain(
      'CREATE INDEX "&lt;img src=x onerror=alert(1)&gt;\\[a\\](https://e.x)@\u200bbob" on t without CONCURRENTLY',
    );
    expect(r.summary).not.toContain('<img');
    expect(r.summary).not.toMatch(/[^\\]\[a\]/);
    expect(r.summary).not.toContain('@bob');
  });

  it('sticky comment: created on the first findings, edited in place on each push, marked clean when they are gone', async () => {
    // a busy pull request: the comment is found past the first page of comments
    github.comments.set(
      PULL,
      Array.from({ length: 120 }, (_, i) => ({
        id: i + 1,
        body: `review comment ${i + 1}`,
        user: { login: 'dev', type: 'User' },
      })),
    );
    const base = { 'db/migrations/001_users.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\n' };

    const first = await push(github, {
      ...base,
      'db/migrations/002_idx.sql': 'CREATE INDEX users_email_idx ON users (email);\n',
    });
    expect(first.logged).toEqual(['migration-lint: pull request comment created']);
    expect(stickyComments(github)).toHaveLength(1);
    const id = stickyComments(github)[0]!.id;
    expect(stickyComments(github)[0]!.body).toContain('require-concurrent-index-creation');

    // next push: another hazard instead; the same comment is edited
    const second = await push(github, {
      ...base,
      'db/migrations/002_idx.sql': 'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n',
      'db/migrations/003_drop.sql': 'ALTER TABLE users DROP COLUMN email;\n',
    });
    expect(second.logged).toEqual(['migration-lint: pull request comment updated']);
    expect(stickyComments(github).map((c) => c.id)).toEqual([id]);
    expect(stickyComments(github)[0]!.body).toContain('ban-drop-column');
    expect(stickyComments(github)[0]!.body).not.toContain('require-concurrent-index-creation');

    // the same findings again: nothing to edit
    const same = await push(github, {
      ...base,
      'db/migrations/002_idx.sql': 'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n',
      'db/migrations/003_drop.sql': 'ALTER TABLE users DROP COLUMN email;\n',
    });
    expect(same.logged).toEqual(['migration-lint: pull request comment unchanged']);

    // fixed: the comment now says so
    const fixed = await push(github, {
      ...base,
      'db/migrations/002_idx.sql': 'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n',
    });
    expect(fixed.logged).toEqual(['migration-lint: pull request comment updated']);
    expect(stickyComments(github).map((c) => c.id)).toEqual([id]);
    expect(stickyComments(github)[0]!.body).toContain('✅ migration-lint: no problems in 2 files');
    expect(github.comments.get(PULL)).toHaveLength(121);
    expect(github.requests.filter((r) => r.startsWith('POST'))).toHaveLength(1);
  });

  it('a clean pull request gets no comment; outside a pull request nothing is posted', async () => {
    const clean = { 'db/migrations/001_users.sql': 'CREATE TABLE users (id bigint PRIMARY KEY);\n' };
    github.requests.length = 0;
    const other = 7;
    const r = await push(github, clean, { event: { pull_request: { number: other } } });
    expect(r.logged).toEqual(['migration-lint: pull request comment not-needed']);
    expect(github.comments.get(other)).toBeUndefined();
    expect(github.requests).toEqual([`GET /repos/${REPOSITORY}/issues/${other}/comments?per_page=100&page=1`]);

    const onPush = await push(github, clean, { event: { ref: 'refs/heads/main' } });
    expect(onPush.logged).toEqual(['migration-lint: comment: true has no effect outside a pull_request event']);
  });

  it("a read-only token (a fork's pull request) is a warning, not a failure", async () => {
    github.failWith = 403;
    try {
      const r = await push(github, { 'db/migrations/001_idx.sql': 'CREATE INDEX i ON t (c);\n' });
      expect(r.summary).toContain('require-concurrent-index-creation'); // the summary is still written
      expect(r.logged).toHaveLength(1);
      expect(r.logged[0]).toMatch(
        /^::warning title=migration-lint::could not update the pull request comment: GET .* HTTP 403 .*pull-requests: write/,
      );
    } finally {
      github.failWith = undefined;
    }
  });
});
