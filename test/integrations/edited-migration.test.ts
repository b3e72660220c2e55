/**
 * edited-migration on real temporary git repositories: with `--since`, a migration that existed at the
 * base and now does something else, was renamed (for tools that track file names) or deleted is an
 * error; comment and formatting edits, new files, renames of Alembic revisions and allowed edits are not.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, commitAll, git, gitRepo, writeFiles } from './helpers.js';

const REVISION = (id: string, parent: string, body: string) => `"""${id}

Revision ID: ${id}
Revises: ${parent}
"""
from alembic import op
import sqlalchemy as sa

revision = "${id}"
down_revision = ${parent === 'None' ? 'None' : `"${parent}"`}
branch_labels = None
depends_on = None


def upgrade() -> None:
${body}


def downgrade() -> None:
    pass
`;

/** main: four SQL migrations and two Alembic revisions; then a feature branch edits them in every way. */
function repo(config?: object): string {
  const r = gitRepo();
  writeFiles(r, {
    'db/migrations/001_users.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n',
    'db/migrations/002_orders.sql':
      'CREATE TABLE orders (\n  id bigint PRIMARY KEY,\n  user_id bigint NOT NULL,\n  note varchar(200)\n);\n',
    'db/migrations/003_legacy_flags.sql': 'CREATE TABLE legacy_flags (id bigint PRIMARY KEY);\n',
    'db/migrations/004_sessions.sql': 'CREATE TABLE sessions (id bigint PRIMARY KEY);\n',
    'db/migrations/005_audit.sql': 'CREATE TABLE audit (id bigint PRIMARY KEY);\n',
    'alembic/versions/aa01_accounts.py': REVISION(
      'aa01',
      'None',
      "    op.create_table('accounts', sa.Column('id', sa.BigInteger(), primary_key=True))",
    ),
    'alembic/versions/bb02_plans.py': REVISION(
      'bb02',
      'aa01',
      "    op.create_table('plans', sa.Column('id', sa.BigInteger(), primary_key=True))",
    ),
    ...(config ? { 'migration-lint.config.json': JSON.stringify(config) } : {}),
  });
  commitAll(r, 'schema so far');
  git(r, 'checkout', '-q', '-b', 'feature');
  // Comment-only and formatting-only edit: the same operations.
  writeFileSync(
    join(r, 'db/migrations/001_users.sql'),
    '-- Accounts of people who sign in.\nCREATE TABLE users (\n  id bigint PRIMARY KEY,\n  email text NOT NULL\n);\n',
  );
  // A real change to an applied migration: the note column's type.
  writeFileSync(
    join(r, 'db/migrations/002_orders.sql'),
    'CREATE TABLE orders (\n  id bigint PRIMARY KEY,\n  user_id bigint NOT NULL,\n  note text\n);\n',
  );
  rmSync(join(r, 'db/migrations/003_legacy_flags.sql'));
  renameSync(join(r, 'db/migrations/004_sessions.sql'), join(r, 'db/migrations/004_user_sessions.sql'));
  writeFileSync(
    join(r, 'db/migrations/005_audit.sql'),
    'CREATE TABLE audit (id bigint PRIMARY KEY, at timestamptz);\n',
  );
  writeFiles(r, { 'db/migrations/006_invoices.sql': 'CREATE TABLE invoices (id bigint PRIMARY KEY);\n' });
  renameSync(join(r, 'alembic/versions/aa01_accounts.py'), join(r, 'alembic/versions/aa01_create_accounts.py'));
  writeFileSync(
    join(r, 'alembic/versions/bb02_plans.py'),
    REVISION(
      'bb02',
      'aa01',
      "    op.create_table('plans', sa.Column('id', sa.BigInteger(), primary_key=True), sa.Column('name', sa.Text()))",
    ),
  );
  commitAll(r, 'feature work');
  return r;
}

async function edited(r: string, args: string[]): Promise<{ findings: string[]; messages: string[]; code: number }> {
  const run = await cli(['--format', 'json', ...args], r);
  expect(run.stderr).toBe('');
  const doc = JSON.parse(run.stdout) as { findings: { file: string; line: number; rule: string; message: string }[] };
  const mine = doc.findings.filter((f) => f.rule === 'edited-migration');
  return {
    findings: mine.map((f) => `${f.file}:${f.line}`).sort(),
    messages: mine.map((f) => f.message),
    code: run.code,
  };
}

describe('edited-migration', () => {
  it('reports the changed, deleted and renamed migrations, at the first changed statement, and nothing else', async () => {
    const r = repo();
    const { findings, messages, code } = await edited(r, ['--since', 'main', 'db/migrations', 'alembic/versions']);
    expect(findings).toEqual([
      'alembic/versions/bb02_plans.py:16', // the create_table that gained a column
      'db/migrations/002_orders.sql:1', // the CREATE TABLE whose column type changed
      'db/migrations/003_legacy_flags.sql:1', // deleted
      'db/migrations/004_user_sessions.sql:1', // renamed: the tool tracks it by file name
      'db/migrations/005_audit.sql:1',
    ]);
    expect(code).toBe(1);
    expect(messages.find((m) => m.includes('deleted'))).toContain('existed at main and is deleted');
    expect(messages.find((m) => m.includes('db/migrations/004_sessions.sql'))).toContain(
      'records applied migrations by file name',
    );
    expect(messages.every((m) => !m.includes(r))).toBe(true);
  });

  it('without --since nothing is compared', async () => {
    const r = repo();
    expect((await edited(r, ['db/migrations', 'alembic/versions'])).findings).toEqual([]);
  });

  it('edits listed under allowedEdits in the config are accepted', async () => {
    const r = repo({ allowedEdits: ['db/migrations/002_*.sql', 'db/migrations/003_legacy_flags.sql'] });
    const { findings } = await edited(r, ['--since', 'main', 'db/migrations']);
    expect(findings).toEqual(['db/migrations/004_user_sessions.sql:1', 'db/migrations/005_audit.sql:1']);
  });

  it('the rule can be turned off like any other', async () => {
    const r = repo({ rules: { 'edited-migration': 'off' } });
    expect((await edited(r, ['--since', 'main', 'db/migrations'])).findings).toEqual([]);
  });
});
