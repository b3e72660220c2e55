/**
 * gobuffalo/pop's SQL migrations (Supabase Auth's schema): `<version>_<name>[.<dialect>].up.sql`, each
 * rendered as a Go text/template and run as one query inside the transaction pop opens for it. A Go
 * template action is a value of the run: read as a name (the same action, quoted or not, is the same
 * name), never a syntax error; a file marked for another database is skipped.
 */
import { describe, expect, it } from 'vitest';
import { lintSources } from '../src/linter.js';
import { lintFiles } from '../src/core.js';
import { ParseCache } from '../src/parsers/parse-cache.js';
import { setPopDirectoryProbe } from '../src/parsers/formats/pop.js';
import type { SourceInput } from '../src/lint-core.js';
import { chooseParser } from '../src/parsers/registry.js';
import { templateActionsAsNames } from '../src/parsers/sql/template-values.js';
import { initSqlParser } from '../src/parsers/sql/parse-sql.js';

const file = (path: string, text: string): SourceInput => ({ path, content: { ok: true, text } });

const NS = '{{ index .Options "Namespace" }}';

describe('Go template actions in SQL', () => {
  it('in a template, every action becomes the quoted name of its last word, padded to its length; a file that is not a template is left as it is', async () => {
    await initSqlParser();
    const sql = [
      `create table if not exists ${NS}.audit_log (id uuid primary key, payload json);`,
      `create index if not exists audit_log_id_idx on "${NS}".audit_log (id);`,
      `alter table {{index .Options "Namespace"}}.audit_log add column at timestamptz;`,
      `do $$ begin execute 'drop index ${NS}.audit_log_old_idx'; end $$; -- {{ .Comment }}`,
    ].join('\n');
    const out = templateActionsAsNames(sql);
    expect(out).toHaveLength(sql.length);
    // the action's place, padded: `"{Namespace}"` and spaces up to the action's length
    const name = (action: string) => '"{Namespace}"'.padEnd(action.length);
    expect(out.split('\n')).toEqual([
      `create table if not exists ${name(NS)}.audit_log (id uuid primary key, payload json);`,
      `create index if not exists audit_log_id_idx on ${name(`"${NS}"`)}.audit_log (id);`,
      `alter table ${name('{{index .Options "Namespace"}}')}.audit_log add column at timestamptz;`,
      `do $$ begin execute 'drop index ${name(NS)}.audit_log_old_idx'; end $$; -- ${'"{Comment}"'.padEnd('{{ .Comment }}'.length)}`,
    ]);
    // Text of an SQL file that is not a template: a mustache body stored by an INSERT stays as written.
    const plain = "insert into mail (body) values ('Hello {{ .Name }}'); -- {{ note }}";
    expect(templateActionsAsNames(plain)).toBe(plain);
  });
});

describe('pop format', () => {
  const up = `20240105101500_sessions_user_idx.up.sql`;
  it('is detected by a template action or a dialect part in the name; a bare NNN_x.up.sql stays golang-migrate', () => {
    expect(chooseParser({ path: `migrations/${up}`, text: `create index on ${NS}.sessions (user_id);` })?.format).toBe(
      'pop',
    );
    expect(
      chooseParser({ path: 'migrations/20240105101500_sessions.postgres.up.sql', text: 'select 1;' })?.format,
    ).toBe('pop');
    expect(chooseParser({ path: `migrations/${up}`, text: 'create index on sessions (user_id);' })?.format).toBe(
      'golang-migrate',
    );
    // a dotted golang-migrate name is no dialect part
    expect(chooseParser({ path: 'migrations/0003_sessions.v2.up.sql', text: 'select 1;' })?.format).toBe(
      'golang-migrate',
    );
  });

  it('runs each file in a transaction: a plain CREATE INDEX gets pop’s own advice, CONCURRENTLY is flagged as failing in it', async () => {
    const result = await lintSources([
      file(
        `auth/migrations/20240101000000_init.up.sql`,
        `create table ${NS}.sessions (id uuid primary key, user_id uuid);\n`,
      ),
      file(`auth/migrations/${up}`, `create index if not exists sessions_user_idx on ${NS}.sessions (user_id);\n`),
      file(
        `auth/migrations/20240106000000_sessions_created_idx.up.sql`,
        `create index concurrently sessions_created_idx on "${NS}".sessions (id);\n`,
      ),
    ]);
    expect(result.findings.filter((f) => f.rule === 'parse-error')).toEqual([]);
    const index = result.findings.find((f) => f.rule === 'require-concurrent-index-creation');
    expect(index?.message).toContain('on "{Namespace}".sessions');
    expect(index?.help).toContain('pop runs every migration in a transaction');
    const concurrently = result.findings.find((f) => f.rule === 'ban-concurrent-index-creation-in-transaction');
    expect(concurrently?.file).toBe('auth/migrations/20240106000000_sessions_created_idx.up.sql');
    expect(concurrently?.message).toContain('pop runs each migration file in a transaction');
  });

  it('a file marked for another database is skipped, the Postgres one linted', async () => {
    const result = await lintSources([
      file(
        'persistence/migrations/20240105000000_identities.mysql.up.sql',
        'CREATE TABLE `identities` (`id` char(36));\n',
      ),
      file('persistence/migrations/20240105000000_identities.postgres.up.sql', 'CREATE TABLE identities (id uuid);\n'),
    ]);
    expect(result.skipped).toEqual([
      {
        path: 'persistence/migrations/20240105000000_identities.mysql.up.sql',
        reason: 'its name marks it for MySQL, not for PostgreSQL',
      },
    ]);
    expect(result.migrations.map((m) => `${m.file} ${m.format}`)).toEqual([
      'persistence/migrations/20240105000000_identities.postgres.up.sql pop',
    ]);
  });

  it("Ory's popx: an .autocommit. file runs outside a transaction, as one query; a bare NNN_x.up.sql beside pop's files is pop's", async () => {
    const dir = 'persistence/sql/migrations/';
    const result = await lintFiles([
      {
        path: `${dir}20240101000000_identities.postgres.up.sql`,
        text: 'CREATE TABLE identities (id uuid PRIMARY KEY, nid uuid);\n',
      },
      {
        path: `${dir}20240102000000_identities_nid.autocommit.up.sql`,
        text: 'CREATE INDEX CONCURRENTLY identities_nid_idx ON identities (nid);\n',
      },
      {
        path: `${dir}20240103000000_identities_created.autocommit.up.sql`,
        text: 'CREATE INDEX CONCURRENTLY identities_a_idx ON identities (id);\nCREATE INDEX CONCURRENTLY identities_b_idx ON identities (nid, id);\n',
      },
      {
        path: `${dir}20240104000000_identities_state.up.sql`,
        text: 'CREATE INDEX identities_state_idx ON identities (nid);\n',
      },
    ]);
    expect(result.migrations.map((m) => `${m.file.split('/').pop()} ${m.format} ${m.transaction}`)).toEqual([
      '20240101000000_identities.postgres.up.sql pop wrapped',
      '20240102000000_identities_nid.autocommit.up.sql pop implicit',
      '20240103000000_identities_created.autocommit.up.sql pop implicit',
      '20240104000000_identities_state.up.sql pop wrapped',
    ]);
    const inTransaction = result.findings.filter((f) => f.rule === 'ban-concurrent-index-creation-in-transaction');
    // alone in its .autocommit. file: fine; two in one: the implicit transaction of one query
    expect(inTransaction.map((f) => `${f.file.split('/').pop()}:${f.line}`)).toEqual([
      '20240103000000_identities_created.autocommit.up.sql:1',
      '20240103000000_identities_created.autocommit.up.sql:2',
    ]);
    const plain = result.findings.find((f) => f.rule === 'require-concurrent-index-creation');
    expect(plain?.file).toBe(`${dir}20240104000000_identities_state.up.sql`);
    expect(plain?.help).toContain('.autocommit.up.sql');
  });

  it('an empty file of a version kept for several databases (Postgres-only or generic) is no empty migration; an empty file of its own is', async () => {
    const dir = 'persistence/sql/migrations/';
    const result = await lintFiles([
      { path: `${dir}20240201000000_errors.mysql.up.sql`, text: 'ALTER TABLE errors MODIFY payload JSON NOT NULL;\n' },
      { path: `${dir}20240201000000_errors.postgres.up.sql`, text: '' },
      { path: `${dir}20240202000000_sessions.postgres.up.sql`, text: '' },
      { path: `${dir}20240203000000_keys.up.sql`, text: '-- this version only changes CockroachDB\n' },
      {
        path: `${dir}20240203000000_keys.cockroach.up.sql`,
        text: 'ALTER TABLE keys ALTER PRIMARY KEY USING COLUMNS (id);\n',
      },
    ]);
    expect(result.findings.filter((f) => f.rule === 'empty-migration').map((f) => f.file.split('/').pop())).toEqual([
      '20240202000000_sessions.postgres.up.sql',
    ]);
  });

  it("the parse cache's key of a pop file holds the files of its version for other databases", () => {
    const cache = new ParseCache('/nonexistent/cache');
    const file = { path: 'sql/20240201000000_errors.postgres.up.sql', text: '' };
    const options = { assumeInTransaction: false, dialect: 'postgresql' as const };
    let beside: string[] = ['20240201000000_errors.postgres.up.sql', '20240202000000_x.postgres.up.sql'];
    const previous = setPopDirectoryProbe(() => beside);
    try {
      const alone = cache.key(file, 'pop', options);
      expect(cache.key(file, 'pop', options)).toBe(alone);
      beside = [...beside, '20240201000000_errors.mysql.up.sql'];
      expect(cache.key(file, 'pop', options)).not.toBe(alone);
      // another version's file changes nothing
      const withMysql = cache.key(file, 'pop', options);
      beside = [...beside, '20240203000000_y.mysql.up.sql'];
      expect(cache.key(file, 'pop', options)).toBe(withMysql);
    } finally {
      setPopDirectoryProbe(previous);
    }
  });

  it("a version's generic file is not run where the version has a file for that database: skipped with the reason", async () => {
    const dir = 'persistence/sql/migrations/';
    const result = await lintFiles([
      { path: `${dir}20240301000000_search.up.sql`, text: 'CREATE INDEX identities_search ON identities (traits);\n' },
      {
        path: `${dir}20240301000000_search.postgres.up.sql`,
        text: 'CREATE INDEX identities_search ON identities USING gin (traits);\n',
      },
      { path: `${dir}20240301000000_search.down.sql`, text: 'DROP INDEX identities_search;\n' },
    ]);
    expect(result.migrations.filter((m) => m.format === 'pop').map((m) => m.file.split('/').pop())).toEqual([
      '20240301000000_search.postgres.up.sql',
      '20240301000000_search.down.sql',
    ]);
    // (lintFiles reports every file it is given: one it does not lint gets a finding saying why)
    const generic = result.findings.filter((f) => f.file.endsWith('20240301000000_search.up.sql'));
    expect(generic.map((f) => f.rule)).toEqual(['parse-error']);
    expect(generic[0]?.message).toBe(
      'Not linted: pop runs 20240301000000_search.postgres.up.sql instead on this database (the file of this version made for it).',
    );
  });
});
