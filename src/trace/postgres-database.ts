/**
 * A real Postgres server reached with node-postgres. Used only when the user passes --database-url;
 * nothing else in migration-lint opens a connection.
 */
import pg from 'pg';
import {
  type ExecResult,
  type RelationLockRow,
  type TraceDatabase,
  type WatchResult,
  toSqlFailure,
} from './database.js';
import { quoteIdent } from './render-sql.js';

/** The URL with its password masked, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/:[^:@/]*@/, ':***@');
  }
}

export class ConnectionFailure extends Error {}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class PostgresDatabase implements TraceDatabase {
  readonly engine = 'postgres' as const;
  private notices: string[] = [];
  private watcher: pg.Client | undefined;

  private constructor(
    private readonly url: string,
    private readonly client: pg.Client,
    private readonly pid: number,
  ) {
    client.on('notice', (n) => this.notices.push(`${n.severity ?? 'NOTICE'}: ${n.message}`));
  }

  static async connect(url: string): Promise<PostgresDatabase> {
    const client = await PostgresDatabase.open(url);
    const rows = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
    return new PostgresDatabase(url, client, rows[0]!.pid);
  }

  private static async open(url: string): Promise<pg.Client> {
    let client: pg.Client;
    try {
      client = new pg.Client({
        connectionString: url,
        connectionTimeoutMillis: 15_000,
        application_name: 'migration-lint trace',
      });
    } catch (e) {
      throw new ConnectionFailure(`invalid --database-url ${redactUrl(url)}: ${(e as Error).message}`);
    }
    // Without a listener, an error on an idle connection would crash the process.
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (e) {
      throw new ConnectionFailure(`cannot connect to ${redactUrl(url)}: ${(e as Error).message || String(e)}`);
    }
    return client;
  }

  async exec(sql: string): Promise<ExecResult> {
    this.notices = [];
    try {
      // No parameters: node-postgres sends a simple query, which may hold several statements.
      await this.client.query(sql);
    } catch (e) {
      throw toSqlFailure(e);
    }
    return { notices: this.notices };
  }

  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    try {
      return (await this.client.query(sql, params)).rows as T[];
    } catch (e) {
      throw toSqlFailure(e);
    }
  }

  /**
   * Runs a statement that cannot run in a transaction while a second connection reads its locks.
   * The watcher first opens a REPEATABLE READ transaction with an xid and ACCESS SHARE on the
   * tables: a statement that needs a conflicting lock (VACUUM FULL) or waits for older transactions
   * (CREATE INDEX CONCURRENTLY, DROP INDEX CONCURRENTLY, REINDEX CONCURRENTLY) stops there, holding
   * the locks it has, so they are read reliably; the watcher then lets it go.
   */
  async watch(sql: string, tables: { schema: string; name: string }[]): Promise<WatchResult> {
    this.watcher ??= await PostgresDatabase.open(this.url);
    const watcher = this.watcher;
    let holding = false;
    try {
      await watcher.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      holding = true;
      await watcher.query('SELECT txid_current()');
      if (tables.length) {
        await watcher.query(
          `LOCK TABLE ${tables.map((t) => `${quoteIdent(t.schema)}.${quoteIdent(t.name)}`).join(', ')} IN ACCESS SHARE MODE NOWAIT`,
        );
      }
    } catch {
      // Could not set up the hold (privileges, a table gone): fall back to plain sampling.
      if (holding) await watcher.query('ROLLBACK').catch(() => undefined);
      holding = false;
    }
    const usedHold = holding;
    const seen = new Map<string, RelationLockRow>();
    let waited = false;
    let heldBackMs = 0;
    this.notices = [];
    let settled = false;
    let failure: unknown;
    const started = performance.now();
    const running = this.client.query(sql).then(
      () => void (settled = true),
      (e: unknown) => {
        settled = true;
        failure = e;
      },
    );
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- set by the query's callbacks during the awaits
    while (!settled) {
      const pollStart = performance.now();
      const rows = (
        await watcher.query<{ locktype: string; oid: string | null; mode: string; granted: boolean }>(
          'SELECT locktype, relation::text AS oid, mode, granted FROM pg_locks WHERE pid = $1',
          [this.pid],
        )
      ).rows;
      for (const r of rows) {
        if (r.locktype !== 'relation' || !r.oid) continue;
        const key = `${r.oid}/${r.mode}`;
        const prev = seen.get(key);
        seen.set(key, { oid: r.oid, mode: r.mode, granted: r.granted || Boolean(prev?.granted) });
      }
      if (holding) {
        const isWaiting = rows.some((r) => !r.granted);
        if (isWaiting || performance.now() - started > 2000) {
          await watcher.query('COMMIT');
          holding = false;
          if (isWaiting) {
            // It started waiting at most one poll before it was seen waiting; count from this poll.
            waited = true;
            heldBackMs = performance.now() - pollStart;
          }
        }
      }
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- as above
      if (!settled) await sleep(2);
    }
    if (holding) await watcher.query('COMMIT');
    await running;
    if (failure) throw toSqlFailure(failure);
    const method = waited
      ? "read from a second connection while the statement waited for trace's watcher transaction, then sampled until it finished"
      : usedHold
        ? 'sampled from a second connection while it ran (it never waited, so short-lived locks may be missing)'
        : 'sampled from a second connection while it ran (short-lived locks may be missing)';
    return { notices: this.notices, locks: [...seen.values()], method, heldBackMs };
  }

  async close(): Promise<void> {
    await Promise.all([this.client.end().catch(() => undefined), this.watcher?.end().catch(() => undefined)]);
  }
}
