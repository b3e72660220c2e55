/**
 * Differential test against Knex itself: every migration is read statically by the Knex frontend
 * AND run with a real `knex({ client: 'pg' })` whose connection is replaced by a recorder, so Knex
 * compiles and "sends" the exact SQL it would send to Postgres. That SQL goes through the SQL
 * frontend, and both IRs must agree op for op, and every rule must give the same verdicts.
 */
import { createRequire } from 'node:module';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import knexFactory from 'knex';
import type { Migration } from '../../src/ir/types.js';
import { generatedMigration, lintAll, normalize, parseTs, sqlOps, verdicts } from './helpers.js';
import { compileTestCode } from '../helpers/test-code.js';

const require = createRequire(import.meta.url);
const DIR = resolve('fixtures/knex/migrations');

/**
 * A Knex instance whose connection records the SQL instead of sending it (shaped like a `pg` client
 * connection, so transactions work too).
 */
function recordingKnex() {
  const knex = knexFactory({ client: 'pg' });
  const sent: string[] = [];
  const connection = {
    query(config: { text: string; values?: unknown[] }, callback: (err: Error | null, res: unknown) => void) {
      // The reads behind hasTable()/hasColumn() decide what runs; they are not statements of the migration (no rows: absent).
      if (!/^select \* from information_schema\./i.test(config.text))
        sent.push(inlineBindings(config.text, config.values ?? []));
      callback(null, { rows: [], rowCount: 0, command: 'UPDATE', fields: [] });
    },
    on() {},
    removeListener() {},
  };
  const client = knex.client as unknown as Record<string, unknown>;
  client.acquireConnection = async () => connection;
  client.releaseConnection = async () => undefined;
  return { knex, take: () => sent.splice(0) };
}

/** `$1` placeholders of the pg driver → literals, so utility statements (SET …) parse. */
function inlineBindings(sql: string, bindings: unknown[]): string {
  return sql.replace(/\$(\d+)/g, (_m, n: string) => {
    const v = bindings[Number(n) - 1];
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    if (v === null || v === undefined) return 'NULL';
    return `'${(typeof v === 'string' ? v : JSON.stringify(v)).replace(/'/g, "''")}'`;
  });
}

async function loadModule(
  file: string,
): Promise<{ up: (k: unknown) => Promise<unknown>; down?: (k: unknown) => Promise<unknown> }> {
  if (file.endsWith('.ts')) return (await import(file)) as never;
  return require(file) as never;
}

/** Runs a migration module's up and down with the recorder; returns the SQL of each. */
async function generate(mod: { up: (k: unknown) => Promise<unknown>; down?: (k: unknown) => Promise<unknown> }) {
  const { knex, take } = recordingKnex();
  await mod.up(knex);
  const up = take();
  if (mod.down) await mod.down(knex);
  const down = take();
  await knex.destroy();
  return { up, down };
}

/** A CommonJS migration given as source text, evaluated here (test code, never a user's file). */
function evaluate(source: string) {
  const module = { exports: {} as Record<string, unknown> };
  compileTestCode(['module', 'exports', 'require'], source)(module, module.exports, require);
  return module.exports as never;
}

async function compare(file: string, text: string | undefined, mod: Parameters<typeof generate>[0]) {
  const fromTs = await parseTs(file, text);
  const sql = await generate(mod);
  const generated = generatedMigration(fromTs, sqlOps(sql.up, 'upgrade'), sqlOps(sql.down, 'downgrade'));
  expect(fromTs.diagnostics).toEqual([]);
  expect(
    fromTs.ops.map((op) => normalize(op)),
    `SQL knex sent:\n${[...sql.up, '-- down', ...sql.down].join(';\n')}`,
  ).toEqual(generated.ops.map((op) => normalize(op)));
  return { fromTs, generated, sql };
}

const FIXTURES = readdirSync(DIR)
  .filter((f) => /\.(js|ts)$/.test(f))
  .sort()
  .map((f) => join(DIR, f));

describe('knex fixtures: frontend IR = IR of the SQL knex generates', () => {
  const pairs: { fromTs: Migration; generated: Migration }[] = [];

  for (const file of FIXTURES) {
    if (file.includes('audit_tables')) continue; // a helper imported from elsewhere: checked below
    it(file.slice(DIR.length + 1), async () => {
      pairs.push(await compare(file, undefined, await loadModule(file)));
    });
  }

  it('every rule gives the same verdicts on the fixtures and on the SQL knex sends', () => {
    expect(pairs.length).toBe(FIXTURES.length - 1);
    const fromTs = lintAll(pairs.map((p) => p.fromTs));
    const generated = lintAll(pairs.map((p) => p.generated));
    for (const p of pairs)
      expect(verdicts(fromTs, p.fromTs.file), p.fromTs.file).toEqual(verdicts(generated, p.generated.file));
    // The fixtures exercise the rules that matter for Knex, on both sides alike.
    const rules = new Set(fromTs.map((f) => f.rule));
    for (const id of [
      'require-concurrent-index-creation',
      'ban-concurrent-index-creation-in-transaction',
      'adding-required-field',
      'adding-foreign-key-constraint',
      'ban-drop-not-null',
      'adding-not-nullable-field',
      'renaming-column',
      'ban-drop-column',
      'empty-downgrade',
    ]) {
      expect(rules, id).toContain(id);
    }
  });

  it('a loop over a constant list of tables is read per table; a helper imported from elsewhere becomes an unknown op (not a guess)', async () => {
    const file = join(DIR, '20230701000000_audit_tables.js');
    const fromTs = await parseTs(file);
    const sql = await generate(await loadModule(file));
    // Knex really sends three ALTERs: one per table of the loop, then the helper's.
    expect(sql.up).toHaveLength(3);
    const unknown = fromTs.ops.filter((op) => op.kind === 'unknown' && op.direction === 'upgrade');
    expect(unknown.map((op) => [op.span.line, op.kind === 'unknown' && op.reason])).toEqual([
      [9, "helper imported from '../src/audit' receives the knex object; what it runs cannot be read from this file"],
    ]);
    const read = fromTs.ops.filter((op) => op.direction === 'upgrade' && op.kind !== 'unknown');
    expect(read.map((op) => normalize(op))).toEqual(
      sqlOps(sql.up.slice(0, 2), 'upgrade').map((op) => normalize({ ...op, inTransaction: true })),
    );
    const down = fromTs.ops.filter((op) => op.direction === 'downgrade');
    expect(down.map((op) => normalize(op))).toEqual(
      sqlOps(sql.down, 'downgrade').map((op) => normalize({ ...op, inTransaction: true })),
    );
  });
});

/** Builder coverage beyond the fixtures: each scenario is compared the same way. */
const SCENARIOS: [string, string][] = [
  [
    'column types in createTable',
    `exports.up = (knex) => knex.schema.createTable('t', (t) => {
      t.increments(); t.bigIncrements('b', { primaryKey: false }); t.integer('i'); t.bigInteger('bi'); t.bigint('bi2');
      t.smallint('s'); t.tinyint('ti'); t.mediumint('mi'); t.string('str'); t.string('s10', 10); t.text('txt');
      t.float('f'); t.double('d'); t.decimal('dec'); t.decimal('dec2', 12, 4); t.decimal('dec3', null); t.boolean('bool');
      t.date('dt'); t.time('tm'); t.timestamp('ts'); t.timestamp('ts2', { useTz: false }); t.timestamp('ts3', { precision: 3 });
      t.timestamp('ts4', true); t.dateTime('dt2'); t.datetime('dt3', { useTz: false }); t.binary('bin'); t.json('j'); t.jsonb('jb');
      t.uuid('u'); t.specificType('arr', 'integer[]'); t.enu('e', ['a', 'b']); t.enu('m', ['x', 'y'], { useNative: true, enumName: 'mood' });
      t.geometry('g'); t.point('p');
    });`,
  ],
  [
    'createTable modifiers and table-level calls',
    `exports.up = async (knex) => {
      await knex.schema.createTable('orders', (t) => {
        t.uuid('id').primary().defaultTo(knex.fn.uuid());
        t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
        t.string('code').unique({ indexName: 'orders_code_uq' });
        t.integer('qty').notNullable().defaultTo(1).checkPositive('qty_positive');
        t.timestamp('created_at').notNullable().defaultTo(knex.fn.now());
        t.timestamps(false, true, true);
        t.index(['user_id', 'created_at'], 'orders_user_created_idx');
        t.unique(['user_id', 'code']);
        t.check('?? >= ?', ['qty', 0], 'qty_not_negative');
      });
    };`,
  ],
  [
    'alterTable adds, defaults and inline constraints',
    `exports.up = async (knex) => {
      await knex.schema.alterTable('users', (t) => {
        t.string('plan').notNullable().defaultTo('free');
        t.boolean('active').notNullable().defaultTo(true);
        t.integer('score').defaultTo(0);
        t.uuid('public_id').notNullable().defaultTo(knex.raw('gen_random_uuid()'));
        t.timestamp('seen_at').defaultTo(knex.fn.now());
        t.jsonb('prefs').notNullable().defaultTo('{}');
        t.string('nick').nullable().defaultTo(null);
        t.string('slug').unique();
        t.string('city').index();
        t.integer('team_id').references('id').inTable('teams').withKeyName('users_team_fk');
        t.integer('rank').index('users_rank_idx');
      });
    };`,
  ],
  [
    'alterTable alter() and table-level changes',
    `exports.up = async (knex) => {
      await knex.schema.alterTable('users', (t) => {
        t.string('email', 500).notNullable().alter();
        t.integer('age').alter({ alterNullable: false });
        t.bigInteger('score').defaultTo(0).alter();
        t.text('bio').alter({ alterType: false });
        t.dropColumn('legacy');
        t.dropColumns('a', 'b');
        t.renameColumn('name', 'full_name');
        t.setNullable('phone');
        t.dropNullable('email');
        t.index(['phone'], 'users_phone_idx', { predicate: knex.whereNotNull('phone') });
        t.unique(['email'], { indexName: 'users_email_key', useConstraint: false });
        t.primary(['id'], { constraintName: 'users_pk' });
        t.foreign(['org_id', 'team_id'], 'users_org_team_fk').references(['org_id', 'id']).inTable('teams');
        t.foreign('manager_id').references('users.id');
        t.dropIndex(['city']);
        t.dropIndex([], 'users_rank_idx');
        t.dropUnique(['slug']);
        t.dropForeign(['team_id']);
        t.dropPrimary();
        t.dropTimestamps();
        t.check('char_length(email) > 3', [], 'email_len');
      });
    };`,
  ],
  [
    'schema calls, raw SQL with bindings, query builder writes',
    `exports.up = async (knex) => {
      await knex.schema.withSchema('billing').createTable('invoices', (t) => { t.increments(); t.integer('amount').notNullable(); });
      await knex.schema.withSchema('billing').alterTable('invoices', (t) => { t.text('memo'); });
      await knex.schema.renameTable('accounts', 'customers');
      await knex.schema.dropTableIfExists('old_events');
      await knex.schema.dropTable('tmp');
      await knex.schema.raw('ALTER TABLE customers ADD COLUMN region text');
      await knex.raw('ALTER TABLE ?? ADD COLUMN ?? integer DEFAULT ?', ['customers', 'tier', 3]);
      await knex.raw('SET lock_timeout = ?', ['5s']);
      await knex('customers').insert({ name: 'x' });
      await knex('customers').where({ id: 1 }).update({ name: 'y' });
      await knex('customers').where('id', 2).del();
      await knex('events').truncate();
    };`,
  ],
  [
    'chained schema builder calls and .then callbacks',
    `exports.up = function (knex) {
      return knex.schema
        .createTable('a', (t) => { t.increments(); })
        .createTable('b', (t) => { t.increments(); t.integer('a_id').references('a.id'); })
        .then(() => knex.schema.alterTable('c', (t) => { t.text('note'); }));
    };
    exports.down = function (knex) {
      return knex.schema.dropTable('b').dropTable('a');
    };`,
  ],
  [
    'config.transaction = false and knex.transaction() inside',
    `exports.config = { transaction: false };
    exports.up = async (knex) => {
      await knex.raw('CREATE INDEX CONCURRENTLY users_email_idx ON users (email)');
      await knex.transaction(async (trx) => {
        await trx.schema.alterTable('users', (t) => { t.text('note'); });
        await trx('users').update({ note: '' });
      });
    };`,
  ],
];

describe('knex builder scenarios: frontend IR = IR of the SQL knex generates', () => {
  const pairs: { fromTs: Migration; generated: Migration }[] = [];
  SCENARIOS.forEach(([name, source], i) => {
    it(name, async () => {
      const file = `scenario_${i}.js`;
      const mod = evaluate(source);
      const fromTs = await parseTs(file, source);
      const sql = await generate(mod);
      // knex.transaction() sends BEGIN/COMMIT through the same connection: both sides show them.
      const generated = generatedMigration(fromTs, sqlOps(sql.up, 'upgrade'), sqlOps(sql.down, 'downgrade'));
      expect(fromTs.diagnostics).toEqual([]);
      expect(
        fromTs.ops.map((op) => normalize(op)),
        `SQL knex sent:\n${sql.up.join(';\n')}`,
      ).toEqual(generated.ops.map((op) => normalize(op)));
      pairs.push({ fromTs, generated });
    });
  });

  it('same verdicts on the scenarios as on the SQL knex sends', () => {
    expect(pairs).toHaveLength(SCENARIOS.length);
    for (const p of pairs) expect(verdicts(lintAll([p.fromTs]))).toEqual(verdicts(lintAll([p.generated])));
  });
});
