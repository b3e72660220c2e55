import type { TransactionOp } from '../ir/types.js';
import type { Rule } from './types.js';
import { toolTransactionMode } from './support/migration-facts.js';

function isEnd(op: TransactionOp): boolean {
  return op.action === 'commit' || op.action === 'rollback' || op.action === 'prepare';
}

function keyword(op: TransactionOp): string {
  return op.action === 'prepare' ? 'PREPARE TRANSACTION' : op.action.toUpperCase();
}

export const transactionNesting: Rule = {
  meta: {
    id: 'transaction-nesting',
    severity: 'error',
    squawk: true,
    summary: 'BEGIN inside an open transaction, or COMMIT/ROLLBACK of a transaction the file did not open.',
    docs: {
      what:
        'Flags a `BEGIN` (`START TRANSACTION`) while a transaction is already open — either an earlier explicit `BEGIN` ' +
        'in the same file, or the transaction the migration tool wraps the file in — and a `COMMIT`/`ROLLBACK` that ends ' +
        "a transaction the file did not open (the tool's, or the implicit one Postgres puts around a file sent as one " +
        'multi-statement query), or that finds no transaction open at all (left over from a nested `BEGIN`, or a missing ' +
        'one). A `BEGIN`/`COMMIT` pair in a file sent as one multi-statement query (golang-migrate, ' +
        'Prisma, dbmate `transaction:false`) is fine and not flagged: Postgres turns the implicit transaction into that ' +
        'explicit one.',
      why:
        'Postgres has no nested transactions. A `BEGIN` inside an open transaction is ignored with the warning ' +
        '`there is already a transaction in progress`, so its `COMMIT` ends the outer transaction: everything after it ' +
        'runs in autocommit, and a later failure leaves the migration half applied while the tool believes it is atomic ' +
        "(the tool's own `COMMIT` then warns `there is no transaction in progress`, and its bookkeeping row may be " +
        "written outside the migration's transaction). A `ROLLBACK` there silently undoes the statements before it, " +
        'and the tool records the migration as applied.',
      instead:
        'Let the tool own the transaction: remove `BEGIN`/`COMMIT` from files it wraps.\n\n' +
        '```sql\n' +
        '-- the tool runs this file in a transaction: no BEGIN/COMMIT here\n' +
        'ALTER TABLE users ADD COLUMN plan text;\n' +
        "UPDATE users SET plan = 'free' WHERE plan IS NULL;\n" +
        '```\n\n' +
        'If a statement must run outside a transaction (`CREATE INDEX CONCURRENTLY`), put it in its own migration and ' +
        "turn the tool's transaction off for that file (dbmate `-- migrate:up transaction:false`, Flyway: a file of only " +
        "such statements, node-pg-migrate `pgm.noTransaction()`, sqlx `-- no-transaction` as the file's first line), rather than committing the tool's transaction early. " +
        'When a file does manage its own transaction, open it once: `BEGIN; … COMMIT;`.',
    },
  },
  create(context) {
    const mode = toolTransactionMode(context);
    /** The explicit BEGIN of this file that opened the transaction now open. */
    let opened: TransactionOp | undefined;
    /** A BEGIN Postgres ignored because a transaction was already open (the file's or the tool's). */
    let ignored: TransactionOp | undefined;
    /** The ignored BEGIN of the last transaction that ended: its COMMIT/ROLLBACK is still to come in the file. */
    let ignoredBeforeEnd: TransactionOp | undefined;
    return {
      transaction(op) {
        if (op.action === 'begin') {
          if (opened) {
            ignored = op;
            context.report(
              op,
              `BEGIN inside the transaction opened at line ${opened.span.line}: Postgres ignores it ("there is already a transaction in progress"), so the next COMMIT ends the outer transaction.`,
              {
                help: 'Remove the inner BEGIN and its COMMIT; Postgres has no nested transactions (use SAVEPOINT for a partial rollback).',
              },
            );
          } else if (op.inTransaction && mode === 'wrapped') {
            ignored = op;
            const after = context.ops.slice(context.ops.indexOf(op) + 1);
            const end = after.find((o): o is TransactionOp => o.kind === 'transaction' && isEnd(o));
            context.report(
              op,
              end
                ? `BEGIN inside the transaction the migration tool already runs this file in: Postgres ignores it ("there is already a transaction in progress"), and the ${keyword(end)} that follows ends the tool's transaction early.`
                : 'BEGIN inside the transaction the migration tool already runs this file in: Postgres ignores it ("there is already a transaction in progress"); no COMMIT follows in this file, so the tool still commits, but one added later would end its transaction early.',
              {
                help: end
                  ? 'Remove BEGIN/COMMIT from the file and let the tool own the transaction.'
                  : 'Remove the BEGIN and let the tool own the transaction.',
              },
            );
          } else {
            // Opens a transaction: nothing was open, or (one multi-statement query) Postgres turns its implicit
            // transaction into this explicit one.
            opened = op;
            ignoredBeforeEnd = undefined;
          }
          return;
        }
        if (!isEnd(op)) return;
        if (opened) {
          opened = undefined;
          ignoredBeforeEnd = ignored;
          ignored = undefined;
          return;
        }
        if (op.inTransaction) {
          const owner =
            mode === 'wrapped'
              ? 'the transaction the migration tool runs this file in'
              : 'the implicit transaction Postgres runs this multi-statement file in';
          const after =
            op.action === 'rollback'
              ? 'undoes every statement before it while the migration is recorded as applied'
              : 'lets the statements after it run without a transaction, so a later failure leaves the migration half applied';
          context.report(
            op,
            `${keyword(op)}${ignored ? ` (paired with the ignored BEGIN at line ${ignored.span.line})` : ' without a BEGIN in this file'} ends ${owner}: it ${after}.`,
            {
              help:
                mode === 'wrapped'
                  ? "Remove it and let the tool commit; put statements that cannot run in a transaction in their own migration with the tool's transaction turned off."
                  : 'Remove it, or open the transaction explicitly with BEGIN at the top of the file.',
            },
          );
          ignoredBeforeEnd = ignored;
          ignored = undefined;
          return;
        }
        // No transaction is open: Postgres only warns "there is no transaction in progress".
        const cause = ignoredBeforeEnd
          ? `the BEGIN at line ${ignoredBeforeEnd.span.line} was ignored, so an earlier ${keyword(op) === 'ROLLBACK' ? 'COMMIT or ROLLBACK' : 'COMMIT'} already ended the transaction and the statements since then ran without one`
          : op.action === 'rollback'
            ? 'nothing is rolled back: every statement before it has already been committed on its own'
            : 'the statements before it ran without a transaction, each committed on its own';
        context.report(
          op,
          `${keyword(op)} with no transaction open (Postgres only warns "there is no transaction in progress"): ${cause}.`,
          {
            help: ignoredBeforeEnd
              ? 'Remove the nested BEGIN and its COMMIT.'
              : 'Add BEGIN where the transaction should start, or remove this statement.',
          },
        );
        ignoredBeforeEnd = undefined;
      },
    };
  },
};
