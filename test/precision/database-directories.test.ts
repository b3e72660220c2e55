/**
 * Projects that support several databases keep one migration directory per database (Prefect's
 * `versions/postgresql` and `versions/sqlite`, n8n's `migrations/postgresdb` and `mysqldb`): only the
 * target's directory is linted; the others are skipped with their reason, never parsed as Postgres
 * (SQLite's PRAGMA and MySQL's backticks were hundreds of false syntax errors and findings).
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS, lintSources } from '../../src/linter.js';
import type { SourceInput } from '../../src/lint-core.js';

const file = (path: string, text: string, explicit = false): SourceInput => ({
  path,
  content: { ok: true, text },
  explicit,
});

const typeorm = (name: string, sql: string) =>
  [
    "import { MigrationInterface, QueryRunner } from 'typeorm';",
    `export class ${name} implements MigrationInterface {`,
    '  public async up(queryRunner: QueryRunner): Promise<void> {',
    `    await queryRunner.query(${JSON.stringify(sql)});`,
    '  }',
    '  public async down(queryRunner: QueryRunner): Promise<void> {}',
    '}',
  ].join('\n');

const inputs = [
  file(
    'server/db/migrations/postgresdb/1700000000000-OrderIndex.ts',
    typeorm('OrderIndex1700000000000', 'CREATE INDEX "IDX_order_customer" ON "order" ("customerId")'),
  ),
  file(
    'server/db/migrations/mysqldb/1700000000000-OrderIndex.ts',
    typeorm('OrderIndex1700000000000', 'CREATE INDEX `IDX_order_customer` ON `order` (`customerId`)'),
  ),
  file(
    'server/db/migrations/sqlite/1700000000000-OrderIndex.ts',
    typeorm('OrderIndex1700000000000', 'PRAGMA foreign_keys = OFF'),
  ),
  file(
    'app/versions/sqlite/2024_01_05_0001_events.sql',
    'PRAGMA journal_mode = WAL;\nCREATE INDEX events_at ON events (at);\n',
  ),
];

describe('migration directories named for a database', () => {
  it('targeting PostgreSQL: the postgresdb directory is linted, mysqldb and sqlite are skipped with their reason', async () => {
    const result = await lintSources(inputs);
    expect([...new Set(result.findings.map((f) => f.file))]).toEqual([inputs[0]!.path]);
    expect(result.findings.filter((f) => f.rule === 'parse-error')).toEqual([]);
    expect(result.findings.map((f) => f.rule)).toContain('require-concurrent-index-creation');
    expect(result.skipped).toEqual([
      { path: inputs[1]!.path, reason: 'its directory (mysqldb/) holds the migrations for MySQL, not for PostgreSQL' },
      {
        path: inputs[2]!.path,
        reason:
          'its directory (sqlite/) holds the migrations for SQLite, not for PostgreSQL; --dialect sqlite lints them',
      },
      {
        path: inputs[3]!.path,
        reason:
          'its directory (sqlite/) holds the migrations for SQLite, not for PostgreSQL; --dialect sqlite lints them',
      },
    ]);
  });

  it('targeting SQLite: the sqlite directories are linted and the PostgreSQL one is skipped', async () => {
    const result = await lintSources(inputs, { ...DEFAULT_OPTIONS, dialect: 'sqlite' });
    expect(result.skipped.map((s) => s.path)).toEqual([inputs[0]!.path, inputs[1]!.path]);
    expect(result.skipped[0]!.reason).toBe(
      'its directory (postgresdb/) holds the migrations for PostgreSQL, not for SQLite; --dialect postgresql lints them',
    );
    expect(result.migrations.map((m) => m.file)).toEqual([inputs[2]!.path, inputs[3]!.path]);
  });

  it('a file named on the command line is reported as not linted, with the reason', async () => {
    const result = await lintSources([file(inputs[1]!.path, typeorm('OrderIndex1700000000000', 'SELECT 1'), true)]);
    expect(result.findings.map((f) => `${f.rule}: ${f.message}`)).toEqual([
      'parse-error: Not linted: its directory (mysqldb/) holds the migrations for MySQL, not for PostgreSQL.',
    ]);
  });

  it('MariaDB is read as MySQL but named as the project names it', async () => {
    const result = await lintSources([
      file(
        'db/migration/mariadb/1700000000000-Init.ts',
        typeorm('Init1700000000000', 'CREATE TABLE `jobs` (`id` int)'),
      ),
    ]);
    expect(result.skipped.map((s) => s.reason)).toEqual([
      'its directory (mariadb/) holds the migrations for MariaDB, not for PostgreSQL',
    ]);
  });

  it('only the two directories nearest the file count: a checkout under ~/mysql/ is linted', async () => {
    const result = await lintSources([
      file(
        '/home/dev/mysql/shop/migrations/0003_orders_index.sql',
        'CREATE INDEX orders_customer ON orders (customer_id);\n',
      ),
    ]);
    expect(result.skipped).toEqual([]);
    expect(result.findings.map((f) => f.rule)).toContain('require-concurrent-index-creation');
  });
});
