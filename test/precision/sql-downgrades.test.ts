/**
 * Downgrades of SQL migration formats are judged like the ORMs' (`empty-downgrade`): an empty dbmate
 * `-- migrate:down` section or none, an empty node-pg-migrate `-- Down Migration` section, an empty
 * golang-migrate `.down.sql` beside a schema-changing `.up.sql`. A data-only upgrade may keep an empty
 * downgrade, and no message ever lists a call the linter could not read as a schema change.
 * Pinned on fixtures/sql-downgrades.
 */
import { describe, expect, it } from 'vitest';
import { cli, REPO_ROOT, tempDir, writeFiles } from '../integrations/helpers.js';

interface JsonFinding {
  rule: string;
  severity: string;
  file: string;
  line: number;
  message: string;
}

async function emptyDowngrades(target: string, cwd = REPO_ROOT): Promise<JsonFinding[]> {
  const r = await cli(['--format', 'json', target], cwd);
  expect(r.stderr).toBe('');
  return (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings.filter((f) => f.rule === 'empty-downgrade');
}

const where = (fs: JsonFinding[]) => fs.map((f) => `${f.file.split('/').pop()}:${f.line} ${f.severity}`);

describe('empty-downgrade on SQL formats', () => {
  it('dbmate: an empty down section, and a file without one, beside schema changes; not beside a backfill', async () => {
    const findings = await emptyDowngrades('fixtures/sql-downgrades/dbmate');
    expect(where(findings)).toEqual([
      '20240604080000_invoice_reminders.sql:10 warning', // the `-- migrate:down` marker
      '20240606080000_invoice_reference.sql:1 warning', // no down section: at `-- migrate:up`
    ]);
    expect(findings[0]!.message).toContain(
      'create-table on invoice_reminders (line 2), create-index on invoice_reminders (line 8)',
    );
    expect(findings[1]!.message).toContain('(there is no `-- migrate:down` section)');
  });

  it('node-pg-migrate SQL: an empty `-- Down Migration` beside schema changes; not beside an UPDATE', async () => {
    const findings = await emptyDowngrades('fixtures/sql-downgrades/node-pg-migrate');
    expect(where(findings)).toEqual(['1717500000000_notifications-read-at.sql:5 warning']);
    expect(findings[0]!.message).toContain(
      'add-column on notifications (line 2), create-index on notifications (line 3)',
    );
  });

  it('node-pg-migrate SQL without a `-- Down Migration` section is irreversible to node-pg-migrate (info)', async () => {
    const dir = tempDir('ml-down-');
    writeFiles(dir, {
      'migrations/1717700000000_tags.sql':
        '-- Up Migration\nCREATE TABLE tags (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL);\n',
    });
    const findings = await emptyDowngrades('migrations', dir);
    expect(where(findings)).toEqual(['1717700000000_tags.sql:1 info']);
    expect(findings[0]!.message).toContain(
      'declared irreversible (node-pg-migrate reads an SQL migration without a `-- Down Migration` section as irreversible)',
    );
  });

  it('golang-migrate: an empty .down.sql is reported in that file, naming the upgrade file; a data-only pair is fine', async () => {
    const findings = await emptyDowngrades('fixtures/sql-downgrades/golang-migrate');
    expect(where(findings)).toEqual(['000020_merchant_country.down.sql:1 warning']);
    expect(findings[0]!.message).toContain(
      'add-column on merchants (line 1), add-constraint on merchants (line 2) in 000020_merchant_country.up.sql',
    );
  });

  it('golang-migrate: a down file that does something, or one not in the run, says nothing', async () => {
    const dir = tempDir('ml-down-');
    writeFiles(dir, {
      'migrations/000001_a.up.sql': 'ALTER TABLE t ADD COLUMN a text;\n',
      'migrations/000001_a.down.sql': 'ALTER TABLE t DROP COLUMN a;\n',
      'migrations/000002_b.up.sql': 'ALTER TABLE t ADD COLUMN b text;\n',
    });
    expect(await emptyDowngrades('migrations', dir)).toEqual([]);
  });

  it('Flyway: an empty U undo file beside its V migration', async () => {
    const dir = tempDir('ml-down-');
    writeFiles(dir, {
      'db/migration/V3__invoice_memo.sql': 'ALTER TABLE invoices ADD COLUMN memo text;\n',
      'db/migration/U3__invoice_memo.sql': '-- undo: not written yet\n',
    });
    expect(where(await emptyDowngrades('db/migration', dir))).toEqual(['U3__invoice_memo.sql:1 warning']);
  });

  it('Alembic: ORM session work and bind.execute with `pass` as downgrade is data-only: no finding', async () => {
    expect(await emptyDowngrades('fixtures/sql-downgrades/alembic')).toEqual([]);
  });

  it('calls the linter cannot read are never listed as schema changes ("changes the schema: unknown")', async () => {
    const dir = tempDir('ml-down-');
    writeFiles(dir, {
      'migrations/20240611000000_audit_columns.js': [
        "const { addAuditColumns } = require('../lib/audit');",
        '',
        'exports.up = async function (knex) {',
        "  await knex.schema.alterTable('orders', (t) => {",
        "    t.text('audit_note');",
        '  });',
        "  await addAuditColumns(knex, 'orders');",
        '};',
        '',
        'exports.down = async function () {};',
        '',
      ].join('\n'),
    });
    const findings = await emptyDowngrades('migrations', dir);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.message).toContain('changes the schema: add-column on orders (line 5).');
    expect(findings[0]!.message).not.toMatch(/unknown/);
  });
});
