/**
 * The role trace connects as on a real server, checked before anything runs. A migration can build
 * SQL at run time (EXECUTE in a DO block or a function) that no statement filter sees; what that SQL
 * can do is bounded by the role. Roles that reach the database host (its shell, its files) or other
 * sessions are refused unless the user opts in with --allow-privileged-role.
 */
import type { TraceDatabase } from './database.js';

/** Predefined roles that reach beyond the database, and what each lets a migration do. */
export const PRIVILEGED_ROLES: Record<string, string> = {
  pg_execute_server_program: 'runs shell commands on the database host (COPY … TO PROGRAM)',
  pg_read_server_files: "reads any file the server's OS user can read (COPY … FROM a file, pg_read_file)",
  pg_write_server_files: "writes files as the server's OS user (COPY … TO a file, lo_export)",
  pg_signal_backend: 'cancels and terminates other sessions (pg_terminate_backend)',
  pg_create_subscription: 'connects the server to other hosts (CREATE SUBSCRIPTION)',
};

export interface RoleCheck {
  role: string;
  /** Why the role is privileged, one reason a line; empty when it is not. */
  reasons: string[];
}

interface RoleRow {
  role: string;
  superuser: boolean;
  superuser_via: string | null;
  createrole: boolean;
  members_of: string[] | null;
  version_num: string;
}

/*
 * pg_has_role(…, 'MEMBER') is true for direct and inherited membership, with or without INHERIT:
 * a member can always SET ROLE to it. A superuser is a member of every role.
 */
const ROLE_SQL = `
SELECT r.rolname AS role, r.rolsuper AS superuser, r.rolcreaterole AS createrole,
  (SELECT min(s.rolname) FROM pg_roles s WHERE s.rolsuper AND s.oid <> r.oid AND pg_has_role(r.oid, s.oid, 'MEMBER')) AS superuser_via,
  ARRAY(SELECT p.rolname::text FROM pg_roles p WHERE p.rolname = ANY($1::text[]) AND pg_has_role(r.oid, p.oid, 'MEMBER') ORDER BY p.rolname) AS members_of,
  current_setting('server_version_num') AS version_num
FROM pg_roles r WHERE r.rolname = session_user`;

export async function checkServerRole(db: TraceDatabase): Promise<RoleCheck> {
  const rows = await db.query<RoleRow>(ROLE_SQL, [Object.keys(PRIVILEGED_ROLES)]);
  const row = rows[0];
  if (!row) return { role: '?', reasons: ['trace could not read its own role from pg_roles'] };
  const reasons: string[] = [];
  if (row.superuser)
    reasons.push(
      'it is a superuser: it can run shell commands on the database host, read and write its files, and end other sessions',
    );
  else if (row.superuser_via)
    reasons.push(`it is a member of the superuser role "${row.superuser_via}" (SET ROLE makes it a superuser)`);
  else {
    for (const name of row.members_of ?? []) reasons.push(`it is a member of ${name}, which ${PRIVILEGED_ROLES[name]}`);
    // Before PostgreSQL 16, CREATEROLE may grant itself any non-superuser role, the ones above included.
    if (row.createrole && Number(row.version_num) < 160000)
      reasons.push(
        'it has CREATEROLE, which before PostgreSQL 16 can grant itself pg_execute_server_program and the other roles above',
      );
  }
  return { role: row.role, reasons };
}

/** Thrown before anything runs when the role is privileged and --allow-privileged-role was not given. */
export class PrivilegedRoleRefused extends Error {
  constructor(
    readonly check: RoleCheck,
    where: string,
  ) {
    super(
      [
        `refusing to trace as role "${check.role}" on ${where}:`,
        ...check.reasons.map((r) => `  - ${r}`),
        'Migrations can run SQL that trace cannot inspect beforehand (EXECUTE of a string built in a DO block or a function),',
        'so with this role a migration from a pull request could act on the database host. Trace with a role that has none',
        'of these privileges, on a throwaway database. As an administrator:',
        '',
        "  CREATE ROLE migration_lint_trace LOGIN PASSWORD 'change-me';",
        '  CREATE DATABASE migration_lint_trace OWNER migration_lint_trace;',
        '',
        'then: migration-lint trace --database-url postgres://migration_lint_trace:change-me@HOST/migration_lint_trace …',
        'Or keep the default embedded database (no --database-url), which has no shell and no host files.',
        'To trace with this role anyway, on migrations you trust, pass --allow-privileged-role.',
      ].join('\n'),
    );
  }
}
