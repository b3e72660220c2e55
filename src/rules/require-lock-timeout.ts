import type { Rule, RuleContext } from './types.js';
import { aLock } from '../analysis/locks.js';
import { describeLock } from './support/helpers.js';
import { onFirstStrongLockWithout, statementLabel } from './support/strong-locks.js';

export const requireLockTimeout: Rule = {
  meta: {
    id: 'require-lock-timeout',
    severity: 'warning',
    squawk: true,
    aliases: ['require-timeout-settings'],
    summary:
      'A statement that takes a strong table lock runs with no lock_timeout: while it waits, every query on the table queues behind it.',
    docs: {
      what:
        'The first statement of a migration that takes an `ACCESS EXCLUSIVE`, `EXCLUSIVE`, `SHARE ROW EXCLUSIVE` or `SHARE` lock on an ' +
        'existing table or view (ALTER TABLE, CREATE INDEX without CONCURRENTLY, DROP INDEX, foreign keys, CREATE/DROP TRIGGER, ' +
        'ENABLE/DISABLE TRIGGER, DROP/REPLACE/RENAME of a view or materialized view, REFRESH MATERIALIZED VIEW without CONCURRENTLY, ' +
        'CLUSTER, VACUUM FULL, SET LOGGED/UNLOGGED, TRUNCATE…) when no ' +
        '`SET lock_timeout` to a non-zero value comes before it in the migration. Reported once per migration. Statements that take ' +
        'no table lock stronger than ACCESS SHARE — a new `CREATE VIEW`, `CREATE MATERIALIZED VIEW`, `ALTER TYPE … ADD VALUE` — are not ' +
        'reported (each mode checked on PostgreSQL 15 in `pg_locks`).',
      why:
        'Before it can change anything the statement has to wait for every transaction already using the table — a long report, ' +
        'an idle-in-transaction session. Postgres grants locks in queue order, so while the `ALTER TABLE` waits for its ' +
        '`ACCESS EXCLUSIVE` lock, every new query on the table, plain `SELECT`s included, queues behind it: a statement that ' +
        'would take a millisecond takes the application down for as long as the oldest transaction runs. `lock_timeout` makes ' +
        'the statement give up instead (the migration fails and can be retried) so that traffic goes on. The default is 0: wait forever.',
      instead:
        'Set a short lock timeout at the top of the migration (and retry the migration when it times out):\n\n' +
        "```sql\nSET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN plan text;\n```\n\n" +
        "In a transaction, `SET LOCAL lock_timeout = '2s';` limits it to that transaction. If your migration tool or database role " +
        'already sets `lock_timeout`, turn this rule off.',
    },
    lock: {
      mode: 'AccessExclusiveLock',
      setup: 'CREATE TABLE users (id bigint PRIMARY KEY);',
      statement: 'ALTER TABLE users ADD COLUMN plan text;',
      relation: 'users',
    },
  },
  create(context: RuleContext) {
    return onFirstStrongLockWithout('lock_timeout', context, (op, lock, target) => {
      context.report(
        op,
        `${statementLabel(op)} takes ${aLock(lock.mode)} on ${target} with no lock_timeout set: while it waits for running transactions to finish, every new query that conflicts with it queues behind it.`,
        {
          // About the statement (a lock timeout covers it whole), not one of its clauses.
          span: op.statementSpan ?? op.span,
          lock: describeLock(lock.mode, target),
          help: "Put SET lock_timeout = '2s'; (or SET LOCAL inside the transaction) before the first statement of the migration, and retry the migration if it times out.",
        },
      );
    });
  },
};
