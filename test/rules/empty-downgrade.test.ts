import { describe, expect, it } from 'vitest';
import { ruleTester, runRule } from '../helpers/rule-tester.js';
import { emptyDowngrade } from '../../src/rules/empty-downgrade.js';

const knexUp =
  "exports.up = async (knex) => {\n  await knex.schema.alterTable('users', (t) => { t.text('bio'); });\n};\n";

ruleTester(emptyDowngrade, {
  valid: [
    {
      name: 'knex: down undoes up',
      file: '20240101_bio.js',
      sql:
        knexUp +
        "exports.down = async (knex) => {\n  await knex.schema.alterTable('users', (t) => { t.dropColumn('bio'); });\n};\n",
    },
    {
      name: 'a no-op migration: up and down both empty',
      file: '20240101_noop.js',
      sql: 'exports.up = async (knex) => {};\nexports.down = async (knex) => {};\n',
    },
    {
      name: 'a data-only up (no schema change) with an empty down',
      file: '20240101_backfill.js',
      sql: "exports.up = async (knex) => {\n  await knex('users').whereNull('plan').update({ plan: 'free' });\n};\nexports.down = async () => {};\n",
    },
    {
      name: 'node-pg-migrate without down: it reverses addColumns and createIndex itself',
      file: '1700000000000_add-bio.js',
      sql: "exports.up = (pgm) => {\n  pgm.addColumns('users', { bio: 'text' });\n  pgm.createIndex('users', 'bio');\n};\n",
    },
    {
      name: 'TypeORM: a pg_temp helper function used by a data fix leaves nothing to undo',
      file: '1700000000000-NormalizeHandles.ts',
      sql: [
        'import { MigrationInterface, QueryRunner } from "typeorm";',
        'export class NormalizeHandles1700000000000 implements MigrationInterface {',
        '    public async up(queryRunner: QueryRunner): Promise<void> {',
        "        await queryRunner.query(`CREATE FUNCTION pg_temp.bare_handle(text) RETURNS text AS $$ SELECT lower(ltrim($1, '@')) $$ LANGUAGE sql IMMUTABLE`);",
        '        await queryRunner.query(`CREATE TEMP TABLE handle_map AS SELECT id, pg_temp.bare_handle(handle) AS h FROM account`);',
        '        await queryRunner.query(`UPDATE account SET handle = m.h FROM handle_map m WHERE m.id = account.id`);',
        '    }',
        '    public async down(): Promise<void> {}',
        '}',
        '',
      ].join('\n'),
    },
    {
      name: 'plain SQL has no downgrade to judge',
      sql: 'ALTER TABLE users ADD COLUMN bio text;',
    },
    {
      name: 'dbmate with a down section',
      file: '20240101000000_bio.sql',
      sql: '-- migrate:up\nALTER TABLE users ADD COLUMN bio text;\n\n-- migrate:down\nALTER TABLE users DROP COLUMN bio;\n',
    },
  ],
  invalid: [
    {
      name: 'knex: empty down function, reported where down is',
      file: '20240101_bio.js',
      sql: knexUp + 'exports.down = function (knex) {};\n',
      errors: [
        {
          line: 4,
          message: 'The downgrade does nothing, but the upgrade changes the schema: add-column on users (line 2)',
        },
      ],
    },
    {
      name: 'TypeORM: empty down() method',
      file: '1700000000000-AddBio.ts',
      sql: [
        'import { MigrationInterface, QueryRunner } from "typeorm";',
        'export class AddBio1700000000000 implements MigrationInterface {',
        '    public async up(queryRunner: QueryRunner): Promise<void> {',
        '        await queryRunner.query(`ALTER TABLE "user" ADD "bio" text`);',
        '        await queryRunner.query(`CREATE INDEX "IDX_bio" ON "user" ("bio")`);',
        '    }',
        '    public async down(queryRunner: QueryRunner): Promise<void> {',
        '    }',
        '}',
      ].join('\n'),
      errors: [{ line: 7, message: 'add-column on user (line 4), create-index on user (line 5)' }],
    },
    {
      name: 'MikroORM: no down() at all — its base class throws "cannot be reverted"',
      file: 'Migration20240101000000.ts',
      sql: [
        "import { Migration } from '@mikro-orm/migrations';",
        '',
        'export class Migration20240101000000 extends Migration {',
        '  async up(): Promise<void> {',
        '    this.addSql(\'alter table "book" add column "isbn" varchar(13) null;\');',
        '  }',
        '}',
      ].join('\n'),
      errors: [
        {
          line: 3,
          message:
            /has no downgrade \(MikroORM's base Migration\.down\(\) throws "This migration cannot be reverted"\)/,
        },
      ],
    },
    {
      name: 'node-pg-migrate without down, but up uses pgm.sql(): it cannot reverse that',
      file: '1700000000000_backfill.js',
      sql: "exports.up = (pgm) => {\n  pgm.addColumns('users', { plan: 'text' });\n  pgm.sql(\"UPDATE users SET plan = 'free'\");\n};\n",
      errors: [{ line: 1, message: 'node-pg-migrate cannot reverse pgm.sql() automatically' }],
    },
    {
      name: 'node-pg-migrate: exports.down = false declares it irreversible (info)',
      file: '1700000000000_drop.js',
      sql: "exports.up = (pgm) => {\n  pgm.dropColumns('users', ['legacy']);\n};\nexports.down = false;\n",
      errors: [{ line: 4, message: 'declared irreversible' }],
    },
    {
      name: 'a down that only throws is an explicit "irreversible" (info)',
      file: '20240101_drop.ts',
      sql: "import type { Knex } from 'knex';\nexport async function up(knex: Knex) {\n  await knex.schema.alterTable('users', (t) => t.dropColumn('legacy'));\n}\nexport async function down() {\n  throw new Error('irreversible: legacy data is gone');\n}\n",
      errors: [{ line: 5, message: 'declared irreversible (down() only throws)' }],
    },
    {
      name: 'Alembic: def downgrade(): pass (the Alembic frontend states the same downgrade facts)',
      file: 'versions/1a2b3c4d5e6f_add_bio.py',
      sql: [
        '"""add bio"""',
        'from alembic import op',
        'import sqlalchemy as sa',
        '',
        "revision = '1a2b3c4d5e6f'",
        'down_revision = None',
        '',
        '',
        'def upgrade():',
        "    op.add_column('users', sa.Column('bio', sa.Text(), nullable=True))",
        '',
        '',
        'def downgrade():',
        '    pass',
      ].join('\n'),
      errors: [{ message: 'add-column on users (line 10)' }],
    },
    {
      name: 'Sequelize: async down with an empty body',
      file: '20240101000000-add-bio.js',
      sql: "module.exports = {\n  async up(queryInterface, Sequelize) {\n    await queryInterface.addColumn('Users', 'bio', Sequelize.TEXT);\n  },\n  async down() {},\n};\n",
      errors: [{ line: 5 }],
    },
  ],
});

describe('empty-downgrade severities', () => {
  it('missing or empty downgrades are warnings; declared-irreversible ones are info', async () => {
    const empty = await runRule(emptyDowngrade, {
      file: '20240101_bio.js',
      sql: knexUp + 'exports.down = async () => {};\n',
    });
    expect(empty.map((f) => f.severity)).toEqual(['warning']);
    const declared = await runRule(emptyDowngrade, {
      file: '1700000000000_drop.js',
      sql: "exports.up = (pgm) => { pgm.dropColumns('users', ['x']); };\nexports.down = false;\n",
    });
    expect(declared.map((f) => f.severity)).toEqual(['info']);
  });

  it('is reported in the upgrade pass (no --check-downgrade needed), once per migration', async () => {
    const findings = await runRule(emptyDowngrade, {
      file: '20240101_bio.js',
      sql: knexUp + 'exports.down = async () => {};\n',
      checkDowngrade: true,
    });
    expect(findings.map((f) => f.direction)).toEqual(['upgrade']);
  });
});
