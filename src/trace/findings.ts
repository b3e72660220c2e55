/**
 * What trace observed, as findings for the normal reporters. The ids are trace's own (they are not
 * in ALL_RULES: the linter never reports them) but each one is documented and explainable with
 * `migration-lint explain <id>`.
 */
import type { Finding } from '../engine/types.js';
import type { FindingKind } from '../rules/types.js';
import { describeLockOn } from '../analysis/locks.js';
import type { MigrationTrace, ObservedLock, StepResult, TraceReport } from './types.js';

export const traceAccessExclusive: FindingKind = {
  meta: {
    id: 'trace-access-exclusive',
    severity: 'warning',
    summary:
      'trace: the statement took ACCESS EXCLUSIVE on an existing table on a real Postgres (reads and writes wait).',
    docs: {
      what:
        'Reported by `migration-lint trace` when a statement, run on Postgres, took `AccessExclusiveLock` on a table, view or materialized view that existed before its migration file. ' +
        'The message says whether Postgres rewrote the table (its `relfilenode` changed), how long the statement ran, how many rows the table had, and how long the lock stays held when the migration tool runs the file in a transaction.',
      why:
        '`ACCESS EXCLUSIVE` conflicts with every other lock: while it is held — and while the statement waits to get it — every `SELECT`, `INSERT`, `UPDATE` and `DELETE` on the table queues. ' +
        'When the table is also rewritten, the lock lasts as long as copying the whole table takes, which grows with its size.',
      instead:
        'See the lint findings for the same line (`migration-lint <paths>`), which give the safe alternative for the statement. ' +
        "Whatever the statement, keep the lock short and bounded: `SET lock_timeout = '2s';` before it, no other slow statement after it in the same transaction, and retries.",
    },
  },
};

export const traceBlocksWrites: FindingKind = {
  meta: {
    id: 'trace-blocks-writes',
    severity: 'warning',
    summary:
      'trace: the statement took a lock that blocks writes to an existing table (SHARE, SHARE ROW EXCLUSIVE or EXCLUSIVE).',
    docs: {
      what:
        'Reported by `migration-lint trace` when a statement, run on Postgres, took `ShareLock`, `ShareRowExclusiveLock` or `ExclusiveLock` on a table that existed before its migration file, ' +
        'with the time it ran, the rows the table had and how long the lock stays held.',
      why:
        'These modes conflict with the `ROW EXCLUSIVE` lock that `INSERT`, `UPDATE` and `DELETE` take: reads go on, but every write to the table waits until the transaction holding the lock ends ' +
        '(`CREATE INDEX` without `CONCURRENTLY` holds `SHARE` for the whole index build; adding a foreign key takes `SHARE ROW EXCLUSIVE` on both tables).',
      instead:
        'Use the concurrent or two-step form the lint findings for the line suggest (`CREATE INDEX CONCURRENTLY`, `ADD CONSTRAINT … NOT VALID` then `VALIDATE CONSTRAINT`), ' +
        'and keep the statement in a short transaction with a `lock_timeout`.',
    },
  },
};

export const traceStatementFailed: FindingKind = {
  meta: {
    id: 'trace-statement-failed',
    severity: 'error',
    summary: 'trace: Postgres rejected the statement when the migrations were replayed.',
    docs: {
      what:
        "Reported by `migration-lint trace` when Postgres raised an error for a statement of the replayed migrations or of the `--setup` schema, with Postgres's message and SQLSTATE. " +
        'It includes statements that only fail because of how the migration tool runs them: `CREATE INDEX CONCURRENTLY` in a file the tool wraps in a transaction fails with ' +
        '"cannot run inside a transaction block" (trace then runs it on its own to go on with the replay).',
      why:
        'A statement that fails on Postgres fails at deploy time too, usually after earlier statements took their locks. Typical causes: a `NOT NULL` column added to a table that has rows ' +
        '(`--rows` makes tables non-empty), a statement that needs an object the migration set never creates (pass the starting schema with `--setup`), or a statement that cannot run in a transaction.',
      instead:
        'Fix the statement, or give trace the schema the migrations expect with `--setup schema.sql`. For "cannot run inside a transaction block", put the statement in a migration of its own that the tool runs without a transaction.',
    },
  },
};

export const traceNotRun: FindingKind = {
  meta: {
    id: 'trace-not-run',
    severity: 'info',
    summary: 'trace: a statement was not run, so nothing was observed for it.',
    docs: {
      what:
        'Reported by `migration-lint trace` for each upgrade statement it did not run: an operation of a TypeScript or Python migration that the IR does not describe fully enough to be rendered as SQL ' +
        '(a call the frontend did not understand, raw SQL it could not read), a statement trace refuses to run because it reaches outside the traced database (`COPY … PROGRAM` and `COPY` to files, the server file functions, `dblink` and foreign servers, roles, `ALTER SYSTEM`, `DROP DATABASE`; see the Security section of docs/trace.md), ' +
        'or, with `--database-url` and without `--allow-commit`, a statement that cannot run inside the transaction trace rolls back (`CONCURRENTLY`, `VACUUM`).',
      why: 'A statement that was not run was not observed: its locks and cost are unknown, and later statements that depend on it may fail.',
      instead:
        'Write the operation as plain SQL in the migration, or trace on the embedded database (the default) or with `--allow-commit` against a scratch database.',
    },
  },
};

export const traceLocksNotObserved: FindingKind = {
  meta: {
    id: 'trace-locks-not-observed',
    severity: 'info',
    summary: 'trace: the statement ran outside a transaction and its locks could not be read.',
    docs: {
      what:
        'Reported by `migration-lint trace` on the embedded database for statements Postgres refuses inside a transaction block (`CREATE INDEX CONCURRENTLY`, `DROP INDEX CONCURRENTLY`, `REINDEX CONCURRENTLY`, `VACUUM`): ' +
        'trace runs them on their own, and their time and any rewrite are measured, but Postgres releases their locks when they finish and PGlite has no second connection to look at them while they run.',
      why: 'The locks shown for the statement are not an observation. Postgres documents `SHARE UPDATE EXCLUSIVE` for the concurrent forms (reads and writes go on) and `ACCESS EXCLUSIVE` for `VACUUM FULL`.',
      instead:
        'Trace against a scratch server with `--database-url … --allow-commit`: a second connection watches the statement and reads its locks while it waits for an older transaction.',
    },
  },
};

export const TRACE_RULES: readonly FindingKind[] = [
  traceAccessExclusive,
  traceBlocksWrites,
  traceStatementFailed,
  traceNotRun,
  traceLocksNotObserved,
];

export function findTraceRule(id: string): FindingKind | undefined {
  return TRACE_RULES.find((r) => r.meta.id === id);
}

/** `12 ms`, `3.4 ms`, `1.2 s`. */
export function formatMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(ms >= 10_000 ? 0 : 1)} s`;
  if (ms >= 10) return `${Math.round(ms)} ms`;
  return `${ms.toFixed(1)} ms`;
}

const REPORTED_KINDS = new Set(['table', 'partitioned table', 'materialized view', 'view', 'foreign table']);

function finding(rule: FindingKind, r: StepResult, message: string, extra: Partial<Finding> = {}): Finding {
  const s = r.step.span;
  const f: Finding = {
    rule: rule.meta.id,
    severity: rule.meta.severity,
    file: s.file,
    line: s.line,
    column: s.column,
    endLine: s.endLine,
    endColumn: s.endColumn,
    message,
    direction: 'upgrade',
    ...extra,
  };
  if (r.step.revision !== undefined) f.revision = r.step.revision;
  return f;
}

function lockMessage(r: StepResult, lock: ObservedLock): string {
  const rewritten = r.rewrites.some((w) => w.oid === lock.oid);
  const what = lock.mode === 'AccessExclusiveLock' ? 'blocks reads and writes' : 'blocks writes';
  const verb = lock.waitedFor ? 'requested' : 'took';
  let msg = `${verb} ${lock.mode} on ${lock.relation} (${what})${rewritten ? ' and rewrote it' : ''}`;
  if (r.ms !== undefined) {
    const rows = r.rowCounts[lock.relation];
    msg += `: ran ${formatMs(r.ms)}${rows !== undefined ? ` with ${rows.toLocaleString('en-US')} row${rows === 1 ? '' : 's'}` : ''}`;
    if (r.heldMs !== undefined && r.heldMs > r.ms * 1.05 + 1)
      msg += `, lock held ${formatMs(r.heldMs)} until the migration's transaction ends`;
  }
  return msg;
}

/** What to do about a statement Postgres rejected, by SQLSTATE, when the cause is a usual one. */
function failureHelp(code: string | undefined): string | undefined {
  switch (code) {
    case '42P01': // undefined table
    case '42703': // undefined column
    case '42704': // undefined object
    case '3F000': // undefined schema
    case '42883': // undefined function
      return 'The migration set does not create what this statement needs: give trace the schema the migrations start from with --setup schema.sql.';
    case '23502':
      return 'The table has rows (--rows seeds them, as production has them): add the column nullable or with a DEFAULT, backfill it, then enforce NOT NULL.';
    case '23505':
    case '23514':
    case '23503':
      return 'Existing rows violate the new constraint: clean up the data first, or add the constraint NOT VALID and validate it after the cleanup.';
    case '25001':
      return 'Put the statement in a migration of its own that the tool runs outside a transaction.';
    case '55P03':
      return 'Another session of the server holds a conflicting lock: trace a scratch database, or one nobody else uses.';
    default:
      return undefined;
  }
}

/** Why the statement runs inside a transaction, in the words of the tool that runs it. */
function transactionCause(m: MigrationTrace): string {
  if (m.transaction === 'implicit')
    return `as ${m.format} sends this file: one multi-statement query, which Postgres runs as one implicit transaction`;
  if (m.transaction === 'none') return "as written: it is inside the file's BEGIN … COMMIT";
  if (m.format === 'sql')
    return 'as your migration tool runs this file (--assume-in-transaction): inside a transaction';
  return `as ${m.format} runs this file: inside a transaction`;
}

function failureMessage(r: StepResult, m: MigrationTrace): string {
  const e = r.error!;
  const code = e.code ? ` (SQLSTATE ${e.code})` : '';
  if (r.step.inTransaction && e.code === '25001') {
    const after =
      r.status === 'failed' && r.ms !== undefined && !r.ranInTransaction
        ? '; trace ran it outside a transaction to go on with the replay'
        : '';
    return `Fails ${transactionCause(m)}. ${e.message}${code}${after}.`;
  }
  return `Postgres rejected this statement: ${e.message}${code}.`;
}

/** Findings for a finished trace, in file order. */
export function traceFindings(report: TraceReport): Finding[] {
  const out: Finding[] = [];
  for (const r of report.setup) {
    if (r.status === 'failed')
      out.push(
        finding(
          traceStatementFailed,
          r,
          `Setup statement failed: ${r.error?.message ?? 'error'}${r.error?.code ? ` (SQLSTATE ${r.error.code})` : ''}.`,
        ),
      );
    else if (r.status === 'skipped') out.push(finding(traceNotRun, r, `Setup statement not run: ${r.notes[0] ?? ''}`));
  }
  for (const m of report.migrations) {
    for (const r of m.results) {
      if (r.error) {
        const help = failureHelp(r.error.code);
        out.push(finding(traceStatementFailed, r, failureMessage(r, m), help ? { help } : {}));
      }
      if (r.status === 'skipped') {
        if (!r.step.skip?.quiet && !r.error)
          out.push(finding(traceNotRun, r, r.notes[0]?.replace(/^not run: /, 'Not run: ') ?? 'Not run.'));
        continue;
      }
      if (r.status === 'ok' && r.observation === 'not-observed') {
        out.push(
          finding(
            traceLocksNotObserved,
            r,
            `Locks not observed: ${r.observationNote ?? 'the statement ran outside a transaction'}.`,
          ),
        );
      }
      for (const lock of r.locks) {
        if (lock.createdByStatement || !lock.existedBeforeMigration || !REPORTED_KINDS.has(lock.kind)) continue;
        const rule =
          lock.mode === 'AccessExclusiveLock'
            ? traceAccessExclusive
            : lock.blocksWrites
              ? traceBlocksWrites
              : undefined;
        if (!rule) continue;
        out.push(finding(rule, r, lockMessage(r, lock), { lock: describeLockOn(lock.mode, lock.relation) }));
      }
    }
  }
  return out;
}
