import type { Rule } from './types.js';
import { aLock } from '../analysis/locks.js';
import { onFirstStrongLockWithout } from './support/strong-locks.js';

export const requireStatementTimeout: Rule = {
  meta: {
    id: 'require-statement-timeout',
    severity: 'warning',
    squawk: true,
    aliases: ['require-timeout-settings'],
    offByDefault:
      'a statement_timeout also cancels the slow work a migration exists to do (a large CREATE INDEX CONCURRENTLY, a ' +
      'backfill), so the right value is a per-project choice, and many teams set it on the deploy role instead; the wait ' +
      "for the lock, which is what takes an application down, is require-lock-timeout's. Squawk enables it by default.",
    summary:
      'A statement that holds a strong table lock runs with no statement_timeout: nothing bounds how long it blocks the table.',
    docs: {
      what:
        'The first statement of a migration that takes a `SHARE` or stronger lock on an existing table (the same statements as ' +
        '`require-lock-timeout`) when no `SET statement_timeout` to a non-zero value comes before it in the migration. Reported ' +
        'once per migration.',
      why:
        'Once the statement has its lock, it keeps it until the transaction ends. A rewrite, a validation scan or an index ' +
        'build on a table bigger than expected then blocks the table for as long as it takes — minutes or hours — and nothing ' +
        'stops it short of an operator cancelling it. `statement_timeout` makes Postgres cancel the statement (and the ' +
        'migration fail, its transaction rolled back) after a bound you chose. The default is 0: no limit.',
      instead:
        'Set both timeouts at the top of the migration:\n\n' +
        "```sql\nSET lock_timeout = '2s';\nSET statement_timeout = '5min';\nALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0);\n```",
    },
  },
  create(context) {
    return onFirstStrongLockWithout('statement_timeout', context, (op, lock, target) => {
      context.report(
        op,
        `This statement holds ${aLock(lock.mode)} on ${target} with no statement_timeout set: nothing limits how long it keeps the table blocked.`,
        {
          help: "Put SET statement_timeout = '…'; (a bound you accept for the table being blocked) before the first statement of the migration.",
        },
      );
    });
  },
};
