/**
 * Shared pieces of the trace tests: one PGlite per test file (starting one takes seconds), reset
 * between cases; in-memory migration files; the real server from scripts/ci-postgres.sh when
 * MIGRATION_LINT_TEST_DATABASE_URL is set.
 */
import pg from 'pg';
import { vi } from 'vitest';
import type { SourceInput } from '../../src/linter.js';
import { type TraceOptions, type TraceResult, traceSources } from '../../src/trace/index.js';
import type { TraceDatabase } from '../../src/trace/database.js';
import { PgliteDatabase } from '../../src/trace/pglite-database.js';
import type { ObservedLock, StepResult } from '../../src/trace/types.js';

// Starting PGlite (Postgres in WebAssembly) takes seconds, more on a busy CI machine.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

export const SERVER_URL = process.env.MIGRATION_LINT_TEST_DATABASE_URL;
export const NO_SERVER_MESSAGE =
  'MIGRATION_LINT_TEST_DATABASE_URL is not set: real-server trace tests skipped (CI sets it by sourcing scripts/ci-postgres.sh)';

/** Says once, in the test output, why the real-server tests of a file are skipped. */
export function warnWithoutServer(): void {
  if (!SERVER_URL) console.warn(`[trace tests] ${NO_SERVER_MESSAGE}`);
}

export function file(path: string, text: string): SourceInput {
  return { path, content: { ok: true, text } };
}

/** Drops everything a case created, so the next case starts from an empty database. */
export async function resetDatabase(db: TraceDatabase): Promise<void> {
  const schemas = await db.query<{ nspname: string }>(
    "SELECT nspname FROM pg_namespace WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'public') AND nspname NOT LIKE 'pg\\_%'",
  );
  for (const s of schemas) await db.exec(`DROP SCHEMA "${s.nspname.replace(/"/g, '""')}" CASCADE`);
  await db.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public; RESET ALL');
}

let shared: Promise<PgliteDatabase> | undefined;
/** The test file's PGlite, reset. */
export async function pglite(): Promise<PgliteDatabase> {
  shared ??= PgliteDatabase.create();
  const db = await shared;
  await resetDatabase(db);
  return db;
}

export async function closePglite(): Promise<void> {
  if (shared) await (await shared).close();
  shared = undefined;
}

export async function traceOnPglite(
  inputs: SourceInput[],
  options: Omit<TraceOptions, 'database' | 'databaseUrl'> = {},
): Promise<TraceResult> {
  return traceSources(inputs, { ...options, database: await pglite() });
}

/** All step results of a trace, in run order. */
export function steps(result: TraceResult): StepResult[] {
  return result.report.migrations.flatMap((m) => m.results);
}

/** The step whose statement starts with `prefix` (whitespace-insensitive). */
export function stepFor(result: TraceResult, prefix: string): StepResult {
  const norm = (s: string) => s.replace(/\s+/g, ' ').trim().toLowerCase();
  const found = steps(result).find((r) => norm(r.step.sql ?? '').startsWith(norm(prefix)));
  if (!found)
    throw new Error(
      `no traced statement starts with ${prefix}; statements: ${steps(result)
        .map((r) => r.step.sql)
        .join(' | ')}`,
    );
  return found;
}

export function lockOn(r: StepResult, relation: string): ObservedLock | undefined {
  return r.locks.find((l) => l.relation === relation || `${l.schema}.${l.name}` === relation || l.name === relation);
}

/** `{ users: 'AccessExclusiveLock', … }` for the tables (not indexes) that existed before the statement. */
export function strongestByRelation(r: StepResult): Record<string, string> {
  return Object.fromEntries(
    r.locks.filter((l) => !l.createdByStatement && l.kind !== 'index').map((l) => [l.relation, l.mode]),
  );
}

/**
 * A database of its own on the test server, owned by a throwaway login role with no privileges
 * beyond it (what docs/trace.md tells users to create): `url` connects as that role, `adminUrl`
 * to the same database as the server's superuser. Both are dropped by `drop`.
 */
export async function scratchDatabase(
  prefix: string,
): Promise<{ url: string; adminUrl: string; role: string; drop: () => Promise<void> }> {
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  const name = `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  await admin.query(`CREATE ROLE ${name} LOGIN`);
  await admin.query(`CREATE DATABASE ${name} OWNER ${name}`);
  await admin.end();
  const adminUrl = new URL(SERVER_URL!);
  adminUrl.pathname = `/${name}`;
  const url = new URL(adminUrl);
  url.username = name;
  url.password = '';
  return {
    url: url.toString(),
    adminUrl: adminUrl.toString(),
    role: name,
    drop: async () => {
      const c = new pg.Client({ connectionString: SERVER_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.query(`DROP ROLE IF EXISTS ${name}`);
      await c.end();
    },
  };
}
