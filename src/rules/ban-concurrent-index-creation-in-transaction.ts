import type { Operation } from '../ir/types.js';
import { transactionCause } from './support/migration-facts.js';
import type { Rule } from './types.js';
import { quoteIdent, tableName } from './support/helpers.js';

function statementText(op: Operation): string | undefined {
  switch (op.kind) {
    case 'create-index':
      return op.concurrently
        ? `CREATE ${op.unique ? 'UNIQUE ' : ''}INDEX CONCURRENTLY${op.name ? ` ${quoteIdent(op.name)}` : ''} ON ${tableName(op.table)}`
        : undefined;
    case 'drop-index':
      return op.concurrently ? `DROP INDEX CONCURRENTLY ${op.indexes.map(tableName).join(', ')}` : undefined;
    case 'reindex':
      return op.concurrently ? `REINDEX ${op.target.toUpperCase()} CONCURRENTLY ${tableName(op.name)}` : undefined;
    case 'detach-partition':
      return op.mode === 'concurrently'
        ? `ALTER TABLE ${tableName(op.table)} DETACH PARTITION ${tableName(op.partition)} CONCURRENTLY`
        : undefined;
    default:
      return undefined;
  }
}

export const banConcurrentIndexCreationInTransaction: Rule = {
  meta: {
    id: 'ban-concurrent-index-creation-in-transaction',
    severity: 'error',
    squawk: true,
    summary:
      'CREATE/DROP INDEX CONCURRENTLY, REINDEX CONCURRENTLY and DETACH PARTITION CONCURRENTLY fail inside a transaction block.',
    docs: {
      what:
        '`CREATE INDEX CONCURRENTLY`, `DROP INDEX CONCURRENTLY`, `REINDEX … CONCURRENTLY` and `ALTER TABLE … DETACH PARTITION … ' +
        'CONCURRENTLY` that run inside a transaction block: ' +
        'after an explicit `BEGIN` in the file, in a file the migration tool wraps in a transaction (dbmate, knex, drizzle, node-pg-migrate, sqlx, ' +
        'Flyway when the file mixes statements, `--assume-in-transaction`…), or in a file sent as one multi-statement query ' +
        '(golang-migrate, Prisma, sqlx `-- no-transaction`) that has more than this one statement.',
      why:
        'Postgres refuses these statements in a transaction block with `ERROR: CREATE INDEX CONCURRENTLY cannot run inside a transaction block`, ' +
        'because the concurrent build commits several transactions of its own. The migration fails at deploy time, ' +
        'after any earlier statement of the same transaction was rolled back. A multi-statement query (the simple query protocol ' +
        'with several statements) is one implicit transaction, so the statement only works there when it is alone in the file.',
      instead:
        'Give the statement a migration of its own that the tool runs outside a transaction, for example with dbmate:\n\n' +
        '```sql\n-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);\n\n' +
        '-- migrate:down transaction:false\nDROP INDEX CONCURRENTLY IF EXISTS users_email_idx;\n```\n\n' +
        'In a plain SQL file, keep it outside `BEGIN … COMMIT`:\n\n' +
        "```sql\nBEGIN;\nALTER TABLE users ADD COLUMN email_verified boolean;\nCOMMIT;\n\nSET lock_timeout = '5s';\nCREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);\n```",
    },
  },
  create(context) {
    // The explicit BEGIN still open at the current op (visitors run in file order).
    let openBegin: Operation | undefined;
    const check = (op: Operation) => {
      const statement = statementText(op);
      if (!statement || !op.inTransaction) return;
      const cause = transactionCause(context.migration, op, openBegin);
      context.report(
        op,
        `${statement} cannot run inside a transaction block, and it runs in one here: ${cause.reason}.`,
        {
          help: `To run it outside a transaction, ${cause.fix}.`,
        },
      );
    };
    return {
      'create-index': check,
      'drop-index': check,
      reindex: check,
      'detach-partition': check,
      transaction(op) {
        if (op.action === 'begin') openBegin ??= op;
        else if (op.action === 'commit' || op.action === 'rollback' || op.action === 'prepare') openBegin = undefined;
      },
    };
  },
};
