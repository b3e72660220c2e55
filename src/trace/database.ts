/**
 * The database a trace runs on: embedded PGlite (default) or a real server reached with `pg`
 * (only when --database-url is given). The trace engine only needs these few calls.
 */

/** An error Postgres raised, with its SQLSTATE. */
export class SqlFailure extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly detail?: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** SQLSTATE 25001: the statement cannot run inside a transaction block (CONCURRENTLY, VACUUM…). */
export const ACTIVE_SQL_TRANSACTION = '25001';

export interface ExecResult {
  /** NOTICE/WARNING messages the server sent while running the SQL. */
  notices: string[];
}

/** Locks one backend holds or waits for on relations, as `pg_locks` shows them. */
export interface RelationLockRow {
  oid: string;
  mode: string;
  granted: boolean;
}

export interface WatchResult extends ExecResult {
  /** Every relation lock seen on the statement's backend while it ran (granted or waited for). */
  locks: RelationLockRow[];
  /** How the locks were observed, for the output. */
  method: string;
  /** Milliseconds the statement spent waiting for the watcher's transaction (subtracted from its time). */
  heldBackMs: number;
}

export interface TraceDatabase {
  readonly engine: 'pglite' | 'postgres';
  /** Runs SQL text as one simple query (it may hold several statements), like psql -c does. */
  exec(sql: string): Promise<ExecResult>;
  /** Runs one statement with parameters and returns its rows. */
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
  /**
   * Runs a statement outside any transaction while another connection watches this session's
   * locks. Absent when the database has no second connection (PGlite).
   */
  watch?(sql: string, tables: { schema: string; name: string }[]): Promise<WatchResult>;
  close(): Promise<void>;
}

/** Normalises what PGlite and node-postgres throw into a SqlFailure (anything else is rethrown). */
export function toSqlFailure(e: unknown): SqlFailure {
  if (e instanceof SqlFailure) return e;
  const err = e as { message?: string; code?: unknown; detail?: unknown; hint?: unknown } | null;
  if (err && typeof err === 'object' && typeof err.message === 'string') {
    const code = typeof err.code === 'string' && /^[0-9A-Z]{5}$/.test(err.code) ? err.code : undefined;
    return new SqlFailure(
      err.message,
      code,
      typeof err.detail === 'string' ? err.detail : undefined,
      typeof err.hint === 'string' ? err.hint : undefined,
    );
  }
  return new SqlFailure(String(e), undefined);
}
