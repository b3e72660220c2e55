/**
 * Embedded Postgres (PGlite: Postgres compiled to WASM, in memory). No server, no network, nothing
 * persisted: the database disappears when the trace ends.
 */
import { PGlite } from '@electric-sql/pglite';
import { type ExecResult, type TraceDatabase, toSqlFailure } from './database.js';

export class PgliteDatabase implements TraceDatabase {
  readonly engine = 'pglite' as const;

  private constructor(private readonly db: PGlite) {}

  static async create(): Promise<PgliteDatabase> {
    const db = new PGlite();
    await db.waitReady;
    return new PgliteDatabase(db);
  }

  async exec(sql: string): Promise<ExecResult> {
    const notices: string[] = [];
    try {
      await this.db.exec(sql, { onNotice: (n) => notices.push(`${n.severity ?? 'NOTICE'}: ${n.message}`) });
    } catch (e) {
      throw toSqlFailure(e);
    }
    return { notices };
  }

  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    try {
      return (await this.db.query<T>(sql, params)).rows;
    } catch (e) {
      throw toSqlFailure(e);
    }
  }

  async close(): Promise<void> {
    if (!this.db.closed) await this.db.close();
  }
}
