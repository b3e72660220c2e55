/**
 * A migration file that begins with a UTF-8 byte order mark (an editor on Windows saved it so). We
 * read the text without it; tools that send the file's bytes as they are (sqlx, golang-migrate, pop)
 * send the mark too, and Postgres rejects it before the first statement runs — checked on the server
 * (`syntax error at or near "\ufeff"`). For sqlx the mark also hides a first-line `-- no-transaction`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSource } from '../src/files/read.js';
import { lintSources } from '../src/linter.js';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const root = mkdtempSync(join(tmpdir(), 'ml-bom-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Writes a file (with a BOM when asked) and returns its input as the CLI reads it. */
function input(path: string, text: string, bom: boolean) {
  const full = join(root, path);
  mkdirSync(join(full, '..'), { recursive: true });
  writeFileSync(full, bom ? Buffer.concat([BOM, Buffer.from(text)]) : text);
  return { path: full, content: readSource(full) };
}

const INDEX = 'CREATE INDEX CONCURRENTLY invoices_due_idx ON invoices (due_on);\n';

describe('a UTF-8 byte order mark at the start of a migration', () => {
  it('is read as not part of the text, and said so', () => {
    const { content } = input('plain/0001_users.sql', 'CREATE TABLE users (id bigint);\n', true);
    expect(content).toEqual({ ok: true, text: 'CREATE TABLE users (id bigint);\n', bom: true });
    expect(input('plain/0002_orders.sql', 'SELECT 1;\n', false).content).toEqual({ ok: true, text: 'SELECT 1;\n' });
  });

  it('golang-migrate sends it to Postgres: the migration fails, reported at 1:1; the file without one is fine', async () => {
    const result = await lintSources([
      input('gm/000001_invoices_due_idx.up.sql', INDEX, true),
      input('gm/000002_invoices_paid_idx.up.sql', INDEX.replace(/due/g, 'paid'), false),
    ]);
    const errors = result.findings.filter((f) => f.rule === 'parse-error');
    expect(errors.map((f) => [f.file.split('/').pop(), f.line, f.column])).toEqual([
      ['000001_invoices_due_idx.up.sql', 1, 1],
    ]);
    expect(errors[0]!.message).toContain('golang-migrate sends to Postgres');
  });

  it('sqlx does not see a -- no-transaction after the mark: the file runs in its transaction', async () => {
    mkdirSync(join(root, 'billing', 'migrations'), { recursive: true });
    writeFileSync(join(root, 'billing', 'Cargo.toml'), '[package]\nname = "billing"\n\n[dependencies]\nsqlx = "0.8"\n');
    const text = `-- no-transaction\n${INDEX}`;
    const result = await lintSources([
      input('billing/migrations/20240210090000_invoices_due_idx.sql', text, true),
      input('billing/migrations/20240211090000_invoices_paid_idx.sql', text.replace(/due/g, 'paid'), false),
    ]);
    expect(result.migrations.map((m) => [m.file.split('/').pop(), m.format, m.transaction])).toEqual([
      ['20240210090000_invoices_due_idx.sql', 'sqlx', 'wrapped'],
      ['20240211090000_invoices_paid_idx.sql', 'sqlx', 'implicit'],
    ]);
    expect(result.findings.filter((f) => f.rule === 'parse-error').map((f) => f.message)).toEqual([
      expect.stringContaining('which sqlx sends to Postgres'),
    ]);
  });

  it('a plain SQL file keeps no such finding (how its tool reads it is not known)', async () => {
    const result = await lintSources([input('plain/0003_accounts.sql', 'CREATE TABLE accounts (id bigint);\n', true)]);
    expect(result.findings.filter((f) => f.rule === 'parse-error')).toEqual([]);
  });
});
