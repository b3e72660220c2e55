/**
 * `migration-lint init` on a realistic repository: the starter config it writes is valid for the
 * loader, selects the migrations (and not other SQL), records what it detected, and the next plain
 * `migration-lint` run uses it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { ALL_RULES } from '../../src/rules/index.js';
import { cli, tempDir, writeFiles } from './helpers.js';

function shop(): string {
  const dir = tempDir('ml-init-');
  writeFiles(dir, {
    'package.json': JSON.stringify(
      {
        name: 'shop',
        dependencies: { '@prisma/client': '^5.0.0', express: '^4.0.0' },
        devDependencies: { prisma: '^5.0.0' },
      },
      null,
      2,
    ),
    'prisma/schema.prisma': 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n',
    'prisma/migrations/20240101120000_init/migration.sql':
      'CREATE TABLE "User" ("id" SERIAL NOT NULL, "email" TEXT NOT NULL, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));\n',
    'prisma/migrations/20240301090000_email_index/migration.sql':
      'CREATE UNIQUE INDEX "User_email_key" ON "User"("email");\n',
    'prisma/migrations/migration_lock.toml': 'provider = "postgresql"\n',
    'services/billing/db/migrations/001_invoices.up.sql':
      'CREATE TABLE invoices (id bigint PRIMARY KEY, total_cents bigint NOT NULL);\n',
    'services/billing/db/migrations/001_invoices.down.sql': 'DROP TABLE invoices;\n',
    'services/billing/db/migrations/002_invoice_status.up.sql':
      'ALTER TABLE invoices ADD COLUMN status text NOT NULL;\n',
    'services/billing/db/migrations/002_invoice_status.down.sql': 'ALTER TABLE invoices DROP COLUMN status;\n',
    'reports/monthly_revenue.sql':
      "SELECT date_trunc('month', created_at), sum(total_cents) FROM invoices GROUP BY 1;\n",
    'docker-compose.yml':
      'services:\n  db:\n    image: postgres:16-alpine\n    environment:\n      POSTGRES_PASSWORD: dev\n',
    'src/server.ts': "import express from 'express';\nexport const app = express();\n",
  });
  return dir;
}

describe('migration-lint init', () => {
  it('writes a valid, commented config that selects the migrations it found', async () => {
    const dir = shop();
    const r = await cli(['init'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Wrote migration-lint\.config\.json — /);
    const text = readFileSync(join(dir, 'migration-lint.config.json'), 'utf8');
    expect(text).toMatch(/^\/\/ migration-lint configuration \(JSON with comments\)/);
    expect(text).toContain(
      '//   prisma: 2 files in prisma/migrations/20240101120000_init, prisma/migrations/20240301090000_email_index',
    );
    expect(text).toContain('//   golang-migrate: 4 files in services/billing/db/migrations');
    expect(text).toContain('// Migration tools declared by the project: prisma.');
    expect(text).toContain('(From your compose file.)');

    const loaded = loadConfigFile(
      join(dir, 'migration-lint.config.json'),
      ALL_RULES.map((r) => r.meta.id),
    )!;
    expect(loaded.config.include).toEqual(['prisma/migrations/**', 'services/billing/db/migrations/**']);
    expect(loaded.config.pgVersion).toBe(16);
    expect(loaded.config.failOn).toBe('error');

    // The next plain run lints exactly those migrations (not reports/, not src/).
    const lint = await cli(['--format', 'json'], dir);
    const doc = JSON.parse(lint.stdout) as {
      summary: { files: number; filesByFormat: Record<string, number> };
      findings: { file: string; rule: string }[];
    };
    expect(doc.summary.filesByFormat).toEqual({ prisma: 2, 'golang-migrate': 4 });
    expect(doc.findings.map((f) => `${f.file} ${f.rule}`)).toEqual(
      expect.arrayContaining(['services/billing/db/migrations/002_invoice_status.up.sql adding-required-field']),
    );
    expect(doc.findings.some((f) => f.file.startsWith('reports/'))).toBe(false);
  });

  it('will not overwrite a config without --force; --stdout only prints', async () => {
    const dir = shop();
    expect((await cli(['init'], dir)).code).toBe(0);
    const again = await cli(['init'], dir);
    expect([again.code, again.stderr]).toEqual([
      2,
      'migration-lint: migration-lint.config.json already exists (use --force to overwrite it)\n',
    ]);
    expect((await cli(['init', '--force'], dir)).code).toBe(0);
    const printed = await cli(['init', '--stdout'], dir);
    expect(printed.stdout).toBe(readFileSync(join(dir, 'migration-lint.config.json'), 'utf8'));
  });

  it('refuses when package.json already carries the configuration', async () => {
    const dir = tempDir('ml-init-');
    writeFiles(dir, {
      'package.json': JSON.stringify({ name: 'x', 'migration-lint': { pgVersion: 15 } }),
      'db/migrations/001_init.sql': 'CREATE TABLE t (id int);\n',
    });
    const r = await cli(['init'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('package.json already has a "migration-lint" configuration');
    expect(existsSync(join(dir, 'migration-lint.config.json'))).toBe(false);
  });

  it('still writes a usable config when nothing is found', async () => {
    const dir = tempDir('ml-init-');
    const r = await cli(['init'], dir);
    expect(r.code).toBe(0);
    const text = readFileSync(join(dir, 'migration-lint.config.json'), 'utf8');
    expect(text).toContain('no migration files found');
    expect(
      loadConfigFile(
        join(dir, 'migration-lint.config.json'),
        ALL_RULES.map((x) => x.meta.id),
      )!.config.include,
    ).toEqual(['db/migrations/**']);
  });
});
