/**
 * The shared TypeScript/JavaScript frontend: SQL inside strings and template literals (exact
 * positions through escapes, CRLF, non-ASCII, concatenation, constants), `${}` placeholders,
 * parse errors, framework detection from imports and shapes, and what happens to files that are not
 * migrations.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseParser } from '../../src/parsers/registry.js';
import { lintSources } from '../../src/linter.js';
import { decodeSource } from '../../src/files/read.js';
import { lintAll, parseTs, parseTsAll } from './helpers.js';
import { stringContaining } from '../helpers/matchers.js';

const knexFile = (body: string, header = '') => `${header}exports.up = async function (knex) {\n${body}\n};\n`;

/** 1-based line/column of the first occurrence of `needle` in `text`. */
function where(text: string, needle: string): [number, number] {
  const at = text.indexOf(needle);
  expect(at, needle).toBeGreaterThanOrEqual(0);
  const before = text.slice(0, at);
  return [before.split('\n').length, at - before.lastIndexOf('\n')];
}

describe('SQL in strings: positions in the .ts/.js file', () => {
  it("a single-quoted string with escapes: the statement after \\n and \\' starts where it is written", async () => {
    // JS source: 'UPDATE users SET note = \'it\'\'s\';\n  CREATE INDEX …' (SQL: 'it''s', then a newline).
    const src = knexFile(
      `  await knex.raw('UPDATE users SET note = \\'it\\'\\'s\\';\\n  CREATE INDEX users_note_idx ON users (note)');`,
    );
    const m = await parseTs('m.js', src);
    const index = m.ops.find((op) => op.kind === 'create-index')!;
    expect([index.span.line, index.span.column]).toEqual(where(src, 'CREATE INDEX'));
  });

  it('template literals with CRLF line endings and non-ASCII text before the statement', async () => {
    const src = knexFile(
      [
        '  // Überprüfung: naïve café',
        '  await knex.raw(`',
        '    -- größe',
        '    ALTER TABLE "bestellungen" ADD COLUMN "größe" integer NOT NULL',
        '  `);',
      ].join('\r\n'),
    )
      .replace(/\n/g, '\r\n')
      .replace(/\r\r\n/g, '\r\n');
    const m = await parseTs('m.js', src);
    const add = m.ops.find((op) => op.kind === 'add-column')!;
    const [line, column] = where(src.replace(/\r\n/g, '\n'), 'ALTER TABLE "bestellungen"');
    expect([add.span.line, add.span.column]).toEqual([line, column]);
    expect(add.column.name).toBe('größe');
  });

  it('string concatenation across lines and SQL held in a const elsewhere in the file', async () => {
    const header = 'const ADD_PLAN = `ALTER TABLE accounts\n  ADD COLUMN plan text NOT NULL`;\n';
    const src = knexFile(
      "  await knex.raw(ADD_PLAN);\n  await knex.raw('CREATE INDEX accounts_plan_idx ' +\n    'ON accounts (plan)');",
      header,
    );
    const m = await parseTs('m.js', src);
    const [add, index] = m.ops;
    // The op points where the SQL text is: in the const's template literal.
    expect([add!.span.line, add!.span.column]).toEqual([1, 19]);
    expect([index!.span.line, index!.span.column]).toEqual(where(src, 'CREATE INDEX'));
    expect(index!.span.endLine).toBe(index!.span.line + 1);
  });

  it('${} parts: constants are substituted, other values become placeholders named after the expression', async () => {
    const src = knexFile(
      '  const table = getTable();\n  await knex.raw(`CREATE INDEX ${TABLE}_email_idx ON ${TABLE} (email)`);\n  await knex.raw(`ALTER TABLE ${table} ADD COLUMN created timestamptz DEFAULT ${defaultExpr}`);',
      "const TABLE = 'users';\n",
    );
    const m = await parseTs('m.js', src);
    const [index, add] = m.ops;
    expect(index!.kind === 'create-index' && [index.name, index.table]).toEqual(['users_email_idx', { name: 'users' }]);
    expect(add!.kind === 'add-column' && add.table).toEqual({ name: '${table}' });
    // A default the file computes at run time is not assumed constant.
    expect(add!.kind === 'add-column' && add.column.default?.volatility).toBe('unknown');
    const findings = lintAll([m]).filter((f) => f.rule === 'require-concurrent-index-creation');
    expect(findings.map((f) => f.message)).toEqual([
      'CREATE INDEX users_email_idx on users without CONCURRENTLY blocks writes to the table until the index is built.',
    ]);
  });

  it('a syntax error in a constant SQL string is a parse-error at its position in the file', async () => {
    const src = knexFile(
      "  await knex.raw(`ALTER TABLE users\n    ADD COLUM age int`);\n  await knex.raw('CREATE INDEX i ON users (age)');",
    );
    const m = await parseTs('m.js', src);
    // `COLUM` reads as a column name and `age` as its type: Postgres stops at `int`.
    expect(m.diagnostics.map((d) => [d.rule, d.span.line, d.span.column])).toEqual([['parse-error', 3, 19]]);
    expect(m.diagnostics[0]!.message).toContain('syntax error at or near "int"');
    // The next statement is still read.
    expect(m.ops.map((op) => op.kind)).toEqual(['create-index']);
  });

  it('SQL made unparseable only by a ${} part is "not understood" (unknown op), not a syntax error in the file', async () => {
    const src = knexFile('  await knex.raw(`ALTER TABLE users ${action} COLUMN age`);');
    const m = await parseTs('m.js', src);
    expect(m.diagnostics).toEqual([]);
    expect(m.ops.map((op) => op.kind)).toEqual(['unknown']);
  });

  it('several statements in one string are one implicit transaction: CONCURRENTLY fails there even without a tool transaction', async () => {
    const src = knexFile(
      "  await knex.raw('CREATE INDEX CONCURRENTLY a_idx ON t (a); CREATE INDEX CONCURRENTLY b_idx ON t (b)');\n  await knex.raw('CREATE INDEX CONCURRENTLY c_idx ON t (c)');",
      'exports.config = { transaction: false };\n',
    );
    const m = await parseTs('m.js', src);
    expect(m.ops.map((op) => [op.kind, op.inTransaction])).toEqual([
      ['create-index', true],
      ['create-index', true],
      ['create-index', false],
    ]);
    expect(lintAll([m]).filter((f) => f.rule === 'ban-concurrent-index-creation-in-transaction')).toHaveLength(2);
  });
});

describe('files that do not parse or are not migrations', () => {
  it('a TypeScript syntax error is a parse-error finding at its position, and the run goes on', async () => {
    const broken =
      "import type { Knex } from 'knex';\nexport async function up(knex: Knex) {\n  await knex.schema.alterTable('users', (t) => {\n    t.string('x'\n  });\n}\n";
    const good = "exports.up = (knex) => knex.raw('DROP TABLE legacy');\n";
    const result = await lintSources([
      { path: 'a_broken.ts', content: decodeSource(Buffer.from(broken)) },
      { path: 'b_good.js', content: decodeSource(Buffer.from(good)) },
    ]);
    const parseErrors = result.findings.filter((f) => f.rule === 'parse-error');
    expect(parseErrors.map((f) => [f.file, f.line])).toEqual([['a_broken.ts', 5]]);
    expect(parseErrors[0]!.message).toMatch(/^Cannot parse this file as TypeScript\/JavaScript: /);
    expect(result.findings.some((f) => f.file === 'b_good.js' && f.rule === 'ban-drop-table')).toBe(true);
  });

  it('SQL that Postgres rejects in down() is a parse-error of the downgrade, at its line', async () => {
    // Postgres has no ALTER TYPE … DROP VALUE IF EXISTS: only rolling back would fail.
    const seq = [
      "'use strict';",
      'module.exports = {',
      '  async up(queryInterface) {',
      '    await queryInterface.sequelize.query(`ALTER TYPE "enum_Payouts_method" ADD VALUE IF NOT EXISTS \'WIRE\'`);',
      '  },',
      '  async down(queryInterface) {',
      '    await queryInterface.sequelize.query(`ALTER TYPE "enum_Payouts_method" DROP VALUE IF EXISTS \'WIRE\'`);',
      '  },',
      '};',
      '',
    ].join('\n');
    const pgmSql =
      '-- Up Migration\nALTER TABLE orders ADD COLUMN note text;\n\n-- Down Migration\nALTER TABLE orders DROP COLUMN note text;\n';
    const result = await lintSources([
      { path: 'migrations/20240301-payout-wire.js', content: decodeSource(Buffer.from(seq)) },
      { path: 'migrations/1710000000000_order-note.sql', content: decodeSource(Buffer.from(pgmSql)) },
    ]);
    const parseErrors = result.findings.filter((f) => f.rule === 'parse-error');
    expect(parseErrors.map((f) => [f.file, f.line, f.direction])).toEqual([
      ['migrations/20240301-payout-wire.js', 7, 'downgrade'],
      ['migrations/1710000000000_order-note.sql', 5, 'downgrade'],
    ]);
    // down() sends that statement (and fails): it is not a downgrade that "does nothing".
    expect(result.findings.filter((f) => f.rule === 'empty-downgrade')).toEqual([]);
  });

  it('SQL from a function of the file is read with its arguments and reported inside its text; a function that runs statements is not', async () => {
    const src = [
      "'use strict';",
      'const resetFlags = (table) => `',
      '  UPDATE "${table}" SET "flags" = 0',
      '`;',
      'function buildSql(table) {',
      '  const verb = Math.random() > 0.5 ? "VACUUM" : "ANALYZE";',
      '  return `${verb} "${table}"`;',
      '}',
      'module.exports = {',
      '  async up(queryInterface) {',
      "    await queryInterface.sequelize.query(resetFlags('Members'));",
      "    await queryInterface.sequelize.query(buildSql('Members'));",
      '  },',
      '  async down() {},',
      '};',
      '',
    ].join('\n');
    const result = await lintSources([
      { path: 'migrations/20240402-reset-flags.js', content: decodeSource(Buffer.from(src)) },
    ]);
    const unfiltered = result.findings.filter((f) => f.rule === 'ban-unfiltered-data-change');
    expect(unfiltered.map((f) => [f.line, f.column, f.message.slice(0, 30)])).toEqual([
      [3, 3, 'UPDATE "Members" has no WHERE '],
    ]);
    const unknown = result.migrations[0]!.ops.filter((op) => op.kind === 'unknown');
    expect(unknown.map((op) => op.span.line)).toEqual([12]);
  });

  it('a .ts/.js file that is not a migration is skipped quietly when walked, reported when named', async () => {
    const config = readFileSync('fixtures/knex/knexfile.js', 'utf8');
    const walked = await lintSources([
      { path: 'fixtures/knex/knexfile.js', content: decodeSource(Buffer.from(config)) },
    ]);
    expect(walked.findings).toEqual([]);
    expect(walked.skipped).toEqual([
      {
        path: 'fixtures/knex/knexfile.js',
        reason: stringContaining('not a migration of any supported framework'),
      },
    ]);
    const named = await lintSources([
      { path: 'fixtures/knex/knexfile.js', content: decodeSource(Buffer.from(config)), explicit: true },
    ]);
    expect(named.skipped).toEqual([]);
    expect(named.findings.map((f) => [f.rule, f.severity])).toEqual([['parse-error', 'error']]);
    expect(named.findings[0]!.message).toMatch(
      /^Not linted: not a migration of any supported framework \(.*knex.*\); --framework forces one\.$/,
    );
  });

  it('a migration whose whole code is commented out is skipped, not reported as defining no up()', async () => {
    // Kept as an archive: the code mentions queryInterface and up, but only inside comments.
    const archived = [
      '/* Archived: superseded by the ledger rewrite. */',
      "'use strict';",
      '/*',
      'module.exports = {',
      '  up: async (queryInterface) => {',
      '    await queryInterface.sequelize.query(\'UPDATE "Invoices" SET "total" = 0\');',
      '  },',
      '};',
      '*/',
      '// exports.down = async () => {};',
      '',
    ].join('\n');
    const live = `// Backfills totals.\n${archived.replace(/^\/\*\n/m, '').replace(/^\*\/\n/m, '')}`;
    const result = await lintSources([
      { path: 'migrations/20190101-archived.js', content: decodeSource(Buffer.from(archived)) },
      { path: 'migrations/20190102-live.js', content: decodeSource(Buffer.from(live)) },
    ]);
    expect(result.skipped).toEqual([
      { path: 'migrations/20190101-archived.js', reason: 'not a migration: the file holds no code, only comments' },
    ]);
    expect(result.findings.filter((f) => f.rule === 'parse-error')).toEqual([]);
    expect(result.migrations.map((m) => [m.file, m.format, m.ops.map((op) => op.kind)])).toEqual([
      ['migrations/20190102-live.js', 'sequelize', ['data-change']],
    ]);
  });

  it('--framework forces a frontend; a forced frontend that finds no up() says so', async () => {
    const src = 'export async function up(db) {\n  await db.schema.createTable("t", (t) => { t.increments(); });\n}\n';
    expect((await parseTs('m.ts', src)).format).toBe('knex');
    const forced = await parseTs('m.ts', src, 'kysely');
    expect(forced.format).toBe('kysely');
    const none = await parseTs('m.ts', 'export const x = 1;\n', 'typeorm');
    expect(none.diagnostics.map((d) => d.message)).toEqual([expect.stringContaining('No TypeORM migration found')]);
  });
});

describe('framework detection from imports and shapes', () => {
  const cases: [string, string, string][] = [
    [
      'knex, CommonJS',
      'x.js',
      "exports.up = function (knex) { return knex.schema.createTable('a', (t) => { t.increments(); }); };",
    ],
    [
      'knex, ESM with types',
      'x.mts',
      "import type { Knex } from 'knex';\nexport async function up(knex: Knex): Promise<void> {}",
    ],
    [
      'knex, module.exports object',
      'x.cjs',
      "module.exports = { up: async (knex) => knex.raw('SELECT 1'), down: async () => {} };",
    ],
    [
      'typeorm',
      'x.ts',
      'import { MigrationInterface, QueryRunner } from "typeorm";\nexport class A1 implements MigrationInterface { async up(queryRunner: QueryRunner) {} async down() {} }',
    ],
    [
      'typeorm, JavaScript class',
      'x.js',
      'module.exports = class A1 { async up(queryRunner) { await queryRunner.query("SELECT 1"); } };',
    ],
    [
      'kysely',
      'x.ts',
      "import { Kysely } from 'kysely';\nexport async function up(db: Kysely<any>) { await db.schema.createTable('a').execute(); }",
    ],
    [
      'node-pg-migrate',
      'x.js',
      "exports.shorthands = undefined;\nexports.up = (pgm) => { pgm.createTable('a', { id: 'id' }); };",
    ],
    [
      'node-pg-migrate, TypeScript',
      'x.ts',
      "import type { MigrationBuilder } from 'node-pg-migrate';\nexport async function up(pgm: MigrationBuilder): Promise<void> {}",
    ],
    [
      'sequelize',
      'x.js',
      "'use strict';\nmodule.exports = { async up (queryInterface, Sequelize) { await queryInterface.addColumn('a', 'b', Sequelize.STRING); } };",
    ],
    [
      'mikro-orm',
      'x.ts',
      "import { Migration } from '@mikro-orm/migrations';\nexport class Migration1 extends Migration { async up() { this.addSql('select 1'); } }",
    ],
  ];
  for (const [expected, path, text] of cases) {
    it(expected, () => {
      expect(chooseParser({ path, text })?.format).toBe(expected.split(',')[0]);
    });
  }

  it('application code, configs and seeds are not migrations', () => {
    for (const [path, text] of [
      ['knexfile.js', readFileSync('fixtures/knex/knexfile.js', 'utf8')],
      ['data-source.ts', readFileSync('fixtures/typeorm/src/data-source.ts', 'utf8')],
      ['database.ts', readFileSync('fixtures/kysely/database.ts', 'utf8')],
      ['mikro-orm.config.ts', readFileSync('fixtures/mikro-orm/src/mikro-orm.config.ts', 'utf8')],
      ['seed.js', "exports.seed = async function (knex) { await knex('users').insert({ id: 1 }); };"],
      ['util.ts', 'export function setup(db) { return db.schema; }'],
      // A test that runs a migration calls up(); it does not define one.
      [
        'migration.test.ts',
        "import { QueryRunner } from 'typeorm';\nimport { AddBio1 } from './1-AddBio';\nit('runs', async () => { const queryRunner = ds.createQueryRunner(); await new AddBio1().up(queryRunner); });",
      ],
      ['runner.js', "const knex = require('knex')(config);\nawait knex.migrate.up({ name: '20240101_x.js' });"],
    ]) {
      expect(chooseParser({ path: path!, text: text! }), path).toBeUndefined();
    }
  });
});

describe('loading', () => {
  it('only estree.ts touches typescript-estree, and only through a dynamic import(): SQL-only runs never load TypeScript', () => {
    const dir = 'src/parsers/typescript';
    for (const f of readdirSync(dir)) {
      const text = readFileSync(join(dir, f), 'utf8');
      const staticImports = [...text.matchAll(/^import\s+(?!type\b)[^;]*from\s+'([^']+)'/gm)].map((m) => m[1]);
      expect(
        staticImports.filter((s) => s!.includes('typescript')),
        f,
      ).toEqual([]);
    }
    expect(readFileSync(join(dir, 'estree.ts'), 'utf8')).toContain("import('@typescript-eslint/typescript-estree')");
  });
});

describe('reading the framework object through helpers, aliases and other export shapes', () => {
  it('a helper declared in the same file is read with the framework object bound to its parameter', async () => {
    const src = [
      "import type { Knex } from 'knex';",
      'async function addIndex(db: Knex, column: string) {',
      "  await db.schema.alterTable('orders', (t) => t.index(['status'], 'orders_status_idx'));",
      '}',
      'export async function up(knex: Knex) {',
      '  const schema = knex.schema;',
      "  await schema.alterTable('orders', (t) => { t.text('note'); });",
      "  await addIndex(knex, 'status');",
      '}',
    ].join('\n');
    const m = await parseTs('m.ts', src);
    expect(m.ops.map((op) => [op.kind, op.span.line])).toEqual([
      ['add-column', 7],
      ['create-index', 3],
    ]);
  });

  it('export default { up, down } and export { up, down } are migrations too', async () => {
    const fns = "async function up(knex) { await knex.raw('DROP TABLE legacy'); }\nasync function down(knex) {}\n";
    for (const tail of ['export default { up, down };', 'export { up, down };']) {
      const m = await parseTs('m.mjs', `${fns}${tail}\n`, 'knex');
      expect(
        m.ops.map((op) => op.kind),
        tail,
      ).toEqual(['drop-table']);
      expect(m.downgrade?.state, tail).toBe('empty');
    }
  });

  it('Kysely: a chain never executed runs nothing (no op), db.transaction().execute(cb) is read', async () => {
    const src = [
      "import { Kysely } from 'kysely';",
      'export async function up(db: Kysely<any>) {',
      "  db.schema.alterTable('person').addColumn('age', 'integer')",
      '  await db.transaction().execute(async (trx) => {',
      "    await trx.schema.alterTable('person').addColumn('nick', 'text').execute();",
      '  });',
      '}',
    ].join('\n');
    const m = await parseTs('m.ts', src);
    // Kysely builders are not promises: without .execute() nothing is sent (issue 9, class 5).
    expect(m.ops.map((op) => [op.kind, op.span.line])).toEqual([['add-column', 5]]);
  });
});

describe('Knex table builders passed to helpers', () => {
  it('a local helper that adds columns to the builder is read; an imported one is reported', async () => {
    const src = [
      "const { addAudit } = require('./helpers');",
      'function addTimestamps(table, db) {',
      "  table.timestamp('created_at').notNullable().defaultTo(db.fn.now());",
      '}',
      "exports.up = (knex) => knex.schema.alterTable('orders', (t) => {",
      '  addTimestamps(t, knex);',
      '  addAudit(t);',
      '});',
    ].join('\n');
    const m = await parseTs('m.js', src);
    expect(m.ops.map((op) => [op.kind, op.span.line])).toEqual([
      ['add-column', 3],
      ['unknown', 7],
    ]);
    expect(m.ops[1]!.kind === 'unknown' && m.ops[1].reason).toBe(
      "a helper imported from './helpers' receives the table builder; the columns it adds cannot be read from this file",
    );
    // `db` inside the helper is the knex object it was given: its fn.now() default is read.
    expect(m.ops[0]!.kind === 'add-column' && m.ops[0].column.default).toEqual({
      text: 'CURRENT_TIMESTAMP',
      volatility: 'stable',
    });
  });
});

describe('options that decide verdicts but are only known at run time are not guessed', () => {
  it('Sequelize allowNull, node-pg-migrate notNull, TypeORM isNullable from a variable: unknown ops', async () => {
    const seq = await parseTs(
      's.js',
      "module.exports = { async up(queryInterface, Sequelize) {\n  const allowNull = process.env.X === '1';\n  await queryInterface.addColumn('users', 'plan', { type: Sequelize.TEXT, allowNull });\n} };\n",
    );
    expect(seq.ops.map((op) => [op.kind, op.kind === 'unknown' && op.reason])).toEqual([
      ['unknown', 'allowNull is not a constant, so whether the column is NOT NULL cannot be read'],
    ]);
    const pgm = await parseTs(
      'p.js',
      "exports.up = (pgm) => {\n  pgm.addColumns('users', { plan: { type: 'text', notNull: strict } });\n};\n",
    );
    expect(pgm.ops.map((op) => op.kind)).toEqual(['unknown']);
    const typeorm = await parseTs(
      't.ts',
      'import { MigrationInterface, QueryRunner, TableColumn } from "typeorm";\nexport class A1 implements MigrationInterface {\n  async up(queryRunner: QueryRunner) {\n    await queryRunner.addColumn("users", new TableColumn({ name: "plan", type: "text", isNullable: flag }));\n  }\n  async down() {}\n}\n',
    );
    expect(typeorm.ops.map((op) => op.kind)).toEqual(['unknown']);
  });

  it('Umzug with a Sequelize instance as context: getQueryInterface() and query() are read', async () => {
    const src = [
      "import { Sequelize } from 'sequelize';",
      'export const up = async ({ context }: { context: Sequelize }) => {',
      '  const qi = context.getQueryInterface();',
      '  const transaction = await context.transaction();',
      "  await qi.addIndex('users', ['email'], { concurrently: true, transaction });",
      "  await context.query('ALTER TABLE users ADD COLUMN bio text');",
      '  await transaction.commit();',
      '};',
    ].join('\n');
    const m = await parseTs('umzug.ts', src, 'sequelize');
    expect(m.ops.map((op) => [op.kind, op.span.line, op.inTransaction])).toEqual([
      ['create-index', 5, true],
      ['add-column', 6, false],
    ]);
  });
});

describe('several migrations in one file (an inline migration provider)', () => {
  it("migrations['001'] = { up, down } entries are read in order, one migration each", async () => {
    const src = [
      "import { Kysely, Migration, MigrationProvider } from 'kysely';",
      'const migrations: Record<string, Migration> = {};',
      'export const migrationProvider: MigrationProvider = { async getMigrations() { return migrations; } };',
      "migrations['001'] = {",
      '  async up(db: Kysely<unknown>) {',
      "    await db.schema.createTable('post').addColumn('uri', 'varchar', (col) => col.primaryKey()).execute();",
      '  },',
      '  async down(db: Kysely<unknown>) {',
      "    await db.schema.dropTable('post').execute();",
      '  },',
      '};',
      "migrations['002'] = {",
      '  async up(db: Kysely<unknown>) {',
      "    await db.schema.alterTable('post').addColumn('text', 'text', (col) => col.notNull()).execute();",
      "    await db.schema.createIndex('post_text_idx').on('post').column('text').execute();",
      '  },',
      '};',
    ].join('\n');
    const units = await parseTsAll('db/migrations.ts', src);
    expect(units.map((m) => [m.format, m.revision])).toEqual([
      ['kysely', '001'],
      ['kysely', '002'],
    ]);
    expect(units.map((m) => m.ops.map((op) => [op.kind, op.direction, op.span.line]))).toEqual([
      [
        ['create-table', 'upgrade', 6],
        ['drop-table', 'downgrade', 9],
      ],
      [
        ['add-column', 'upgrade', 14],
        ['create-index', 'upgrade', 15],
      ],
    ]);
    expect(units.flatMap((m) => m.ops.map((op) => op.revision))).toEqual(['001', '001', '002', '002']);
    // '002' has no down: Kysely skips it when migrating down.
    expect(units[0]?.downgrade?.state).toBe('present');
    expect(units[1]?.downgrade).toMatchObject({
      state: 'absent',
      note: stringContaining("Kysely's Migrator skips a migration without down()"),
    });
    // In a run each entry is its own migration: 'post' is not new any more in '002'.
    const result = await lintSources([{ path: 'db/migrations.ts', content: decodeSource(Buffer.from(src)) }]);
    expect(result.migrations.map((x) => [x.revision, x.ops.length, x.downgrade?.state])).toEqual([
      ['001', 2, 'present'],
      ['002', 2, 'absent'],
    ]);
    const rules = result.findings.map((f) => [f.rule, f.line, f.revision]);
    expect(rules).toContainEqual(['require-concurrent-index-creation', 15, '002']);
    expect(rules).toContainEqual(['adding-required-field', 14, '002']);
    expect(rules).toContainEqual(['empty-downgrade', 12, '002']);
  });
});
