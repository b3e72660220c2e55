import type { TransactionOp } from '../ir/types.js';
import type { Rule } from './types.js';
import { toolTransactionMode } from './support/migration-facts.js';

export const banUncommittedTransaction: Rule = {
  meta: {
    id: 'ban-uncommitted-transaction',
    severity: 'error',
    squawk: true,
    summary: 'A BEGIN with no COMMIT or ROLLBACK before the end of the migration.',
    docs: {
      what:
        'Flags a `BEGIN` (`START TRANSACTION`) that opens a transaction with no `COMMIT`, `END` or `ROLLBACK` after it in ' +
        "the same migration (per direction). Not flagged when the tool wraps the file in its own transaction: the tool's " +
        '`COMMIT` closes whatever is open.',
      why:
        'When the file ends, the session is still inside the transaction and nothing the file did is committed. What ' +
        "happens next depends on whatever the tool or script runs on that connection: a bookkeeping transaction's " +
        '`COMMIT` commits it by accident (its `BEGIN` is ignored with `there is already a transaction in progress`), a ' +
        'closed connection rolls it all back while the logs say the migration ran. Until then every lock the migration ' +
        'took — often `ACCESS EXCLUSIVE` from its DDL — stays held and blocks all traffic on those tables. In a file sent ' +
        'as one multi-statement query, the statements before the `BEGIN` join that open transaction too.',
      instead:
        'End every transaction the file opens:\n\n' +
        '```sql\n' +
        'BEGIN;\n' +
        'ALTER TABLE users ADD COLUMN plan text;\n' +
        "UPDATE users SET plan = 'free' WHERE plan IS NULL;\n" +
        'COMMIT;\n' +
        '```',
    },
  },
  create(context) {
    const mode = toolTransactionMode(context);
    let open: TransactionOp | undefined;
    return {
      transaction(op) {
        if (op.action === 'begin') open ??= op;
        else if (op.action === 'commit' || op.action === 'rollback' || op.action === 'prepare') open = undefined;
      },
      end() {
        // A tool that wraps the file sends its own COMMIT after it, which closes any transaction left open.
        if (!open || mode === 'wrapped') return;
        context.report(
          open,
          `BEGIN at line ${open.span.line} is never committed or rolled back: the migration ends inside an open transaction, holding its locks, and whether its changes are kept depends on what runs next on the connection.`,
          {
            help: 'Add COMMIT; at the end of the transaction.',
          },
        );
      },
    };
  },
};
