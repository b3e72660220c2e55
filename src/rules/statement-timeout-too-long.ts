import type { Operation, SetSettingOp } from '../ir/types.js';
import type { Rule } from './types.js';
import { locksOf, lockSql } from '../analysis/locks.js';
import { describeLock, tableName } from './support/helpers.js';
import { TIMEOUT_VISITOR_KINDS, TimeoutSetting, strongLock, visitKinds } from './support/strong-locks.js';

/** Longer than this, a statement that holds a strong lock keeps its table blocked past what any request waits for. */
const LONGEST_MINUTES = '5';
const LONGEST_HELPFUL_MS = Number(LONGEST_MINUTES) * 60_000;

function shown(ms: number): string {
  if (ms % 3_600_000 === 0) return `${String(ms / 3_600_000)}h`;
  if (ms % 60_000 === 0) return `${String(ms / 60_000)}min`;
  if (ms % 1000 === 0) return `${String(ms / 1000)}s`;
  return `${String(ms)}ms`;
}

export const statementTimeoutTooLong: Rule = {
  meta: {
    id: 'statement-timeout-too-long',
    severity: 'warning',
    summary: `A statement_timeout over ${LONGEST_MINUTES} minutes, in force while a statement holds a strong lock, lets that statement block its table for that long.`,
    docs: {
      what:
        `\`SET [LOCAL] statement_timeout\` to a value longer than ${LONGEST_MINUTES} minutes (\`'30min'\`, \`'1h'\`, ` +
        '`3600000`) when a later statement of the migration, while that value is in force, takes a `SHARE` or stronger lock ' +
        'on an existing table (the statements `require-lock-timeout` looks at) and either works through its rows under that ' +
        'lock (a rewrite, a validation scan, a non-concurrent index build, `VACUUM FULL`, `CLUSTER`, a refresh) or waits for ' +
        'it with no `lock_timeout` set (`statement_timeout` counts the wait too). Reported once, at the `SET`. A catalog-only ' +
        'change after a `lock_timeout` (a nullable column, a drop) is not flagged: it holds its lock for a moment. A long ' +
        'timeout for statements that block nobody (`CREATE INDEX CONCURRENTLY`, a batched backfill) is not flagged; ' +
        "`statement_timeout = 0` (no limit at all) is `require-statement-timeout`'s.",
      why:
        '`statement_timeout` is what bounds how long a statement keeps the lock it got: a rewrite, a validation scan or a ' +
        'non-concurrent index build on a table larger than expected runs to the end while every query on the table (or ' +
        'every write, for `SHARE`) waits. With `30min`, that is half an hour of outage before Postgres cancels the statement ' +
        'and rolls the migration back — the timeout fires long after requests and connection pools gave up.',
      instead:
        'Bound the statements that hold strong locks by a few minutes at most, and raise the timeout only around the ' +
        'statements that block nobody:\n\n' +
        '```sql\n' +
        "SET lock_timeout = '2s';\n" +
        "SET statement_timeout = '1min';\n" +
        'ALTER TABLE orders ADD COLUMN note text;\n' +
        "SET statement_timeout = '2h';\n" +
        'CREATE INDEX CONCURRENTLY orders_note_idx ON orders (note);\n' +
        '```\n\n' +
        'A statement that needs longer than that under a strong lock needs the non-blocking form instead (`NOT VALID` and ' +
        '`VALIDATE`, `CONCURRENTLY`, a new column filled in batches).',
    },
  },
  create(context) {
    // The SET in force for the session and for the current transaction (SET LOCAL), with its value.
    let session: SetSettingOp | undefined;
    let local: SetSettingOp | undefined;
    const reported = new Set<SetSettingOp>();
    const lockTimeout = new TimeoutSetting('lock_timeout');
    const check = (op: Operation) => {
      lockTimeout.observe(op);
      if (op.kind === 'set-setting') {
        if (op.name !== 'statement_timeout') return;
        if (op.local) local = op.inTransaction ? op : undefined;
        else {
          session = op;
          local = undefined;
        }
        return;
      }
      if (op.kind === 'transaction') {
        if (op.action === 'commit' || op.action === 'rollback' || op.action === 'prepare') local = undefined;
        return;
      }
      const setting = local ?? session;
      if (!setting?.durationMs || setting.durationMs <= LONGEST_HELPFUL_MS || reported.has(setting)) return;
      const lock = strongLock(op, context);
      if (!lock) return;
      // Whether it works through rows under the lock (a scan, a rewrite, an index build), as the lock model says.
      const working = locksOf(op, context).some(
        (l) => l.scans === true || l.rewrites === true || l.rebuildsIndexes === true,
      );
      // A catalog-only change holds its lock for a moment; only its wait can last, and lock_timeout bounds that.
      if (!working && lockTimeout.inForce) return;
      reported.add(setting);
      const target = typeof lock.table === 'string' ? lock.table : tableName(lock.table);
      const mode = `${/^[AEIOU]/.test(lockSql(lock.mode)) ? 'an' : 'a'} ${lockSql(lock.mode)} lock on ${target}`;
      context.report(
        setting,
        working
          ? `statement_timeout is set to ${shown(setting.durationMs)}, and line ${String(op.span.line)} works through the table's rows while it holds ${mode}: a slow run keeps the table blocked that long before Postgres cancels it.`
          : `statement_timeout is set to ${shown(setting.durationMs)} with no lock_timeout, so line ${String(op.span.line)} can wait that long for ${mode} while every conflicting query queues behind it.`,
        {
          lock: describeLock(lock.mode, lock.table),
          help: `Keep statement_timeout to a few minutes at most (SET statement_timeout = '1min';) for statements that hold strong locks; raise it only around statements that block nobody, such as CREATE INDEX CONCURRENTLY.`,
        },
      );
    };
    return visitKinds(TIMEOUT_VISITOR_KINDS, check);
  },
};
