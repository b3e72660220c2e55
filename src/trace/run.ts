/**
 * The trace engine: runs planned statements on a database and records, per statement, the relation
 * locks it took (from `pg_locks` of this backend, read before the statement's transaction ends), the
 * relations whose storage it replaced (a changed `pg_class.relfilenode`) and its time.
 *
 * Two ways to run:
 * - per-statement (PGlite, or a server with --allow-commit): each statement in a transaction of its
 *   own, committed, so the locks read are exactly the statement's. A statement that cannot run in a
 *   transaction runs on its own; its locks are sampled from a second connection when there is one.
 * - rolled-back (a server without --allow-commit): the whole run is one transaction, rolled back at
 *   the end; each statement runs in a savepoint. A statement only shows the locks it adds to those
 *   the transaction already holds, and statements that cannot run in a transaction are skipped.
 */
import type { Operation, QualifiedName } from '../ir/types.js';
import {
  ACTIVE_SQL_TRANSACTION,
  type RelationLockRow,
  SqlFailure,
  type TraceDatabase,
  toSqlFailure,
} from './database.js';
import {
  blocksReads,
  blocksWrites,
  isLockMode,
  type LockMode,
  lockStrength,
  strongestMode,
} from '../analysis/locks.js';
import type { PlannedMigration, TraceStep } from './plan.js';
import { qualified, quoteIdent, quoteLiteral } from './render-sql.js';
import { type SeedOutcome, type SeedTable, seedTables } from './seed.js';
import {
  type MigrationTrace,
  type ObservedLock,
  RELATION_KINDS,
  type RelationInfo,
  type Rewrite,
  type StepResult,
  type TraceReport,
} from './types.js';

export interface RunOptions {
  /** Rows to seed into every table before each migration runs (0: none). */
  rows: number;
  /** On a real server: commit each statement (and run those that cannot run in a transaction). */
  allowCommit: boolean;
  setupFile?: string;
  /** On a server: how long a statement may wait for a lock another session holds (default 30s). */
  serverLockTimeout?: string;
}

const SNAPSHOT_SQL = `
SELECT c.oid::text AS oid, n.nspname AS schema, c.relname AS name, c.relkind::text AS relkind,
       c.relfilenode::text AS filenode, i.indrelid::text AS "parentOid", c.relispartition AS "isPartition"
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_index i ON i.indexrelid = c.oid
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'`;

const LOCKS_SQL = `
SELECT relation::text AS oid, mode, granted FROM pg_locks
WHERE pid = pg_backend_pid() AND locktype = 'relation' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`;

// Sequential scans this transaction started per table (counted even when the statement is rolled back to a savepoint).
const SCANS_SQL = `SELECT relid::text AS oid, seq_scan::text AS n FROM pg_stat_xact_all_tables WHERE seq_scan > 0`;

type Snapshot = Map<string, RelationInfo>;
type ScanCounts = Map<string, number>;

/** How long a statement may wait for a lock another session of the server holds, by default. */
export const SERVER_LOCK_TIMEOUT = '30s';

const TABLE_KINDS = new Set(['r', 'p', 'm']);

function displayName(schema: string, name: string): string {
  return schema === 'public' ? name : `${schema}.${name}`;
}

/** The tables and indexes an op names, for row counts and for the watcher's hold. */
function opRelations(op: Operation): QualifiedName[] {
  switch (op.kind) {
    case 'drop-table':
    case 'truncate':
      return op.tables;
    case 'drop-index':
      return op.indexes;
    case 'reindex':
      return op.target === 'index' || op.target === 'table' ? [op.name] : [];
    case 'add-constraint':
      return op.constraint.references ? [op.table, op.constraint.references.table] : [op.table];
    case 'attach-partition':
    case 'detach-partition':
      return [op.table, op.partition];
    case 'add-enum-value':
    case 'create-domain':
    case 'alter-domain':
    case 'drop-database':
    case 'drop-schema':
    case 'rename-schema':
    case 'set-setting':
    case 'transaction':
    case 'unknown':
      return [];
    case 'data-change':
    case 'other':
      return op.table ? [op.table] : [];
    default:
      return [op.table];
  }
}

export function stepResult(step: TraceStep, partial: Partial<StepResult>): StepResult {
  return {
    step,
    status: 'ok',
    observation: 'exact',
    ranInTransaction: true,
    locks: [],
    alreadyHeld: [],
    rewrites: [],
    targets: [],
    rowCounts: {},
    notes: [],
    ...partial,
  };
}

class Tracer {
  constructor(
    private readonly db: TraceDatabase,
    readonly perStatement: boolean,
  ) {}

  async snapshot(): Promise<Snapshot> {
    const rows = await this.db.query<RelationInfo>(SNAPSHOT_SQL);
    return new Map(rows.map((r) => [r.oid, r]));
  }

  async scanCounts(): Promise<ScanCounts> {
    const rows = await this.db.query<{ oid: string; n: string }>(SCANS_SQL).catch(() => []);
    return new Map(rows.map((r) => [r.oid, Number(r.n)]));
  }

  /** Tables scanned between two counts, by display name. */
  private scansOf(before: ScanCounts, after: ScanCounts, snapshot: Snapshot): string[] {
    const out: string[] = [];
    for (const [oid, n] of after) {
      const info = snapshot.get(oid);
      if (n > (before.get(oid) ?? 0) && info) out.push(displayName(info.schema, info.name));
    }
    return out.sort();
  }

  async currentLocks(): Promise<RelationLockRow[]> {
    return this.db.query<RelationLockRow>(LOCKS_SQL);
  }

  /** Runs SQL without letting a failure end the run's transaction. */
  async guarded(sql: string): Promise<SqlFailure | undefined> {
    if (this.perStatement) {
      try {
        await this.db.exec(sql);
        return undefined;
      } catch (e) {
        return toSqlFailure(e);
      }
    }
    await this.db.exec('SAVEPOINT trace_guard');
    try {
      await this.db.exec(sql);
      await this.db.exec('RELEASE SAVEPOINT trace_guard');
      return undefined;
    } catch (e) {
      await this.db.exec('ROLLBACK TO SAVEPOINT trace_guard; RELEASE SAVEPOINT trace_guard');
      return toSqlFailure(e);
    }
  }

  /** Runs read-only queries whose locks must not stay in a rolled-back run's transaction. */
  private async withoutLasting<T>(fn: () => Promise<T>): Promise<T> {
    if (this.perStatement) return fn();
    await this.db.exec('SAVEPOINT trace_peek');
    try {
      return await fn();
    } finally {
      await this.db.exec('ROLLBACK TO SAVEPOINT trace_peek; RELEASE SAVEPOINT trace_peek');
    }
  }

  /** The existing relations a step names (resolved as Postgres resolves them, search_path included). */
  async resolve(step: TraceStep, before: Snapshot): Promise<RelationInfo[]> {
    const names = step.ops.flatMap(opRelations);
    const out: RelationInfo[] = [];
    for (const n of names) {
      if (!n.name) continue;
      const rows = await this.db
        .query<{ oid: string | null }>('SELECT to_regclass($1)::oid::text AS oid', [qualified(n)])
        .catch(() => []);
      const info = rows[0]?.oid ? before.get(rows[0].oid) : undefined;
      if (info && !out.includes(info)) out.push(info);
    }
    return out;
  }

  async rowCounts(relations: RelationInfo[], snapshot: Snapshot): Promise<Record<string, number>> {
    // An index stands for its table (DROP INDEX, REINDEX): the table's size is what it costs.
    const tables = [
      ...new Set(relations.map((r) => (r.relkind === 'i' && r.parentOid ? snapshot.get(r.parentOid) : r))),
    ].filter((r): r is RelationInfo => r !== undefined && TABLE_KINDS.has(r.relkind));
    if (tables.length === 0) return {};
    return this.withoutLasting(async () => {
      const counts: Record<string, number> = {};
      for (const t of tables) {
        const rows = await this.db
          .query<{ n: string }>(`SELECT count(*)::text AS n FROM ${quoteIdent(t.schema)}.${quoteIdent(t.name)}`)
          .catch(() => []);
        if (rows[0]) counts[displayName(t.schema, t.name)] = Number(rows[0].n);
      }
      return counts;
    });
  }

  private locksOf(
    rows: RelationLockRow[],
    before: Snapshot,
    after: Snapshot,
    migrationStart: Set<string>,
    skip?: Map<string, Set<LockMode>>,
  ): ObservedLock[] {
    const byOid = new Map<string, { modes: Set<LockMode>; waited: boolean }>();
    for (const r of rows) {
      if (!isLockMode(r.mode)) continue;
      if (skip?.get(r.oid)?.has(r.mode)) continue;
      let entry = byOid.get(r.oid);
      if (!entry) byOid.set(r.oid, (entry = { modes: new Set(), waited: true }));
      entry.modes.add(r.mode);
      if (r.granted) entry.waited = false;
    }
    const locks: ObservedLock[] = [];
    for (const [oid, { modes, waited }] of byOid) {
      const info = before.get(oid) ?? after.get(oid);
      if (!info || info.relkind === 't') continue; // catalogs, transient rewrite heaps, toast
      const sorted = [...modes].sort((a, b) => lockStrength(a) - lockStrength(b));
      const mode = strongestMode(sorted)!;
      const lock: ObservedLock = {
        oid,
        schema: info.schema,
        name: info.name,
        relation: displayName(info.schema, info.name),
        kind: RELATION_KINDS[info.relkind] ?? info.relkind,
        modes: sorted,
        mode,
        blocksReads: blocksReads(mode),
        blocksWrites: blocksWrites(mode),
        createdByStatement: !before.has(oid),
        existedBeforeMigration: migrationStart.has(oid),
      };
      const parent = info.parentOid ? (before.get(info.parentOid) ?? after.get(info.parentOid)) : undefined;
      if (parent) lock.table = displayName(parent.schema, parent.name);
      if (waited) lock.waitedFor = true;
      locks.push(lock);
    }
    // Tables first, then the rest; strongest first within each.
    const rank = (l: ObservedLock) =>
      l.kind === 'table' || l.kind === 'partitioned table' ? 0 : l.kind === 'index' ? 2 : 1;
    return locks.sort(
      (a, b) =>
        rank(a) - rank(b) || lockStrength(b.mode) - lockStrength(a.mode) || a.relation.localeCompare(b.relation),
    );
  }

  private rewritesOf(before: Snapshot, after: Snapshot): Rewrite[] {
    const out: Rewrite[] = [];
    for (const [oid, a] of after) {
      const b = before.get(oid);
      if (!b || b.filenode === a.filenode || a.filenode === '0') continue;
      if (!['r', 'm', 'i'].includes(a.relkind)) continue;
      out.push({ oid, relation: displayName(a.schema, a.name), kind: RELATION_KINDS[a.relkind] ?? a.relkind });
    }
    return out.sort(
      (x, y) => (x.kind === 'index' ? 1 : 0) - (y.kind === 'index' ? 1 : 0) || x.relation.localeCompare(y.relation),
    );
  }

  async run(step: TraceStep, migrationStart: Set<string>): Promise<StepResult> {
    if (step.skip || step.sql === undefined) {
      return stepResult(step, {
        status: 'skipped',
        observation: 'not-observed',
        ranInTransaction: false,
        notes: [step.skip?.reason ?? 'not run'],
      });
    }
    const before = await this.snapshot();
    const named = await this.resolve(step, before);
    const rowCounts = await this.rowCounts(named, before);
    const result = this.perStatement
      ? await this.runCommitted(step, step.sql, before, named, rowCounts, migrationStart)
      : await this.runInSavepoint(step, step.sql, before, named, rowCounts, migrationStart);
    result.targets = named.map((r) => displayName(r.schema, r.name));
    await this.checkAlive();
    return result;
  }

  /**
   * PGlite's session can break without an error: `COPY … TO PROGRAM` (it has no process to start)
   * reports success, then queries fail or return nothing. Stop there rather than report what a
   * broken session shows.
   */
  private async checkAlive(): Promise<void> {
    if (this.db.engine !== 'pglite') return;
    const rows = await this.db.query<{ alive: number }>('SELECT 1 AS alive');
    if (rows.length !== 1) throw new SqlFailure('the embedded database stopped answering', undefined);
  }

  private async runCommitted(
    step: TraceStep,
    sql: string,
    before: Snapshot,
    named: RelationInfo[],
    rowCounts: Record<string, number>,
    migrationStart: Set<string>,
  ): Promise<StepResult> {
    await this.db.exec('BEGIN');
    const scansBefore = await this.scanCounts();
    const started = performance.now();
    let notices: string[];
    try {
      notices = (await this.db.exec(sql)).notices;
    } catch (e) {
      await this.db.exec('ROLLBACK');
      const failure = toSqlFailure(e);
      if (failure.code === ACTIVE_SQL_TRANSACTION)
        return this.runOutside(step, sql, before, named, rowCounts, migrationStart, failure);
      return stepResult(step, {
        status: 'failed',
        observation: 'not-observed',
        observationNote: 'Postgres rolled the statement back; the locks it took are released',
        rowCounts,
        ms: performance.now() - started,
        error: { message: failure.message, ...(failure.code ? { code: failure.code } : {}) },
      });
    }
    const ms = performance.now() - started;
    const lockRows = await this.currentLocks();
    const scansAfter = await this.scanCounts();
    try {
      await this.db.exec('COMMIT');
    } catch (e) {
      const failure = toSqlFailure(e);
      return stepResult(step, {
        status: 'failed',
        observation: 'not-observed',
        rowCounts,
        ms,
        error: { message: `at COMMIT: ${failure.message}`, ...(failure.code ? { code: failure.code } : {}) },
      });
    }
    const after = await this.snapshot();
    return stepResult(step, {
      locks: this.locksOf(lockRows, before, after, migrationStart),
      rewrites: this.rewritesOf(before, after),
      scans: this.scansOf(scansBefore, scansAfter, after),
      ms,
      rowCounts,
      notes: notices,
    });
  }

  /** A statement Postgres refuses inside a transaction block: run it on its own, as the tool would. */
  private async runOutside(
    step: TraceStep,
    sql: string,
    before: Snapshot,
    named: RelationInfo[],
    rowCounts: Record<string, number>,
    migrationStart: Set<string>,
    refusal: SqlFailure,
  ): Promise<StepResult> {
    const notes: string[] = [];
    let error: StepResult['error'];
    if (step.inTransaction) {
      // The tool runs this statement in a transaction, where Postgres rejects it: the real run fails here.
      error = { message: refusal.message, ...(refusal.code ? { code: refusal.code } : {}) };
      notes.push('trace ran it outside a transaction to continue the replay');
    }
    const started = performance.now();
    let lockRows: RelationLockRow[] = [];
    let observation: StepResult['observation'] = 'not-observed';
    let observationNote: string;
    let ms: number;
    try {
      if (this.db.watch) {
        const tables = named.flatMap((r) =>
          TABLE_KINDS.has(r.relkind) ? [r] : r.parentOid && before.get(r.parentOid) ? [before.get(r.parentOid)!] : [],
        );
        const watched = await this.db.watch(
          sql,
          tables.map((t) => ({ schema: t.schema, name: t.name })),
        );
        ms = performance.now() - started - watched.heldBackMs;
        lockRows = watched.locks;
        notes.push(...watched.notices);
        observation = 'sampled';
        observationNote = `ran outside a transaction (Postgres refuses it inside one); locks ${watched.method}`;
      } else {
        notes.push(...(await this.db.exec(sql)).notices);
        ms = performance.now() - started;
        observationNote =
          'ran outside a transaction (Postgres refuses it inside one); PGlite has a single connection, so its locks could not be read while it ran';
      }
    } catch (e) {
      const failure = toSqlFailure(e);
      const own = { message: failure.message, ...(failure.code ? { code: failure.code } : {}) };
      // When the tool's transaction already makes it fail, that is the failure to report.
      const reported = error
        ? { ...error, message: `${error.message}; run on its own it fails too: ${failure.message}` }
        : own;
      return stepResult(step, {
        status: 'failed',
        observation: 'not-observed',
        ranInTransaction: false,
        rowCounts,
        error: reported,
        notes: notes.filter((n) => !n.startsWith('trace ran it outside')),
      });
    }
    const after = await this.snapshot();
    return stepResult(step, {
      status: error ? 'failed' : 'ok',
      observation,
      observationNote,
      ranInTransaction: false,
      locks: this.locksOf(lockRows, before, after, migrationStart),
      rewrites: this.rewritesOf(before, after),
      ms,
      rowCounts,
      notes,
      ...(error ? { error } : {}),
    });
  }

  private async runInSavepoint(
    step: TraceStep,
    sql: string,
    before: Snapshot,
    named: RelationInfo[],
    rowCounts: Record<string, number>,
    migrationStart: Set<string>,
  ): Promise<StepResult> {
    const heldRows = await this.currentLocks();
    const held = new Map<string, Set<LockMode>>();
    for (const r of heldRows)
      if (isLockMode(r.mode)) (held.get(r.oid) ?? held.set(r.oid, new Set()).get(r.oid)!).add(r.mode);
    const scansBefore = await this.scanCounts();
    await this.db.exec('SAVEPOINT trace_step');
    const started = performance.now();
    let notices: string[];
    try {
      notices = (await this.db.exec(sql)).notices;
    } catch (e) {
      const ms = performance.now() - started;
      await this.db.exec('ROLLBACK TO SAVEPOINT trace_step; RELEASE SAVEPOINT trace_step');
      const failure = toSqlFailure(e);
      if (failure.code === ACTIVE_SQL_TRANSACTION) {
        const notes = [
          `not run: ${failure.message}, and this trace is one transaction that is rolled back at the end (--allow-commit runs it, committing the run)`,
        ];
        const partial: Partial<StepResult> = {
          status: 'skipped',
          observation: 'not-observed',
          ranInTransaction: false,
          rowCounts,
          notes,
        };
        if (step.inTransaction) partial.error = { message: failure.message, code: failure.code };
        return stepResult(step, partial);
      }
      return stepResult(step, {
        status: 'failed',
        observation: 'not-observed',
        observationNote: 'Postgres rolled the statement back; the locks it took are released',
        rowCounts,
        ms,
        error: { message: failure.message, ...(failure.code ? { code: failure.code } : {}) },
      });
    }
    const ms = performance.now() - started;
    const lockRows = await this.currentLocks();
    const scansAfter = await this.scanCounts();
    await this.db.exec('RELEASE SAVEPOINT trace_step');
    const after = await this.snapshot();
    const alreadyHeld: StepResult['alreadyHeld'] = [];
    for (const rel of named) {
      const modes = held.get(rel.oid);
      if (modes?.size)
        alreadyHeld.push({
          oid: rel.oid,
          relation: displayName(rel.schema, rel.name),
          modes: [...modes].sort((a, b) => lockStrength(a) - lockStrength(b)),
        });
    }
    const result = stepResult(step, {
      locks: this.locksOf(lockRows, before, after, migrationStart, held),
      rewrites: this.rewritesOf(before, after),
      scans: this.scansOf(scansBefore, scansAfter, after),
      ms,
      rowCounts,
      notes: notices,
      alreadyHeld,
    });
    if (alreadyHeld.length) {
      result.observation = 'partial';
      result.observationNote =
        'the run is one transaction: locks it already held before this statement are not shown again';
    }
    return result;
  }

  async seed(rows: number, seeded: Set<string>): Promise<SeedOutcome[]> {
    const snap = await this.snapshot();
    const tables: SeedTable[] = [];
    for (const r of snap.values()) {
      if ((r.relkind === 'r' || r.relkind === 'p') && !r.isPartition && !seeded.has(r.oid))
        tables.push({ oid: r.oid, schema: r.schema, name: r.name });
    }
    for (const t of tables) seeded.add(t.oid);
    if (tables.length === 0) return [];
    return seedTables(this.db, tables, rows, (sql) => this.guarded(sql));
  }
}

/** Time each step's locks stay held: until the end of the tool's transaction the step is in. */
function computeHeld(results: StepResult[]): void {
  for (let i = 0; i < results.length; i++) {
    const r = results[i]!;
    if (r.ms === undefined) continue;
    if (r.step.group < 0) {
      r.heldMs = r.ms;
      continue;
    }
    let held = 0;
    for (let j = i; j < results.length && results[j]!.step.group === r.step.group; j++) held += results[j]!.ms ?? 0;
    r.heldMs = held;
  }
}

/**
 * The database failed outside a statement's own error handling (the connection ended, PGlite's
 * session broke): say where the replay was, since the statement before may be the cause.
 */
function stoppedAt(e: unknown, step: TraceStep, previous: TraceStep | undefined): unknown {
  if (!(e instanceof SqlFailure)) return e;
  const at = (s: TraceStep) => `${s.file}:${s.span.line}`;
  const where = previous ? `at ${at(step)}, after ${at(previous)} ran` : `at ${at(step)}`;
  return new SqlFailure(`${e.message} (${where})`, e.code, e.detail, e.hint);
}

async function serverVersion(db: TraceDatabase): Promise<{ text: string; num: number }> {
  const rows = await db.query<{ text: string; num: string }>(
    "SELECT current_setting('server_version') AS text, current_setting('server_version_num') AS num",
  );
  return { text: rows[0]?.text ?? '?', num: Number(rows[0]?.num ?? 0) };
}

/**
 * Runs the setup, then every planned migration in order, seeding tables with `rows` rows before
 * each migration. The database is left as the run left it (a rolled-back run leaves it unchanged).
 */
export async function runTrace(
  db: TraceDatabase,
  setup: PlannedMigration[],
  plan: PlannedMigration[],
  options: RunOptions,
): Promise<TraceReport> {
  const perStatement = db.engine === 'pglite' || options.allowCommit;
  const tracer = new Tracer(db, perStatement);
  const version = await serverVersion(db);
  const report: TraceReport = {
    engine: db.engine,
    serverVersion: version.text,
    serverVersionNum: version.num,
    mode: perStatement ? 'per-statement' : 'rolled-back',
    rows: options.rows,
    setup: [],
    migrations: [],
    seeding: [],
    notes: [],
  };
  if (options.setupFile) report.setupFile = options.setupFile;
  if (!perStatement) await db.exec('BEGIN');
  try {
    for (const m of setup) {
      for (const step of m.steps) {
        if (step.skip || step.sql === undefined) {
          if (!step.skip?.quiet)
            report.setup.push(
              stepResult(step, {
                status: 'skipped',
                observation: 'not-observed',
                notes: [step.skip?.reason ?? 'not run'],
              }),
            );
          continue;
        }
        const failure = await tracer.guarded(step.sql);
        if (failure)
          report.setup.push(
            stepResult(step, {
              status: 'failed',
              observation: 'not-observed',
              error: { message: failure.message, ...(failure.code ? { code: failure.code } : {}) },
            }),
          );
      }
    }
    // Session settings a schema dump changes (pg_dump empties search_path) must not leak into the migrations.
    if (setup.length) await db.exec('RESET ALL');
    // On a server other sessions may hold locks: a statement waits at most this long for one, then
    // fails with "canceling statement due to lock timeout" instead of hanging the trace.
    if (db.engine === 'postgres')
      await db.exec(`SET lock_timeout = ${quoteLiteral(options.serverLockTimeout ?? SERVER_LOCK_TIMEOUT)}`);
    const seeded = new Set<string>();
    let previous: TraceStep | undefined;
    for (const m of plan) {
      if (options.rows > 0) report.seeding.push(...(await tracer.seed(options.rows, seeded)));
      const migrationStart = new Set((await tracer.snapshot()).keys());
      const results: StepResult[] = [];
      for (const step of m.steps) {
        try {
          results.push(await tracer.run(step, migrationStart));
        } catch (e) {
          throw stoppedAt(e, step, previous);
        }
        if (!step.skip) previous = step;
      }
      computeHeld(results);
      const trace: MigrationTrace = {
        file: m.migration.file,
        format: m.migration.format,
        transaction: m.migration.transaction,
        results,
        downgradeStatements: m.downgradeStatements,
      };
      report.migrations.push(trace);
    }
  } finally {
    if (!perStatement) await db.exec('ROLLBACK').catch(() => undefined);
  }
  if (!perStatement)
    report.notes.push('Ran in one transaction on the server and rolled it back: the database is unchanged.');
  return report;
}
