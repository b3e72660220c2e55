/**
 * Findings about one part of a statement point at that part: each clause of a multi-clause ALTER
 * TABLE, each column of a CREATE TABLE, each column of a framework's createTable builder or column
 * object. Pinned on fixtures/clause-positions (one directory per framework), plus the things that
 * must keep working once findings move inside statements: suppression comments above the statement,
 * GitHub annotations (one per line), SQL embedded in code.
 */
import { describe, expect, it } from 'vitest';
import { cli, REPO_ROOT, tempDir, writeFiles } from '../integrations/helpers.js';

interface JsonFinding {
  rule: string;
  file: string;
  line: number;
  column: number;
  message: string;
}

async function lint(target: string, cwd = REPO_ROOT, extra: string[] = []): Promise<JsonFinding[]> {
  const r = await cli(['--format', 'json', ...extra, target], cwd);
  expect(r.stderr).toBe('');
  return (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings;
}

/** `file:line rule` for the findings of the rules a case is about. */
function at(findings: JsonFinding[], rules: readonly string[]): string[] {
  return findings.filter((f) => rules.includes(f.rule)).map((f) => `${f.file.split('/').pop()}:${f.line} ${f.rule}`);
}

const COLUMN_RULES = [
  'prefer-bigint-over-int',
  'prefer-bigint-over-smallint',
  'prefer-identity',
  'prefer-text-field',
  'prefer-timestamptz',
  'ban-char-field',
];

describe('SQL: one finding per clause and per column, on its own line', () => {
  it('Prisma: a CREATE TABLE reports each column on its line, a six-clause ALTER TABLE each clause on its line', async () => {
    const findings = await lint('fixtures/clause-positions/prisma');
    expect(at(findings, [...COLUMN_RULES, 'ban-drop-column', 'ban-drop-not-null'])).toEqual([
      'migration.sql:3 prefer-bigint-over-int', // "id" SERIAL
      'migration.sql:3 prefer-identity',
      'migration.sql:4 prefer-bigint-over-int', // "userId" INTEGER
      'migration.sql:7 prefer-text-field', // "twitterHandle" VARCHAR(15)
      'migration.sql:9 prefer-timestamptz', // "updatedAt" TIMESTAMP(3)
      'migration.sql:10 ban-drop-column', // ALTER TABLE "Profile" DROP COLUMN "bio",
      'migration.sql:11 ban-drop-column', // DROP COLUMN "twitterHandle",
      'migration.sql:12 ban-drop-column', // DROP COLUMN "website",
      'migration.sql:14 prefer-text-field', // ADD COLUMN "tagline" VARCHAR(160),
      'migration.sql:15 ban-drop-not-null', // ALTER COLUMN "avatarUrl" DROP NOT NULL;
    ]);
    // The lock-timeout advice is about the statement as a whole: it stays on its first line.
    expect(at(findings, ['require-lock-timeout'])).toEqual(['migration.sql:10 require-lock-timeout']);
    // The clause's own columns: `DROP COLUMN "twitterHandle"` starts the line, the first clause follows `ALTER TABLE "Profile" `.
    expect(findings.filter((f) => f.rule === 'ban-drop-column').map((f) => f.column)).toEqual([23, 1, 1]);
  });

  it('golang-migrate: each DROP COLUMN, ADD CONSTRAINT and SET NOT NULL clause of one ALTER TABLE is reported on its line', async () => {
    const findings = await lint('fixtures/clause-positions/golang-migrate');
    expect(
      at(findings, [
        'ban-drop-column',
        'constraint-missing-not-valid',
        'adding-not-nullable-field',
        'require-lock-timeout',
      ]),
    ).toEqual([
      '000012_retire_legacy_billing_columns.up.sql:2 require-lock-timeout',
      '000012_retire_legacy_billing_columns.up.sql:3 ban-drop-column',
      '000012_retire_legacy_billing_columns.up.sql:4 ban-drop-column',
      '000012_retire_legacy_billing_columns.up.sql:5 ban-drop-column',
      '000012_retire_legacy_billing_columns.up.sql:6 ban-drop-column',
      '000012_retire_legacy_billing_columns.up.sql:7 constraint-missing-not-valid',
      '000012_retire_legacy_billing_columns.up.sql:8 adding-not-nullable-field',
    ]);
  });

  it('50 DROP COLUMN clauses in one ALTER TABLE give 50 findings on 50 lines', async () => {
    const dir = tempDir('ml-clauses-');
    const names = Array.from({ length: 50 }, (_, i) => `survey_answer_${String(i + 1).padStart(2, '0')}`);
    const sql = `ALTER TABLE survey_responses\n${names.map((n, i) => `  DROP COLUMN ${n}${i === names.length - 1 ? ';' : ','}`).join('\n')}\n`;
    writeFiles(dir, { 'migrations/001_drop_survey_answers.sql': sql });
    const drops = (await lint('migrations', dir, ['--framework', 'sql'])).filter((f) => f.rule === 'ban-drop-column');
    expect(drops.map((f) => f.line)).toEqual(names.map((_, i) => i + 2));
    expect(drops.map((f) => f.message.match(/survey_responses\.(\w+)/)?.[1])).toEqual(names);
  });

  it('GitHub annotations: one per clause, each on its clause line', async () => {
    const r = await cli(['--format', 'github', 'fixtures/clause-positions/golang-migrate'], REPO_ROOT);
    const drops = r.stdout.split('\n').filter((l) => l.includes('ban-drop-column'));
    expect(drops.map((l) => /line=(\d+)/.exec(l)?.[1])).toEqual(['3', '4', '5', '6']);
  });

  it('SQL embedded in code (a Knex raw ALTER TABLE) reports each clause on its line of the .js file', async () => {
    const dir = tempDir('ml-clauses-');
    writeFiles(dir, {
      'migrations/20240610000000_drop_flags.js': [
        'exports.up = async function (knex) {',
        '  await knex.raw(`',
        '    ALTER TABLE users',
        '      DROP COLUMN beta_opt_in,',
        '      DROP COLUMN legacy_theme',
        '  `);',
        '};',
        '',
        'exports.down = async function (knex) {',
        "  await knex.raw('ALTER TABLE users ADD COLUMN beta_opt_in boolean, ADD COLUMN legacy_theme text');",
        '};',
        '',
      ].join('\n'),
    });
    const findings = await lint('migrations', dir);
    expect(at(findings, ['ban-drop-column'])).toEqual([
      '20240610000000_drop_flags.js:4 ban-drop-column',
      '20240610000000_drop_flags.js:5 ban-drop-column',
    ]);
  });
});

describe('frameworks: each column of a createTable on its own line', () => {
  const cases: [string, string[]][] = [
    [
      'knex',
      [
        '20240603101500_create_invoices.js:6 prefer-bigint-over-int', // table.increments('id')
        '20240603101500_create_invoices.js:6 prefer-identity',
        '20240603101500_create_invoices.js:7 prefer-text-field', // table.string('number', 32)
        '20240603101500_create_invoices.js:8 prefer-bigint-over-int', // table.integer('customer_id')
        '20240603101500_create_invoices.js:10 ban-char-field', // specificType('currency', 'char(3)')
        '20240603101500_create_invoices.js:11 prefer-timestamptz', // timestamp('issued_at', { useTz: false })
      ],
    ],
    [
      'kysely',
      [
        '2024_06_03_0001_create_shipment.ts:6 prefer-bigint-over-int',
        '2024_06_03_0001_create_shipment.ts:6 prefer-identity',
        '2024_06_03_0001_create_shipment.ts:7 prefer-bigint-over-int',
        '2024_06_03_0001_create_shipment.ts:8 prefer-text-field',
        '2024_06_03_0001_create_shipment.ts:10 prefer-timestamptz',
      ],
    ],
    [
      'typeorm',
      [
        '1717400000000-CreateTicket.ts:9 prefer-bigint-over-int',
        '1717400000000-CreateTicket.ts:9 prefer-identity',
        '1717400000000-CreateTicket.ts:10 prefer-text-field',
        '1717400000000-CreateTicket.ts:11 prefer-bigint-over-smallint',
        '1717400000000-CreateTicket.ts:13 prefer-timestamptz',
        // queryRunner.addColumns('ticket', [new TableColumn(…), …]): each TableColumn on its line
        '1717500000000-TicketSla.ts:6 prefer-bigint-over-int',
        '1717500000000-TicketSla.ts:7 prefer-text-field',
        '1717500000000-TicketSla.ts:8 prefer-timestamptz',
      ],
    ],
    [
      'sequelize',
      [
        '20240603120000-create-coupon.js:7 prefer-bigint-over-int', // id: {  (its attributes follow)
        '20240603120000-create-coupon.js:7 prefer-identity',
        '20240603120000-create-coupon.js:13 prefer-text-field', // code: {
        '20240603120000-create-coupon.js:17 prefer-bigint-over-int', // percentOff: {
      ],
    ],
    [
      'node-pg-migrate',
      [
        '1717400000000_create-webhooks.js:5 prefer-bigint-over-int', // id: 'id'
        '1717400000000_create-webhooks.js:5 prefer-identity',
        '1717400000000_create-webhooks.js:6 prefer-bigint-over-int',
        '1717400000000_create-webhooks.js:7 prefer-text-field',
        '1717400000000_create-webhooks.js:8 ban-char-field',
        '1717400000000_create-webhooks.js:9 prefer-timestamptz',
        // pgm.addColumns('accounts', { … }): each column on its line
        '1717800000000_account-billing.js:3 prefer-text-field',
        '1717800000000_account-billing.js:4 prefer-bigint-over-int',
        '1717800000000_account-billing.js:5 prefer-timestamptz',
      ],
    ],
    [
      'alembic',
      [
        '5c1d2e3f4a5b_create_api_keys.py:20 prefer-bigint-over-int', // sa.Column("id", sa.Integer(), …)
        '5c1d2e3f4a5b_create_api_keys.py:20 prefer-identity',
        '5c1d2e3f4a5b_create_api_keys.py:21 prefer-bigint-over-int',
        '5c1d2e3f4a5b_create_api_keys.py:22 prefer-text-field',
        '5c1d2e3f4a5b_create_api_keys.py:24 prefer-timestamptz',
      ],
    ],
  ];
  it.each(cases)('%s', async (framework, expected) => {
    const findings = await lint(`fixtures/clause-positions/${framework}`);
    expect(at(findings, COLUMN_RULES)).toEqual(expected);
  });

  it('a call adding several columns keeps statement-level findings on the call', async () => {
    const findings = await lint('fixtures/clause-positions/node-pg-migrate');
    expect(at(findings, ['require-lock-timeout'])).toEqual(['1717800000000_account-billing.js:2 require-lock-timeout']);
  });
});

describe('suppressions still cover the statement whose parts carry the findings', () => {
  const DROPS = [
    'ALTER TABLE orders',
    '  DROP COLUMN coupon_code,',
    '  DROP COLUMN discount_cents,',
    '  DROP COLUMN gift_note;',
  ];

  async function lintSql(sql: string): Promise<JsonFinding[]> {
    const dir = tempDir('ml-clauses-');
    writeFiles(dir, { 'migrations/001_orders_cleanup.sql': sql });
    return (await lint('migrations', dir, ['--framework', 'sql'])).filter((f) => f.rule !== 'require-lock-timeout');
  }

  it('a comment above ALTER TABLE silences the finding of every clause, and is used', async () => {
    const findings = await lintSql(
      [
        '-- migration-lint-disable-next-line ban-drop-column -- the coupon feature was removed in 4.2',
        ...DROPS,
        '',
      ].join('\n'),
    );
    expect(findings.map((f) => f.rule)).toEqual([]);
  });

  it('a comment above one clause silences only that clause', async () => {
    const findings = await lintSql(
      [
        DROPS[0],
        DROPS[1],
        '  -- migration-lint-disable-next-line ban-drop-column -- discounts moved to the pricing service',
        DROPS[2],
        DROPS[3],
        '',
      ].join('\n'),
    );
    expect(findings.map((f) => `${f.line} ${f.rule}`)).toEqual(['2 ban-drop-column', '5 ban-drop-column']);
  });

  it('a comment above CREATE TABLE silences the findings on its columns', async () => {
    const findings = await lintSql(
      [
        '-- migration-lint-disable-next-line prefer-text-field -- the partner API rejects longer codes',
        'CREATE TABLE partner_codes (',
        '  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,',
        '  code varchar(12) NOT NULL,',
        '  label varchar(80)',
        ');',
        '',
      ].join('\n'),
    );
    expect(findings.map((f) => f.rule)).toEqual([]);
  });
});
