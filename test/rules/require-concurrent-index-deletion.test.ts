import { describe, expect, it } from 'vitest';
import { runRule, ruleTester } from '../helpers/rule-tester.js';
import { requireConcurrentIndexDeletion } from '../../src/rules/require-concurrent-index-deletion.js';
import { DEFAULT_OPTIONS, lintSources } from '../../src/linter.js';

ruleTester(requireConcurrentIndexDeletion, {
  valid: [
    'DROP INDEX CONCURRENTLY users_email_idx;',
    'DROP INDEX CONCURRENTLY IF EXISTS public.users_email_idx;',
    {
      name: 'index created on a table the same migration created',
      sql: 'CREATE TABLE audit_events (id bigint PRIMARY KEY, actor_id bigint);\nCREATE INDEX audit_events_actor_idx ON audit_events (actor_id);\nDROP INDEX audit_events_actor_idx;',
    },
    {
      name: 'schema-qualified index on a new schema-qualified table',
      sql: 'CREATE TABLE billing.invoices (id bigint PRIMARY KEY, due date);\nCREATE INDEX invoices_due_idx ON billing.invoices (due);\nDROP INDEX billing.invoices_due_idx;',
    },
  ],
  invalid: [
    {
      sql: 'DROP INDEX users_email_idx;',
      errors: [{ line: 1, message: 'DROP INDEX users_email_idx without CONCURRENTLY' }],
    },
    {
      name: 'IF EXISTS and CASCADE after a comment',
      sql: "SET lock_timeout = '2s';\n\n-- the old lookup is replaced by users_lower_email_idx\nDROP INDEX IF EXISTS users_email_idx CASCADE;",
      errors: [{ line: 4, message: 'ACCESS EXCLUSIVE' }],
    },
    {
      name: 'several indexes in one statement',
      sql: 'DROP INDEX orders_created_idx, orders_status_idx;',
      errors: [{ line: 1, message: 'orders_created_idx, orders_status_idx' }],
    },
    {
      name: 'index created earlier in the same migration on an existing table',
      sql: 'CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);\nDROP INDEX orders_status_idx;',
      errors: [{ line: 2, message: 'orders_status_idx' }],
    },
    {
      name: 'same index name in another schema is not the new one',
      sql: 'CREATE TABLE billing.invoices (id bigint PRIMARY KEY, due date);\nCREATE INDEX invoices_due_idx ON billing.invoices (due);\nDROP INDEX invoices_due_idx;',
      errors: [{ line: 3 }],
    },
    {
      name: 'table created by an earlier migration of the run is not new',
      sql: [
        'CREATE TABLE sessions (id bigint PRIMARY KEY, token text);\nCREATE INDEX sessions_token_idx ON sessions (token);',
        'DROP INDEX sessions_token_idx;',
      ],
      errors: [{ line: 1, file: 'm002_migration.sql' }],
    },
  ],
});

describe('require-concurrent-index-deletion help', () => {
  it('names the table when the migration shows it, and warns that CONCURRENTLY refuses CASCADE', async () => {
    const [f] = await runRule(requireConcurrentIndexDeletion, {
      sql: 'CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);\nDROP INDEX orders_status_idx CASCADE;',
    });
    expect(f?.lock).toBe('ACCESS EXCLUSIVE on orders (blocks reads and writes)');
    expect(f?.help).toBe(
      'Use DROP INDEX CONCURRENTLY orders_status_idx; outside a transaction block (CONCURRENTLY does not allow CASCADE: drop the dependent objects first).',
    );
  });
});

describe('require-concurrent-index-deletion help in a framework that runs migrations in a transaction', () => {
  it("says how to leave that tool's transaction (Kysely's Migrator)", async () => {
    const text = [
      "import { Kysely } from 'kysely';",
      'export async function up(db: Kysely<unknown>): Promise<void> {',
      "  await db.schema.dropIndex('post_reply_parent_idx').execute();",
      '}',
      'export async function down(): Promise<void> {}',
    ].join('\n');
    const result = await lintSources(
      [{ path: 'src/db/migrations/20230629T220835-drop-reply-index.ts', content: { ok: true, text } }],
      { ...DEFAULT_OPTIONS, rules: { 'require-concurrent-index-deletion': 'error' } },
    );
    expect(result.findings.filter((f) => f.rule === 'require-concurrent-index-deletion').map((f) => f.help)).toEqual([
      "Use DROP INDEX CONCURRENTLY post_reply_parent_idx; outside a transaction block. Here Kysely's Migrator runs each migration in a transaction on Postgres: run this migration with a Migrator created with `disableTransactions: true`.",
    ]);
  });
});

describe('require-concurrent-index-deletion help when the file is sent as one query', () => {
  it('explains the implicit transaction only when other statements share the query', async () => {
    const lint = async (sql: string) =>
      (
        await lintSources(
          [{ path: 'prisma/migrations/20240304113000_drop_lookup/migration.sql', content: { ok: true, text: sql } }],
          { ...DEFAULT_OPTIONS, rules: { 'require-concurrent-index-deletion': 'error' } },
        )
      ).findings.filter((f) => f.rule === 'require-concurrent-index-deletion');
    const shared = await lint(
      '-- DropIndex\nDROP INDEX "Invoice_lookup_idx";\n\n-- CreateIndex\nCREATE INDEX "Invoice_accountId_idx" ON "Invoice"("accountId");\n',
    );
    expect(shared[0]?.help).toContain('Here Prisma Migrate sends the whole file as one multi-statement query');
    const alone = await lint('-- DropIndex\nDROP INDEX "Invoice_lookup_idx";\n');
    expect(alone[0]?.help).toBe('Use DROP INDEX CONCURRENTLY "Invoice_lookup_idx"; outside a transaction block.');
  });
});
