/**
 * Differential test against Kysely itself: each migration is read statically by the Kysely frontend
 * AND run against a real `Kysely` instance with Postgres's adapter and query compiler, whose driver
 * records the compiled SQL instead of connecting. Both IRs must agree op for op, and the rules must
 * give the same verdicts.
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
} from 'kysely';
import type { Migration } from '../../src/ir/types.js';
import { generatedMigration, lintAll, normalize, parseTs, sqlOps, verdicts } from './helpers.js';
import { compileTestCode } from '../helpers/test-code.js';

const DIR = resolve('fixtures/kysely/migrations');

function inline(sql: string, parameters: readonly unknown[]): string {
  return sql.replace(/\$(\d+)/g, (_m, n: string) => {
    const v = parameters[Number(n) - 1];
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    if (v === null || v === undefined) return 'NULL';
    return `'${(typeof v === 'string' ? v : JSON.stringify(v)).replace(/'/g, "''")}'`;
  });
}

/** A Kysely for Postgres whose driver records every compiled query. */
function recordingKysely() {
  const sent: string[] = [];
  const connection: DatabaseConnection = {
    async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
      sent.push(inline(query.sql, query.parameters));
      return { rows: [] };
    },
    // eslint-disable-next-line require-yield
    async *streamQuery() {
      throw new Error('not used');
    },
  };
  const driver: Driver = {
    async init() {},
    async acquireConnection() {
      return connection;
    },
    async beginTransaction() {
      sent.push('BEGIN');
    },
    async commitTransaction() {
      sent.push('COMMIT');
    },
    async rollbackTransaction() {
      sent.push('ROLLBACK');
    },
    async releaseConnection() {},
    async destroy() {},
  };
  const db = new Kysely<unknown>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => driver,
      createIntrospector: (k) => new PostgresIntrospector(k),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
  return { db, take: () => sent.splice(0) };
}

type Module = { up: (db: Kysely<unknown>) => Promise<void>; down?: (db: Kysely<unknown>) => Promise<void> };

async function generate(mod: Module) {
  const { db, take } = recordingKysely();
  await mod.up(db);
  const up = take();
  if (mod.down) await mod.down(db);
  const down = take();
  return { up, down };
}

const FIXTURES = readdirSync(DIR)
  .filter((f) => f.endsWith('.ts') && f !== 'index.ts') // index.ts: the MigrationProvider listing them
  .sort()
  .map((f) => join(DIR, f));

describe('kysely fixtures: frontend IR = IR of the SQL Kysely compiles', () => {
  const pairs: { fromTs: Migration; generated: Migration }[] = [];
  for (const file of FIXTURES) {
    it(file.slice(DIR.length + 1), async () => {
      const fromTs = await parseTs(file);
      const sql = await generate((await import(file)) as Module);
      const generated = generatedMigration(fromTs, sqlOps(sql.up, 'upgrade'), sqlOps(sql.down, 'downgrade'));
      expect(fromTs.diagnostics).toEqual([]);
      expect(
        fromTs.ops.map((op) => normalize(op)),
        `SQL Kysely compiled:\n${[...sql.up, '-- down', ...sql.down].join(';\n')}`,
      ).toEqual(generated.ops.map((op) => normalize(op)));
      pairs.push({ fromTs, generated });
    });
  }

  it('every rule gives the same verdicts on the fixtures and on the compiled SQL', () => {
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
      'adding-foreign-key-constraint',
      'adding-not-nullable-field',
      'constraint-missing-not-valid',
    ]) {
      expect(rules, id).toContain(id);
    }
  });

  it('a loop over a constant list of tables is read per table; the volatile default beside it is read', async () => {
    const file = join(DIR, '2024_03_20_0001_public_ids.ts');
    const fromTs = await parseTs(file);
    const sql = await generate((await import(file)) as Module);
    expect(sql.up).toHaveLength(3); // one ALTER for public_id, one per table of the loop
    const up = fromTs.ops.filter((op) => op.direction === 'upgrade');
    expect(up.map((op) => [op.kind, op.span.line])).toEqual([
      ['add-column', 9],
      ['add-column', 14],
      ['add-column', 14],
    ]);
    const [added] = up;
    expect(added?.kind === 'add-column' && added.column.default).toEqual({
      text: 'gen_random_uuid()',
      volatility: 'volatile',
      functions: ['gen_random_uuid'],
    });
    expect(normalize(added!)).toEqual(
      normalize(sqlOps([sql.up[0]!], 'upgrade').map((op) => ({ ...op, inTransaction: true }))[0]!),
    );
  });
});

const SCENARIOS: [string, string][] = [
  [
    'createTable with every column modifier and table constraint',
    `import { Kysely, sql } from 'kysely';
    export async function up(db: Kysely<any>) {
      await db.schema.createTable('account')
        .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
        .addColumn('email', 'varchar(320)', (c) => c.notNull().unique())
        .addColumn('plan', 'text', (c) => c.notNull().defaultTo('free'))
        .addColumn('credits', 'integer', (c) => c.defaultTo(0).check(sql\`credits >= 0\`))
        .addColumn('active', 'boolean', (c) => c.defaultTo(true))
        .addColumn('owner_id', 'bigint', (c) => c.references('person.id').onDelete('cascade'))
        .addColumn('tags', sql\`text[]\`)
        .addColumn('doubled', 'integer', (c) => c.generatedAlwaysAs(sql\`credits * 2\`).stored())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql\`CURRENT_TIMESTAMP\`))
        .addUniqueConstraint('account_plan_email_uq', ['plan', 'email'])
        .addForeignKeyConstraint('account_owner_fk', ['owner_id'], 'person', ['id'])
        .addCheckConstraint('account_plan_known', sql\`plan in ('free', 'pro')\`)
        .ifNotExists()
        .execute();
    }`,
  ],
  [
    'alterTable actions in one statement, alterColumn variants, indexes',
    `import { Kysely, sql } from 'kysely';
    export async function up(db: Kysely<any>) {
      await db.schema.alterTable('account')
        .addColumn('nickname', 'text')
        .addColumn('region', 'text', (c) => c.notNull().defaultTo('eu'))
        .dropColumn('legacy')
        .execute();
      await db.schema.alterTable('account').renameColumn('plan', 'tier').execute();
      await db.schema.alterTable('account').alterColumn('credits', (c) => c.setDataType('bigint')).execute();
      await db.schema.alterTable('account').alterColumn('tier', (c) => c.setDefault('basic')).execute();
      await db.schema.alterTable('account').alterColumn('tier', (c) => c.setDefault(sql\`now()\`)).execute();
      await db.schema.alterTable('account').alterColumn('tier', (c) => c.dropDefault()).execute();
      await db.schema.alterTable('account').alterColumn('region', (c) => c.dropNotNull()).execute();
      await db.schema.alterTable('account').addPrimaryKeyConstraint('account_pk', ['id']).execute();
      await db.schema.alterTable('account').addUniqueConstraint('account_nick_uq', ['nickname']).execute();
      await db.schema.alterTable('account').dropConstraint('account_plan_known').ifExists().execute();
      await db.schema.alterTable('account').renameTo('accounts').execute();
      await db.schema.withSchema('billing').alterTable('invoice').addColumn('memo', 'text').execute();
      await db.schema.createIndex('accounts_region_idx').on('accounts').columns(['region', 'tier']).execute();
      await db.schema.createIndex('accounts_lower_nick').unique().on('accounts').expression(sql\`lower(nickname)\`).ifNotExists().execute();
      await db.schema.createIndex('accounts_active_idx').on('accounts').column('active').where('active', '=', true).execute();
      await db.schema.dropIndex('accounts_region_idx').ifExists().execute();
      await db.schema.dropTable('sessions').ifExists().cascade().execute();
      await db.insertInto('accounts').values({ nickname: 'x' }).execute();
      await db.updateTable('accounts').set({ tier: 'pro' }).where('id', '=', 1).execute();
      await db.deleteFrom('accounts').where('id', '=', 2).execute();
      await sql\`SET lock_timeout = '3s'\`.execute(db);
      await sql.raw('ALTER TABLE accounts ADD COLUMN note text').execute(db);
    }`,
  ],
];

describe('kysely builder scenarios: frontend IR = IR of the SQL Kysely compiles', () => {
  SCENARIOS.forEach(([name, source], i) => {
    it(name, async () => {
      const file = `scenario_${i}.ts`;
      const fromTs = await parseTs(file, source);
      // Build the same migration with Kysely: the source with its import swapped for the real module.
      const kysely = await import('kysely');
      const body = source
        .replace(/^\s*import[^\n]*\n/, '')
        .replace(/export async function up\(db: Kysely<any>\)/, 'return async function up(db)');
      const up = compileTestCode(['sql'], body)(kysely.sql) as Module['up'];
      const sql = await generate({ up });
      const generated = generatedMigration(fromTs, sqlOps(sql.up, 'upgrade'), []);
      expect(fromTs.diagnostics).toEqual([]);
      expect(
        fromTs.ops.map((op) => normalize(op)),
        `SQL Kysely compiled:\n${sql.up.join(';\n')}`,
      ).toEqual(generated.ops.map((op) => normalize(op)));
      expect(verdicts(lintAll([fromTs]))).toEqual(verdicts(lintAll([generated])));
    });
  });
});

describe('kysely chains Postgres rejects', () => {
  it('renameColumn() chained with other alterTable actions is one invalid ALTER TABLE: a parse-error at the rename', async () => {
    const source = [
      "import { Kysely } from 'kysely';",
      'export async function up(db: Kysely<any>) {',
      "  await db.schema.alterTable('account')",
      "    .addColumn('nickname', 'text')",
      "    .renameColumn('plan', 'tier')",
      '    .execute();',
      '}',
    ].join('\n');
    const fromTs = await parseTs('rename_in_chain.ts', source);
    expect(fromTs.diagnostics.map((d) => [d.rule, d.span.line, d.span.column])).toEqual([['parse-error', 5, 6]]);
    expect(fromTs.diagnostics[0]!.message).toContain('split the rename');
    // What Kysely compiles for that chain is indeed rejected by the Postgres parser.
    const { db } = recordingKysely();
    const compiled = db.schema
      .alterTable('account')
      .addColumn('nickname', 'text')
      .renameColumn('plan', 'tier')
      .compile();
    const { parseSql } = await import('../../src/parsers/sql/parse-sql.js');
    expect(parseSql(compiled.sql, { file: 'x', direction: 'upgrade' }).diagnostics.map((d) => d.message)).toEqual([
      'syntax error at or near "rename"',
    ]);
  });
});
