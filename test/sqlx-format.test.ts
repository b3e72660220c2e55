/**
 * sqlx (sqlx-cli, `sqlx::migrate!`): files named `<VERSION>_<DESCRIPTION>.sql` (or `.up.sql` / `.down.sql`)
 * of a Rust crate that depends on sqlx. On Postgres sqlx runs each file in a transaction of its own,
 * unless the file's first bytes are `-- no-transaction`; then it sends the file as one query.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import '../src/parsers/node-platform.js';
import { lintFiles } from '../src/core.js';
import { chooseParser } from '../src/parsers/registry.js';
import { detectRepository } from '../src/cli/init-command.js';
import { cargoNamesSqlx } from '../src/parsers/formats/sqlx.js';

const CARGO_WITH_SQLX = `[package]
name = "billing"
version = "0.1.0"
edition = "2021"

[dependencies]
sqlx = { version = "0.8", features = ["runtime-tokio", "postgres", "migrate"] }
tokio = { version = "1", features = ["full"] }
`;

const CARGO_WITHOUT_SQLX = `[package]
name = "billing"
version = "0.1.0"
edition = "2021"

[dependencies]
diesel = { version = "2", features = ["postgres"] }
# sqlx = "0.8"  (tried once, removed)
sqlx-core = "0.8"
`;

describe('cargoNamesSqlx', () => {
  it('reads the ways Cargo.toml declares sqlx', () => {
    expect(cargoNamesSqlx(CARGO_WITH_SQLX)).toBe(true);
    expect(cargoNamesSqlx('[dependencies.sqlx]\nversion = "0.7"\n')).toBe(true);
    expect(cargoNamesSqlx('[workspace.dependencies]\nsqlx = { version = "0.8.1", default-features = false }\n')).toBe(
      true,
    );
    expect(cargoNamesSqlx('[dependencies]\nsqlx.workspace = true\n')).toBe(true);
    expect(cargoNamesSqlx('[dev-dependencies]\n  sqlx = "0.8"\n')).toBe(true);
  });

  it('is not fooled by a comment or a crate with a longer name', () => {
    expect(cargoNamesSqlx(CARGO_WITHOUT_SQLX)).toBe(false);
    expect(cargoNamesSqlx('[dependencies]\nsqlx_migrate_helpers = "1"\nsqlxmq = "0.5"\n')).toBe(false);
  });
});

describe('detection on disk: a Cargo.toml naming sqlx in the directory or above', () => {
  const root = mkdtempSync(join(tmpdir(), 'ml-sqlx-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const file = (path: string, text = 'CREATE TABLE t (id bigint PRIMARY KEY);\n') => {
    const full = join(root, path);
    mkdirSync(join(full, '..'), { recursive: true });
    writeFileSync(full, text);
    return full;
  };
  const formatOf = (path: string) => chooseParser({ path, text: 'SELECT 1;\n' })?.format;

  it('takes simple and reversible files of a crate that depends on sqlx', () => {
    file('crate/Cargo.toml', CARGO_WITH_SQLX);
    expect(formatOf(file('crate/migrations/20240105101010_create_invoices.sql'))).toBe('sqlx');
    // the same names golang-migrate uses: the Cargo.toml decides
    expect(formatOf(file('crate/migrations/20240106101010_invoice_status.up.sql'))).toBe('sqlx');
    expect(formatOf(file('crate/migrations/20240106101010_invoice_status.down.sql'))).toBe('sqlx');
  });

  it('finds the workspace root Cargo.toml above a member crate', () => {
    file('ws/Cargo.toml', '[workspace]\nmembers = ["crates/*"]\n\n[workspace.dependencies]\nsqlx = "0.8"\n');
    file('ws/crates/api/Cargo.toml', '[package]\nname = "api"\n\n[dependencies]\naxum = "0.7"\n');
    expect(formatOf(file('ws/crates/api/migrations/1_init.sql'))).toBe('sqlx');
  });

  it('leaves numbered SQL files alone without that signal', () => {
    // no Cargo.toml at all
    expect(formatOf(file('plain/migrations/20240105101010_create_invoices.sql'))).toBe('sql');
    expect(formatOf(file('plain/migrations/000001_create_invoices.up.sql'))).toBe('golang-migrate');
    // a Rust crate on another migration tool
    file('diesel/Cargo.toml', CARGO_WITHOUT_SQLX);
    expect(formatOf(file('diesel/migrations/20240105101010_create_invoices.sql'))).toBe('sql');
  });

  it('init finds the sqlx migrations and the crate that declares sqlx', () => {
    file('init/Cargo.toml', CARGO_WITH_SQLX);
    file('init/migrations/20240105101010_create_invoices.sql');
    file('init/migrations/20240106101010_invoice_status.up.sql');
    file('init/migrations/20240106101010_invoice_status.down.sql', 'DROP TABLE t;\n');
    const facts = detectRepository(join(root, 'init'));
    expect(facts.formats).toEqual([{ format: 'sqlx', files: 3, dirs: ['migrations'] }]);
    expect(facts.declaredTools).toEqual(['sqlx']);
  });

  it('needs the <VERSION>_ file name even in a sqlx crate', () => {
    file('named/Cargo.toml', CARGO_WITH_SQLX);
    expect(formatOf(file('named/sql/schema.sql'))).toBe('sql');
    expect(formatOf(file('named/migrations/v1_init.sql'))).toBe('sql');
  });
});

const cargo = { path: 'billing/Cargo.toml', text: CARGO_WITH_SQLX };
const at = (name: string, text: string) => ({ path: `billing/migrations/${name}`, text });
const INDEX = 'CREATE INDEX CONCURRENTLY invoices_due_on_idx ON invoices (due_on);\n';

describe('sqlx transaction model', () => {
  it('runs a file in a transaction: CONCURRENTLY there is refused', async () => {
    const { findings, migrations } = await lintFiles([cargo, at('20240210090000_invoices_due_on_index.sql', INDEX)]);
    expect(migrations.map((m) => [m.format, m.transaction])).toEqual([['sqlx', 'wrapped']]);
    const banned = findings.filter((f) => f.rule === 'ban-concurrent-index-creation-in-transaction');
    expect(banned.map((f) => f.line)).toEqual([1]);
    expect(banned[0]!.message).toContain('sqlx runs each migration file in a transaction');
    // the fix in sqlx's terms
    expect(banned[0]!.help).toContain('`-- no-transaction`');
    expect(findings.map((f) => f.rule)).not.toContain('require-concurrent-index-creation');
  });

  it('runs a file that starts with -- no-transaction outside one: a lone CONCURRENTLY is fine', async () => {
    const { findings, migrations } = await lintFiles([
      cargo,
      at('20240210090000_invoices_due_on_index.sql', `-- no-transaction\n${INDEX}`),
    ]);
    expect(migrations.map((m) => [m.format, m.transaction])).toEqual([['sqlx', 'implicit']]);
    expect(findings.map((f) => f.rule)).toEqual([]);
  });

  it('sends a -- no-transaction file as one query: several statements share an implicit transaction', async () => {
    const { findings } = await lintFiles([
      cargo,
      at(
        '20240210090000_invoices_indexes.sql',
        `-- no-transaction\n${INDEX}CREATE INDEX CONCURRENTLY invoices_customer_idx ON invoices (customer_id);\n`,
      ),
    ]);
    const banned = findings.filter((f) => f.rule === 'ban-concurrent-index-creation-in-transaction');
    expect(banned.map((f) => f.line)).toEqual([2, 3]);
    expect(banned[0]!.message).toContain('one multi-statement query');
  });

  it('honours the marker only as the first bytes of the file, as sqlx does', async () => {
    const { migrations } = await lintFiles([
      cargo,
      at('20240210090000_invoices_due_on_index.sql', `\n-- no-transaction\n${INDEX}`),
      at('20240211090000_invoices_paid_index.sql', `-- No-Transaction\n${INDEX}`),
    ]);
    expect(migrations.map((m) => m.transaction)).toEqual(['wrapped', 'wrapped']);
  });

  it('without the Cargo.toml the same file is plain SQL; --framework sqlx selects sqlx anyway', async () => {
    const file = at('20240210090000_invoices_due_on_index.sql', INDEX);
    const plain = await lintFiles([file]);
    expect(plain.migrations.map((m) => [m.format, m.transaction])).toEqual([['sql', 'none']]);
    expect(plain.findings.map((f) => f.rule)).not.toContain('ban-concurrent-index-creation-in-transaction');
    const forced = await lintFiles([file], { framework: 'sqlx' });
    expect(forced.migrations.map((m) => [m.format, m.transaction])).toEqual([['sqlx', 'wrapped']]);
    expect(forced.findings.map((f) => f.rule)).toContain('ban-concurrent-index-creation-in-transaction');
  });

  it('a stray BEGIN inside the transaction sqlx opens is ignored by Postgres, and said so', async () => {
    const { findings } = await lintFiles([
      cargo,
      at('20240212090000_invoice_kind.sql', 'BEGIN;\nALTER TABLE invoices ADD COLUMN kind text;\n'),
    ]);
    expect(findings.map((f) => f.rule)).not.toContain('ban-uncommitted-transaction');
    const nesting = findings.filter((f) => f.rule === 'transaction-nesting');
    expect(nesting.map((f) => f.line)).toEqual([1]);
    expect(nesting[0]!.message).toContain('no COMMIT follows in this file');
  });
});

describe('sqlx reversible migrations', () => {
  it('pairs an empty .down.sql with its .up.sql', async () => {
    const up = at('20240301120000_invoice_notes.up.sql', 'ALTER TABLE invoices ADD COLUMN notes text;\n');
    const emptyDown = at('20240301120000_invoice_notes.down.sql', '-- Add down migration script here\n');
    const { findings } = await lintFiles([cargo, up, emptyDown]);
    const empty = findings.filter((f) => f.rule === 'empty-downgrade');
    expect(empty.map((f) => f.file)).toEqual([emptyDown.path]);
    const undone = await lintFiles([cargo, up, { ...emptyDown, text: 'ALTER TABLE invoices DROP COLUMN notes;\n' }]);
    expect(undone.findings.map((f) => f.rule)).not.toContain('empty-downgrade');
  });

  it('keeps the version as the revision and each file its direction', async () => {
    const { migrations } = await lintFiles([
      cargo,
      at('20240301120000_invoice_notes.up.sql', 'ALTER TABLE invoices ADD COLUMN notes text;\n'),
      at('20240301120000_invoice_notes.down.sql', 'ALTER TABLE invoices DROP COLUMN notes;\n'),
    ]);
    expect(migrations.map((m) => [m.revision, m.fileDirection])).toEqual([
      ['20240301120000', 'upgrade'],
      ['20240301120000', 'downgrade'],
    ]);
  });
});
