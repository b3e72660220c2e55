/**
 * `--fix` and `--fix-dry-run`: the CONCURRENTLY rewrite applied to SQL files, only where the
 * migration then runs the index build outside a transaction block, never to a file with a parse
 * error; the rewritten file parses and lints without the finding.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cli } from './integrations/helpers.js';

const CREATE = 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\n';
const INDEXES =
  "SET lock_timeout = '2s';\nCREATE UNIQUE INDEX users_email_idx ON users (email);\ncreate index users_id_idx\n  on users (id);\n";
const FIXED =
  "SET lock_timeout = '2s';\nCREATE UNIQUE INDEX CONCURRENTLY users_email_idx ON users (email);\ncreate index CONCURRENTLY users_id_idx\n  on users (id);\n";
const IN_TRANSACTION = "BEGIN;\nSET LOCAL lock_timeout = '2s';\nCREATE INDEX users_e2 ON users (email);\nCOMMIT;\n";
const BROKEN = "SET lock_timeout = '2s';\nCREATE INDEX users_e3 ON users (email);\nSELEC 1;\n";
const KNEX = `exports.up = async (knex) => {
  await knex.raw("SET lock_timeout = '2s'");
  await knex.schema.alterTable('users', (t) => t.index(['email']));
};
exports.down = async (knex) => {
  await knex.schema.alterTable('users', (t) => t.dropIndex(['email']));
};
`;

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));
function workspace(files: Record<string, string>): string {
  dir = mkdtempSync(join(tmpdir(), 'ml-fix-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
const read = (name: string) => readFileSync(join(dir, name), 'utf8');
interface Report {
  findings: { rule: string; file: string }[];
}

describe('--fix-dry-run', () => {
  it('prints the rewrite as a unified diff and changes nothing', async () => {
    workspace({ '001_users.sql': CREATE, '002_indexes.sql': INDEXES });
    const r = await cli(['--no-config', '--fix-dry-run', '.'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        '--- a/002_indexes.sql',
        '+++ b/002_indexes.sql',
        '@@ -1,4 +1,4 @@',
        " SET lock_timeout = '2s';",
        '-CREATE UNIQUE INDEX users_email_idx ON users (email);',
        '-create index users_id_idx',
        '+CREATE UNIQUE INDEX CONCURRENTLY users_email_idx ON users (email);',
        '+create index CONCURRENTLY users_id_idx',
        '   on users (id);',
        '',
      ].join('\n'),
    );
    expect(r.stderr).toBe('migration-lint: --fix would fix 2 findings in 1 file\n');
    expect(read('002_indexes.sql')).toBe(INDEXES);
  });
});

describe('--fix', () => {
  it('rewrites the file, which then parses and lints without the finding, and reports what is left', async () => {
    workspace({ '001_users.sql': CREATE, '002_indexes.sql': INDEXES, '003_in_tx.sql': IN_TRANSACTION });
    chmodSync(join(dir, '002_indexes.sql'), 0o640);
    const r = await cli(['--no-config', '--fix', '--format', 'json', '.'], dir);
    expect(read('002_indexes.sql')).toBe(FIXED);
    expect(statSync(join(dir, '002_indexes.sql')).mode & 0o777).toBe(0o640);
    // inside BEGIN … COMMIT, CONCURRENTLY would fail: that file is left as it is, and said so
    expect(read('003_in_tx.sql')).toBe(IN_TRANSACTION);
    expect(r.stderr).toContain('migration-lint: fixed 2 findings in 002_indexes.sql\n');
    expect(r.stderr).toContain(
      'migration-lint: not fixed: 003_in_tx.sql: require-concurrent-index-creation: the rewrite would bring ban-concurrent-index-creation-in-transaction',
    );
    const report = JSON.parse(r.stdout) as Report;
    expect(report.findings.map((f) => `${f.file} ${f.rule}`)).toEqual([
      '003_in_tx.sql require-concurrent-index-creation',
    ]);
    expect(r.code).toBe(1);

    const again = await cli(['--no-config', '--format', 'json', '002_indexes.sql'], dir);
    expect((JSON.parse(again.stdout) as Report).findings).toEqual([]);
  });

  it('dbmate: a lone CREATE INDEX gets CONCURRENTLY and its section transaction:false; SET lock_timeout goes after the up marker', async () => {
    const inTransaction =
      '-- migrate:up\nCREATE INDEX users_email_idx ON users (email);\n\n-- migrate:down\nDROP INDEX users_email_idx;\n';
    const withoutTransaction =
      '-- migrate:up transaction:false\nCREATE INDEX users_id_idx ON users (id);\n\n-- migrate:down\nDROP INDEX users_id_idx;\n';
    const withSet =
      "-- migrate:up\nSET lock_timeout = '2s';\nCREATE INDEX users_name_idx ON users (email);\n\n-- migrate:down\nDROP INDEX users_name_idx;\n";
    const addColumn =
      '-- migrate:up\nALTER TABLE users ADD COLUMN plan text;\n\n-- migrate:down\nALTER TABLE users DROP COLUMN plan;\n';
    workspace({
      '20240101000000_users.sql': CREATE,
      '20240102000000_index.sql': inTransaction,
      '20240103000000_index_notx.sql': withoutTransaction,
      '20240104000000_index_with_set.sql': withSet,
      '20240105000000_plan.sql': addColumn,
    });
    const r = await cli(['--no-config', '--fix', '--format', 'json', '.'], dir);
    expect(read('20240102000000_index.sql')).toBe(
      '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n\n-- migrate:down\nDROP INDEX users_email_idx;\n',
    );
    expect(read('20240103000000_index_notx.sql')).toBe(
      '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY users_id_idx ON users (id);\n\n-- migrate:down\nDROP INDEX users_id_idx;\n',
    );
    expect(read('20240105000000_plan.sql')).toBe(
      "-- migrate:up\nSET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN plan text;\n\n-- migrate:down\nALTER TABLE users DROP COLUMN plan;\n",
    );
    // without its transaction dbmate sends the section as one multi-statement query, which Postgres
    // runs as one implicit transaction: with the SET beside it, the index stays as it is, flagged
    expect(read('20240104000000_index_with_set.sql')).toBe(withSet);
    expect((JSON.parse(r.stdout) as Report).findings.map((f) => `${f.file} ${f.rule}`)).toEqual([
      '20240104000000_index_with_set.sql require-concurrent-index-creation',
    ]);
    expect(r.stderr).toContain(
      'not fixed: 20240104000000_index_with_set.sql: require-concurrent-index-creation: the rewrite would bring ban-concurrent-index-creation-in-transaction',
    );
  });

  it('takes a migration out of its transaction only when it holds nothing but index changes', async () => {
    const mixed = `exports.up = (pgm) => {
  pgm.sql("SET lock_timeout = '2s'");
  pgm.addColumn('users', { plan: { type: 'text' } });
  pgm.createIndex('users', 'plan');
};
`;
    const alone = `exports.up = (pgm) => {
  pgm.sql("SET lock_timeout = '2s'");
  pgm.createIndex('users', 'email');
};
`;
    workspace({
      '1700000000000_users.js':
        "exports.up = (pgm) => {\n  pgm.createTable('users', { id: 'id', email: 'text' });\n};\n",
      '1700000000001_plan.js': mixed,
      '1700000000002_email.js': alone,
    });
    const r = await cli(['--no-config', '--fix', '--format', 'json', '.'], dir);
    // the ADD COLUMN would lose its all-or-nothing run: a decision, left to a human
    expect(read('1700000000001_plan.js')).toBe(mixed);
    expect(read('1700000000002_email.js')).toBe(
      alone
        .replace('  pgm.sql', '  pgm.noTransaction();\n  pgm.sql')
        .replace("'email')", "'email', { concurrently: true })"),
    );
    expect((JSON.parse(r.stdout) as Report).findings.map((f) => `${f.file} ${f.rule}`)).toContain(
      '1700000000001_plan.js require-concurrent-index-creation',
    );
  });

  it('never touches a file with a parse error, nor a framework file it has no rewrite for', async () => {
    workspace({ '001_users.sql': CREATE, '002_broken.sql': BROKEN, '003_index.js': KNEX });
    const r = await cli(['--no-config', '--fix', '--format', 'json', '.'], dir);
    expect(read('002_broken.sql')).toBe(BROKEN);
    expect(read('003_index.js')).toBe(KNEX);
    const rules = (JSON.parse(r.stdout) as Report).findings.map((f) => `${f.file} ${f.rule}`);
    expect(rules).toContain('002_broken.sql parse-error');
    expect(rules).toContain('003_index.js require-concurrent-index-creation');
    expect(r.stderr).not.toContain('fixed');
  });

  it('writes through a symbolic link to the file it points at', async () => {
    workspace({ '001_users.sql': CREATE, 'real.sql.txt': INDEXES });
    symlinkSync(join(dir, 'real.sql.txt'), join(dir, '002_indexes.sql'));
    await cli(['--no-config', '--fix', '.'], dir);
    expect(read('real.sql.txt')).toBe(FIXED);
    expect(statSync(join(dir, '002_indexes.sql')).isFile()).toBe(true);
  });

  it('does not fix stdin, and refuses to go with --write-baseline', async () => {
    workspace({});
    const fromStdin = await cli(
      ['--no-config', '--fix', '--format', 'json', '-'],
      dir,
      'CREATE INDEX a_idx ON a (x);\n',
    );
    expect((JSON.parse(fromStdin.stdout) as Report).findings.map((f) => f.rule)).toContain(
      'require-concurrent-index-creation',
    );
    const both = await cli(
      ['--no-config', '--fix', '--write-baseline', 'b.json', '-'],
      dir,
      'CREATE INDEX a_idx ON a (x);\n',
    );
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--fix and --write-baseline do not go together');
  });
});
