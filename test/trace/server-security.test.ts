/**
 * `trace --database-url` must not be a way into the database host. Migrations come from pull
 * requests; SQL they build at run time (EXECUTE of a string made with format() in a DO block or a
 * function) gets past any statement filter, so what it can do depends on the role:
 *
 * - a superuser, or a role that is (even indirectly) a member of pg_execute_server_program,
 *   pg_read_server_files, pg_write_server_files or pg_signal_backend, is refused before anything
 *   runs, with the SQL for an unprivileged role; --allow-privileged-role opts in;
 * - with an unprivileged role (the documented setup) the bypasses fail inside Postgres and nothing
 *   outside the database changes: the marker files they try to create never appear, although the
 *   server can write to their directory (checked first, as the superuser, with COPY … TO a file);
 * - on the embedded PGlite (default) the same SQL has no shell and no host files to reach.
 *
 * The bypasses are never run with a privileged role: the refusal comes first.
 */
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import type { SourceInput } from '../../src/linter.js';
import { SqlFailure } from '../../src/trace/database.js';
import { traceSources } from '../../src/trace/index.js';
import { PrivilegedRoleRefused } from '../../src/trace/server-role.js';
import { file, NO_SERVER_MESSAGE, scratchDatabase, SERVER_URL, stepFor, steps, warnWithoutServer } from './helpers.js';

warnWithoutServer();

/** A world-writable temp dir: the server runs as another OS user, and a bypass that worked must be able to leave its marker here. */
function markerDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'trace-sec-'));
  chmodSync(dir, 0o1777);
  return dir;
}

/** `format()` hides the statement from any static check: only the role can stop these. */
const hidden = (template: string, ...args: string[]) =>
  `format(${[template, ...args].map((a) => `'${a.replace(/'/g, "''")}'`).join(', ')})`;

/** Migrations that try to reach the host, other hosts and other sessions with SQL built at run time. */
function bypasses(dir: string, otherPid: number, serverUrl: string): SourceInput[] {
  const server = new URL(serverUrl);
  const connection = `host=${server.hostname} port=${server.port || 5432} dbname=postgres user=${decodeURIComponent(server.username)}`;
  return [
    file(
      'db/001_shell.sql',
      `CREATE TABLE canary (id int);\nDO $$ BEGIN EXECUTE ${hidden('%s (SELECT 1) TO PROGRAM %L', 'COPY', `touch ${join(dir, 'do-block')}`)}; END $$;\n`,
    ),
    file(
      'db/002_function.sql',
      `CREATE FUNCTION sneaky() RETURNS void LANGUAGE plpgsql AS $$ BEGIN EXECUTE ${hidden('%s (SELECT 1) TO PROGRAM %L', 'COPY', `touch ${join(dir, 'function')}`)}; END $$;\nSELECT sneaky();\n`,
    ),
    file(
      'db/003_files.sql',
      [
        `DO $$ BEGIN EXECUTE ${hidden('%s (SELECT 1) TO %L', 'COPY', join(dir, 'copy-to-file'))}; END $$;`,
        `DO $$ BEGIN EXECUTE ${hidden('SELECT %s(lo_from_bytea(0, %L), %L)', 'lo_export', 'x', join(dir, 'lo-export'))}; END $$;`,
        'CREATE TABLE loot (content text);',
        `DO $$ BEGIN EXECUTE ${hidden('INSERT INTO loot SELECT %s(%L)', 'pg_read_file', '/etc/hostname')}; END $$;`,
      ].join('\n'),
    ),
    file(
      'db/004_network.sql',
      `DO $$ BEGIN EXECUTE ${hidden('SELECT %s(%L)', 'dblink_connect', connection)}; END $$;\n`,
    ),
    file(
      'db/005_signal.sql',
      `DO $$ BEGIN EXECUTE ${hidden('SELECT %s(%s)', 'pg_terminate_backend', String(otherPid))}; END $$;\n`,
    ),
  ];
}

const serverIt = (name: string, fn: (skip: (reason: string) => void) => Promise<void>, timeout = 120_000) =>
  it(
    name,
    async (ctx) => {
      if (!SERVER_URL) return ctx.skip(NO_SERVER_MESSAGE);
      await fn((reason) => ctx.skip(reason));
    },
    timeout,
  );

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

/** Whether the server can write a file into `dir` on this machine (as the superuser; no shell involved). */
async function serverWritesHere(adminUrl: string, dir: string): Promise<boolean> {
  const admin = await connect(adminUrl);
  try {
    const control = join(dir, 'control');
    await admin.query(`COPY (SELECT 1) TO '${control}'`).catch(() => undefined);
    const written = existsSync(control);
    rmSync(control, { force: true });
    return written;
  } finally {
    await admin.end();
  }
}

async function tableExists(adminUrl: string, name: string): Promise<boolean> {
  const admin = await connect(adminUrl);
  try {
    return (await admin.query<{ e: boolean }>('SELECT to_regclass($1) IS NOT NULL AS e', [name])).rows[0]!.e;
  } finally {
    await admin.end();
  }
}

describe('trace on a real server: the role is checked before anything runs', () => {
  serverIt(
    'the server superuser is refused: nothing runs, no marker appears, the message gives the SQL for an unprivileged role',
    async () => {
      const scratch = await scratchDatabase('trace_sec_su');
      const dir = markerDir();
      try {
        const refused = await traceSources(bypasses(dir, 0, scratch.adminUrl), {
          databaseUrl: scratch.adminUrl,
          allowCommit: true,
        }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(refused).toBeInstanceOf(PrivilegedRoleRefused);
        const message = (refused as Error).message;
        expect(message).toContain(`refusing to trace as role "${new URL(SERVER_URL!).username}"`);
        expect(message).toContain('  - it is a superuser');
        expect(message).toContain(
          "  CREATE ROLE migration_lint_trace LOGIN PASSWORD 'change-me';\n  CREATE DATABASE migration_lint_trace OWNER migration_lint_trace;",
        );
        expect(message).toContain('--allow-privileged-role');
        expect(await tableExists(scratch.adminUrl, 'canary')).toBe(false);
        expect(readdirSync(dir)).toEqual([]);
      } finally {
        await scratch.drop();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  serverIt('the CLI: exit 2, the reasons and the two lines of SQL, no stack trace', async () => {
    const scratch = await scratchDatabase('trace_sec_cli');
    const dir = mkdtempSync(join(tmpdir(), 'trace-sec-cli-'));
    try {
      writeFileSync(join(dir, '001_canary.sql'), 'CREATE TABLE canary (id int);\n');
      let err = '';
      let out = '';
      const code = await run(
        ['trace', '--database-url', scratch.adminUrl, '--allow-commit', join(dir, '001_canary.sql')],
        {
          stdout: (s) => void (out += s),
          stderr: (s) => void (err += s),
          readStdin: async () => Buffer.from(''),
          cwd: dir,
          isTTY: false,
        },
      );
      expect(code).toBe(2);
      expect(out).toBe('');
      expect(err).toMatch(
        /^migration-lint trace: refusing to trace as role "[^"]+" on postgres:\/\/[^\n]+:\n {2}- it is a superuser/,
      );
      expect(err).toContain('\n  CREATE ROLE migration_lint_trace LOGIN');
      expect(err).toContain('\n  CREATE DATABASE migration_lint_trace OWNER migration_lint_trace;\n');
      expect(err).not.toMatch(/\n\s+at /);
      expect(await tableExists(scratch.adminUrl, 'canary')).toBe(false);
    } finally {
      await scratch.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  serverIt('roles that reach the host or other sessions, directly or through other roles, are refused', async () => {
    const scratch = await scratchDatabase('trace_sec_roles');
    const admin = await connect(SERVER_URL!);
    const version = Number(
      (await admin.query<{ v: string }>("SELECT current_setting('server_version_num') AS v")).rows[0]!.v,
    );
    const created: string[] = [];
    const role = async (name: string, options: string) => {
      const full = `${scratch.role}_${name}`;
      await admin.query(`CREATE ROLE ${full} ${options}`);
      created.unshift(full);
      return full;
    };
    try {
      // [login role, the reason trace must give]
      const cases: [string, RegExp][] = [];
      for (const predefined of [
        'pg_execute_server_program',
        'pg_read_server_files',
        'pg_write_server_files',
        'pg_signal_backend',
      ]) {
        const direct = await role(`d_${predefined.slice(3, 12)}`, 'LOGIN');
        await admin.query(`GRANT ${predefined} TO ${direct}`);
        cases.push([direct, new RegExp(`it is a member of ${predefined}, which`)]);
        // Through a group, and without INHERIT: SET ROLE still reaches it.
        const group = await role(`g_${predefined.slice(3, 12)}`, 'NOLOGIN');
        await admin.query(`GRANT ${predefined} TO ${group}`);
        const member = await role(`m_${predefined.slice(3, 12)}`, 'LOGIN NOINHERIT');
        await admin.query(`GRANT ${group} TO ${member}`);
        cases.push([member, new RegExp(`it is a member of ${predefined}, which`)]);
      }
      const superRole = await role('super', 'NOLOGIN SUPERUSER');
      const viaSuper = await role('via_super', 'LOGIN');
      await admin.query(`GRANT ${superRole} TO ${viaSuper}`);
      cases.push([viaSuper, new RegExp(`it is a member of the superuser role "${superRole}"`)]);
      const creator = await role('creator', 'LOGIN CREATEROLE');
      if (version < 160000)
        cases.push([
          creator,
          /it has CREATEROLE, which before PostgreSQL 16 can grant itself pg_execute_server_program/,
        ]);

      const owner = await connect(scratch.adminUrl);
      for (const [name] of cases) await owner.query(`GRANT CREATE ON SCHEMA public TO ${name}`);
      await owner.end();
      for (const [name, reason] of cases) {
        const url = new URL(scratch.url);
        url.username = name;
        const outcome = await traceSources([file('db/001_canary.sql', `CREATE TABLE canary_${name} (id int);`)], {
          databaseUrl: url.toString(),
          allowCommit: true,
        }).then(
          () => 'ran',
          (e: unknown) => (e instanceof PrivilegedRoleRefused ? e.message : `other error: ${String(e)}`),
        );
        expect(outcome, name).toMatch(reason);
        expect(await tableExists(scratch.adminUrl, `canary_${name}`), name).toBe(false);
      }
    } finally {
      await scratch.drop();
      for (const name of created) await admin.query(`DROP ROLE IF EXISTS ${name}`);
      await admin.end();
    }
  });

  serverIt(
    '--allow-privileged-role: the superuser may trace (a harmless migration), and the output says it ran privileged',
    async () => {
      const scratch = await scratchDatabase('trace_sec_allow');
      try {
        const result = await traceSources(
          [file('db/001_canary.sql', 'CREATE TABLE canary (id int);\nALTER TABLE canary ADD COLUMN note text;')],
          {
            databaseUrl: scratch.adminUrl,
            allowPrivilegedRole: true,
          },
        );
        expect(steps(result).map((r) => r.status)).toEqual(['ok', 'ok']);
        expect(result.report.notes).toContain(
          `Ran as the privileged role "${new URL(SERVER_URL!).username}" (--allow-privileged-role): it is a superuser: it can run shell commands on the database host, read and write its files, and end other sessions.`,
        );
        // Rolled back, as every run without --allow-commit.
        expect(await tableExists(scratch.adminUrl, 'canary')).toBe(false);
      } finally {
        await scratch.drop();
      }
    },
  );

  serverIt(
    'the unprivileged role of the docs: every bypass fails inside Postgres and nothing outside the database changes',
    async (skip) => {
      const scratch = await scratchDatabase('trace_sec_bypass');
      const dir = markerDir();
      const other = await connect(scratch.adminUrl);
      try {
        if (!(await serverWritesHere(scratch.adminUrl, dir))) {
          skip(
            `the server cannot write to ${dir} (is it on another machine?): a missing marker file would prove nothing`,
          );
          return;
        }
        // An administrator installed dblink in this database: the migration may call it, but not connect with it.
        await other.query('CREATE EXTENSION dblink');
        const otherPid = (await other.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
        const inputs = bypasses(dir, otherPid, SERVER_URL!);
        const result = await traceSources(inputs, { databaseUrl: scratch.url, allowCommit: true });

        const failures = steps(result)
          .filter((r) => r.status !== 'ok')
          .map((r) => [`${r.step.file}:${r.step.span.line}`, r.status, r.error?.code, r.error?.message]);
        // (Postgres words these differently from version to version; the SQLSTATEs are stable.)
        expect(failures).toEqual([
          ['db/001_shell.sql:2', 'failed', '42501', expect.stringMatching(/COPY to or from an external program/)],
          ['db/002_function.sql:2', 'failed', '42501', expect.stringMatching(/COPY to or from an external program/)],
          ['db/003_files.sql:1', 'failed', '42501', expect.stringMatching(/COPY to (or from )?a file/)],
          ['db/003_files.sql:2', 'failed', '42501', 'permission denied for function lo_export'],
          ['db/003_files.sql:4', 'failed', '42501', 'permission denied for function pg_read_file'],
          [
            'db/004_network.sql:1',
            'failed',
            '2F003',
            expect.stringMatching(/^password (is required|or GSSAPI delegated credentials required)/),
          ],
          ['db/005_signal.sql:1', 'failed', '42501', expect.stringMatching(/terminate (superuser )?process/)],
        ]);
        expect(stepFor(result, 'CREATE FUNCTION sneaky()').status).toBe('ok');
        expect(readdirSync(dir)).toEqual([]);
        // The superuser session the migration tried to end is still there.
        expect((await other.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
        expect((await other.query('SELECT count(*)::int AS n FROM loot')).rows).toEqual([{ n: 0 }]);

        // Rolled back (no --allow-commit): the same.
        const rolledBack = await traceSources(inputs.slice(0, 1), { databaseUrl: scratch.url });
        expect(stepFor(rolledBack, 'DO $$').error?.code).toBe('42501');
        expect(readdirSync(dir)).toEqual([]);
      } finally {
        await other.end().catch(() => undefined);
        await scratch.drop();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

describe('the embedded database (default): in-process WebAssembly, no shell, no host files', () => {
  it('the DO-block bypass runs no command on this machine', async () => {
    const dir = markerDir();
    try {
      const outcome = await traceSources(bypasses(dir, 0, 'postgres://nobody@127.0.0.1:1/x').slice(0, 1)).then(
        (r) => r,
        (e: unknown) => e,
      );
      expect(readdirSync(dir)).toEqual([]);
      // PGlite has no process to start: its session breaks, and trace stops there, saying where.
      expect(outcome).toBeInstanceOf(SqlFailure);
      expect((outcome as Error).message).toMatch(/ \(at db\/001_shell\.sql:2, after db\/001_shell\.sql:1 ran\)$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('files: reading a file of this machine and writing one fail inside PGlite (its file system is virtual)', async () => {
    const dir = markerDir();
    try {
      const secret = join(dir, 'secret.txt');
      writeFileSync(secret, 'host secret\n');
      const result = await traceSources([
        file(
          'db/001_files.sql',
          [
            'CREATE TABLE loot (content text);',
            `DO $$ BEGIN EXECUTE ${hidden('INSERT INTO loot SELECT %s(%L)', 'pg_read_file', secret)}; END $$;`,
            `DO $$ BEGIN EXECUTE ${hidden('%s (SELECT 1) TO %L', 'COPY', join(dir, 'copy-to-file'))}; END $$;`,
          ].join('\n'),
        ),
      ]);
      expect(steps(result).map((r) => [r.step.span.line, r.status, r.error?.code])).toEqual([
        [1, 'ok', undefined],
        [2, 'failed', '58P01'],
        [3, 'failed', '58P01'],
      ]);
      expect(readdirSync(dir)).toEqual(['secret.txt']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
