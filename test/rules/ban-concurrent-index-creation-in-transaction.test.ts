import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { runRule, ruleTester } from '../helpers/rule-tester.js';
import { banConcurrentIndexCreationInTransaction as rule } from '../../src/rules/ban-concurrent-index-creation-in-transaction.js';
import { splitStatements } from '../../src/parsers/sql/split.js';

const INDEX = 'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);';

ruleTester(rule, {
  valid: [
    { name: 'plain SQL runs statement by statement', sql: `ALTER TABLE users ADD COLUMN email text;\n${INDEX}` },
    {
      name: 'after the COMMIT of an explicit transaction',
      sql: `BEGIN;\nALTER TABLE users ADD COLUMN email text;\nCOMMIT;\n\n${INDEX}`,
    },
    {
      name: 'golang-migrate file with the index as its only statement',
      file: 'migrations/000042_users_email_idx.up.sql',
      sql: `-- speeds up login\n${INDEX}\n`,
    },
    {
      name: 'Prisma migration with only the index',
      file: 'prisma/migrations/20240301120000_email_idx/migration.sql',
      sql: `-- CreateIndex\n${INDEX}\n`,
    },
    {
      name: 'dbmate section with transaction:false and one statement',
      file: 'db/migrations/20240301120000_email_idx.sql',
      sql: `-- migrate:up transaction:false\n${INDEX}\n\n-- migrate:down\nDROP INDEX users_email_idx;\n`,
    },
    {
      name: 'Flyway migration made only of concurrent statements',
      file: 'db/migration/V7__email_idx.sql',
      sql: `${INDEX}\nDROP INDEX CONCURRENTLY users_old_email_idx;`,
    },
    {
      name: 'knex migration with transaction: false',
      file: 'migrations/20240301120000_email_idx.js',
      sql: "exports.config = { transaction: false };\n\nexports.up = async function (knex) {\n  await knex.raw('CREATE INDEX CONCURRENTLY users_email_idx ON users (email)');\n};\n\nexports.down = async function (knex) {\n  await knex.raw('DROP INDEX CONCURRENTLY users_email_idx');\n};\n",
    },
    {
      name: 'non-concurrent index in a transaction is not this rule',
      sql: 'BEGIN;\nCREATE INDEX users_email_idx ON users (email);\nCOMMIT;',
    },
  ],
  invalid: [
    {
      name: 'explicit BEGIN in the file',
      sql: `BEGIN;\nALTER TABLE users ADD COLUMN email text;\n${INDEX}\nCOMMIT;`,
      errors: [{ line: 3, message: 'BEGIN on line 1' }],
    },
    {
      name: 'dbmate wraps the section',
      file: 'db/migrations/20240301120000_email_idx.sql',
      sql: `-- migrate:up\n${INDEX}\n\n-- migrate:down\nDROP INDEX CONCURRENTLY users_email_idx;\n`,
      errors: [{ line: 2, message: 'dbmate runs each migration section in a transaction' }],
    },
    {
      name: 'dbmate transaction:false section with two statements is one implicit transaction',
      file: 'db/migrations/20240301120000_email_idx.sql',
      sql: `-- migrate:up transaction:false\nALTER TABLE users ADD COLUMN email text;\n${INDEX}\n`,
      errors: [
        { line: 3, message: 'dbmate (with transaction:false) sends the whole section as one multi-statement query' },
      ],
    },
    {
      name: 'golang-migrate file with a SET before the index',
      file: 'migrations/000042_users_email_idx.up.sql',
      sql: `SET lock_timeout = '5s';\n${INDEX}\n`,
      errors: [{ line: 2, message: 'golang-migrate sends the whole file as one multi-statement query' }],
    },
    {
      name: 'golang-migrate: a COMMIT does not end the implicit transaction of the query',
      file: 'migrations/000042_users_email_idx.up.sql',
      sql: `BEGIN;\nALTER TABLE users ADD COLUMN email text;\nCOMMIT;\n${INDEX}\n`,
      errors: [{ line: 4, message: 'implicit transaction' }],
    },
    {
      name: 'Prisma migration with other statements',
      file: 'prisma/migrations/20240301120000_email_idx/migration.sql',
      sql: `-- AlterTable\nALTER TABLE "users" ADD COLUMN "email" TEXT;\n\n-- CreateIndex\nCREATE UNIQUE INDEX CONCURRENTLY "users_email_key" ON "users"("email");\n`,
      errors: [{ line: 5, message: 'Prisma Migrate sends the whole file' }],
    },
    {
      name: 'Flyway mixes the index with other statements',
      file: 'db/migration/V7__email.sql',
      sql: `ALTER TABLE users ADD COLUMN email text;\n${INDEX}`,
      errors: [{ line: 2, message: 'Flyway runs a migration in a transaction unless every statement in it' }],
    },
    {
      name: 'drizzle runs all migrations in one transaction',
      file: 'drizzle/0003_email_idx.sql',
      sql: `ALTER TABLE "users" ADD COLUMN "email" text;--> statement-breakpoint\n${INDEX}`,
      errors: [{ line: 2, message: "drizzle's migrator" }],
    },
    {
      name: 'node-pg-migrate SQL migration',
      file: 'migrations/1700000000000_email-idx.sql',
      sql: `-- Up Migration\n${INDEX}\n\n-- Down Migration\nDROP INDEX CONCURRENTLY users_email_idx;\n`,
      errors: [{ line: 2, message: 'node-pg-migrate runs each migration in a transaction' }],
    },
    {
      name: 'knex wraps each migration',
      file: 'migrations/20240301120000_email_idx.js',
      sql: "exports.up = async function (knex) {\n  await knex.raw('CREATE INDEX CONCURRENTLY users_email_idx ON users (email)');\n};\n\nexports.down = async function (knex) {\n  await knex.raw('DROP INDEX users_email_idx');\n};\n",
      errors: [{ line: 2, message: 'knex runs each migration in a transaction' }],
    },
    {
      name: 'knex without a transaction, but two statements in one raw string',
      file: 'migrations/20240301120000_email_idx.js',
      sql: "exports.config = { transaction: false };\n\nexports.up = async function (knex) {\n  await knex.raw(\"SET lock_timeout = '5s'; CREATE INDEX CONCURRENTLY users_email_idx ON users (email)\");\n};\n\nexports.down = async function (knex) {\n  await knex.raw('DROP INDEX CONCURRENTLY users_email_idx');\n};\n",
      errors: [{ line: 4, message: 'it is sent in one SQL string together with other statements' }],
    },
    {
      name: '--assume-in-transaction',
      assumeInTransaction: true,
      sql: INDEX,
      errors: [{ line: 1, message: '--assume-in-transaction' }],
    },
    {
      name: 'DROP INDEX CONCURRENTLY and REINDEX CONCURRENTLY in a transaction block',
      sql: 'BEGIN;\nDROP INDEX CONCURRENTLY users_old_email_idx;\nREINDEX INDEX CONCURRENTLY users_pkey;\nCOMMIT;',
      errors: [
        { line: 2, message: 'DROP INDEX CONCURRENTLY users_old_email_idx cannot run inside a transaction block' },
        { line: 3, message: 'REINDEX INDEX CONCURRENTLY users_pkey cannot run inside a transaction block' },
      ],
    },
  ],
});

describe('ban-concurrent-index-creation-in-transaction help', () => {
  it('tells golang-migrate users about x-multi-statement', async () => {
    const [f] = await runRule(rule, {
      file: 'migrations/000042_users_email_idx.up.sql',
      sql: `SET lock_timeout = '5s';\n${INDEX}\n`,
    });
    expect(f?.help).toContain('x-multi-statement');
  });
  it('tells dbmate users about transaction:false', async () => {
    const [f] = await runRule(rule, {
      file: 'db/migrations/20240301120000_email_idx.sql',
      sql: `-- migrate:up\n${INDEX}\n`,
    });
    expect(f?.help).toContain('-- migrate:up transaction:false');
  });
});

/**
 * Differential: run each file on embedded Postgres the way its tool does (one multi-statement query for
 * golang-migrate/Prisma, BEGIN … COMMIT around dbmate/Flyway-mixed files, statement by statement for
 * plain SQL) and check that Postgres rejects CONCURRENTLY exactly when the rule reports it.
 */
describe('ban-concurrent-index-creation-in-transaction agrees with Postgres', () => {
  let db: PGlite;
  beforeAll(async () => {
    db = new PGlite();
    await db.waitReady;
  });
  afterAll(async () => {
    await db.close();
  });

  type Runner = 'one-query' | 'wrapped' | 'one-by-one';
  const cases: { name: string; file: string; sql: string; run: Runner }[] = [
    {
      name: 'golang-migrate, index alone',
      file: 'm/000001_idx.up.sql',
      sql: `-- login lookups\n${INDEX}\n`,
      run: 'one-query',
    },
    {
      name: 'golang-migrate, SET then index',
      file: 'm/000001_idx.up.sql',
      sql: `SET lock_timeout = '5s';\n${INDEX}\n`,
      run: 'one-query',
    },
    {
      name: 'golang-migrate, index then comment-only tail',
      file: 'm/000001_idx.up.sql',
      sql: `${INDEX}\n-- done\n`,
      run: 'one-query',
    },
    {
      name: 'golang-migrate, COMMIT then index',
      file: 'm/000001_idx.up.sql',
      sql: `BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nCOMMIT;\n${INDEX}\n`,
      run: 'one-query',
    },
    {
      name: 'Prisma, two statements',
      file: 'prisma/migrations/20240301120000_x/migration.sql',
      sql: `ALTER TABLE users ADD COLUMN nickname text;\n${INDEX}\n`,
      run: 'one-query',
    },
    {
      name: 'Prisma, drop concurrently alone',
      file: 'prisma/migrations/20240301120000_x/migration.sql',
      sql: 'DROP INDEX CONCURRENTLY users_name_idx;\n',
      run: 'one-query',
    },
    {
      name: 'dbmate, wrapped',
      file: 'db/migrations/20240301120000_x.sql',
      sql: `-- migrate:up\n${INDEX}\n`,
      run: 'wrapped',
    },
    {
      name: 'plain SQL, explicit BEGIN',
      file: 'x.sql',
      sql: `BEGIN;\nREINDEX INDEX CONCURRENTLY users_pkey;\nCOMMIT;\n`,
      run: 'one-by-one',
    },
    {
      name: 'plain SQL, after COMMIT',
      file: 'x.sql',
      sql: `BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nCOMMIT;\n${INDEX}\n`,
      run: 'one-by-one',
    },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      await db.exec(
        'DROP TABLE IF EXISTS users; CREATE TABLE users (id bigint PRIMARY KEY, email text, name text); CREATE INDEX users_name_idx ON users (name);',
      );
      const flagged = (await runRule(rule, { file: c.file, sql: c.sql })).length > 0;
      const runEach = async (sql: string) => {
        for (const s of splitStatements(sql)) await db.exec(sql.slice(s.start, s.end));
      };
      let error: string | undefined;
      try {
        // dbmate's markers are comments, so the whole file is the section as Postgres sees it.
        if (c.run === 'one-query') await db.exec(c.sql);
        else if (c.run === 'one-by-one') await runEach(c.sql);
        else {
          await db.exec('BEGIN');
          await runEach(c.sql);
          await db.exec('COMMIT');
        }
      } catch (e) {
        error = (e as Error).message;
        await db.exec('ROLLBACK').catch(() => undefined);
      }
      expect(error === undefined || /cannot run inside a transaction block/.test(error)).toBe(true);
      expect(flagged).toBe(error !== undefined);
    });
  }
});
