/**
 * What a migration set already established, over realistic migration sets (fixtures/schema-state):
 * nullability, indexes, views, generated columns and tables filled in the migration (issue 9,
 * class 3); which drop/add pairs lose data (class 4); and state that stays inside its own set
 * (class 9). Style rules (prefer-*) and require-lock-timeout are left out of the pinned list: they
 * do not depend on the schema state.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, REPO_ROOT } from './integrations/helpers.js';
import { lintSources } from '../src/linter.js';
import { DEFAULT_OPTIONS } from '../src/linter.js';

interface JsonFinding {
  rule: string;
  severity: string;
  file: string;
  line: number;
  message: string;
  lock?: string;
}

const ROOT = 'fixtures/schema-state/';
let findings: JsonFinding[] = [];

beforeAll(async () => {
  const r = await cli(['--format', 'json', 'fixtures/schema-state'], REPO_ROOT);
  expect(r.stderr).toBe('');
  findings = (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings;
});

const key = (f: JsonFinding) => `${f.rule}@${f.file.slice(ROOT.length)}:${f.line}`;
const stateDependent = () => findings.filter((f) => !f.rule.startsWith('prefer-') && f.rule !== 'require-lock-timeout');
const at = (rule: string, file: string) => findings.filter((f) => f.rule === rule && f.file === ROOT + file);

describe('fixtures/schema-state', () => {
  it('reports exactly the findings a reviewer would sign', () => {
    expect(stateDependent().map(key)).toEqual([
      // products.category_id references categories with no index on it
      'require-index-for-foreign-key@catalog/migrations/001_products.sql:12',
      'ban-drop-column@catalog/migrations/002_search_descriptions.sql:2',
      'adding-field-with-default@catalog/migrations/002_search_descriptions.sql:3',
      'ban-drop-column@catalog/migrations/003_session_fields.sql:1',
      'rename-via-drop-add@catalog/migrations/003_session_fields.sql:1',
      'constraint-missing-not-valid@catalog/migrations/004_price_history.sql:12',
      'require-concurrent-index-creation@catalog/migrations/004_price_history.sql:13',
      'adding-foreign-key-constraint@catalog/migrations/005_price_history_fk.sql:4',
      'require-index-for-foreign-key@catalog/migrations/005_price_history_fk.sql:4',
      'adding-not-nullable-field@knex/migrations/20240220093000_widen_customer_email.js:4',
      'ban-drop-not-null@knex/migrations/20240305110000_customer_contact_optional.js:5',
      // the clause of the nullable column, on its own line
      'adding-not-nullable-field@prisma/migrations/20240212100000_require_contact_fields/migration.sql:4',
      'require-concurrent-index-deletion@prisma/migrations/20240304113000_drop_invoice_lookup/migration.sql:2',
      'require-concurrent-index-creation@prisma/migrations/20240304113000_drop_invoice_lookup/migration.sql:5',
      'adding-foreign-key-constraint@prisma/migrations/20240410150000_invoice_archive/migration.sql:17',
      'ban-drop-column@prisma/migrations/20240618094500_account_profile/migration.sql:9',
      'rename-via-drop-add@prisma/migrations/20240618094500_account_profile/migration.sql:9',
      'ban-drop-column@prisma/migrations/20240618094500_account_profile/migration.sql:10',
      // Prisma runs the file in one transaction: the UPDATE of every invoice holds ADD COLUMN's lock
      'backfill-in-ddl-transaction@prisma/migrations/20240702120000_invoice_status_enum/migration.sql:7',
      'ban-unfiltered-data-change@prisma/migrations/20240702120000_invoice_status_enum/migration.sql:7',
      // (no ban-drop-column at line 10: status_new, filled from status while ADD COLUMN's lock kept writes
      // out, is renamed into its place in the same transaction — a replacement, no value lost)
      'adding-not-nullable-field@services/search/migrations/000002_require_email.up.sql:1',
    ]);
  });
});

describe('class 3: facts the set already established', () => {
  it('SET NOT NULL on a column created NOT NULL changes nothing; the nullable column in the same statement is flagged', () => {
    const f = at('adding-not-nullable-field', 'prisma/migrations/20240212100000_require_contact_fields/migration.sql');
    expect(f.map((x) => x.message)).toEqual([expect.stringContaining('"Account".billingEmail')]);
  });

  it("Knex .notNullable().alter() drops and re-sets NOT NULL in one transaction: no DROP NOT NULL finding, the re-check's scan is", () => {
    expect(at('ban-drop-not-null', 'knex/migrations/20240220093000_widen_customer_email.js')).toEqual([]);
    expect(at('adding-not-nullable-field', 'knex/migrations/20240220093000_widen_customer_email.js')).toHaveLength(1);
  });

  it('Knex .nullable().alter() on a column created nullable changes nothing; on a NOT NULL column it is flagged', () => {
    const f = at('ban-drop-not-null', 'knex/migrations/20240305110000_customer_contact_optional.js');
    expect(f.map((x) => x.message)).toEqual([expect.stringContaining('customers.phone')]);
  });

  it('an index created by an earlier migration of the set: DROP INDEX names its table', () => {
    const [f] = at(
      'require-concurrent-index-deletion',
      'prisma/migrations/20240304113000_drop_invoice_lookup/migration.sql',
    );
    expect(f!.lock).toBe('ACCESS EXCLUSIVE on "Invoice" (blocks reads and writes)');
  });

  it('an index on a materialized view created in the same migration blocks no one', () => {
    expect(
      findings.filter(
        (f) => f.file.includes('20240502081500_monthly_revenue') && f.rule === 'require-concurrent-index-creation',
      ),
    ).toEqual([]);
  });

  it('a table filled by INSERT … SELECT and committed is not empty: CHECK and CREATE INDEX on it are flagged', () => {
    expect(at('constraint-missing-not-valid', 'catalog/migrations/004_price_history.sql')).toHaveLength(1);
    expect(at('require-concurrent-index-creation', 'catalog/migrations/004_price_history.sql')).toHaveLength(1);
  });

  it('a foreign key on a new table holding copied rows checks them while the referenced table waits, committed or not', () => {
    expect(at('adding-foreign-key-constraint', 'catalog/migrations/005_price_history_fk.sql')[0]!.message).toContain(
      'price_history_2023_product_fk',
    );
    // Prisma's implicit transaction: the copied invoices are checked against "Account".
    expect(
      at('adding-foreign-key-constraint', 'prisma/migrations/20240410150000_invoice_archive/migration.sql')[0]!.lock,
    ).toContain('"Account"');
    // The CHECK on the uncommitted copy locks only a table no one else can see yet.
    expect(at('constraint-missing-not-valid', 'catalog/migrations/005_price_history_fk.sql')).toEqual([]);
  });

  it('a Sequelize createTable with columns spread from a helper is still a new table', () => {
    expect(findings.filter((f) => f.file.startsWith(`${ROOT}sequelize/`) && !f.rule.startsWith('prefer-'))).toEqual([]);
  });
});

describe('class 4: rename-via-drop-add on plausible renames only', () => {
  it('pairs displayName with fullName, not legacyCode with the unrelated integer seats', () => {
    const f = at('rename-via-drop-add', 'prisma/migrations/20240618094500_account_profile/migration.sql');
    expect(f.map((x) => x.message)).toEqual([
      expect.stringContaining('"Account"."displayName" is dropped and "Account"."fullName" is added'),
    ]);
  });

  it('pairs the dropped column with the better match added in the same statement', () => {
    const [f] = at('rename-via-drop-add', 'catalog/migrations/003_session_fields.sql');
    expect(f!.message).toContain('sessions.expires is dropped and sessions.expires_at is added');
  });

  it('values copied by UPDATE before the drop, and a re-created generated column, are not losses', () => {
    expect(at('rename-via-drop-add', 'prisma/migrations/20240702120000_invoice_status_enum/migration.sql')).toEqual([]);
    expect(at('rename-via-drop-add', 'catalog/migrations/002_search_descriptions.sql')).toEqual([]);
  });
});

describe('class 9: schema state belongs to one migration set', () => {
  it("the search service's users table does not inherit the billing service's validated CHECK", () => {
    expect(at('adding-not-nullable-field', 'services/search/migrations/000002_require_email.up.sql')).toHaveLength(1);
  });

  it('two Prisma projects in one run keep their own tables and indexes', async () => {
    const text = (t: string) => ({ ok: true as const, text: t });
    const result = await lintSources(
      [
        {
          path: 'apps/api/prisma/migrations/20240101000000_init/migration.sql',
          content: text(
            'CREATE TABLE "Job" ("id" SERIAL NOT NULL, "name" TEXT NOT NULL);\nCREATE INDEX "Job_name_idx" ON "Job"("name");',
          ),
        },
        {
          path: 'apps/api/prisma/migrations/20240201000000_job_name/migration.sql',
          content: text('ALTER TABLE "Job" ALTER COLUMN "name" SET NOT NULL;'),
        },
        {
          path: 'apps/worker/prisma/migrations/20240115000000_init/migration.sql',
          content: text('ALTER TABLE "Job" ALTER COLUMN "name" SET NOT NULL;\nDROP INDEX "Job_name_idx";'),
        },
      ],
      {
        ...DEFAULT_OPTIONS,
        rules: { 'require-lock-timeout': 'off', 'prefer-bigint-over-int': 'off', 'prefer-identity': 'off' },
      },
    );
    expect(result.findings.map((f) => `${f.rule}@${f.file}`)).toEqual([
      'adding-not-nullable-field@apps/worker/prisma/migrations/20240115000000_init/migration.sql',
      'require-concurrent-index-deletion@apps/worker/prisma/migrations/20240115000000_init/migration.sql',
    ]);
    // The worker's DROP INDEX does not know the api's index: its table is not named.
    expect(result.findings[1]!.lock).toContain('on the table of ');
  });

  it('an index follows its table through RENAME and is forgotten with DROP TABLE', async () => {
    const text = (t: string) => ({ ok: true as const, text: t });
    const result = await lintSources(
      [
        {
          path: 'db/001_orders.sql',
          content: text(
            'CREATE TABLE orders (id bigint PRIMARY KEY, placed_at timestamptz);\nCREATE INDEX orders_placed_at_idx ON orders (placed_at);\nCREATE TABLE carts (id bigint PRIMARY KEY, owner bigint);\nCREATE INDEX carts_owner_idx ON carts (owner);',
          ),
        },
        { path: 'db/002_rename.sql', content: text('ALTER TABLE orders RENAME TO purchases;') },
        {
          path: 'db/003_carts.sql',
          content: text('DROP TABLE carts;\nCREATE TABLE carts (id bigint PRIMARY KEY, owner bigint);'),
        },
        {
          path: 'db/004_drop_indexes.sql',
          content: text('DROP INDEX orders_placed_at_idx;\nDROP INDEX carts_owner_idx;'),
        },
      ],
      { ...DEFAULT_OPTIONS, rules: { 'require-lock-timeout': 'off' } },
    );
    const drops = result.findings.filter((f) => f.rule === 'require-concurrent-index-deletion');
    expect(drops.map((f) => `${f.file}:${f.line}`)).toEqual(['db/004_drop_indexes.sql:1', 'db/004_drop_indexes.sql:2']);
    expect(drops[0]!.lock).toBe('ACCESS EXCLUSIVE on purchases (blocks reads and writes)');
    // carts was dropped with its index and created again without one: the name no longer tells the table
    expect(drops[1]!.lock).toContain('on the table of ');
  });
});

describe('class 3: a createTable the frontend could only partly read is still a new table', () => {
  const lintOne = (path: string, text: string) =>
    lintSources([{ path, content: { ok: true, text } }], {
      ...DEFAULT_OPTIONS,
      rules: { 'require-lock-timeout': 'off' },
    }).then((r) => r.findings.filter((f) => !f.rule.startsWith('prefer-')));

  it('TypeORM: a column built by an imported helper', async () => {
    const findings = await lintOne(
      'src/migrations/1714000000000-CreateWebhooks.ts',
      [
        "import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';",
        "import { primaryUuid } from '../columns';",
        '',
        'export class CreateWebhooks1714000000000 implements MigrationInterface {',
        '  public async up(queryRunner: QueryRunner): Promise<void> {',
        '    await queryRunner.createTable(',
        "      new Table({ name: 'webhooks', columns: [primaryUuid(), { name: 'url', type: 'text', isNullable: false }] }),",
        '    );',
        "    await queryRunner.createIndex('webhooks', new TableIndex({ name: 'IDX_webhooks_url', columnNames: ['url'] }));",
        '  }',
        '',
        '  public async down(queryRunner: QueryRunner): Promise<void> {',
        "    await queryRunner.dropTable('webhooks');",
        '  }',
        '}',
        '',
      ].join('\n'),
    );
    expect(findings.map((f) => f.rule)).toEqual([]);
  });

  it('node-pg-migrate: columns spread from a shared object', async () => {
    const findings = await lintOne(
      'migrations/1714000000000_create-jobs.js',
      [
        "const { timestamps } = require('../lib/columns');",
        '',
        'exports.up = (pgm) => {',
        "  pgm.createTable('jobs', { id: 'id', queue: { type: 'text', notNull: true }, ...timestamps });",
        "  pgm.createIndex('jobs', 'queue');",
        '};',
        '',
        'exports.down = (pgm) => {',
        "  pgm.dropTable('jobs');",
        '};',
        '',
      ].join('\n'),
    );
    expect(findings.map((f) => f.rule)).toEqual([]);
  });
});
