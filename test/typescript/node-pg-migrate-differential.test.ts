/**
 * Differential test against node-pg-migrate itself: each migration is read statically AND run with
 * node-pg-migrate's own MigrationBuilder (with the file's shorthands, a fake connection), whose
 * `getSqlSteps()` is the SQL it would send. Both IRs must agree op for op and give the same verdicts.
 * Files without `down` are also run in node-pg-migrate's reverse mode, to check what the frontend
 * says about automatic reversal.
 */
import { createRequire } from 'node:module';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MigrationBuilder } from 'node-pg-migrate';
import type { Migration, TransactionMode } from '../../src/ir/types.js';
import { generatedMigration, lintAll, normalize, parseTs, sqlOps, verdicts } from './helpers.js';
import { compileTestCode } from '../helpers/test-code.js';

const require = createRequire(import.meta.url);
const DIR = resolve('fixtures/node-pg-migrate/migrations');

type Action = (pgm: MigrationBuilder) => Promise<void> | void;
type Module = { up: Action; down?: Action | false; shorthands?: Record<string, unknown> };

/** Runs one direction with node-pg-migrate's builder; `db.query` calls run immediately and are recorded too. */
async function run(action: Action, shorthands: Record<string, unknown> | undefined, reverse = false) {
  const immediate: string[] = [];
  const db = {
    query: async (sql: string) => {
      immediate.push(sql);
      return { rows: [] };
    },
    select: async (sql: string) => {
      immediate.push(sql);
      return [];
    },
  };
  const pgm = new MigrationBuilder(db as never, shorthands as never, false, console);
  if (reverse) pgm.enableReverseMode();
  await action(pgm);
  return {
    steps: [...immediate, ...pgm.getSqlSteps()],
    mode: (pgm.isUsingTransaction() ? 'wrapped' : 'none') as TransactionMode,
  };
}

async function load(file: string): Promise<Module> {
  return file.endsWith('.ts') ? ((await import(file)) as Module) : (require(file) as Module);
}

const FIXTURES = readdirSync(DIR)
  .filter((f) => /\.(js|ts)$/.test(f))
  .sort()
  .map((f) => join(DIR, f));

describe('node-pg-migrate fixtures: frontend IR = IR of the SQL node-pg-migrate generates', () => {
  const pairs: { fromTs: Migration; generated: Migration }[] = [];
  for (const file of FIXTURES) {
    it(file.slice(DIR.length + 1), async () => {
      const mod = await load(file);
      const fromTs = await parseTs(file);
      const up = await run(mod.up, mod.shorthands);
      const down = typeof mod.down === 'function' ? await run(mod.down, mod.shorthands) : undefined;
      // node-pg-migrate decides the transaction per run of the builder: the frontend must agree.
      expect(fromTs.transaction).toBe(up.mode);
      expect(fromTs.transactionByDirection?.downgrade ?? fromTs.transaction).toBe(down?.mode ?? fromTs.transaction);
      const generated = generatedMigration(fromTs, sqlOps(up.steps, 'upgrade'), []);
      if (down) {
        const downOps = sqlOps(down.steps, 'downgrade');
        const tmp = generatedMigration(fromTs, downOps, [], down.mode);
        generated.ops.push(...tmp.ops);
      }
      expect(fromTs.diagnostics).toEqual([]);
      expect(
        fromTs.ops.map((op) => normalize(op)),
        `SQL node-pg-migrate generated:\n${[...up.steps, '-- down', ...(down?.steps ?? [])].join('\n')}`,
      ).toEqual(generated.ops.map((op) => normalize(op)));
      pairs.push({ fromTs, generated });

      if (mod.down === undefined) {
        // What node-pg-migrate does on rollback without a down: reverse up(), or throw.
        let reversible = true;
        try {
          await run(mod.up, mod.shorthands, true);
        } catch (e) {
          reversible = false;
          expect(String(e)).toContain('Impossible to automatically infer down migration');
        }
        expect(fromTs.downgrade).toMatchObject({ state: 'absent', autoReversible: reversible });
      }
      if (mod.down === false) expect(fromTs.downgrade?.state).toBe('irreversible');
    });
  }

  it('every rule gives the same verdicts on the fixtures and on the generated SQL', () => {
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
      'adding-not-nullable-field',
      'ban-drop-column',
      'empty-downgrade',
    ]) {
      expect(rules, id).toContain(id);
    }
  });
});

const SCENARIOS: [string, string][] = [
  [
    'createTable: shorthands, type adapters, inline constraints, table options',
    `const { PgLiteral } = require('node-pg-migrate');
    exports.shorthands = { uid: { type: 'uuid', notNull: true, default: PgLiteral.create('gen_random_uuid()') } };
    exports.up = (pgm) => {
      pgm.createTable('items', {
        id: 'id',
        public_id: 'uid',
        name: { type: 'string', notNull: true },
        qty: { type: 'int', default: 0, check: 'qty >= 0' },
        price: { type: 'numeric(10,2)', notNull: true },
        ratio: 'float',
        seen: 'datetime',
        flag: { type: 'bool', default: false },
        sku: { type: 'varchar(32)', unique: true },
        owner_id: { type: 'integer', references: 'accounts(id)', onDelete: 'CASCADE' },
        team_id: { type: 'integer', references: { schema: 'org', name: 'teams' }, referencesConstraintName: 'items_team_fk' },
        n: { type: 'integer', sequenceGenerated: { precedence: 'ALWAYS' } },
        total: { type: 'numeric', expressionGenerated: 'qty * price' },
        created: { type: 'timestamptz', default: pgm.func('now()') },
      }, { ifNotExists: true, constraints: { unique: [['name', 'sku']] } });
      pgm.createTable({ schema: 'audit', name: 'log' }, { a: { type: 'integer', primaryKey: true }, b: { type: 'integer', primaryKey: true } });
    };`,
  ],
  [
    'columns, constraints, indexes, types on existing tables',
    `exports.up = (pgm) => {
      pgm.addColumns('items', { color: 'text', weight: { type: 'integer', notNull: true, default: 1 }, uid: { type: 'uuid', default: pgm.func('gen_random_uuid()') } }, { ifNotExists: true });
      pgm.addColumn('items', { barcode: { type: 'text', unique: true } });
      pgm.dropColumns('items', ['color', 'weight'], { ifExists: true });
      pgm.dropColumn('items', 'uid', { cascade: true });
      pgm.renameColumn('items', 'name', 'title');
      pgm.alterColumn('items', 'title', { type: 'varchar(200)', using: 'title::varchar(200)' });
      pgm.alterColumn('items', 'title', { notNull: true });
      pgm.alterColumn('items', 'title', { allowNull: true, default: null });
      pgm.alterColumn('items', 'qty', { default: 5 });
      pgm.addConstraint('items', 'items_qty_positive', { check: 'qty > 0' });
      pgm.addConstraint('items', 'items_qty_max', 'CHECK (qty < 1000) NOT VALID');
      pgm.addConstraint('items', 'items_owner_fk', { foreignKeys: { columns: 'owner_id', references: 'accounts(id)' } });
      pgm.addConstraint('items', null, { unique: ['sku'] });
      pgm.addConstraint('items', 'items_pk', { primaryKey: 'id' });
      pgm.dropConstraint('items', 'items_qty_max', { ifExists: true, cascade: true });
      pgm.renameConstraint('items', 'items_pk', 'items_pkey');
      pgm.createIndex('items', 'title');
      pgm.createIndex('items', ['owner_id', { name: 'created', sort: 'DESC' }], { name: 'items_owner_created', unique: true, where: 'deleted IS NULL' });
      pgm.addIndex('items', 'sku', { concurrently: true, ifNotExists: true });
      pgm.dropIndex('items', 'title', { ifExists: true });
      pgm.dropIndex('items', 'sku', { concurrently: true, name: 'items_sku_index' });
      pgm.renameTable('items', 'products');
      pgm.dropTable('legacy', { ifExists: true, cascade: true });
      pgm.createType('mood', ['sad', 'ok']);
      pgm.addTypeValue('mood', 'happy', { ifNotExists: true });
      pgm.createExtension('pgcrypto', { ifNotExists: true });
      pgm.sql('UPDATE products SET qty = {qty} WHERE qty IS NULL', { qty: 0 });
      pgm.sql(\`SET lock_timeout = '2s'\`);
    };`,
  ],
  [
    'pgm.sql() of SQL built by a function of the file, called with constant text',
    `exports.up = (pgm) => {
      pgm.addColumn('ledger', { settled_count: { type: 'integer', notNull: true, default: 0 } });
      const countInto = (sourceSelect) => \`
        INSERT INTO ledger_counts (account_id, n)
        \${sourceSelect}
        ON CONFLICT (account_id) DO UPDATE SET n = ledger_counts.n + EXCLUDED.n
      \`;
      pgm.sql(countInto(\`SELECT payer_id, COUNT(*) FROM transfers GROUP BY payer_id\`));
      pgm.sql(countInto('SELECT payee_id, COUNT(*) FROM transfers GROUP BY payee_id'));
      function analyzeSql(table) {
        return 'ANALYZE ' + table;
      }
      pgm.sql(analyzeSql('ledger'));
    };`,
  ],
];

describe('node-pg-migrate scenarios: frontend IR = IR of the generated SQL', () => {
  SCENARIOS.forEach(([name, source], i) => {
    it(name, async () => {
      const module = { exports: {} as Module };
      compileTestCode(['module', 'exports', 'require'], source)(module, module.exports, require);
      const mod = module.exports;
      const fromTs = await parseTs(`scenario_${i}.js`, source, 'node-pg-migrate');
      const up = await run(mod.up, mod.shorthands);
      const generated = generatedMigration(fromTs, sqlOps(up.steps, 'upgrade'), []);
      expect(fromTs.diagnostics).toEqual([]);
      expect(
        fromTs.ops.map((op) => normalize(op)),
        `SQL node-pg-migrate generated:\n${up.steps.join('\n')}`,
      ).toEqual(generated.ops.map((op) => normalize(op)));
      expect(verdicts(lintAll([fromTs]))).toEqual(verdicts(lintAll([generated])));
    });
  });
});
