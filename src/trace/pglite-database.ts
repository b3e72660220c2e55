/**
 * Embedded Postgres (PGlite: Postgres compiled to WASM, in memory). No server, no network, nothing
 * persisted: the database disappears when the trace ends.
 */
import { PGlite } from '@electric-sql/pglite';
import { bloom } from '@electric-sql/pglite/contrib/bloom';
import { btree_gin } from '@electric-sql/pglite/contrib/btree_gin';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { citext } from '@electric-sql/pglite/contrib/citext';
import { cube } from '@electric-sql/pglite/contrib/cube';
import { earthdistance } from '@electric-sql/pglite/contrib/earthdistance';
import { fuzzystrmatch } from '@electric-sql/pglite/contrib/fuzzystrmatch';
import { hstore } from '@electric-sql/pglite/contrib/hstore';
import { intarray } from '@electric-sql/pglite/contrib/intarray';
import { isn } from '@electric-sql/pglite/contrib/isn';
import { lo } from '@electric-sql/pglite/contrib/lo';
import { ltree } from '@electric-sql/pglite/contrib/ltree';
import { moddatetime } from '@electric-sql/pglite/contrib/moddatetime';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto';
import { seg } from '@electric-sql/pglite/contrib/seg';
import { tablefunc } from '@electric-sql/pglite/contrib/tablefunc';
import { tcn } from '@electric-sql/pglite/contrib/tcn';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { uuid_ossp } from '@electric-sql/pglite/contrib/uuid_ossp';
import { type ExecResult, type TraceDatabase, toSqlFailure } from './database.js';

/**
 * The contrib extensions PGlite bundles that migrations create (`CREATE EXTENSION citext`…).
 * Registering them costs nothing at start-up: a bundle is loaded when CREATE EXTENSION runs.
 */
const EXTENSIONS = {
  bloom,
  btree_gin,
  btree_gist,
  citext,
  cube,
  earthdistance,
  fuzzystrmatch,
  hstore,
  intarray,
  isn,
  lo,
  ltree,
  moddatetime,
  pg_trgm,
  pgcrypto,
  seg,
  tablefunc,
  tcn,
  unaccent,
  uuid_ossp,
};

export class PgliteDatabase implements TraceDatabase {
  readonly engine = 'pglite' as const;

  private constructor(private readonly db: PGlite) {}

  static async create(): Promise<PgliteDatabase> {
    const db = new PGlite({ extensions: EXTENSIONS });
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
