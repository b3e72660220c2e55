/**
 * Transaction facts other rules and the IR rely on, checked on PGlite and on the real server:
 * a simple query holding several statements runs as one implicit transaction, so CREATE INDEX
 * CONCURRENTLY fails in it (that is how golang-migrate and Prisma send a migration file) while the
 * same statement alone succeeds; CONCURRENTLY inside BEGIN fails. Postgres words both failures the
 * same way: "cannot run inside a transaction block" (SQLSTATE 25001).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { TraceDatabase } from '../../src/trace/database.js';
import { PostgresDatabase } from '../../src/trace/postgres-database.js';
import {
  closePglite,
  file,
  NO_SERVER_MESSAGE,
  pglite,
  scratchDatabase,
  SERVER_URL,
  stepFor,
  traceOnPglite,
  warnWithoutServer,
} from './helpers.js';

afterAll(closePglite);
warnWithoutServer();

async function failure(run: Promise<unknown>): Promise<{ code?: string; message: string } | undefined> {
  try {
    await run;
    return undefined;
  } catch (e) {
    const err = e as { code?: string; message: string };
    return { code: err.code, message: err.message };
  }
}

async function tableExists(db: TraceDatabase, name: string): Promise<boolean> {
  const rows = await db.query<{ oid: string | null }>('SELECT to_regclass($1)::text AS oid', [name]);
  return rows[0]?.oid !== null;
}

function transactionFacts(
  label: string,
  open: () => Promise<{ db: TraceDatabase; done: () => Promise<void> }>,
  skip?: string,
) {
  describe(`transaction facts on ${label}`, () => {
    it('CREATE INDEX CONCURRENTLY in a multi-statement query fails, and the whole query is rolled back', async (ctx) => {
      if (skip) return ctx.skip(skip);
      const { db, done } = await open();
      try {
        const err = await failure(
          db.exec('CREATE TABLE tx_multi (id int); CREATE INDEX CONCURRENTLY tx_multi_id ON tx_multi (id);'),
        );
        expect(err).toEqual({
          code: '25001',
          message: 'CREATE INDEX CONCURRENTLY cannot run inside a transaction block',
        });
        // The implicit transaction took the CREATE TABLE down with it.
        expect(await tableExists(db, 'tx_multi')).toBe(false);
      } finally {
        await done();
      }
    });

    it('the same statement sent alone succeeds', async (ctx) => {
      if (skip) return ctx.skip(skip);
      const { db, done } = await open();
      try {
        await db.exec('CREATE TABLE tx_single (id int)');
        expect(await failure(db.exec('CREATE INDEX CONCURRENTLY tx_single_id ON tx_single (id)'))).toBeUndefined();
        expect(await tableExists(db, 'tx_single_id')).toBe(true);
      } finally {
        await done();
      }
    });

    it('CONCURRENTLY inside BEGIN fails (create, drop and reindex alike)', async (ctx) => {
      if (skip) return ctx.skip(skip);
      const { db, done } = await open();
      try {
        await db.exec('CREATE TABLE tx_begin (id int); CREATE INDEX tx_begin_id ON tx_begin (id)');
        for (const [sql, what] of [
          ['CREATE INDEX CONCURRENTLY tx_begin_id2 ON tx_begin (id)', 'CREATE INDEX CONCURRENTLY'],
          ['DROP INDEX CONCURRENTLY tx_begin_id', 'DROP INDEX CONCURRENTLY'],
          ['REINDEX INDEX CONCURRENTLY tx_begin_id', 'REINDEX CONCURRENTLY'],
        ] as const) {
          await db.exec('BEGIN');
          const err = await failure(db.exec(sql));
          await db.exec('ROLLBACK');
          expect(err).toEqual({ code: '25001', message: `${what} cannot run inside a transaction block` });
        }
      } finally {
        await done();
      }
    });
  });
}

transactionFacts('PGlite', async () => ({ db: await pglite(), done: async () => undefined }));

transactionFacts(
  'the PostgreSQL server',
  async () => {
    const scratch = await scratchDatabase('tx_facts');
    const db = await PostgresDatabase.connect(scratch.url);
    return {
      db,
      done: async () => {
        await db.close();
        await scratch.drop();
      },
    };
  },
  SERVER_URL ? undefined : NO_SERVER_MESSAGE,
);

describe('trace applies the facts to migration files', () => {
  it('a golang-migrate file with CONCURRENTLY among other statements fails as golang-migrate runs it', async () => {
    const result = await traceOnPglite([
      file('db/1_users.up.sql', 'CREATE TABLE users (id bigint PRIMARY KEY, email text);'),
      file(
        'db/2_index.up.sql',
        'ALTER TABLE users ADD COLUMN name text;\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);',
      ),
    ]);
    const step = stepFor(result, 'CREATE INDEX CONCURRENTLY');
    expect(step.status).toBe('failed');
    expect(step.error).toEqual({
      code: '25001',
      message: 'CREATE INDEX CONCURRENTLY cannot run inside a transaction block',
    });
    const finding = result.findings.find((f) => f.rule === 'trace-statement-failed');
    expect(finding).toMatchObject({ file: 'db/2_index.up.sql', line: 2 });
    expect(finding?.message).toContain(
      'Fails as golang-migrate sends this file: one multi-statement query, which Postgres runs as one implicit transaction. CREATE INDEX CONCURRENTLY cannot run inside a transaction block (SQLSTATE 25001)',
    );
    // It was then run on its own so the replay goes on: the index exists afterwards.
    expect(step.ms).toBeGreaterThan(0);
  });

  it('a golang-migrate file holding only the CONCURRENTLY statement runs', async () => {
    const result = await traceOnPglite([
      file('db/1_users.up.sql', 'CREATE TABLE users (id bigint PRIMARY KEY, email text);'),
      file(
        'db/2_index.up.sql',
        '-- one statement: golang-migrate sends it alone\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);',
      ),
    ]);
    const step = stepFor(result, 'CREATE INDEX CONCURRENTLY');
    expect(step.status).toBe('ok');
    expect(step.ranInTransaction).toBe(false);
    expect(step.observation).toBe('not-observed');
    expect(result.findings.map((f) => f.rule)).toEqual(['trace-locks-not-observed']);
  });
});
