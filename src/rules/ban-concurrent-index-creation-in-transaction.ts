import type { Migration, MigrationFormat, Operation } from '../ir/types.js';
import type { Rule } from '../engine/types.js';
import { tableName } from './support/helpers.js';

interface TransactionCause {
  /** Why the statement runs in a transaction block, as a sentence fragment. */
  reason: string;
  /** How to get it out of one. */
  fix: string;
}

/** How each tool that wraps a migration in a transaction lets a migration opt out (for the help text). */
const WRAPPING_TOOL: Partial<Record<MigrationFormat, TransactionCause>> = {
  sql: {
    reason: '--assume-in-transaction says the migration tool runs each file in a transaction',
    fix: 'run the statement in a migration your tool executes outside a transaction',
  },
  dbmate: {
    reason: 'dbmate runs each migration section in a transaction unless its marker says transaction:false',
    fix: 'put the statement in its own migration whose marker reads `-- migrate:up transaction:false`',
  },
  flyway: {
    reason: 'Flyway runs this migration in a transaction because it mixes the CONCURRENTLY statement with other statements',
    fix: 'move the statement to a migration of its own (Flyway runs a migration made only of such statements outside a transaction)',
  },
  drizzle: {
    reason: "drizzle's migrator runs all pending migrations in one transaction",
    fix: "run the statement outside drizzle's migrator (drizzle migrations cannot opt out of the transaction)",
  },
  'node-pg-migrate-sql': {
    reason: 'node-pg-migrate runs each migration in a transaction',
    fix: 'put the statement in a JavaScript/TypeScript migration that calls pgm.noTransaction()',
  },
  'node-pg-migrate': {
    reason: 'node-pg-migrate runs each migration in a transaction',
    fix: 'call pgm.noTransaction() in this migration and keep the statement out of any other transaction',
  },
  knex: {
    reason: 'knex runs each migration in a transaction',
    fix: 'export `config = { transaction: false }` from this migration',
  },
  typeorm: {
    reason: 'TypeORM runs migrations in a transaction',
    fix: 'set `transaction = false` on this migration class (with migrationsTransactionMode "each")',
  },
  kysely: {
    reason: "Kysely's Migrator runs each migration in a transaction on Postgres",
    fix: 'run this migration with a Migrator created with `disableTransactions: true`',
  },
  'mikro-orm': {
    reason: 'MikroORM runs each migration in a transaction',
    fix: 'override isTransactional() to return false in this migration',
  },
  alembic: {
    reason: 'Alembic runs migrations in a transaction on Postgres (transactional DDL)',
    fix: 'run the statement inside `with op.get_context().autocommit_block():`',
  },
  // `alembic upgrade --sql` output: the BEGIN at its top is Alembic's transaction around the run.
  'alembic-sql': {
    reason: 'Alembic runs migrations in a transaction on Postgres (transactional DDL)',
    fix: 'in the revision file, run the statement inside `with op.get_context().autocommit_block():`',
  },
};

const IMPLICIT_TOOL: Partial<Record<MigrationFormat, string>> = {
  'golang-migrate': 'golang-migrate',
  prisma: 'Prisma Migrate',
  dbmate: 'dbmate (with transaction:false)',
};

/** Why `op` runs in a transaction block; `begin` is the explicit BEGIN still open when it runs. */
function transactionCause(migration: Migration, op: Operation, begin: Operation | undefined): TransactionCause {
  if (begin) {
    return {
      reason: `the file opens a transaction block with BEGIN on line ${begin.span.line}`,
      fix: 'move the statement after the COMMIT, or to a migration of its own that has no BEGIN',
    };
  }
  const mode = migration.transactionByDirection?.[op.direction] ?? migration.transaction;
  if (mode === 'implicit') {
    const tool = IMPLICIT_TOOL[migration.format] ?? 'the migration tool';
    const unit = migration.format === 'dbmate' ? 'section' : 'file';
    const fix =
      migration.format === 'golang-migrate'
        ? 'make it the only statement of its migration file, or enable x-multi-statement in the database URL so statements are sent one at a time'
        : `make it the only statement of its migration ${unit} (a SET before it counts as a statement too)`;
    return {
      reason: `${tool} sends the whole ${unit} as one multi-statement query, which Postgres runs as one implicit transaction`,
      fix,
    };
  }
  if (mode === 'wrapped') {
    return (
      WRAPPING_TOOL[migration.format] ?? {
        reason: 'the migration tool runs this file in a transaction',
        fix: 'run the statement in a migration the tool executes outside a transaction',
      }
    );
  }
  // The tool opens no transaction, yet the frontend saw the statement sent together with others.
  return {
    reason: 'it is sent in one SQL string together with other statements, which Postgres runs as one implicit transaction',
    fix: 'send it in a query (a raw SQL call) of its own',
  };
}

function statementText(op: Operation): string | undefined {
  switch (op.kind) {
    case 'create-index':
      return op.concurrently ? `CREATE ${op.unique ? 'UNIQUE ' : ''}INDEX CONCURRENTLY${op.name ? ` ${op.name}` : ''} ON ${tableName(op.table)}` : undefined;
    case 'drop-index':
      return op.concurrently ? `DROP INDEX CONCURRENTLY ${op.indexes.map(tableName).join(', ')}` : undefined;
    case 'reindex':
      return op.concurrently ? `REINDEX ${op.target.toUpperCase()} CONCURRENTLY ${tableName(op.name)}` : undefined;
    default:
      return undefined;
  }
}

export const banConcurrentIndexCreationInTransaction: Rule = {
  meta: {
    id: 'ban-concurrent-index-creation-in-transaction',
    severity: 'error',
    squawk: true,
    summary: 'CREATE/DROP INDEX CONCURRENTLY and REINDEX CONCURRENTLY fail inside a transaction block.',
    docs: {
      what:
        '`CREATE INDEX CONCURRENTLY`, `DROP INDEX CONCURRENTLY` and `REINDEX … CONCURRENTLY` that run inside a transaction block: ' +
        'after an explicit `BEGIN` in the file, in a file the migration tool wraps in a transaction (dbmate, knex, drizzle, node-pg-migrate, ' +
        'Flyway when the file mixes statements, `--assume-in-transaction`…), or in a file sent as one multi-statement query ' +
        '(golang-migrate, Prisma) that has more than this one statement.',
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
      context.report(op, `${statement} cannot run inside a transaction block, and it runs in one here: ${cause.reason}.`, {
        help: `To run it outside a transaction, ${cause.fix}.`,
      });
    };
    return {
      'create-index': check,
      'drop-index': check,
      reindex: check,
      transaction(op) {
        if (op.action === 'begin') openBegin ??= op;
        else if (op.action === 'commit' || op.action === 'rollback' || op.action === 'prepare') openBegin = undefined;
      },
    };
  },
};
