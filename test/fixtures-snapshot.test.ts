/**
 * Expected findings over the bundled SQL fixtures (every plain-SQL migration format, laid out as
 * its tool lays it out). The whole JSON report is pinned in a file snapshot; the hand-written
 * expectations below keep a regression from being blessed by a careless `-u`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ALL_RULES } from '../src/rules/index.js';
import { cli, REPO_ROOT } from './integrations/helpers.js';

interface JsonFinding {
  rule: string;
  severity: 'error' | 'warning' | 'info';
  file: string;
  line: number;
  column: number;
  message: string;
  revision?: string;
}
interface Report {
  version: number;
  findings: JsonFinding[];
  summary: { files: number; filesByFormat: Record<string, number>; errors: number; warnings: number };
}

const ROOT = 'fixtures/sql/';
let code: number;
let stdout: string;
let report: Report;

beforeAll(async () => {
  const r = await cli(['--format', 'json', 'fixtures/sql'], REPO_ROOT);
  code = r.code;
  stdout = r.stdout;
  expect(r.stderr).toBe('');
  report = JSON.parse(stdout) as Report;
});

/** `rule@file:line` for every finding, file relative to fixtures/sql. */
const keys = () => report.findings.map((f) => `${f.rule}@${f.file.slice(ROOT.length)}:${f.line}`);
const inFile = (file: string) => report.findings.filter((f) => f.file === ROOT + file);

describe('fixtures/sql', () => {
  it('matches the pinned JSON report', async () => {
    await expect(stdout).toMatchFileSnapshot('__snapshots__/fixtures-sql.json');
  });

  it('reads every format the way its tool lays it out', () => {
    expect(report.summary.filesByFormat).toEqual({
      'alembic-sql': 2,
      dbmate: 7,
      drizzle: 5,
      flyway: 9,
      'golang-migrate': 14,
      'node-pg-migrate-sql': 4,
      prisma: 5,
      sql: 19,
      sqlx: 8,
    });
    expect(report.summary.files).toBe(73);
    // error-level findings (the syntax error among them) fail the run
    expect(code).toBe(1);
  });

  it('finds the hazards each fixture was written to show', () => {
    const expected = [
      // hand-written SQL, run with psql as written
      'adding-field-with-default@hand-written/003_order_shipping.sql:11',
      'require-concurrent-index-creation@hand-written/003_order_shipping.sql:14',
      'constraint-missing-not-valid@hand-written/006_payment_constraints.sql:4',
      'anonymous-constraint@hand-written/006_payment_constraints.sql:6',
      'disallowed-unique-constraint@hand-written/006_payment_constraints.sql:8',
      'ban-concurrent-index-creation-in-transaction@hand-written/007_index_in_transaction.sql:4',
      'renaming-column@hand-written/008_rename_and_retype.sql:4',
      'changing-column-type@hand-written/008_rename_and_retype.sql:7',
      'require-concurrent-index-deletion@hand-written/009_drop_legacy.sql:2',
      'ban-drop-column@hand-written/009_drop_legacy.sql:4',
      'ban-duplicate-column-assignments@hand-written/015_support_order_view.sql:6',
      'ban-drop-table@hand-written/009_drop_legacy.sql:6',
      'ban-drop-not-null@hand-written/009_drop_legacy.sql:8',
      'ban-uncommitted-transaction@hand-written/010_backfill_order_status.sql:3',
      'ban-drop-database@hand-written/maintenance/reset_test_database.sql:3',
      'lock-timeout-too-long@hand-written/012_room_booking_overlaps.sql:3',
      'prefer-jsonb@hand-written/012_room_booking_overlaps.sql:7',
      'ban-exclusion-constraint@hand-written/012_room_booking_overlaps.sql:9',
      'ban-truncate@hand-written/012_room_booking_overlaps.sql:13',
      'ban-drop-schema@hand-written/013_billing_service_split.sql:3',
      'renaming-schema@hand-written/013_billing_service_split.sql:4',
      'ban-disable-trigger@hand-written/013_billing_service_split.sql:7',
      'statement-timeout-too-long@hand-written/014_attach_2025_events.sql:4',
      'attach-partition-without-check@hand-written/014_attach_2025_events.sql:6',
      'ban-drop-constraint@hand-written/014_attach_2025_events.sql:10',
      'ban-unfiltered-data-change@dbmate/db/migrations/20240201100000_product_slugs.sql:4',
      // each column of a CREATE TABLE is reported on its own line
      'ban-char-field@hand-written/002_payments.sql:12',
      'prefer-timestamptz@hand-written/002_payments.sql:15',
      // Prisma: the classic "drop name, add required fullName" migration
      'ban-drop-column@prisma/migrations/20240215120000_user_full_name/migration.sql:9',
      // the ADD COLUMN clause of a two-clause ALTER TABLE, on its own line
      'adding-required-field@prisma/migrations/20240215120000_user_full_name/migration.sql:10',
      'rename-via-drop-add@prisma/migrations/20240215120000_user_full_name/migration.sql:9',
      'adding-not-nullable-field@prisma/migrations/20240301081500_order_status_required/migration.sql:11',
      'changing-column-type@prisma/migrations/20240320100000_order_total_bigint/migration.sql:2',
      'prefer-identity@prisma/migrations/20240110093000_init/migration.sql:6',
      // Drizzle: its migrator runs every pending file in one transaction
      'ban-concurrent-index-creation-in-transaction@drizzle/0001_lazy_gambit.sql:3',
      'renaming-table@drizzle/0002_rename_customers.sql:1',
      'adding-foreign-key-constraint@drizzle/0002_rename_customers.sql:5',
      'changing-column-type@drizzle/0003_invoice_amounts.sql:2',
      // a one-statement drizzle migration has no breakpoint: the meta/_journal.json beside it tells
      'ban-concurrent-index-creation-in-transaction@drizzle/0004_invoices_number_index.sql:1',
      // Flyway: one transaction per migration, unless it only holds non-transactional statements
      'constraint-missing-not-valid@flyway/src/main/resources/db/migration/V2_1__invoice_status_check.sql:6',
      'ban-concurrent-index-creation-in-transaction@flyway/src/main/resources/db/migration/V4__backfill_and_index_status.sql:3',
      // dbmate: a transaction per file unless transaction:false
      'ban-concurrent-index-creation-in-transaction@dbmate/db/migrations/20240118150000_product_category_index.sql:2',
      'transaction-nesting@dbmate/db/migrations/20240201100000_product_slugs.sql:2',
      // the slug backfill runs while ADD COLUMN's ACCESS EXCLUSIVE lock on products is held
      'backfill-in-ddl-transaction@dbmate/db/migrations/20240201100000_product_slugs.sql:4',
      'ban-truncate-cascade@dbmate/db/migrations/20240212093000_clear_product_imports.sql:3',
      'empty-migration@dbmate/db/migrations/20240220110000_add_product_weight.sql:1',
      // golang-migrate: a file is one multi-statement query, an implicit transaction
      'ban-concurrent-index-creation-in-transaction@golang-migrate/migrations/000003_transactions_reporting_indexes.up.sql:1',
      'ban-concurrent-index-creation-in-transaction@golang-migrate/migrations/000003_transactions_reporting_indexes.up.sql:2',
      'adding-serial-primary-key-field@golang-migrate/migrations/000004_legacy_events_primary_key.up.sql:1',
      'changing-column-type@golang-migrate/migrations/000005_transactions_amount_bigint.up.sql:2',
      // sqlx (its Cargo.toml names sqlx): a transaction per file unless it starts with `-- no-transaction`
      'ban-concurrent-index-creation-in-transaction@sqlx/migrations/20240311080000_entries_booked_at_index.up.sql:2',
      // with `-- no-transaction`, the file is still one multi-statement query: one implicit transaction
      'ban-concurrent-index-creation-in-transaction@sqlx/migrations/20240409160000_two_indexes_without_transaction.sql:3',
      'ban-concurrent-index-creation-in-transaction@sqlx/migrations/20240409160000_two_indexes_without_transaction.sql:4',
      'transaction-nesting@sqlx/migrations/20240402101500_entry_types.sql:1',
      // the down file sqlx-cli generates, left as generated
      'empty-downgrade@sqlx/migrations/20240318143000_account_status.down.sql:1',
      // alembic upgrade head --sql
      'rename-via-drop-add@alembic-offline/upgrade_head.sql:52',
      'adding-foreign-key-constraint@alembic-offline/upgrade_head.sql:54',
      'require-concurrent-index-creation@alembic-offline/upgrade_head.sql:56',
      // node-pg-migrate SQL files
      'adding-not-nullable-field@node-pg-migrate/migrations/1714600000000_notifications-body-required.sql:3',
      'adding-foreign-key-constraint@node-pg-migrate/migrations/1715200000000_notifications-recipient-fk.sql:3',
      // broken files: one finding each, and the rest of the file is still linted
      'parse-error@broken/syntax_error_in_middle.sql:11',
      'require-concurrent-index-creation@broken/syntax_error_in_middle.sql:14',
      'empty-migration@broken/empty.sql:1',
      'empty-migration@broken/comment_only.sql:1',
    ];
    const found = new Set(keys());
    expect(expected.filter((k) => !found.has(k))).toEqual([]);
  });

  it('leaves the safe patterns alone', () => {
    const safe = [
      'hand-written/001_initial_schema.sql', // everything on tables created in the same migration
      'hand-written/004_require_full_name.sql', // CHECK NOT VALID → VALIDATE → SET NOT NULL → DROP CHECK
      'hand-written/005_orders_created_at_index.sql', // CONCURRENTLY outside a transaction
      'dbmate/db/migrations/20240110120000_product_sku_index.sql', // transaction:false
      'flyway/src/main/resources/db/migration/V3__index_invoices_due_date.sql', // Flyway runs it outside a transaction
      'golang-migrate/migrations/000002_transactions_merchant_index.up.sql', // the file's only statement
      'golang-migrate/migrations/000006_transactions_merchant_fk.up.sql', // FK NOT VALID
      'golang-migrate/migrations/000007_validate_transactions_merchant_fk.up.sql', // VALIDATE in its own migration
      'golang-migrate/migrations/000007_validate_transactions_merchant_fk.down.sql', // nothing to undo, on purpose
      'sqlx/migrations/20240301090000_create_accounts.sql', // the index is on a table of the same transaction
      'sqlx/migrations/20240305120000_accounts_owner_email_index.sql', // `-- no-transaction`, the only statement
    ];
    for (const file of safe) expect(inFile(file), file).toEqual([]);
    // A repeatable migration re-runs when it changes: the REPLACE then waits for ACCESS EXCLUSIVE on the
    // existing view (checked on PostgreSQL 15), so only the missing lock_timeout is reported there.
    expect(
      inFile('flyway/src/main/resources/db/migration/R__invoice_totals_view.sql').map((f) => `${f.rule}:${f.line}`),
    ).toEqual(['require-lock-timeout:1']);
    // binary-coercible type changes, with the old type known from earlier migrations of the run
    expect(keys()).not.toContain('changing-column-type@hand-written/008_rename_and_retype.sql:10');
    expect(keys()).not.toContain('changing-column-type@drizzle/0003_invoice_amounts.sql:1');
    // the autocommit block of the Alembic output (COMMIT; CREATE INDEX CONCURRENTLY; BEGIN;) is fine
    expect(keys().filter((k) => k.includes('alembic-offline/upgrade_head.sql:42'))).toEqual([]);
  });

  it('never flags Alembic bookkeeping nor downgrades by default', () => {
    const alembic = inFile('alembic-offline/upgrade_head.sql');
    expect(alembic.filter((f) => /alembic_version/.test(f.message))).toEqual([]);
    // revisions are attributed from the "-- Running upgrade A -> B" headers
    expect(alembic.find((f) => f.rule === 'rename-via-drop-add')?.revision).toBe('1b9d3e7f5a26');
    expect(inFile('alembic-offline/downgrade_1b9d3e7f5a26_to_c7e5f9a0d4b8.sql')).toEqual([]);
    expect(inFile('flyway/src/main/resources/db/migration/U2__invoice_due_date.sql')).toEqual([]);
    expect(inFile('golang-migrate/migrations/000001_create_merchants.down.sql')).toEqual([]);
  });

  it('the syntax error is reported where Postgres reports it, with its message', () => {
    const [parse] = inFile('broken/syntax_error_in_middle.sql').filter((f) => f.rule === 'parse-error');
    expect(parse).toMatchObject({ line: 11, column: 5, severity: 'error', message: 'syntax error at or near "ADD"' });
  });

  it('exercises every rule that applies to SQL', () => {
    // Rules that need something plain SQL files do not have: suppression comments, ORM down() functions, a --since base,
    // Alembic revision graphs, the SQLite dialect, unreadable files.
    const notSql =
      /^(unused-suppression|suppression-missing-reason|empty-downgrade|multiple-heads|broken-revision-graph|require-batch-mode-for-sqlite|undefined-name|edited-migration|io-error)$/;
    const fired = new Set(report.findings.map((f) => f.rule));
    // Rules off by default are not run on the fixtures (no config there turns them on).
    // Rules for old Postgres versions: the fixtures run at the default --pg-version (14); their tests cover them.
    const oldPostgresOnly = /^(ban-enum-value-add-in-transaction)$/;
    const missing = ALL_RULES.filter((r) => !r.meta.offByDefault)
      .map((r) => r.meta.id)
      .filter((id) => !notSql.test(id) && !oldPostgresOnly.test(id) && !fired.has(id));
    expect(missing).toEqual([]);
  });
});
