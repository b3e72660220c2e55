/**
 * Issue 9, class 8: a fix must fit the framework and be valid SQL. require-concurrent-index-creation
 * gives each format's own way to build the index concurrently (from the format's parser, the rule
 * stays framework-free), index names are quoted as Postgres needs them, and `--dialect sqlite`
 * neither flags what Knex itself rebuilds or inlines nor tells a Knex user about Alembic.
 */
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/engine/types.js';
import { lintFixtures } from './helpers.js';

async function indexFinding(dir: string, file: string): Promise<Finding> {
  const findings = (await lintFixtures(dir)).filter(
    (f) => f.rule === 'require-concurrent-index-creation' && f.file.endsWith(file),
  );
  expect(findings).toHaveLength(1);
  return findings[0]!;
}

describe('require-concurrent-index-creation: the framework’s own way', () => {
  it('TypeORM keeps "IDX_user_email" quoted (its down() drops it by that exact name) and says transaction = false', async () => {
    const f = await indexFinding('typeorm', '1718500000000-UserEmailIndex.ts');
    expect(f.message).toContain('CREATE INDEX "IDX_user_email" on "user"');
    expect(f.help).toContain('CREATE INDEX CONCURRENTLY "IDX_user_email" ON "user" (…)');
    expect(f.help).toContain('await queryRunner.query(…)');
    expect(f.help).toContain('`transaction = false`');
  });

  it('Knex: a mixed-case index name keeps its case, and the fix is knex.raw with config.transaction false', async () => {
    const f = await indexFinding('knex', '20240615080000_index_accounts_email.js');
    expect(f.help).toContain('CREATE INDEX CONCURRENTLY "IDX_Accounts_Email" ON accounts (…)');
    expect(f.help).toContain('knex.raw(');
    expect(f.help).toContain('`config = { transaction: false }`');
  });

  it('node-pg-migrate: createIndex with concurrently: true and pgm.noTransaction()', async () => {
    const f = await indexFinding('node-pg-migrate', '1718400000000_orders-customer-index.js');
    expect(f.help).toContain('pgm.createIndex(table, columns, { name, concurrently: true })');
    expect(f.help).toContain('pgm.noTransaction()');
  });

  it('Sequelize: addIndex with concurrently: true, outside a transaction', async () => {
    const f = await indexFinding('sequelize', '20240615090000-index-workspaces-owner.js');
    expect(f.help).toContain('queryInterface.addIndex(table, fields, { name, concurrently: true })');
    expect(f.help).toContain('not inside a transaction');
  });

  it('Alembic: postgresql_concurrently=True inside autocommit_block()', async () => {
    const f = await indexFinding('alembic', '8b1d0c6f2e90_charts_owner_index.py');
    expect(f.help).toContain('postgresql_concurrently=True');
    expect(f.help).toContain('with op.get_context().autocommit_block():');
  });

  it('Kysely: raw sql outside the Migrator’s transaction', async () => {
    const f = await indexFinding('kysely', '2024_06_15_0001_pet_owner_index.ts');
    expect(f.help).toContain('sql`…`.execute(db)');
    expect(f.help).toContain('disableTransactions: true');
  });

  it('dbmate and golang-migrate: their own files, no ORM advice', async () => {
    const dbmate = await indexFinding('dbmate', '20240615120000_events_created_at_index.sql');
    expect(dbmate.help).toContain('-- migrate:up transaction:false');
    const golang = await indexFinding('golang-migrate', '000012_sessions_user_id_index.up.sql');
    expect(golang.help).toContain('only statement of its .up.sql file');
    for (const f of [dbmate, golang]) expect(f.help).not.toMatch(/knex|pgm\.|queryRunner|op\.create_index/);
  });
});

describe('--dialect sqlite with Knex', () => {
  it('does not flag the keys of a new createTable nor what Knex rebuilds; hand-written SQL is flagged with Knex’s way', async () => {
    const findings = (await lintFixtures('knex-sqlite', { dialect: 'sqlite' })).filter(
      (f) => f.rule === 'require-batch-mode-for-sqlite',
    );
    expect(findings.map((f) => f.line)).toEqual([15]);
    expect(findings[0]!.message).toContain('cannot add a check constraint projects_title_not_blank');
    expect(findings[0]!.help).toContain('With Knex');
    expect(findings[0]!.help).not.toContain('batch_alter_table');
  });
});

describe('--dialect sqlite with TypeORM and Sequelize', () => {
  it('TypeORM: QueryRunner calls recreate the table on SQLite; only SQL passed to query() is flagged', async () => {
    const findings = (await lintFixtures('typeorm-sqlite', { dialect: 'sqlite' })).filter(
      (f) => f.rule === 'require-batch-mode-for-sqlite',
    );
    expect(findings.map((f) => [f.line, f.message.replace(/,.*/, '')])).toEqual([[15, 'On SQLite']]);
    expect(findings[0]!.help).toContain('With TypeORM');
    expect(findings[0]!.help).not.toContain('batch_alter_table');
  });

  it('Sequelize: createTable keys, changeColumn and addConstraint are rebuilt; addColumn with now() is not', async () => {
    const findings = (await lintFixtures('sequelize-sqlite', { dialect: 'sqlite' })).filter(
      (f) => f.rule === 'require-batch-mode-for-sqlite',
    );
    expect(findings.map((f) => f.line)).toEqual([19]);
    expect(findings[0]!.message).toContain('cannot add column publishedAt with the non-constant default now()');
    expect(findings[0]!.help).toContain('With Sequelize');
  });
});

describe('identifiers in printed SQL are quoted as Postgres needs', () => {
  it('a TypeORM check constraint name keeps its case in the VALIDATE CONSTRAINT of the fix', async () => {
    const findings = (await lintFixtures('typeorm-sqlite')).filter((f) => f.rule === 'constraint-missing-not-valid');
    expect(findings).toHaveLength(1);
    expect(findings[0]!.help).toContain('ALTER TABLE photo VALIDATE CONSTRAINT "CHK_photo_views";');
  });

  it('a camelCase column keeps its quotes in the backfill recipe', async () => {
    // now() is STABLE: only before Postgres 11 does its default rewrite the table.
    const findings = (await lintFixtures('sequelize-sqlite', { pgVersion: 10 })).filter(
      (f) => f.rule === 'adding-field-with-default',
    );
    expect(findings.map((f) => f.help)).toEqual([expect.stringContaining('ALTER COLUMN "publishedAt" SET DEFAULT …')]);
  });
});
