import type { Operation } from '../ir/types.js';
import { toolTransactionMode, transactionCause } from './support/migration-facts.js';
import type { Rule, RuleContext } from './types.js';
import { opLock, tableName } from './support/helpers.js';

/** How to leave the transaction the migration's tool runs the statement in (Kysely's Migrator, Alembic…), if it does. */
function outsideTheToolsTransaction(context: RuleContext, op: Operation): string {
  const mode = toolTransactionMode(context);
  // (a lone statement of a file sent as one query runs outside any transaction block)
  if (!op.inTransaction || (mode !== 'wrapped' && mode !== 'implicit')) return '';
  const cause = transactionCause(context.migration, op, undefined);
  return ` Here ${cause.reason}: ${cause.fix}.`;
}

export const requireConcurrentIndexDeletion: Rule = {
  meta: {
    id: 'require-concurrent-index-deletion',
    severity: 'error',
    squawk: true,
    summary: 'DROP INDEX without CONCURRENTLY locks the whole table against reads and writes.',
    docs: {
      what: 'Flags `DROP INDEX` without `CONCURRENTLY`, unless the index was created earlier in the same migration on a table that migration also created.',
      why:
        'A plain `DROP INDEX` takes an `ACCESS EXCLUSIVE` lock on the index **and on its table**: every query on the table, ' +
        'plain `SELECT`s included, waits until the drop commits. The drop itself is quick, but it first waits for every running ' +
        'transaction that touched the table, and everything queued behind it waits too. `DROP INDEX CONCURRENTLY` (Postgres 9.2+) ' +
        'takes only `SHARE UPDATE EXCLUSIVE` on the table and waits for conflicting transactions without blocking new ones.',
      instead:
        'Drop the index concurrently, one index per statement, outside a transaction block:\n\n' +
        '```sql\nDROP INDEX CONCURRENTLY IF EXISTS users_email_idx;\n```\n\n' +
        '`CONCURRENTLY` cannot be combined with `CASCADE` nor run inside `BEGIN … COMMIT`; with a migration tool that wraps ' +
        'each file in a transaction, put the statement in a migration marked as non-transactional.',
    },
    lock: {
      mode: 'AccessExclusiveLock',
      setup: 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\nCREATE INDEX users_email_idx ON users (email);',
      statement: 'DROP INDEX users_email_idx;',
      relation: 'users',
    },
  },
  create(context) {
    return {
      'drop-index'(op) {
        if (op.concurrently) return;
        // Dropping an index of a table this migration created blocks nobody.
        const risky = op.indexes.filter((ix) => {
          const table = context.indexTable(ix);
          return !(table && context.isNewTable(table));
        });
        if (risky.length === 0) return;
        const names = risky.map(tableName).join(', ');
        context.report(
          op,
          `DROP INDEX ${names} without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the index's table: every read and write of it waits until the drop commits.`,
          {
            lock: opLock(op, context),
            help:
              (risky.length > 1
                ? `Drop each index in its own statement: ${risky.map((ix) => `DROP INDEX CONCURRENTLY ${tableName(ix)};`).join(' ')} (outside a transaction block).`
                : `Use DROP INDEX CONCURRENTLY${op.ifExists ? ' IF EXISTS' : ''} ${names}; outside a transaction block${op.cascade ? ' (CONCURRENTLY does not allow CASCADE: drop the dependent objects first)' : ''}.`) +
              outsideTheToolsTransaction(context, op),
          },
        );
      },
    };
  },
};
