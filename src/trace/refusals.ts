/**
 * Statements trace will not run, found in the libpg-query parse tree of the exact SQL it is about to
 * send: whatever reaches outside the traced database (the server's files and shell, other hosts,
 * other sessions, the server's configuration, roles, other databases) or outlives the transaction.
 *
 * This is defence in depth. SQL built at run time (EXECUTE of a string computed in a DO block or a
 * function) cannot be seen here; against that, trace refuses privileged roles before it runs
 * anything (server-role.ts).
 */
import { parsePlPgSQLSync, parseSync } from 'libpg-query';

export interface Refusal {
  /** Why: `COPY … PROGRAM runs a shell command on the database server`, with where it was found inside a DO block or function. */
  why: string;
  /** The file line of what was refused (the call, or the line of the body it is on). */
  line: number;
}

type Node = Record<string, unknown>;

const SERVER_FILES = "reads or writes files on the database server's file system";

/** Statement kinds refused wherever they appear (top level, in a function body, in a rule). */
const REFUSED_STATEMENTS: Record<string, (stmt: Node) => string> = {
  CopyStmt: (s) =>
    s.is_program
      ? 'COPY … PROGRAM runs a shell command on the database server'
      : s.filename
        ? `COPY to or from a file ${SERVER_FILES}`
        : 'COPY … FROM STDIN / TO STDOUT needs a client stream that trace does not provide',
  AlterSystemStmt: () => 'ALTER SYSTEM changes the server configuration',
  CreatedbStmt: () => 'CREATE DATABASE acts on the whole server',
  DropdbStmt: () => 'trace never drops a database',
  AlterDatabaseStmt: () => 'ALTER DATABASE acts beyond the traced transaction',
  AlterDatabaseSetStmt: () => 'ALTER DATABASE acts beyond the traced transaction',
  AlterDatabaseRefreshCollStmt: () => 'ALTER DATABASE acts beyond the traced transaction',
  CreateTableSpaceStmt: () => "tablespaces live on the server's file system",
  DropTableSpaceStmt: () => "tablespaces live on the server's file system",
  AlterTableSpaceOptionsStmt: () => "tablespaces live on the server's file system",
  LoadStmt: () => "LOAD loads a shared library from the server's file system",
  CreateRoleStmt: () => 'roles belong to the whole server, not to the traced database',
  AlterRoleStmt: () => 'roles belong to the whole server, not to the traced database',
  AlterRoleSetStmt: () => 'roles belong to the whole server, not to the traced database',
  DropRoleStmt: () => 'roles belong to the whole server, not to the traced database',
  GrantRoleStmt: () => 'role membership belongs to the whole server, not to the traced database',
  CreateForeignServerStmt: () => 'a foreign server (dblink, postgres_fdw) connects the database server to another host',
  AlterForeignServerStmt: () => 'a foreign server (dblink, postgres_fdw) connects the database server to another host',
  CreateUserMappingStmt: () => 'a user mapping holds the credentials of a connection to another server',
  AlterUserMappingStmt: () => 'a user mapping holds the credentials of a connection to another server',
  ImportForeignSchemaStmt: () => 'IMPORT FOREIGN SCHEMA connects to another server',
  CreateSubscriptionStmt: () => 'a subscription connects the database server to another host',
  AlterSubscriptionStmt: () => 'a subscription connects the database server to another host',
  CreatePLangStmt: () => 'CREATE LANGUAGE installs a procedural language on the server',
};

const SIGNAL = 'signals another session of the database server';
const CONNECTS = 'opens a connection from the database server to a host the migration names';

/** Functions whose call is refused (compared on the unqualified, lower-case name). */
const REFUSED_FUNCTIONS: Record<string, string> = {
  lo_import: SERVER_FILES,
  lo_export: SERVER_FILES,
  pg_read_file: SERVER_FILES,
  pg_read_binary_file: SERVER_FILES,
  pg_stat_file: SERVER_FILES,
  pg_ls_dir: SERVER_FILES,
  pg_ls_logdir: SERVER_FILES,
  pg_ls_waldir: SERVER_FILES,
  pg_ls_tmpdir: SERVER_FILES,
  pg_ls_archive_statusdir: SERVER_FILES,
  pg_ls_logicalsnapdir: SERVER_FILES,
  pg_ls_logicalmapdir: SERVER_FILES,
  pg_ls_replslotdir: SERVER_FILES,
  pg_logdir_ls: SERVER_FILES,
  pg_file_write: SERVER_FILES,
  pg_file_rename: SERVER_FILES,
  pg_file_unlink: SERVER_FILES,
  pg_file_sync: SERVER_FILES,
  dblink: CONNECTS,
  dblink_connect: CONNECTS,
  dblink_connect_u: CONNECTS,
  dblink_exec: CONNECTS,
  dblink_send_query: CONNECTS,
  dblink_open: CONNECTS,
  pg_terminate_backend: SIGNAL,
  pg_cancel_backend: SIGNAL,
  pg_reload_conf: 'acts on the whole database server',
  pg_rotate_logfile: 'acts on the whole database server',
  pg_promote: 'acts on the whole database server',
};

/** Extensions whose purpose is the server's files or arbitrary code in the server process. */
const REFUSED_EXTENSIONS: Record<string, string> = {
  adminpack: SERVER_FILES,
  file_fdw: SERVER_FILES,
  plpythonu: 'an untrusted language runs arbitrary code in the database server process',
  plpython2u: 'an untrusted language runs arbitrary code in the database server process',
  plpython3u: 'an untrusted language runs arbitrary code in the database server process',
  plperlu: 'an untrusted language runs arbitrary code in the database server process',
  pltclu: 'an untrusted language runs arbitrary code in the database server process',
  plsh: 'an untrusted language runs arbitrary code in the database server process',
};

/** Function languages whose bodies run sandboxed (or are SQL, checked here). Any other (C, internal, untrusted) is refused. */
const TRUSTED_LANGUAGES = new Set(['sql', 'plpgsql', 'plperl', 'pltcl', 'plv8', 'pljs']);

/** How deep string literals inside PL/pgSQL bodies are followed as SQL. */
const MAX_NESTING = 4;

function str(node: unknown): string | undefined {
  const s = (node as { String?: { sval?: string } } | undefined)?.String?.sval;
  return typeof s === 'string' ? s : undefined;
}

function defElems(list: unknown): Map<string, { arg: unknown; location: number | undefined }> {
  const out = new Map<string, { arg: unknown; location: number | undefined }>();
  for (const item of Array.isArray(list) ? list : []) {
    const d = (item as { DefElem?: { defname?: string; arg?: unknown; location?: number } }).DefElem;
    if (d?.defname) out.set(d.defname, { arg: d.arg, location: d.location });
  }
  return out;
}

function oneLine(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** `pg_terminate_backend(pg_backend_pid())`: a session signalling itself reaches nobody else. */
function signalsOwnBackend(call: Node): boolean {
  const args = call.args as unknown[] | undefined;
  const first = (args?.[0] as { FuncCall?: Node } | undefined)?.FuncCall;
  const name = first ? (first.funcname as unknown[] | undefined)?.map(str).at(-1) : undefined;
  return name === 'pg_backend_pid';
}

/** Where a statement's text sits: libpg-query gives byte offsets; lines are counted in the UTF-8 bytes. */
class SqlText {
  private readonly bytes: Buffer;
  constructor(
    readonly text: string,
    private readonly firstLine: number,
  ) {
    this.bytes = Buffer.from(text, 'utf8');
  }
  lineAt(byteOffset: number | undefined): number {
    if (byteOffset === undefined || byteOffset < 0) return this.firstLine;
    let line = this.firstLine;
    const end = Math.min(byteOffset, this.bytes.length);
    for (let i = 0; i < end; i++) if (this.bytes[i] === 0x0a) line++;
    return line;
  }
  slice(start: number | undefined, length: number | undefined): string {
    const from = Math.max(0, start ?? 0);
    const to = length === undefined || length === 0 ? this.bytes.length : from + length;
    return this.bytes.subarray(from, to).toString('utf8');
  }
}

/** The string literals of a parse tree: inside a PL/pgSQL body they may be SQL that EXECUTE runs. */
function stringConstants(tree: unknown): string[] {
  const out: string[] = [];
  walk(tree, (key, value) => {
    if (key === 'A_Const') {
      const s = (value as { sval?: { sval?: string } }).sval?.sval;
      if (typeof s === 'string') out.push(s);
    }
  });
  return out;
}

/** Visits every object in a JSON tree without recursion (a deeply nested statement must not overflow the stack). */
function walk(tree: unknown, visit: (key: string, value: Node, parent: Node) => void): void {
  const stack: unknown[] = [tree];
  while (stack.length) {
    const value = stack.pop();
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push(value[i]);
    } else if (value && typeof value === 'object') {
      const node = value as Node;
      for (const key of Object.keys(node)) {
        const child = node[key];
        if (child && typeof child === 'object' && !Array.isArray(child)) visit(key, child as Node, node);
        if (child && typeof child === 'object') stack.push(child);
      }
    }
  }
}

function parseStatements(sql: string): unknown[] | undefined {
  try {
    return ((parseSync(sql) as { stmts?: { stmt: unknown }[] }).stmts ?? []).map((s) => s.stmt);
  } catch {
    return undefined;
  }
}

function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

class Checker {
  constructor(private readonly depth: number) {}

  /**
   * The first refusal in one SQL text. `source` locates nodes (top-level statements); inside a
   * function body the line is the body's line, given as `line`.
   */
  check(tree: unknown, source: SqlText | undefined, line: number): Refusal | undefined {
    let found: Refusal | undefined;
    const at = (location: unknown) => (source && typeof location === 'number' ? source.lineAt(location) : line);
    walk(tree, (key, node) => {
      if (found) return;
      const statement = REFUSED_STATEMENTS[key];
      if (statement) {
        found = { why: statement(node), line };
        return;
      }
      if (key === 'FuncCall') {
        const name = (node.funcname as unknown[] | undefined)?.map(str).at(-1)?.toLowerCase();
        const why = name ? REFUSED_FUNCTIONS[name] : undefined;
        if (why && !(why === SIGNAL && signalsOwnBackend(node)))
          found = { why: `${name}() ${why}`, line: at(node.location) };
        return;
      }
      if (key === 'CreateExtensionStmt') {
        const name = (typeof node.extname === 'string' ? node.extname : '').toLowerCase();
        if (REFUSED_EXTENSIONS[name]) found = { why: `extension ${name}: ${REFUSED_EXTENSIONS[name]}`, line };
        return;
      }
      if (key === 'DoStmt' || key === 'CreateFunctionStmt') {
        found = this.routine(key, node, source, line);
      }
    });
    return found;
  }

  /** A DO block or a function: its language, and its body when the body is SQL or PL/pgSQL. */
  private routine(key: string, node: Node, source: SqlText | undefined, line: number): Refusal | undefined {
    const options = defElems(key === 'DoStmt' ? node.args : node.options);
    const language = (str(options.get('language')?.arg) ?? (key === 'DoStmt' ? 'plpgsql' : 'sql')).toLowerCase();
    const what = key === 'DoStmt' ? 'DO block' : 'function';
    if (!TRUSTED_LANGUAGES.has(language)) {
      return {
        why: `a ${what} in LANGUAGE ${language} runs code in the database server process that trace cannot check`,
        line,
      };
    }
    if (this.depth >= MAX_NESTING) return undefined;
    const as = options.get('as');
    const items = (as?.arg as { List?: { items?: unknown[] } } | undefined)?.List?.items;
    const body = str(as?.arg) ?? (items && items.length === 1 ? str(items[0]) : undefined);
    if (body === undefined) return undefined; // BEGIN ATOMIC bodies are parse trees, walked with the statement
    const bodyLine = source && typeof as?.location === 'number' ? source.lineAt(as.location) : line;
    const inner = new Checker(this.depth + 1);
    if (language === 'sql') {
      const stmts = parseStatements(body);
      return stmts ? inner.check(stmts, undefined, bodyLine) : undefined;
    }
    if (language !== 'plpgsql') return undefined;
    return inner.plpgsql(body, bodyLine, what);
  }

  /**
   * A PL/pgSQL body: every SQL expression in it is checked, and every string literal that is itself
   * SQL (`EXECUTE 'COPY …'`, a variable set to such a string). SQL assembled at run time is not seen.
   */
  private plpgsql(body: string, bodyLine: number, what: string): Refusal | undefined {
    // The PL/pgSQL parser checks RETURN against the result type, which only shapes RETURN: try the kinds.
    let tree: unknown;
    for (const returns of ['void', 'text', 'SETOF text']) {
      try {
        tree = parsePlPgSQLSync(
          `CREATE FUNCTION trace_check() RETURNS ${returns} LANGUAGE plpgsql AS ${quoteLiteral(body)}`,
        );
        break;
      } catch {
        // the next result type
      }
    }
    if (tree === undefined) return undefined; // Postgres rejects the same body before running it
    const expressions: { query: string; parseMode: number; lineno: number }[] = [];
    const stack: { value: unknown; lineno: number }[] = [{ value: tree, lineno: 1 }];
    while (stack.length) {
      const { value, lineno } = stack.pop()!;
      if (Array.isArray(value)) {
        for (const v of value) stack.push({ value: v, lineno });
      } else if (value && typeof value === 'object') {
        const node = value as Node;
        const here = typeof node.lineno === 'number' ? node.lineno : lineno;
        const expr = node.PLpgSQL_expr as { query?: string; parseMode?: number } | undefined;
        if (expr && typeof expr.query === 'string')
          expressions.push({ query: expr.query, parseMode: expr.parseMode ?? 0, lineno: here });
        for (const child of Object.values(node))
          if (child && typeof child === 'object') stack.push({ value: child, lineno: here });
      }
    }
    for (const e of expressions) {
      const line = bodyLine + e.lineno - 1;
      const stmts = parseStatements(expressionSql(e.query, e.parseMode));
      if (!stmts) continue;
      const direct = this.check(stmts, undefined, line);
      if (direct) return { ...direct, why: `${direct.why}, in a ${what}` };
      for (const literal of stringConstants(stmts)) {
        const nested = parseStatements(literal);
        if (!nested || nested.length === 0) continue;
        const hit = this.check(nested, undefined, line);
        if (hit)
          return {
            ...hit,
            why: `${hit.why}, in a string a ${what} can EXECUTE (${quoteLiteral(oneLine(literal, 60))})`,
          };
      }
    }
    return undefined;
  }
}

/**
 * The SQL text of a PL/pgSQL expression: statements as they are, expressions as a SELECT,
 * assignments (`x := …`, parse modes 3–5) as a SELECT of their right-hand side.
 */
function expressionSql(query: string, parseMode: number): string {
  if (parseMode === 0) return query;
  if (parseMode >= 3) {
    const assign = query.indexOf(':=');
    return `SELECT ${assign >= 0 ? query.slice(assign + 2) : query}`;
  }
  return `SELECT ${query}`;
}

/**
 * Why the SQL text of one step must not run (`not run: … — line 3: COPY (SELECT 1) TO PROGRAM …`),
 * or undefined when it may. `firstLine` is the file line the text starts on. Text that does not
 * parse is left to Postgres, which rejects it too.
 */
export function refusedSql(sql: string, firstLine: number): string | undefined {
  let parsed: { stmts?: { stmt: unknown; stmt_location?: number; stmt_len?: number }[] };
  try {
    parsed = parseSync(sql) as typeof parsed;
  } catch {
    return undefined;
  }
  const source = new SqlText(sql, firstLine);
  const checker = new Checker(0);
  for (const s of parsed.stmts ?? []) {
    const line = source.lineAt(s.stmt_location ?? 0);
    const refusal = checker.check(s.stmt, source, line);
    if (refusal)
      return `not run: ${refusal.why} — line ${refusal.line}: ${oneLine(source.slice(s.stmt_location, s.stmt_len))}`;
  }
  return undefined;
}
