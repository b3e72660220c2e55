/**
 * `--since <ref>` on real temporary git repositories: which files are reported (committed on the
 * branch, staged, unstaged, untracked — not ignored, not changed only on the base branch), that the
 * rest is still read for run-level checks, the shallow-clone fallback, and clear errors.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Rule } from '../../src/rules/types.js';
import { lintSources } from '../../src/linter.js';
import { ALL_RULES } from '../../src/rules/index.js';
import { readSource } from '../../src/files/read.js';
import { changedFilesSince } from '../../src/git/changed-files.js';
import { cli, commitAll, findingKeys, git, gitRepo, onlyRules, tempDir, writeFiles } from './helpers.js';

const INDEX = (name: string, column: string) => `CREATE INDEX ${name} ON users (${column});\n`;

/**
 * main: 001 (clean), 002 and 003 (one finding each). feature: changes 003, adds 004; then 005 is
 * staged, 006 untracked, 003 gets an unstaged edit, and an ignored scratch file exists. After the
 * branch point main changes 001 (not part of the branch).
 */
function repoWithBranch(): string {
  const repo = gitRepo();
  writeFiles(repo, {
    '.gitignore': 'local_scratch.sql\n',
    'db/migrations/001_users.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, email text, plan text);\n',
    'db/migrations/002_email_index.sql': INDEX('users_email_idx', 'email'),
    'db/migrations/003_plan_index.sql': INDEX('users_plan_idx', 'plan'),
  });
  commitAll(repo, 'initial schema');
  git(repo, 'checkout', '-q', '-b', 'feature');
  writeFileSync(join(repo, 'db/migrations/003_plan_index.sql'), '-- plan lookups\n' + INDEX('users_plan_idx', 'plan'));
  writeFiles(repo, { 'db/migrations/004_id_email.sql': INDEX('users_id_email_idx', 'id, email') });
  commitAll(repo, 'plan index comment, id/email index');
  writeFiles(repo, { 'db/migrations/005_staged.sql': INDEX('users_staged_idx', 'email') });
  git(repo, 'add', 'db/migrations/005_staged.sql');
  writeFiles(repo, {
    'db/migrations/006_untracked.sql': INDEX('users_untracked_idx', 'email'),
    'db/migrations/local_scratch.sql': INDEX('scratch_idx', 'email'),
  });
  appendFileSync(join(repo, 'db/migrations/003_plan_index.sql'), '-- reviewed\n');
  // main moves on after the branch point: not part of the branch's changes
  git(repo, 'stash', '-q', '--include-untracked');
  git(repo, 'checkout', '-q', 'main');
  writeFiles(repo, {
    'db/migrations/001_users.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, email text, plan text, name text);\n',
  });
  commitAll(repo, 'users.name on main');
  git(repo, 'checkout', '-q', 'feature');
  git(repo, 'stash', 'pop', '-q', '--index');
  return repo;
}

describe('--since', () => {
  it('reports only files added or changed on the branch, including staged, unstaged and untracked ones', async () => {
    const repo = repoWithBranch();
    const all = await cli(['--format', 'json', 'db/migrations'], repo);
    expect(findingKeys(all.stdout)).toHaveLength(6);
    const since = await cli(['--format', 'json', '--since', 'main', 'db/migrations'], repo);
    expect(since.stderr).toBe('');
    expect(since.code).toBe(1);
    expect(findingKeys(since.stdout)).toEqual([
      'db/migrations/003_plan_index.sql:2 require-concurrent-index-creation',
      'db/migrations/004_id_email.sql:1 require-concurrent-index-creation',
      'db/migrations/005_staged.sql:1 require-concurrent-index-creation',
      'db/migrations/006_untracked.sql:1 require-concurrent-index-creation',
    ]);
    // the summary counts the files reported on, not the ones read for context
    expect((JSON.parse(since.stdout) as { summary: { files: number } }).summary.files).toBe(4);
  });

  it('accepts any commit-ish and works from a sub-directory', async () => {
    const repo = repoWithBranch();
    const sub = join(repo, 'db');
    const r = await cli(['--format', 'json', '--since', 'feature~1', 'migrations'], sub);
    // feature~1 is the branch point (main's first commit)
    expect(findingKeys(r.stdout)).toEqual([
      'migrations/003_plan_index.sql:2 require-concurrent-index-creation',
      'migrations/004_id_email.sql:1 require-concurrent-index-creation',
      'migrations/005_staged.sql:1 require-concurrent-index-creation',
      'migrations/006_untracked.sql:1 require-concurrent-index-creation',
    ]);
    const head = await cli(['--format', 'json', '--since', 'HEAD', 'migrations'], sub);
    expect(findingKeys(head.stdout)).toEqual([
      'migrations/003_plan_index.sql:2 require-concurrent-index-creation',
      'migrations/005_staged.sql:1 require-concurrent-index-creation',
      'migrations/006_untracked.sql:1 require-concurrent-index-creation',
    ]);
  });

  it('falls back to the ref itself in a shallow clone, and says so', async () => {
    const origin = repoWithBranch();
    const clone = join(tempDir('ml-clone-'), 'work');
    git(tempDir(), 'clone', '-q', '--depth', '1', '--branch', 'feature', `file://${origin}`, clone);
    git(clone, 'fetch', '-q', '--depth', '1', 'origin', '+refs/heads/main:refs/remotes/origin/main');
    const r = await cli(['--format', 'json', '--since', 'origin/main', 'db/migrations'], clone);
    expect(r.stderr).toContain(
      'no common ancestor of origin/main and HEAD was found (shallow clone?); comparing with origin/main itself',
    );
    // against main's tip: the branch's files, plus 001 which main changed after the branch point
    expect(findingKeys(r.stdout)).toEqual([
      'db/migrations/003_plan_index.sql:2 require-concurrent-index-creation',
      'db/migrations/004_id_email.sql:1 require-concurrent-index-creation',
    ]);
    expect(changedFilesSince('origin/main', clone).files).toContain(join(clone, 'db/migrations/001_users.sql'));
  });

  it('exits 2 with a clear message for an unknown ref or outside a repository', async () => {
    const repo = repoWithBranch();
    const bad = await cli(['--since', 'no-such-branch', 'db/migrations'], repo);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      'migration-lint: --since: "no-such-branch" is not a commit, branch or tag in this repository (in CI, fetch it first, e.g. git fetch origin no-such-branch)\n',
    );
    const plain = tempDir();
    writeFiles(plain, { 'm.sql': INDEX('a_idx', 'a') });
    const outside = await cli(['--since', 'main', 'm.sql'], plain);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toMatch(/^migration-lint: --since needs a git repository: .*not a git repository/);
  });
});

/** An Alembic revision file. */
function revision(id: string, parent: string | null, body: string): string {
  return `"""revision ${id}\n\nRevision ID: ${id}\n"""\nfrom alembic import op\nimport sqlalchemy as sa\n\nrevision = "${id}"\ndown_revision = ${parent ? `"${parent}"` : 'None'}\n\n\ndef upgrade():\n${body}\n\n\ndef downgrade():\n    pass\n`;
}

describe('--since with a revision graph (Alembic)', () => {
  it('reads every revision for the graph checks: a branch adding a second head is reported on both heads', async () => {
    const repo = gitRepo();
    writeFiles(repo, {
      'alembic/versions/a1_users.py': revision(
        'a1',
        null,
        '    op.create_table("users", sa.Column("id", sa.BigInteger(), primary_key=True), sa.Column("email", sa.Text()))',
      ),
      'alembic/versions/b2_email_index.py': revision(
        'b2',
        'a1',
        '    op.create_index("users_email_idx", "users", ["email"])',
      ),
    });
    commitAll(repo, 'two revisions');
    git(repo, 'checkout', '-q', '-b', 'feature');
    // written against a1, not b2: a second head
    writeFiles(repo, {
      'alembic/versions/c3_nickname.py': revision(
        'c3',
        'a1',
        '    op.add_column("users", sa.Column("nickname", sa.Text(), nullable=True))',
      ),
    });
    commitAll(repo, 'nickname');

    const keys = ['multiple-heads', 'require-concurrent-index-creation'];
    const all = findingKeys((await cli(['--format', 'json', 'alembic'], repo)).stdout, keys);
    expect(all).toEqual([
      'alembic/versions/b2_email_index.py:13 require-concurrent-index-creation',
      'alembic/versions/b2_email_index.py:8 multiple-heads',
      'alembic/versions/c3_nickname.py:8 multiple-heads',
    ]);
    const since = await cli(['--format', 'json', '--since', 'main', 'alembic'], repo);
    // b2's own finding is old news; the graph problem the branch creates is reported on both heads
    expect(findingKeys(since.stdout, keys)).toEqual([
      'alembic/versions/b2_email_index.py:8 multiple-heads',
      'alembic/versions/c3_nickname.py:8 multiple-heads',
    ]);
    expect(since.code).toBe(1);
  });
});

describe('files read for context', () => {
  const added: Rule[] = [];
  afterEach(() => {
    for (const r of added.splice(0)) (ALL_RULES as Rule[]).splice((ALL_RULES as Rule[]).indexOf(r), 1);
  });

  it('still feed run-level checks, whose findings are kept even in unchanged files', async () => {
    // A run-level rule in the shape of the revision-graph checks: it sees every migration of the run.
    const seen: string[] = [];
    const graphLike: Rule = {
      meta: { id: 'test-run-level', severity: 'error', summary: 'test', docs: { what: 'w', why: 'w', instead: 'i' } },
      checkRun(ctx) {
        for (const m of ctx.migrations) seen.push(m.file);
        ctx.report(ctx.migrations[0]!.ops[0]!.span, 'first migration of the run');
      },
    };
    (ALL_RULES as Rule[]).push(graphLike);
    added.push(graphLike);
    const dir = tempDir();
    writeFiles(dir, { '001.sql': INDEX('a_idx', 'a'), '002.sql': INDEX('b_idx', 'b') });
    const inputs = ['001.sql', '002.sql'].map((f) => ({
      path: join(dir, f),
      content: readSource(join(dir, f)),
      contextOnly: f === '001.sql',
    }));
    const result = await lintSources(inputs, {
      pgVersion: 14,
      assumeInTransaction: false,
      checkDowngrade: false,
      dialect: 'postgresql',
      rules: onlyRules(['test-run-level', 'require-concurrent-index-creation']),
    });
    expect(seen).toEqual([join(dir, '001.sql'), join(dir, '002.sql')]);
    expect(result.migrations.map((m) => m.file)).toEqual(seen);
    expect(result.findings.map((f) => `${f.file.slice(dir.length + 1)} ${f.rule}`)).toEqual([
      '001.sql test-run-level',
      '002.sql require-concurrent-index-creation',
    ]);
  });
});
