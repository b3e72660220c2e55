/**
 * Expected findings on the framework fixtures (fixtures/<framework>/), linted the way the CLI does:
 * each directory walked (its configs and helpers are skipped), every rule enabled, upgrades only.
 * Type-preference warnings and require-lock-timeout fire on nearly every file and are left out of
 * the exact lists; everything else is pinned by rule and line.
 */
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { discoverFiles } from '../../src/files/discover.js';
import { readSource } from '../../src/files/read.js';
import { lintSources } from '../../src/linter.js';
import { EXTENSIONS } from '../../src/parsers/registry.js';
import { lineRules } from './helpers.js';

const NOT_PINNED = new Set([
  'prefer-bigint-over-int',
  'prefer-text-field',
  'prefer-timestamptz',
  'prefer-identity',
  'require-lock-timeout',
]);

type Expected = Record<string, [number, string][]>;

const EXPECTED: Record<string, { skipped: string[]; files: Expected }> = {
  knex: {
    skipped: ['knexfile.js', 'src/audit.js'],
    files: {
      'migrations/20230105120000_create_users.js': [],
      'migrations/20230210093000_create_orders.js': [],
      'migrations/20230315101500_add_user_phone.ts': [
        [6, 'require-concurrent-index-creation'], // table.index() on an existing table
        [7, 'adding-foreign-key-constraint'], // .references().inTable() without NOT VALID
        [7, 'require-index-for-foreign-key'], // no index on users.referrer_id in the set
      ],
      'migrations/20230402080000_tighten_orders.ts': [
        [6, 'adding-required-field'], // .notNullable() with no default
        [12, 'ban-drop-not-null'], // .alter() re-states the column: Knex drops NOT NULL
        [13, 'adding-not-nullable-field'], // dropNullable()
      ],
      'migrations/20230501000000_orders_status_index.ts': [[6, 'ban-concurrent-index-creation-in-transaction']],
      'migrations/20230502000000_users_email_lower_index.ts': [], // config = { transaction: false }
      'migrations/20230610000000_rename_and_cleanup.js': [
        [5, 'renaming-column'],
        [6, 'ban-drop-column'],
        [8, 'backfill-in-ddl-transaction'], // the update runs in Knex's transaction, after the ALTER locked users
        [12, 'empty-downgrade'],
      ],
      'migrations/20230701000000_audit_tables.js': [], // a nullable column per table of a literal list; an imported helper (unknown op)
      // Issue 9, class 1: the SQLite branch (create/copy/drop/rename) ends in `return`; only the Postgres path is linted.
      'migrations/20230801000000_sessions_portable.js': [[23, 'require-concurrent-index-creation']],
      // One ALTER per table of the constant list, under an undecided guard (the message says "only when `!exists`");
      // the `switch (knex.client.dialect)` runs only its 'postgresql' case (the MySQL MODIFY is not a parse error).
      'migrations/20230815000000_orders_currency.js': [
        [11, 'adding-required-field'],
        [11, 'adding-required-field'],
        // line 21's SET NOT NULL is on orders.total, created NOT NULL by 20230210093000_create_orders.js: no scan
      ],
      'migrations/20230820000000_normalise_emails.js': [], // `exports.up = async knex =>` with no knex.schema: still a Knex migration
    },
  },
  typeorm: {
    skipped: ['src/data-source.ts'],
    files: {
      'src/migrations/1700000000000-CreateUser.ts': [],
      'src/migrations/1700000100000-AddUserEmail.ts': [
        [7, 'adding-required-field'],
        [9, 'require-concurrent-index-creation'],
      ],
      'src/migrations/1700000200000-ChangeAgeType.ts': [
        [8, 'ban-drop-column'],
        [8, 'rename-via-drop-add'],
        [9, 'adding-required-field'],
      ],
      'src/migrations/1700000300000-AddPhotoAuthor.ts': [
        [8, 'require-index-for-foreign-key'], // TypeORM creates no index for a @ManyToOne column
        [10, 'adding-foreign-key-constraint'],
        [10, 'require-index-for-foreign-key'],
      ],
      'src/migrations/1700000400000-UserLastNameIndex.ts': [[6, 'ban-concurrent-index-creation-in-transaction']],
      // The CONCURRENTLY index after commitTransaction() is fine; ending TypeORM's transaction is flagged.
      'src/migrations/1700000500000-UserEmailLowerIndex.ts': [[6, 'transaction-nesting']],
      'src/migrations/1700000600000-UserNickname.ts': [
        [6, 'adding-required-field'], // TableColumn isNullable defaults to false
        [16, 'ban-drop-column'], // changeColumn with "varchar" vs "character varying": drop + add
        [16, 'rename-via-drop-add'],
      ],
      // The better-sqlite3 rebuild (AUTOINCREMENT, DROP TABLE, RENAME) never runs on Postgres.
      'src/migrations/1700000700000-UserSettingsPortable.ts': [[23, 'require-concurrent-index-creation']],
    },
  },
  kysely: {
    // A MigrationProvider listing the migrations is not one.
    skipped: ['database.ts', 'migrations/index.ts'],
    files: {
      'migrations/2024_01_10_0001_create_person.ts': [],
      'migrations/2024_02_01_0001_person_email.ts': [
        [6, 'adding-required-field'],
        [10, 'require-concurrent-index-creation'],
      ],
      'migrations/2024_02_15_0001_pet_species_index.ts': [[5, 'ban-concurrent-index-creation-in-transaction']],
      'migrations/2024_03_01_0001_pet_constraints.ts': [
        [11, 'adding-foreign-key-constraint'],
        [11, 'require-index-for-foreign-key'],
        [17, 'adding-not-nullable-field'],
        [22, 'constraint-missing-not-valid'],
      ],
      'migrations/2024_03_20_0001_public_ids.ts': [[9, 'adding-field-with-default']],
      // down() builds its statements but never calls .execute(): it does nothing.
      // adoption.pet_id references pet with no index on it
      'migrations/2024_04_02_0001_pet_adoptions.ts': [
        [7, 'require-index-for-foreign-key'], // at the pet_id column
        [14, 'empty-downgrade'],
      ],
    },
  },
  'node-pg-migrate': {
    skipped: [],
    files: {
      'migrations/1700000000001_create-accounts.js': [],
      'migrations/1700000000002_add-account-email.js': [
        [3, 'adding-required-field'], // each column of addColumns on its own line
        [4, 'ban-char-field'],
        [6, 'require-concurrent-index-creation'],
      ],
      'migrations/1700000000003_invoices-created-at-index.js': [], // pgm.noTransaction()
      'migrations/1700000000004_accounts-plan-index.ts': [[5, 'ban-concurrent-index-creation-in-transaction']],
      'migrations/1700000000005_backfill-account-country.js': [
        [1, 'empty-downgrade'], // no down, and pgm.sql() cannot be reversed automatically
        [7, 'adding-not-nullable-field'],
      ],
      'migrations/1700000000006_drop-legacy-plan.js': [
        [2, 'ban-drop-column'],
        [3, 'constraint-missing-not-valid'],
        [9, 'empty-downgrade'], // exports.down = false: info
      ],
    },
  },
  sequelize: {
    skipped: [],
    files: {
      'migrations/20230101000000-create-user.js': [],
      'migrations/20230201000000-add-user-role.js': [
        [6, 'adding-required-field'],
        [10, 'adding-required-field'], // defaultValue: Sequelize.NOW is filled in by Sequelize, not the server
        [16, 'require-concurrent-index-creation'],
      ],
      'migrations/20230301000000-widen-user-email.js': [[7, 'ban-drop-not-null']], // changeColumn without allowNull: false
      'migrations/20230401000000-user-email-indexes.js': [[15, 'ban-concurrent-index-creation-in-transaction']],
      'migrations/20230501000000-create-posts.js': [
        [8, 'require-index-for-foreign-key'], // Posts.authorId, at its attribute
        [16, 'anonymous-constraint'],
        [16, 'require-index-for-foreign-key'], // Users.invitedById
        [21, 'disallowed-unique-constraint'],
      ],
      'migrations/20230601000000-seed-roles.js': [],
      // A .then() chain: the index and the Postgres case of `switch (dialect)` are read; the MySQL case is not.
      'migrations/20230701000000-add-user-settings.js': [[14, 'require-concurrent-index-creation']],
      // One index per table of the constant list; `:cutoff` and `?` are replacements, not syntax errors.
      'migrations/20230801000000-archive-sessions.js': [
        [10, 'require-concurrent-index-creation'],
        [10, 'require-concurrent-index-creation'],
      ],
    },
  },
  'mikro-orm': {
    skipped: ['src/mikro-orm.config.ts'],
    files: {
      'src/migrations/Migration20240101093000.ts': [],
      'src/migrations/Migration20240201120000.ts': [
        [3, 'empty-downgrade'], // no down(): MikroORM throws "cannot be reverted"
        [6, 'adding-required-field'],
        [7, 'require-concurrent-index-creation'],
      ],
      'src/migrations/Migration20240301080000.ts': [], // isTransactional() returns false
      'src/migrations/Migration20240401101500.ts': [[7, 'ban-concurrent-index-creation-in-transaction']],
      'src/migrations/Migration20240501140000.ts': [
        [6, 'changing-column-type'],
        [7, 'adding-not-nullable-field'],
        [11, 'empty-downgrade'],
      ],
    },
  },
};

describe('framework fixtures: expected findings', () => {
  for (const [framework, expected] of Object.entries(EXPECTED)) {
    it(framework, async () => {
      const dir = `fixtures/${framework}`;
      const files = discoverFiles([dir], EXTENSIONS);
      const result = await lintSources(files.map((f) => ({ path: f, content: readSource(f) })));
      expect(result.skipped.map((s) => s.path.slice(dir.length + 1)).sort()).toEqual(expected.skipped);
      expect(result.migrations.map((m) => [m.file.slice(dir.length + 1), m.format])).toEqual(
        Object.keys(expected.files).map((f) => [f, framework]),
      );
      for (const m of result.migrations) expect(m.diagnostics, m.file).toEqual([]);
      for (const [file, findings] of Object.entries(expected.files)) {
        expect(lineRules(result.findings, `${dir}/${file}`, NOT_PINNED), file).toEqual(findings);
      }
      // Each fixture set holds at least five migrations and exercises the CONCURRENTLY-in-transaction rule.
      expect(Object.keys(expected.files).length).toBeGreaterThanOrEqual(5);
      expect(result.findings.some((f) => f.rule === 'ban-concurrent-index-creation-in-transaction')).toBe(true);
    });
  }
});

describe('CLI on the framework fixtures', () => {
  const io = () => {
    let stdout = '';
    return {
      io: {
        stdout: (s: string) => void (stdout += s),
        stderr: () => undefined,
        readStdin: async () => Buffer.alloc(0),
        cwd: process.cwd(),
        isTTY: false,
      },
      out: () => stdout,
    };
  };

  it('JSON summary: files per detected format and unknown calls counted; --verbose lists them', async () => {
    const plain = io();
    await run(['--format', 'json', 'fixtures/knex', 'fixtures/kysely', 'fixtures/typeorm'], plain.io);
    const doc = JSON.parse(plain.out()) as {
      summary: { filesByFormat: Record<string, number>; unknownOperations: number; skippedFiles: number };
      unknownOperations?: unknown;
    };
    expect(doc.summary.filesByFormat).toMatchObject({ knex: 11, kysely: 6, typeorm: 8 });
    // knex: addAuditColumns(knex) in up. The loops over literal arrays of tables (knex and kysely) are
    // read once per table since issue 9; before, each was a call not understood (5 in all).
    expect(doc.summary.unknownOperations).toBe(1);
    expect(doc.summary.skippedFiles).toBe(5);
    expect(doc.unknownOperations).toBeUndefined();

    const verbose = io();
    await run(['--format', 'json', '--verbose', 'fixtures/knex/migrations/20230701000000_audit_tables.js'], verbose.io);
    const listed = (
      JSON.parse(verbose.out()) as { unknownOperations: { file: string; line: number; call: string; reason: string }[] }
    ).unknownOperations;
    expect(listed.map((u) => [u.file, u.line, u.reason])).toEqual([
      [
        'fixtures/knex/migrations/20230701000000_audit_tables.js',
        9,
        "helper imported from '../src/audit' receives the knex object; what it runs cannot be read from this file",
      ],
    ]);
    expect(listed[0]!.call).toBe("addAuditColumns(knex, 'orders')");
  });

  it('text output: findings at the line in the .ts file with its code frame; --verbose lists calls not understood', async () => {
    const out = io();
    const code = await run(
      ['--verbose', 'fixtures/kysely/migrations', 'fixtures/knex/migrations/20230701000000_audit_tables.js'],
      out.io,
    );
    expect(code).toBe(1);
    const text = out.out();
    expect(text).toContain(
      'fixtures/kysely/migrations/2024_02_15_0001_pet_species_index.ts:5:13  error  ban-concurrent-index-creation-in-transaction',
    );
    expect(text).toContain(
      '> 5 |   await sql`CREATE INDEX CONCURRENTLY pet_species_index ON pet (species)`.execute(db)',
    );
    expect(text).toMatch(
      /20230701000000_audit_tables\.js:9:\d+ {2}not understood {2}addAuditColumns\(knex, 'orders'\)/,
    );
    // The loop over a literal array of tables is read once per table, not reported.
    expect(text).not.toMatch(/2024_03_20_0001_public_ids\.ts:\d+:\d+ {2}not understood/);
  });
});
