/**
 * Issue 9, classes 1 and 5, for the TypeScript/JavaScript frontends: code the target database never
 * runs (branches on which database runs the migration, code after an early return) produces no ops;
 * a condition the linter cannot decide keeps its ops, marked conditional, and findings on them say so;
 * statements behind promise chains, loops over constant lists and Sequelize replacements are read;
 * a Kysely builder never executed sends nothing; provider modules are not migrations.
 */
import { describe, expect, it } from 'vitest';
import type { Migration, Operation } from '../../src/ir/types.js';
import { decodeSource } from '../../src/files/read.js';
import { lintSources } from '../../src/linter.js';
import { chooseParser, parseFile } from '../../src/parsers/registry.js';
import { initSqlParser } from '../../src/parsers/sql/parse-sql.js';
import { lintAll } from './helpers.js';
import { stringContaining } from '../helpers/matchers.js';

async function parse(path: string, text: string, dialect: 'postgresql' | 'sqlite' = 'postgresql'): Promise<Migration> {
  await initSqlParser();
  const [m, ...more] = (await parseFile({ path, text }, { assumeInTransaction: false, dialect })) ?? [];
  if (!m || more.length) throw new Error(`expected one migration in ${path}`);
  return m;
}

/** `kind line [table.column] [only when …]` per op, in order. */
function ops(m: Migration, direction: Operation['direction'] = 'upgrade'): string[] {
  return m.ops
    .filter((op) => op.direction === direction && op.kind !== 'transaction')
    .map((op) => {
      const o = op as Operation & {
        table?: { name: string };
        tables?: { name: string }[];
        column?: string | { name: string };
      };
      const column = typeof o.column === 'string' ? o.column : o.column?.name;
      const table = o.table ?? o.tables?.[0];
      const what = table ? ` ${table.name}${column ? `.${column}` : ''}` : '';
      return `${op.kind} ${op.span.line}${what}${op.conditional ? ` [${op.conditional.reason}]` : ''}`;
    });
}

describe('class 1: checks of which database runs the migration are decided for --dialect', () => {
  const knexPortable = [
    'exports.up = async function (knex) {',
    "  const isSQLite = knex.client.config.client === 'sqlite3';",
    '  if (isSQLite) {',
    "    await knex.schema.alterTable('posts', (t) => { t.dropColumn('legacy'); });",
    '    return;',
    '  }',
    "  await knex.raw('ALTER TABLE posts DROP COLUMN legacy, ADD COLUMN body text');",
    '};',
    'exports.down = async function (knex) {',
    "  const isSQLite = knex.client.config.client === 'sqlite3';",
    '  if (!isSQLite) return;',
    "  await knex.schema.alterTable('posts', (t) => { t.string('legacy'); });",
    '};',
  ].join('\n');

  it('Knex: a local const tested in up and in down; the SQLite branch ends in return', async () => {
    const m = await parse('m.js', knexPortable);
    expect(ops(m)).toEqual(['drop-column 7 posts.legacy', 'add-column 7 posts.body']);
    // down returns at once on Postgres: nothing runs, so the downgrade is empty.
    expect(ops(m, 'downgrade')).toEqual([]);
    expect(m.downgrade?.state).toBe('empty');
  });

  it('the same file read for --dialect sqlite takes the other path', async () => {
    const m = await parse('m.js', knexPortable, 'sqlite');
    expect(ops(m)).toEqual(['drop-column 4 posts.legacy']);
    expect(ops(m, 'downgrade')).toEqual(['add-column 12 posts.legacy']);
  });

  // A project whose own runner passes the database to up() (Kysely has no dialect object to ask).
  const kyselyDialectParameter = [
    "import { Kysely, sql } from 'kysely';",
    "export async function up(db: Kysely<any>, dialect: 'sqlite' | 'postgresql'): Promise<void> {",
    "  await db.schema.alterTable('Invoice').addColumn('currency', 'text').execute();",
    "  if (dialect === 'sqlite') {",
    '    await sql`PRAGMA foreign_keys=0`.execute(db);',
    "    await db.schema.dropTable('InvoiceLegacy').execute();",
    '    await sql`PRAGMA foreign_keys=1`.execute(db);',
    '  } else {',
    '    await sql`ALTER TABLE "Invoice" ALTER COLUMN "total" TYPE numeric(12, 2)`.execute(db);',
    '  }',
    "  if (dialect !== 'postgresql') return;",
    "  await db.schema.alterTable('Invoice').dropColumn('legacyTotal').execute();",
    '}',
    'export async function down(db: Kysely<any>, dbType: string): Promise<void> {',
    "  if (dbType == 'postgres') await db.schema.alterTable('Invoice').dropColumn('currency').execute();",
    '}',
  ].join('\n');

  it("Kysely: a dialect handed to up() as a parameter is decided by name (SQLite's PRAGMA branch is not read)", async () => {
    const m = await parse('20250301-invoice_currency.ts', kyselyDialectParameter);
    expect(m.diagnostics).toEqual([]);
    expect(ops(m)).toEqual([
      'add-column 3 Invoice.currency',
      'alter-column-type 9 Invoice.total',
      'drop-column 12 Invoice.legacyTotal',
    ]);
    expect(ops(m, 'downgrade')).toEqual(['drop-column 15 Invoice.currency']);
    const sqlite = await parse('20250301-invoice_currency.ts', kyselyDialectParameter, 'sqlite');
    expect(ops(sqlite)).toEqual(['add-column 3 Invoice.currency', 'drop-table 6 InvoiceLegacy']);
  });

  it("a name that is not a database's (even one every object has, like constructor) leaves the branch undecided", async () => {
    const src = [
      'exports.up = async function (knex) {',
      "  if (knex.client.config.client === 'constructor') {",
      "    await knex.schema.alterTable('posts', (t) => { t.dropColumn('legacy'); });",
      '  }',
      '};',
      'exports.down = async () => {};',
    ].join('\n');
    expect(ops(await parse('m.js', src))).toEqual([
      "drop-column 3 posts.legacy [`knex.client.config.client === 'constructor'`]",
    ]);
  });

  it('negations, &&, ||, includes() on a list and on the client name, startsWith, knex.client.dialect', async () => {
    const cases: [string, boolean][] = [
      ["knex.client.dialect === 'postgresql'", true],
      ["knex.client.dialect !== 'sqlite3'", true],
      ["!(knex.client.config.client === 'pg')", false],
      ["knex.client.config.client.includes('sqlite')", false],
      ["knex.client.config.client.startsWith('postgres')", true],
      ["['pg', 'postgres', 'postgresql'].includes(knex.client.config.client)", true],
      ["['mysql', 'mysql2'].includes(knex.client.config.client) || knex.client.dialect === 'mssql'", false],
      ["knex.client.dialect === 'postgresql' && DRY_RUN", false], // DRY_RUN = false below
      ["knex.client.driverName === 'better-sqlite3'", false],
    ];
    for (const [test, runs] of cases) {
      const src = `const DRY_RUN = false;\nexports.up = async (knex) => {\n  if (${test}) {\n    await knex.raw('DROP TABLE a');\n  } else {\n    await knex.raw('DROP TABLE b');\n  }\n};\nexports.down = async () => {};\n`;
      const m = await parse('m.js', src);
      expect(ops(m), test).toEqual([runs ? 'drop-table 4 a' : 'drop-table 6 b']);
    }
  });

  it('TypeORM options.type / driver.options.type, a ternary and a throw in the non-Postgres branch', async () => {
    const src = [
      "import { MigrationInterface, QueryRunner } from 'typeorm';",
      'export class Portable1700000000000 implements MigrationInterface {',
      '  public async up(queryRunner: QueryRunner): Promise<void> {',
      "    if (queryRunner.connection.driver.options.type !== 'postgres') {",
      "      throw new Error('Postgres only');",
      '    }',
      "    const json = queryRunner.connection.options.type === 'postgres' ? 'jsonb' : 'text';",
      '    await queryRunner.query(`ALTER TABLE "user" ADD "prefs" ${json}`);',
      "    queryRunner.connection.options.type === 'mysql' ? await queryRunner.query('ALTER TABLE user MODIFY name TEXT') : await queryRunner.query('ALTER TABLE \"user\" ALTER COLUMN \"name\" DROP NOT NULL');",
      '  }',
      '  public async down(queryRunner: QueryRunner): Promise<void> {}',
      '}',
    ].join('\n');
    const m = await parse('1700000000000-Portable.ts', src);
    expect(m.diagnostics).toEqual([]);
    expect(ops(m)).toEqual(['add-column 8 user.prefs', 'drop-not-null 9 user.name']);
    const add = m.ops.find((op) => op.kind === 'add-column');
    expect(add?.kind === 'add-column' && add.column.type.name).toBe('jsonb');
  });

  it('TypeORM: switch on dataSource.options.type with enum members, each case calling a method of the migration class', async () => {
    const src = [
      "import { MigrationInterface, QueryRunner } from 'typeorm';",
      "import { DatabaseTypeEnum } from '@acme/config';",
      'export class AddInvoiceTags1700000000000 implements MigrationInterface {',
      '  public async up(queryRunner: QueryRunner): Promise<void> {',
      '    switch (queryRunner.dataSource.options.type as DatabaseTypeEnum) {',
      '      case DatabaseTypeEnum.sqlite:',
      '      case DatabaseTypeEnum.betterSqlite3:',
      '        await this.sqliteUp(queryRunner);',
      '        break;',
      '      case DatabaseTypeEnum.postgres:',
      '        await this.postgresUp(queryRunner);',
      '        break;',
      '      default:',
      '        throw Error(`Unsupported database: ${queryRunner.dataSource.options.type}`);',
      '    }',
      '  }',
      '  public async down(queryRunner: QueryRunner): Promise<void> {}',
      '  private async postgresUp(queryRunner: QueryRunner): Promise<void> {',
      '    await queryRunner.query(`CREATE INDEX "IDX_invoice_tag" ON "invoice" ("tagId")`);',
      '  }',
      '  private async sqliteUp(queryRunner: QueryRunner): Promise<void> {',
      '    await queryRunner.query(`CREATE TABLE "temporary_invoice" ("id" varchar PRIMARY KEY NOT NULL)`);',
      '    await queryRunner.query(`DROP TABLE "invoice"`);',
      '  }',
      '}',
    ].join('\n');
    const m = await parse('1700000000000-AddInvoiceTags.ts', src);
    expect(ops(m)).toEqual(['create-index 19 invoice']);
    expect(m.ops.filter((op) => op.kind === 'unknown')).toEqual([]);
  });

  it("TypeORM: a switch on the project's own configured database type (`config.db.default.type`) with enum cases: only the Postgres case is read", async () => {
    // The MySQL case's backtick-quoted SQL would be a syntax error for Postgres: it is code for another database.
    const src = [
      "import { MigrationInterface, QueryRunner } from 'typeorm';",
      "import { settings } from '../settings';",
      "import { DbKind } from '../db-kind';",
      'export class AddShelf1600000000000 implements MigrationInterface {',
      '  public async up(queryRunner: QueryRunner): Promise<void> {',
      '    switch (settings.db.primary.type) {',
      '      case DbKind.POSTGRES:',
      '        await queryRunner.query(`ALTER TABLE "book" ADD COLUMN "shelf_id" uuid`);',
      '        await queryRunner.query(`CREATE INDEX "book_shelf_idx" ON "book" ("shelf_id")`);',
      '        break;',
      '      case DbKind.MYSQL:',
      '        await queryRunner.query("ALTER TABLE `book` ADD COLUMN `shelf_id` char(36)");',
      '        break;',
      '      default:',
      "        throw new Error('unsupported database');",
      '    }',
      '  }',
      '  public async down(queryRunner: QueryRunner): Promise<void> {',
      "    if (settings.database.type === 'mysql') {",
      '      await queryRunner.query("ALTER TABLE `book` DROP COLUMN `shelf_id`");',
      '      return;',
      '    }',
      '    await queryRunner.query(`ALTER TABLE "book" DROP COLUMN "shelf_id"`);',
      '  }',
      '}',
    ].join('\n');
    const m = await parse('1600000000000-AddShelf.ts', src);
    expect(ops(m)).toEqual(['add-column 8 book.shelf_id', 'create-index 9 book']);
    expect(ops(m, 'downgrade')).toEqual(['drop-column 23 book.shelf_id']);
    expect(m.diagnostics).toEqual([]);
    // Only the database's name decides: the same configuration read compared with anything else stays a condition.
    const other = await parse('1600000000001-Other.ts', src.replace('case DbKind.POSTGRES:', 'case DbKind.PRIMARY:'));
    expect(ops(other)[0]).toMatch(/^add-column 8 book\.shelf_id \[/);
  });

  it("a down() whose Postgres case holds another database's SQL is not empty: the rollback fails on that statement", async () => {
    const src = [
      "import { MigrationInterface, QueryRunner } from 'typeorm';",
      "import { settings } from '../settings';",
      "import { DbKind } from '../db-kind';",
      'export class MemberIndex1600000000002 implements MigrationInterface {',
      '  public async up(queryRunner: QueryRunner): Promise<void> {',
      '    await queryRunner.query(`CREATE UNIQUE INDEX "member_uq" ON "member" ("team_id", "user_id")`);',
      '  }',
      '  public async down(queryRunner: QueryRunner): Promise<void> {',
      '    switch (settings.db.primary.type) {',
      '      case DbKind.POSTGRES:',
      '        await queryRunner.query(`DROP INDEX IF EXISTS "member_uq" ON "member"`);',
      '        break;',
      '      case DbKind.MYSQL:',
      '        await queryRunner.query("DROP INDEX `member_uq` ON `member`");',
      '        break;',
      '    }',
      '  }',
      '}',
    ].join('\n');
    const m = await parse('1600000000002-MemberIndex.ts', src);
    expect(m.diagnostics.map((d) => `${d.span.line} ${d.message}`)).toEqual(['11 syntax error at or near "ON"']);
    expect(m.downgrade?.state).toBe('present');
    expect(lintAll([m]).map((f) => f.rule)).not.toContain('empty-downgrade');
  });

  it('Sequelize switch (getDialect()) with fall-through, default and break; a ternary picks the data type', async () => {
    const src = [
      'module.exports = {',
      '  async up(queryInterface, Sequelize) {',
      '    const dialect = queryInterface.sequelize.getDialect();',
      '    switch (dialect) {',
      "      case 'mysql':",
      "      case 'mariadb':",
      "        await queryInterface.sequelize.query('ALTER TABLE users MODIFY email VARCHAR(300)');",
      '        break;',
      "      case 'postgres':",
      "        await queryInterface.changeColumn('users', 'email', { type: Sequelize.TEXT, allowNull: false });",
      "      case 'sqlite':",
      "        await queryInterface.addIndex('users', ['email']);",
      '        break;',
      '      default:',
      "        throw new Error('unsupported');",
      '    }',
      "    await queryInterface.addColumn('users', 'meta', { type: dialect === 'postgres' ? Sequelize.JSONB : Sequelize.JSON });",
      '  },',
      '  async down() {},',
      '};',
    ].join('\n');
    const m = await parse('20240101000000-email.js', src);
    expect(m.diagnostics).toEqual([]);
    // The postgres case falls through into the sqlite case until its break.
    expect(ops(m)).toEqual([
      'set-not-null 10 users.email',
      'set-default 10 users.email',
      'alter-column-type 10 users.email',
      'create-index 12 users',
      'add-column 17 users.meta',
    ]);
    const meta = m.ops.find((op) => op.kind === 'add-column');
    expect(meta?.kind === 'add-column' && meta.column.type.name).toBe('jsonb');
    expect(m.ops.filter((op) => op.kind === 'unknown')).toEqual([]);
  });

  it('a condition that cannot be decided keeps its ops, marked; the code after a branch that returns is marked with the opposite', async () => {
    const src = [
      'exports.up = async function (knex) {',
      "  if (!(await knex.schema.hasColumn('orders', 'currency'))) {",
      "    await knex.schema.alterTable('orders', (t) => { t.string('currency', 3).notNullable(); });",
      '  }',
      '  if (process.env.SKIP_BACKFILL) return;',
      "  await knex.raw('ALTER TABLE orders ALTER COLUMN currency SET NOT NULL');",
      "  await knex.schema.alterTable('orders', (t) => {",
      "    if (process.env.LEGACY) t.dropColumn('legacy_total');",
      '  });',
      '};',
      'exports.down = async () => {};',
    ].join('\n');
    const m = await parse('m.js', src);
    expect(ops(m)).toEqual([
      "add-column 3 orders.currency [`!(await knex.schema.hasColumn('orders', 'currency'))`]",
      'set-not-null 6 orders.currency [not `process.env.SKIP_BACKFILL`]',
      // Knex sends a table callback's statements after reading it: the condition inside still holds.
      'drop-column 8 orders.legacy_total [`process.env.LEGACY` and not `process.env.SKIP_BACKFILL`]',
    ]);
    // The engine says so once, in the message, for every rule.
    const findings = lintAll([m], false);
    const required = findings.find((f) => f.rule === 'adding-required-field');
    expect(required?.message).toMatch(/\(only when `!\(await knex\.schema\.hasColumn\('orders', 'currency'\)\)`\)$/);
    expect(findings.find((f) => f.rule === 'adding-not-nullable-field')?.message).toMatch(
      /\(only when not `process\.env\.SKIP_BACKFILL`\)$/,
    );
  });

  it('an index on a table created under the same undecided condition is on a new table; outside that branch it is not', async () => {
    // The create-if-missing guard: the branch that creates the table is the branch that indexes it.
    const src = [
      "'use strict';",
      'module.exports = {',
      '  async up(queryInterface, Sequelize) {',
      "    if (!(await queryInterface.tableExists('Reminders'))) {",
      "      await queryInterface.createTable('Reminders', {",
      '        id: { type: Sequelize.INTEGER, primaryKey: true, autoIncrement: true },',
      '        dueAt: { type: Sequelize.DATE, allowNull: false },',
      '      });',
      "      await queryInterface.addIndex('Reminders', ['dueAt']);",
      "      await queryInterface.addColumn('Reminders', 'note', { type: Sequelize.TEXT, allowNull: false });",
      "      await queryInterface.addColumn('Invoices', 'ReminderId', { type: Sequelize.INTEGER });",
      "      await queryInterface.addIndex('Invoices', ['ReminderId']);",
      '      if (process.env.WITH_SEARCH) {',
      "        await queryInterface.addIndex('Reminders', ['id', 'dueAt']);",
      '      }',
      '    }',
      "    await queryInterface.addIndex('Reminders', ['id']);",
      '  },',
      "  async down(queryInterface) { await queryInterface.dropTable('Reminders'); },",
      '};',
    ].join('\n');
    const m = await parse('20250101-reminders.js', src);
    const findings = lintAll([m], false).filter((f) =>
      ['require-concurrent-index-creation', 'adding-required-field'].includes(f.rule),
    );
    expect(findings.map((f) => `${f.rule} ${f.line}`)).toEqual([
      // Invoices existed before: its index blocks writes whichever branch runs.
      'require-concurrent-index-creation 12',
      // After the branch, Reminders may be a table that already existed.
      'require-concurrent-index-creation 17',
    ]);
  });

  it('a migration whose code runs only on other databases is not reported as an empty migration', async () => {
    const src = [
      'exports.up = async function (knex) {',
      "  if (knex.client.dialect === 'sqlite3') {",
      "    await knex.raw('DROP INDEX IF EXISTS heartbeat_important_index');",
      '  }',
      '};',
      'exports.down = async function (knex) {};',
    ].join('\n');
    const result = await lintSources([
      { path: 'migrations/20240101_sqlite_fix.js', content: decodeSource(Buffer.from(src)) },
    ]);
    expect(result.migrations[0]!.ops).toEqual([]);
    expect(result.findings.map((f) => f.rule)).toEqual([]);
  });
});

describe('class 5: statements hidden behind promise chains, loops and placeholders', () => {
  it('Sequelize .then() chains and Promise.all([...]) are read in order', async () => {
    const src = [
      'module.exports = {',
      '  up: (queryInterface, Sequelize) =>',
      "    queryInterface.addColumn('users', 'role', { type: Sequelize.TEXT })",
      "      .then(() => queryInterface.addIndex('users', ['role']))",
      "      .then(() => queryInterface.changeColumn('users', 'role', { type: Sequelize.TEXT, allowNull: false }))",
      "      .catch(() => queryInterface.removeColumn('users', 'role')),",
      '  down: (queryInterface) => Promise.all([',
      "    queryInterface.removeIndex('users', ['role']),",
      "    queryInterface.removeColumn('users', 'role'),",
      '  ]),',
      '};',
    ].join('\n');
    const m = await parse('20240101000000-role.js', src);
    expect(ops(m)).toEqual([
      'add-column 3 users.role',
      'create-index 4 users',
      'set-not-null 5 users.role',
      'set-default 5 users.role',
      'alter-column-type 5 users.role',
      'drop-column 6 users.role [the call before it fails]',
    ]);
    expect(ops(m, 'downgrade')).toEqual(['drop-index 8', 'drop-column 9 users.role']);
  });

  it('loops over constant lists: for…of (with destructuring), Promise.all(list.map(…)), forEach', async () => {
    const src = [
      "const TABLES = ['orders', 'invoices'];",
      'exports.up = async function (knex) {',
      '  for (const table of TABLES) {',
      "    await knex.schema.alterTable(table, (t) => t.index(['created_at']));",
      '  }',
      "  for (const { table, column } of [{ table: 'users', column: 'email' }]) {",
      '    await knex.schema.alterTable(table, (t) => t.dropColumn(column));',
      '  }',
      "  await Promise.all(['a', 'b'].map((name) => knex.schema.dropTable(name)));",
      '  await Promise.all(TABLES.map((table) => knex.raw(`ALTER TABLE ${table} ADD COLUMN note text`)));',
      '};',
      'exports.down = async () => {};',
    ].join('\n');
    const m = await parse('m.js', src);
    expect(ops(m)).toEqual([
      'create-index 4 orders',
      'create-index 4 invoices',
      'drop-column 7 users.email',
      'drop-table 9 a',
      'drop-table 9 b',
      'add-column 10 orders.note',
      'add-column 10 invoices.note',
    ]);
    expect(m.ops.filter((op) => op.kind === 'unknown')).toEqual([]);

    // queryInterface calls return promises that start at once: forEach runs each of them.
    const forEach = [
      'module.exports = {',
      '  async up(queryInterface) {',
      "    ['Sessions', 'AuditEvents'].forEach((table) => queryInterface.addIndex(table, ['archivedAt']));",
      '  },',
      '  async down() {},',
      '};',
    ].join('\n');
    expect(ops(await parse('20240101000000-archive.js', forEach))).toEqual([
      'create-index 3 Sessions',
      'create-index 3 AuditEvents',
    ]);

    // the element destructured inside the body, with a renamed key and names built from a constant
    const bodyDestructuring = [
      "const PREFIX = 'app_';",
      'exports.up = async function (knex) {',
      '  const tables = [',
      '    { name: `${PREFIX}sessions`, purge: true },',
      '    { name: `${PREFIX}configs`, purge: false },',
      '  ];',
      '  for (const entry of tables) {',
      '    const { name: target, purge } = entry;',
      "    await knex.schema.alterTable(target, (t) => t.integer('tenant_id'));",
      "    if (purge) await knex.raw('TRUNCATE TABLE ?? CASCADE', [target]);",
      "    if (target === `${PREFIX}configs`) await knex.schema.alterTable(target, (t) => t.dropColumn('account_id'));",
      '  }',
      '};',
      'exports.down = async () => {};',
    ].join('\n');
    expect(ops(await parse('20230707000000_tenants.js', bodyDestructuring))).toEqual([
      'add-column 9 app_sessions.tenant_id',
      'truncate 10 app_sessions',
      'add-column 9 app_configs.tenant_id',
      // a comparison of two known strings is decided for each element
      'drop-column 11 app_configs.account_id',
    ]);
  });

  it('Sequelize replacements (:name, ?) and bind parameters ($name) are placeholders, not syntax errors', async () => {
    const src = [
      'module.exports = {',
      '  async up(queryInterface) {',
      "    await queryInterface.sequelize.query('UPDATE users SET plan = :plan WHERE created_at < :cutoff AND note <> \\':x\\' AND id::text <> \\'\\'', { replacements: { plan: 'free', cutoff: new Date() } });",
      "    await queryInterface.sequelize.query('DELETE FROM sessions WHERE id IN (?)', { replacements: [[1, 2]] });",
      "    await queryInterface.sequelize.query('UPDATE users SET plan = $plan', { bind: { plan: 'free' } });",
      "    await queryInterface.sequelize.query('UPDATE users SET plan = :plan');",
      '  },',
      '  async down() {},',
      '};',
    ].join('\n');
    const m = await parse('20240101000000-plans.js', src);
    expect(ops(m)).toEqual(['data-change 3 users', 'data-change 4 sessions', 'data-change 5 users']);
    // Without replacements Sequelize sends `:plan` as written: that is a syntax error.
    expect(m.diagnostics.map((d) => [d.rule, d.span.line])).toEqual([['parse-error', 6]]);
  });

  it('Kysely: builders never executed send nothing; a down() made only of them is an empty downgrade that says why', async () => {
    const src = [
      "import { Kysely } from 'kysely'",
      'export async function up(db: Kysely<any>): Promise<void> {',
      "  await db.schema.alterTable('pet').addColumn('adopted', 'boolean').execute()",
      '}',
      'export async function down(db: Kysely<any>): Promise<void> {',
      "  await db.schema.alterTable('pet').dropColumn('adopted')",
      '}',
    ].join('\n');
    const m = await parse('2024_01_01_pet.ts', src);
    expect(ops(m, 'downgrade')).toEqual([]);
    expect(m.downgrade).toMatchObject({ state: 'empty', note: stringContaining('never call .execute()') });
    const finding = lintAll([m], false).find((f) => f.rule === 'empty-downgrade');
    expect(finding?.message).toContain(
      "never call .execute(), so they send nothing: db.schema.alterTable('pet').dropColumn('adopted') (line 6)",
    );
  });

  it('a migration provider or runner module is skipped with its reason; exports.up = async knex => … is a Knex migration', async () => {
    const provider = [
      "import type { Kysely, Migration, MigrationProvider } from 'kysely'",
      "import * as init from './2024_01_01_init'",
      'export const provider: MigrationProvider = {',
      '  async getMigrations(): Promise<Record<string, Migration>> {',
      "    return { '2024_01_01_init': { up: (db: Kysely<any>) => init.up(db), down: (db: Kysely<any>) => init.down(db) } }",
      '  },',
      '}',
    ].join('\n');
    expect(chooseParser({ path: 'migrations/provider.ts', text: provider })).toBeUndefined();
    const barrel =
      "import * as m001 from './001_init';\nimport * as m002 from './002_email';\n\nexport const migrations = {\n  '001_init': m001,\n  '002_email': m002,\n};\n";
    const dataOnly =
      "exports.up = async knex => {\n  await knex('users').update({ active: true });\n};\nexports.down = async knex => {};\n";
    const result = await lintSources([
      { path: 'migrations/provider.ts', content: decodeSource(Buffer.from(provider)) },
      { path: 'migrations/index.ts', content: decodeSource(Buffer.from(barrel)) },
      { path: 'migrations/20240102_activate.js', content: decodeSource(Buffer.from(dataOnly)) },
    ]);
    expect(result.skipped).toEqual([
      { path: 'migrations/provider.ts', reason: 'not a migration: a module that provides or runs the migrations' },
      { path: 'migrations/index.ts', reason: 'not a migration: an index module that lists the migrations' },
    ]);
    expect(result.migrations.map((m) => [m.file, m.format, m.ops.map((op) => op.kind)])).toEqual([
      ['migrations/20240102_activate.js', 'knex', ['data-change']],
    ]);
    // A data-only migration may keep an empty down(): no empty-downgrade. (Its whole-table UPDATE is
    // ban-unfiltered-data-change's business, reported as it should be.)
    expect(result.findings.map((f) => f.rule)).toEqual(['ban-unfiltered-data-change']);
  });
});
