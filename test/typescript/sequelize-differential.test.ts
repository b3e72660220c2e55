/**
 * Differential test against Sequelize itself: each migration is read statically AND run with a real
 * Sequelize 6 (Postgres dialect) QueryInterface whose `sequelize.query` records the SQL instead of
 * sending it (and whose transactions are recorded too). Both IRs must agree op for op — including
 * which statements run inside a transaction — and the rules must give the same verdicts.
 */
import { createRequire } from 'node:module';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataTypes, Sequelize } from 'sequelize';
import type { Migration, Operation } from '../../src/ir/types.js';
import { assignTransactions } from '../../src/ir/transactions.js';
import { lintAll, normalize, parseTs, relocate, sqlOps, verdicts } from './helpers.js';
import { compileTestCode } from '../helpers/test-code.js';

const require = createRequire(import.meta.url);
/** What Sequelize's own query() does with `replacements` before sending (bypassed by the recorder below). */
const { injectReplacements } = require('sequelize/lib/utils/sql') as {
  injectReplacements: (sql: string, dialect: unknown, replacements: unknown) => string;
};
const DIR = resolve('fixtures/sequelize/migrations');

interface Sent {
  sql: string;
  inTransaction: boolean;
}

/** A QueryInterface for Postgres that records queries; describeTable answers that any column exists. */
function recordingQueryInterface() {
  const sequelize = new Sequelize('postgres://user:pass@localhost:5432/app', { logging: false });
  const sent: Sent[] = [];
  const s = sequelize as unknown as Record<string, unknown>;
  s.query = async (
    sql: string | { query: string },
    options?: { transaction?: unknown; plain?: boolean; replacements?: unknown },
  ) => {
    const written = typeof sql === 'string' ? sql : sql.query;
    const text = options?.replacements
      ? injectReplacements(written, (sequelize as unknown as { dialect: unknown }).dialect, options.replacements)
      : written;
    // Reads Sequelize makes for itself (is this enum there yet? no; type OIDs) are not statements of the migration.
    if (/^\s*(SELECT|WITH)\b/i.test(text)) return options?.plain ? null : [{ rows: [] }];
    sent.push({ sql: text, inTransaction: Boolean(options?.transaction) });
    return [[], 0];
  };
  s.transaction = async (fn?: (t: unknown) => Promise<unknown>) => {
    const t = { id: 'tx' };
    sent.push({ sql: 'START TRANSACTION', inTransaction: false });
    await fn?.(t);
    sent.push({ sql: 'COMMIT', inTransaction: true });
  };
  const qi = sequelize.getQueryInterface();
  (qi as unknown as Record<string, unknown>).describeTable = async () =>
    new Proxy(
      {},
      { get: (_t, k) => (typeof k === 'string' ? { type: 'INTEGER', allowNull: true } : undefined), has: () => true },
    );
  return { qi, take: () => sent.splice(0) };
}

/** Recorded queries → ops; a query with several statements runs as one implicit transaction. */
function toOps(sent: Sent[], direction: 'upgrade' | 'downgrade', file: string): Operation[] {
  const out: Operation[] = [];
  for (const q of sent) {
    const ops = sqlOps([q.sql], direction, file);
    const statements = new Set(ops.map((op) => op.statementIndex)).size;
    assignTransactions(ops, 'none');
    for (const op of ops) {
      relocate(op, file);
      if (op.kind !== 'transaction') op.inTransaction = q.inTransaction || statements > 1;
      else op.inTransaction = q.inTransaction;
    }
    out.push(...ops);
  }
  return out;
}

type Module = { up: (qi: unknown, S: unknown) => Promise<void>; down?: (qi: unknown, S: unknown) => Promise<void> };

async function generate(mod: Module, file: string) {
  const { qi, take } = recordingQueryInterface();
  await mod.up(qi, Sequelize);
  const up = take();
  if (mod.down) await mod.down(qi, Sequelize);
  const down = take();
  return { up, down, ops: [...toOps(up, 'upgrade', file), ...toOps(down, 'downgrade', file)] };
}

function generatedMigration(like: Migration, ops: Operation[]): Migration {
  return {
    file: like.file,
    format: like.format,
    ops,
    transaction: 'none',
    diagnostics: [],
    source: '',
    ...(like.downgrade ? { downgrade: like.downgrade } : {}),
    ...(like.transactionFacts ? { transactionFacts: like.transactionFacts } : {}),
  };
}

const FIXTURES = readdirSync(DIR)
  .filter((f) => f.endsWith('.js'))
  .sort()
  .map((f) => join(DIR, f));

describe('sequelize fixtures: frontend IR = IR of the SQL Sequelize sends', () => {
  const pairs: { fromTs: Migration; generated: Migration }[] = [];
  for (const file of FIXTURES) {
    it(file.slice(DIR.length + 1), async () => {
      const fromTs = await parseTs(file);
      const sql = await generate(require(file) as Module, file);
      const generated = generatedMigration(fromTs, sql.ops);
      expect(fromTs.diagnostics).toEqual([]);
      expect(
        fromTs.ops.map((op) => normalize(op)),
        `SQL Sequelize sent:\n${[...sql.up, { sql: '-- down' }, ...sql.down].map((q) => q.sql).join('\n')}`,
      ).toEqual(generated.ops.map((op) => normalize(op)));
      pairs.push({ fromTs, generated });
    });
  }

  it('every rule gives the same verdicts on the fixtures and on the SQL Sequelize sends', () => {
    expect(pairs).toHaveLength(FIXTURES.length);
    const fromTs = lintAll(pairs.map((p) => p.fromTs));
    const generated = lintAll(pairs.map((p) => p.generated));
    for (const p of pairs)
      expect(verdicts(fromTs, p.fromTs.file), p.fromTs.file).toEqual(verdicts(generated, p.generated.file));
    const rules = new Set(fromTs.map((f) => f.rule));
    for (const id of [
      'require-concurrent-index-creation',
      'ban-concurrent-index-creation-in-transaction',
      'adding-required-field',
      'ban-drop-not-null',
      'disallowed-unique-constraint',
      'anonymous-constraint',
    ]) {
      expect(rules, id).toContain(id);
    }
  });
});

const SCENARIOS: [string, string][] = [
  [
    'data types, defaults and attributes in addColumn',
    `module.exports = { async up(queryInterface, Sequelize) {
      const t = 'items';
      await queryInterface.addColumn(t, 'a', Sequelize.STRING);
      await queryInterface.addColumn(t, 'b', { type: Sequelize.STRING(64), allowNull: false, defaultValue: 'x' });
      await queryInterface.addColumn(t, 'c', { type: Sequelize.TEXT });
      await queryInterface.addColumn(t, 'd', { type: Sequelize.INTEGER, defaultValue: 0 });
      await queryInterface.addColumn(t, 'e', { type: Sequelize.BIGINT, allowNull: true });
      await queryInterface.addColumn(t, 'f', { type: Sequelize.DECIMAL(10, 2) });
      await queryInterface.addColumn(t, 'g', { type: Sequelize.BOOLEAN, allowNull: false, defaultValue: false });
      await queryInterface.addColumn(t, 'h', { type: Sequelize.DATE, defaultValue: Sequelize.fn('now') });
      await queryInterface.addColumn(t, 'i', { type: Sequelize.DATE, allowNull: false, defaultValue: Sequelize.NOW });
      await queryInterface.addColumn(t, 'j', { type: Sequelize.DATEONLY });
      await queryInterface.addColumn(t, 'k', { type: Sequelize.UUID, defaultValue: Sequelize.UUIDV4 });
      await queryInterface.addColumn(t, 'l', { type: Sequelize.UUID, defaultValue: Sequelize.literal('gen_random_uuid()') });
      await queryInterface.addColumn(t, 'm', { type: Sequelize.JSONB, defaultValue: {} });
      await queryInterface.addColumn(t, 'n', { type: Sequelize.ARRAY(Sequelize.STRING) });
      await queryInterface.addColumn(t, 'o', { type: Sequelize.CHAR(2) });
      await queryInterface.addColumn(t, 'p', { type: Sequelize.FLOAT });
      await queryInterface.addColumn(t, 'q', { type: Sequelize.DOUBLE });
      await queryInterface.addColumn(t, 'r', { type: Sequelize.ENUM('low', 'high') });
      await queryInterface.addColumn(t, 's', { type: Sequelize.TEXT, unique: true });
      await queryInterface.addColumn(t, 'u', { type: Sequelize.INTEGER, references: { model: 'owners', key: 'id' }, onDelete: 'CASCADE' });
      await queryInterface.addColumn(t, 'v', { type: 'varchar(12)' });
      await queryInterface.addColumn({ tableName: 'items', schema: 'shop' }, 'w', Sequelize.SMALLINT);
    } };`,
  ],
  [
    'arrays of enums, ranges and timestamps with a precision',
    `module.exports = { async up(queryInterface, Sequelize) {
      await queryInterface.createTable('api_keys', {
        id: { type: Sequelize.INTEGER, primaryKey: true, autoIncrement: true },
        grants: { type: Sequelize.ARRAY(Sequelize.ENUM('read', 'write', 'admin')), allowNull: false },
        issuedAt: { type: Sequelize.DATE(6), allowNull: false },
      });
      await queryInterface.addColumn('sessions', 'grants', { type: Sequelize.ARRAY(Sequelize.ENUM('read', 'write')) });
      await queryInterface.addColumn('plans', 'validity', { type: Sequelize.RANGE(Sequelize.DATE), allowNull: false });
      await queryInterface.addColumn('plans', 'seats', { type: Sequelize.RANGE(Sequelize.INTEGER) });
      await queryInterface.addColumn('plans', 'days', { type: Sequelize.RANGE(Sequelize.DATEONLY) });
      await queryInterface.addColumn('plans', 'quota', { type: Sequelize.RANGE(Sequelize.BIGINT) });
      await queryInterface.addColumn('plans', 'price', { type: Sequelize.RANGE(Sequelize.DECIMAL(10, 2)) });
      await queryInterface.addColumn('plans', 'tier', Sequelize.RANGE);
    },
    async down(queryInterface) {
      await queryInterface.dropTable('api_keys');
    } };`,
  ],
  [
    'query() of SQL built by a function of the file, once per table',
    `const dropLegacyKey = (table) => \`UPDATE "\${table}" SET data = data - 'legacyKey' WHERE data->>'legacyKey' IS NOT NULL\`;
    module.exports = { async up(queryInterface) {
      await queryInterface.sequelize.query(dropLegacyKey('Orders'));
      await queryInterface.sequelize.query(dropLegacyKey('Invoices'));
      await queryInterface.sequelize.query(\`ALTER TABLE "Invoices" ADD COLUMN "memo" text\`);
    } };`,
  ],
  [
    'changeColumn, indexes, constraints, tables, raw queries',
    `module.exports = { async up(queryInterface, Sequelize) {
      await queryInterface.changeColumn('items', 'b', { type: Sequelize.STRING(128) });
      await queryInterface.changeColumn('items', 'b', { type: Sequelize.STRING(128), allowNull: false, defaultValue: 'y' });
      await queryInterface.changeColumn('items', 'u', { type: Sequelize.INTEGER, references: { model: 'owners', key: 'id' } });
      await queryInterface.changeColumn('items', 's', { type: Sequelize.TEXT, unique: true });
      await queryInterface.changeColumn('items', 'ref', { type: 'UUID USING CAST("ref" AS UUID)', allowNull: false });
      await queryInterface.renameColumn('items', 'c', 'body');
      await queryInterface.removeColumn('items', 'd');
      await queryInterface.addIndex('items', ['a']);
      await queryInterface.addIndex('items', ['a', 'b'], { name: 'items_a_b', unique: true, concurrently: true });
      await queryInterface.addIndex('items', { fields: ['e'], name: 'items_e_partial', where: { e: 1 } });
      await queryInterface.removeIndex('items', 'items_a');
      await queryInterface.removeIndex('items', ['a', 'b'], { concurrently: true });
      await queryInterface.addConstraint('items', { fields: ['b'], type: 'unique', name: 'items_b_key' });
      await queryInterface.addConstraint('items', { fields: ['u'], type: 'foreign key', references: { table: 'owners', field: 'id' } });
      await queryInterface.addConstraint('items', { fields: ['a', 'b'], type: 'primary key', name: 'items_pk' });
      await queryInterface.removeConstraint('items', 'items_b_key');
      await queryInterface.renameTable('items', 'products');
      await queryInterface.dropTable('legacy');
      await queryInterface.createTable('tags', {
        id: { type: Sequelize.BIGINT, autoIncrement: true, primaryKey: true },
        label: { type: Sequelize.STRING, allowNull: false, unique: true },
        productId: { type: Sequelize.INTEGER, references: { model: 'products', key: 'id' } },
      });
      await queryInterface.bulkInsert('tags', [{ label: 'a' }]);
      await queryInterface.bulkDelete('tags', { label: 'a' });
      await queryInterface.sequelize.query('SET lock_timeout = 1000');
      await queryInterface.sequelize.query('CREATE INDEX CONCURRENTLY products_a ON products (a); CREATE INDEX CONCURRENTLY products_b ON products (b)');
      await queryInterface.sequelize.transaction(async (transaction) => {
        await queryInterface.addColumn('products', 'x', { type: Sequelize.TEXT }, { transaction });
        await queryInterface.addColumn('products', 'y', { type: Sequelize.TEXT });
      });
    } };`,
  ],
];

describe('sequelize scenarios: frontend IR = IR of the SQL Sequelize sends', () => {
  SCENARIOS.forEach(([name, source], i) => {
    it(name, async () => {
      const module = { exports: {} as Module };
      compileTestCode(['module', 'exports', 'require'], source)(module, module.exports, require);
      const file = `scenario_${i}.js`;
      const fromTs = await parseTs(file, source);
      const sql = await generate(module.exports, file);
      const generated = generatedMigration(fromTs, sql.ops);
      expect(fromTs.diagnostics).toEqual([]);
      expect(
        fromTs.ops.map((op) => normalize(op)),
        `SQL Sequelize sent:\n${sql.up.map((q) => q.sql).join('\n')}`,
      ).toEqual(generated.ops.map((op) => normalize(op)));
      expect(verdicts(lintAll([fromTs]))).toEqual(verdicts(lintAll([generated])));
    });
  });

  it("Sequelize 5's addConstraint(table, fields, options) = the SQL Sequelize sends for addConstraint(table, { fields, … })", async () => {
    // Sequelize 6 no longer takes the fields first: the v5 call is compared with the v6 call's SQL.
    const v5 = `module.exports = { up(queryInterface) {
      return queryInterface.addConstraint('Comments', ['authorId'], {
        type: 'foreign key',
        name: 'Comments_author_fkey',
        references: { table: 'Users', field: 'id' },
        onDelete: 'cascade',
      }).then(() => queryInterface.addConstraint('Comments', ['slug'], { type: 'unique' }));
    } };`;
    const v6 = `module.exports = { async up(queryInterface) {
      await queryInterface.addConstraint('Comments', {
        fields: ['authorId'],
        type: 'foreign key',
        name: 'Comments_author_fkey',
        references: { table: 'Users', field: 'id' },
        onDelete: 'cascade',
      });
      await queryInterface.addConstraint('Comments', { fields: ['slug'], type: 'unique' });
    } };`;
    const module = { exports: {} as Module };
    compileTestCode(['module', 'exports', 'require'], v6)(module, module.exports, require);
    const fromV5 = await parseTs('v5.js', v5);
    const sql = await generate(module.exports, 'v5.js');
    expect(fromV5.ops.map((op) => normalize(op))).toEqual(sql.ops.map((op) => normalize(op)));
    expect(fromV5.ops.map((op) => op.kind)).toEqual(['add-constraint', 'add-constraint']);
  });

  it('DataTypes imported from sequelize work like the Sequelize parameter', async () => {
    const source = `import { DataTypes, QueryInterface } from 'sequelize';
export async function up({ context: queryInterface }: { context: QueryInterface }) {
  await queryInterface.addColumn('users', 'bio', { type: DataTypes.TEXT, allowNull: false });
}`;
    const m = await parseTs('umzug.ts', source, 'sequelize');
    // Umzug passes { context }: the frontend reads the destructured name as the queryInterface.
    expect(m.ops.map((op) => [op.kind, op.span.line])).toEqual([['add-column', 3]]);
    const op = m.ops[0]!;
    expect(op.kind === 'add-column' && [op.column.type.name, op.column.notNull]).toEqual(['text', true]);
    expect(DataTypes.TEXT.key).toBe('TEXT');
  });
});
