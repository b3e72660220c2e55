import type { Operation } from '../ir/types.js';
import type { Rule } from './types.js';
import { tableName } from './support/helpers.js';
import { transactionCause } from './support/migration-facts.js';

export const banEnumValueAddInTransaction: Rule = {
  meta: {
    id: 'ban-enum-value-add-in-transaction',
    severity: 'error',
    summary: 'Before PostgreSQL 12, ALTER TYPE … ADD VALUE cannot run inside a transaction block: the migration fails.',
    docs: {
      what:
        '`ALTER TYPE … ADD VALUE` that runs inside a transaction block — an explicit `BEGIN`, or the transaction the migration tool ' +
        'opens — when the target is PostgreSQL 11 or older (`--pg-version` / `pgVersion`). Silent for PostgreSQL 12+.',
      why:
        'Up to PostgreSQL 11, `ALTER TYPE … ADD VALUE` refuses to run in a transaction block (`ERROR: ALTER TYPE ... ADD VALUE cannot ' +
        'run inside a transaction block`), so a migration tool that wraps each file in a transaction fails on it every time. From ' +
        'PostgreSQL 12 it is allowed, but the new value cannot be used until the transaction commits (`unsafe use of new value`).',
      instead:
        'Run it outside the transaction — a migration of its own that the tool runs without one (Knex `config.transaction = false`, ' +
        'Alembic `with op.get_context().autocommit_block():`, dbmate `transaction:false`):\n\n' +
        "```sql\nALTER TYPE order_status ADD VALUE IF NOT EXISTS 'refunded';\n```",
    },
  },
  create(context) {
    if (context.pgVersion >= 12) return {};
    let openBegin: Operation | undefined;
    return {
      'add-enum-value'(op) {
        if (!op.inTransaction) return;
        const cause = transactionCause(context.migration, op, openBegin);
        context.report(
          op,
          `ALTER TYPE ${tableName(op.type)} ADD VALUE ${quoteLiteral(op.value)} cannot run inside a transaction block on PostgreSQL ${context.pgVersion} (allowed from 12), and it runs in one here: ${cause.reason}.`,
          {
            help: `To run it outside a transaction, ${cause.fix}.`,
          },
        );
      },
      transaction(op) {
        if (op.action === 'begin') openBegin ??= op;
        else if (op.action === 'commit' || op.action === 'rollback' || op.action === 'prepare') openBegin = undefined;
      },
    };
  },
};

function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
