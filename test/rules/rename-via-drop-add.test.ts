import { ruleTester } from '../helpers/rule-tester.js';
import { renameViaDropAdd } from '../../src/rules/rename-via-drop-add.js';
import { runRule } from '../helpers/rule-tester.js';
import { describe, expect, it } from 'vitest';
import { renameLikeness } from '../../src/rules/rename-via-drop-add.js';
import { lintSources, DEFAULT_OPTIONS } from '../../src/linter.js';

ruleTester(renameViaDropAdd, {
  valid: [
    'ALTER TABLE users RENAME COLUMN name TO full_name;',
    'ALTER TABLE users DROP COLUMN legacy_plan;',
    'ALTER TABLE users ADD COLUMN plan text;',
    {
      name: 'drop and add on different tables',
      sql: 'ALTER TABLE users DROP COLUMN nickname;\nALTER TABLE profiles ADD COLUMN nickname text;',
    },
    {
      name: 'a table created in the same migration',
      sql: 'CREATE TABLE drafts (id bigint, body text);\nALTER TABLE drafts DROP COLUMN body;\nALTER TABLE drafts ADD COLUMN content text;',
    },
    {
      name: 'a column added and dropped again in the same migration',
      sql: 'ALTER TABLE users ADD COLUMN tmp text;\nALTER TABLE users DROP COLUMN tmp;',
    },
    {
      name: 'unrelated columns: a varchar dropped, an integer of another name added',
      sql: [
        'CREATE TABLE accounts (id bigint PRIMARY KEY, referral_code varchar(32));',
        'ALTER TABLE accounts DROP COLUMN referral_code, ADD COLUMN seat_limit integer;',
      ],
    },
    {
      name: 'names with only a generic word in common (userId → teamId)',
      file: 'prisma/migrations/20240301000000_move_to_teams/migration.sql',
      sql: 'ALTER TABLE "Project" DROP COLUMN "userId",\nADD COLUMN     "teamId" INTEGER;\n',
    },
    {
      name: 'expand and contract: the values are copied by UPDATE before the drop',
      sql: 'ALTER TABLE orders ADD COLUMN total_cents bigint;\nUPDATE orders SET total_cents = round(total * 100);\nALTER TABLE orders DROP COLUMN total;\nALTER TABLE orders RENAME COLUMN total_cents TO total;',
    },
    {
      name: 'the values are moved to another table by INSERT … SELECT before the drop',
      sql: 'ALTER TABLE users ADD COLUMN profile_bio_id bigint;\nINSERT INTO profiles (user_id, bio) SELECT id, profile_bio FROM users;\nALTER TABLE users DROP COLUMN profile_bio;',
    },
    {
      name: 'a stored generated column re-created with a new expression',
      sql: [
        "CREATE TABLE articles (id bigint PRIMARY KEY, title text, body text, search tsvector GENERATED ALWAYS AS (to_tsvector('simple', title)) STORED);",
        "ALTER TABLE articles DROP COLUMN search;\nALTER TABLE articles ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('simple', title || ' ' || body)) STORED;",
      ],
    },
    {
      name: "downgrade reversing its own upgrade's drop/add",
      file: '20240110_rename.sql',
      sql: '-- migrate:up\nALTER TABLE users ADD COLUMN full_name text;\n-- migrate:down\nALTER TABLE users DROP COLUMN full_name;\nALTER TABLE users ADD COLUMN name text;\n',
      checkDowngrade: true,
    },
  ],
  invalid: [
    {
      name: 'Prisma-style rename in one statement',
      file: 'prisma/migrations/20240101120000_rename_name/migration.sql',
      sql: '-- AlterTable\nALTER TABLE "User" DROP COLUMN "name",\nADD COLUMN     "fullName" TEXT;\n',
      errors: [
        {
          line: 2,
          message:
            'Column "User".name is dropped and "User"."fullName" is added in the same statement: if this is a rename, every value of name is lost',
        },
      ],
    },
    {
      name: 'same name re-created with another type, type known from an earlier migration',
      sql: [
        'CREATE TABLE orders (id bigint PRIMARY KEY, price integer);',
        'ALTER TABLE orders DROP COLUMN price;\n\nALTER TABLE orders ADD COLUMN price numeric(12,2);',
      ],
      errors: [
        {
          file: 'm002_migration.sql',
          line: 1,
          message:
            'Column orders.price is dropped and re-created at line 3 (integer → numeric(12,2)): every existing value is lost',
        },
      ],
    },
    {
      name: 'add before drop, different names',
      sql: 'ALTER TABLE users ADD COLUMN email_address text;\nALTER TABLE users DROP COLUMN email;',
      errors: [{ line: 2, message: 'users.email is dropped and users.email_address is added at line 1' }],
    },
    {
      name: 'two drops and two adds pair one to one, same name first',
      sql: 'ALTER TABLE users DROP COLUMN first_name, DROP COLUMN status;\nALTER TABLE users ADD COLUMN given_name text, ADD COLUMN status text;',
      errors: [
        { line: 1, message: 'users.first_name is dropped and users.given_name is added at line 2' },
        { line: 1, message: 'users.status is dropped and re-created at line 2' },
      ],
    },
    {
      name: 'an UPDATE of another table reading a column of the same name copies nothing',
      sql: 'UPDATE invoices SET note = status;\nALTER TABLE orders DROP COLUMN status, ADD COLUMN status_text text;',
      errors: [{ line: 2, message: 'orders.status is dropped and orders.status_text is added in the same statement' }],
    },
    {
      name: 'the closer match added in the same statement is paired, not the first one',
      sql: 'ALTER TABLE sessions DROP COLUMN expires, ADD COLUMN created_at timestamptz DEFAULT now(), ADD COLUMN expires_at timestamptz;',
      errors: [{ message: 'sessions.expires is dropped and sessions.expires_at is added' }],
    },
    {
      name: 'a typo fix of the same type',
      sql: [
        'CREATE TABLE addresses (id bigint PRIMARY KEY, adress text);',
        'ALTER TABLE addresses DROP COLUMN adress;\nALTER TABLE addresses ADD COLUMN address text;',
      ],
      errors: [
        {
          file: 'm002_migration.sql',
          line: 1,
          message: 'addresses.adress is dropped and addresses.address is added at line 2',
        },
      ],
    },
    {
      name: 'more drops than adds: only one pair',
      sql: 'ALTER TABLE posts DROP COLUMN title, DROP COLUMN body, ADD COLUMN title_text text;',
      errors: [{ message: 'posts.title is dropped and posts.title_text' }],
    },
  ],
});

it('rename-via-drop-add: the help shows the RENAME COLUMN and the type-change alternatives', async () => {
  const [rename] = await runRule(renameViaDropAdd, {
    sql: 'ALTER TABLE users DROP COLUMN name;\nALTER TABLE users ADD COLUMN full_name text;',
  });
  expect(rename!.help).toContain('ALTER TABLE users RENAME COLUMN name TO full_name;');
  const [retype] = await runRule(renameViaDropAdd, {
    sql: 'ALTER TABLE orders DROP COLUMN price;\nALTER TABLE orders ADD COLUMN price numeric(12,2);',
  });
  expect(retype!.help).toContain('ALTER TABLE orders ALTER COLUMN price TYPE numeric(12,2) USING price::numeric(12,2)');
});

describe('rename-via-drop-add: how much a name reads like a rename', () => {
  it.each([
    ['name', 'full_name'],
    ['enabledTypedSignature', 'typedSignatureEnabled'],
    ['email', 'emailAddress'],
    ['colour', 'color'],
    ['user_id', 'userId'],
  ])('%s → %s is plausible', (from, to) => {
    expect(renameLikeness(from, to)).toBeGreaterThanOrEqual(0.5);
  });
  it.each([
    ['created_at', 'updated_at'],
    ['userId', 'organizationId'],
    ['customEmailBody', 'message'],
    ['active', 'lastSyncedEnvFileValue'],
    ['expires', 'createdAt'],
  ])('%s → %s is not', (from, to) => {
    expect(renameLikeness(from, to)).toBeLessThan(0.5);
  });
});

describe('rename-via-drop-add: code the linter cannot read between the add and the drop', () => {
  const knex = (body: string) =>
    `exports.up = async function (knex) {\n${body}\n};\nexports.down = async function () {};\n`;
  const lint = (text: string) =>
    lintSources([{ path: 'db/migrations/20240301000000_plan_code.js', content: { ok: true, text } }], {
      ...DEFAULT_OPTIONS,
      rules: Object.fromEntries([['rename-via-drop-add', 'error']]),
    }).then((r) => r.findings.filter((f) => f.rule === 'rename-via-drop-add'));

  it('is a warning that names the code, not an error', async () => {
    const findings = await lint(
      knex(
        [
          "  await knex.schema.alterTable('accounts', (t) => { t.string('plan_code'); });",
          "  await knex('accounts').update({ plan_code: knex.ref('plan') });",
          "  await knex.schema.alterTable('accounts', (t) => { t.dropColumn('plan'); });",
        ].join('\n'),
      ),
    );
    expect(findings.map((f) => [f.severity, f.line])).toEqual([['warning', 4]]);
    expect(findings[0]!.message).toContain('unless the code at line 3 copies plan into plan_code');
  });

  it('names the code that fills the new column, not an earlier unreadable write elsewhere (Kysely .set, Knex .update)', async () => {
    // The shape of a data-URI avatar moved to its own table: rows inserted elsewhere, then the new column set per row.
    const kysely = [
      "import { Kysely } from 'kysely';",
      'export async function up(db: Kysely<any>): Promise<void> {',
      "  await db.schema.alterTable('Team').addColumn('logoId', 'text').execute();",
      "  const teams = await db.selectFrom('Team').select(['id', 'logo']).execute();",
      '  for (const team of teams) {',
      "    await db.insertInto('Blob').values(blobOf(team.logo)).execute();",
      "    await db.updateTable('Team').set({ logoId: team.id }).where('id', '=', team.id).execute();",
      '  }',
      "  await db.schema.alterTable('Team').dropColumn('logo').execute();",
      '}',
      'export async function down(): Promise<void> {}',
    ].join('\n');
    const result = await lintSources(
      [{ path: 'db/migrations/20240603-team_logo.ts', content: { ok: true, text: kysely } }],
      { ...DEFAULT_OPTIONS, rules: { 'rename-via-drop-add': 'error' } },
    );
    const findings = result.findings.filter((f) => f.rule === 'rename-via-drop-add');
    expect(findings.map((f) => [f.severity, f.line])).toEqual([['warning', 9]]);
    expect(findings[0]!.message).toContain('unless the code at line 7 copies logo into "logoId"');
    const knexFindings = await lint(
      knex(
        [
          "  await knex.schema.alterTable('accounts', (t) => { t.string('plan_code'); });",
          "  await knex('audit').insert(rows);",
          "  await knex('accounts').update({ plan_code: codeOf(plan) }).where('id', 1);",
          "  await knex.schema.alterTable('accounts', (t) => { t.dropColumn('plan'); });",
        ].join('\n'),
      ),
    );
    expect(knexFindings[0]!.message).toContain('unless the code at line 4 copies plan into plan_code');
  });

  it('is not reported when the new column then takes the old name (the code moved the values)', async () => {
    const findings = await lint(
      knex(
        [
          "  await knex.schema.alterTable('accounts', (t) => { t.integer('_owner_id'); });",
          "  await knex('accounts').update({ _owner_id: knex.ref('owner_id') });",
          "  await knex.schema.alterTable('accounts', (t) => { t.dropColumn('owner_id'); });",
          "  await knex.schema.alterTable('accounts', (t) => { t.renameColumn('_owner_id', 'owner_id'); });",
        ].join('\n'),
      ),
    );
    expect(findings).toEqual([]);
  });
});
