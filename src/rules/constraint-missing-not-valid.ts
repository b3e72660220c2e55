import type { AddConstraintOp } from '../ir/types.js';
import type { Rule } from '../engine/types.js';
import { tableKey } from '../engine/lint.js';
import { describeLock, quoteIdent, tableName } from './support/helpers.js';
import { transactionIds } from './support/transaction-scope.js';

export const constraintMissingNotValid: Rule = {
  meta: {
    id: 'constraint-missing-not-valid',
    severity: 'error',
    squawk: true,
    summary: 'ADD CONSTRAINT … CHECK without NOT VALID scans the table under ACCESS EXCLUSIVE; so does validating in the same transaction.',
    docs: {
      what:
        '`ALTER TABLE … ADD CONSTRAINT … CHECK (…)` without `NOT VALID` on a table not created in the same migration; and ' +
        '`VALIDATE CONSTRAINT` of a constraint added `NOT VALID` earlier **in the same transaction**, which gives back everything ' +
        '`NOT VALID` was for. (Foreign keys without `NOT VALID` are reported by `adding-foreign-key-constraint`.)',
      why:
        'Adding a `CHECK` constraint takes an `ACCESS EXCLUSIVE` lock, which blocks reads and writes, and holds it while every row ' +
        'is checked. With `NOT VALID` (Postgres 9.2+ for CHECK) only new and updated rows are checked, so the lock is held for a ' +
        'moment; `VALIDATE CONSTRAINT` then checks existing rows under `SHARE UPDATE EXCLUSIVE`, which lets reads and writes go on. ' +
        'But locks are kept until the transaction ends: validating in the transaction that added the constraint scans while ' +
        'the `ACCESS EXCLUSIVE` lock from the `ADD CONSTRAINT` is still held.',
      instead:
        'Add the constraint `NOT VALID`, commit, then validate it in a separate transaction (or a later migration):\n\n' +
        '```sql\nBEGIN;\nALTER TABLE orders ADD CONSTRAINT orders_total_nonnegative CHECK (total >= 0) NOT VALID;\nCOMMIT;\n\n' +
        'BEGIN;\nALTER TABLE orders VALIDATE CONSTRAINT orders_total_nonnegative;\nCOMMIT;\n```',
    },
    lock: {
      mode: 'AccessExclusiveLock',
      setup: 'CREATE TABLE orders (id bigint PRIMARY KEY, total integer);',
      statement: 'ALTER TABLE orders ADD CONSTRAINT orders_total_nonnegative CHECK (total >= 0);',
      relation: 'orders',
    },
  },
  create(context) {
    const tx = transactionIds(context.ops);
    // table.constraint → the NOT VALID ADD CONSTRAINT that created it, in this migration
    const addedNotValid = new Map<string, AddConstraintOp>();
    return {
      'add-constraint'(op) {
        const c = op.constraint;
        if (c.notValid && c.name) addedNotValid.set(`${tableKey(op.table)}.${c.name}`, op);
        if (c.type !== 'check' || c.notValid || context.isNewTable(op.table)) return;
        context.report(op, `Adding CHECK constraint ${c.name ?? `(${c.expression ?? '…'})`} to ${tableName(op.table)} without NOT VALID scans every row while holding an ACCESS EXCLUSIVE lock that blocks reads and writes.`, {
          lock: describeLock('AccessExclusiveLock', op.table),
          help: c.name
            ? `Add it with NOT VALID, then in a separate transaction run ALTER TABLE ${tableName(op.table)} VALIDATE CONSTRAINT ${quoteIdent(c.name)};`
            : `Name the constraint, add it with NOT VALID, then in a separate transaction run ALTER TABLE ${tableName(op.table)} VALIDATE CONSTRAINT <name>;`,
        });
      },
      'validate-constraint'(op) {
        const added = addedNotValid.get(`${tableKey(op.table)}.${op.name}`);
        if (!added || context.isNewTable(op.table)) return;
        const sameTx = tx.get(added);
        if (sameTx === undefined || sameTx !== tx.get(op)) return;
        const lock = added.constraint.type === 'foreign-key' ? 'ShareRowExclusiveLock' : 'AccessExclusiveLock';
        context.report(
          op,
          `Constraint ${op.name} is validated in the same transaction that added it NOT VALID (line ${added.span.line}): the scan runs while the lock taken by ADD CONSTRAINT is still held, as if NOT VALID had not been used.`,
          {
            lock: describeLock(lock, op.table),
            help: `Commit after the ADD CONSTRAINT … NOT VALID and run VALIDATE CONSTRAINT ${quoteIdent(op.name)} in its own transaction (or a later migration).`,
          },
        );
      },
    };
  },
};
