import type { AddConstraintOp } from '../ir/types.js';
import type { Rule } from './types.js';
import { tableKey } from '../analysis/schema-state.js';
import { lockPhrase, opLock, quoteIdent, tableName } from './support/helpers.js';
import { transactionIds } from '../analysis/transaction-scope.js';

export const constraintMissingNotValid: Rule = {
  meta: {
    id: 'constraint-missing-not-valid',
    severity: 'error',
    squawk: true,
    summary:
      'ADD CONSTRAINT … CHECK without NOT VALID scans the table under ACCESS EXCLUSIVE; so does validating in the same transaction.',
    docs: {
      what:
        '`ALTER TABLE … ADD CONSTRAINT … CHECK (…)` without `NOT VALID` on a table not created in the same migration; and ' +
        '`VALIDATE CONSTRAINT` of a constraint added `NOT VALID` earlier **in the same transaction**, which gives back everything ' +
        '`NOT VALID` was for; and a `CHECK` written inline on `ADD COLUMN` (`ADD COLUMN rank int NOT NULL DEFAULT 0 CHECK (rank >= 0)`), ' +
        'which has no `NOT VALID` form. (Foreign keys without `NOT VALID` are reported by `adding-foreign-key-constraint`.)',
      why:
        'Adding a `CHECK` constraint takes an `ACCESS EXCLUSIVE` lock, which blocks reads and writes, and holds it while every row ' +
        'is checked. With `NOT VALID` (Postgres 9.2+ for CHECK) only new and updated rows are checked, so the lock is held for a ' +
        'moment; `VALIDATE CONSTRAINT` then checks existing rows under `SHARE UPDATE EXCLUSIVE`, which lets reads and writes go on. ' +
        'But locks are kept until the transaction ends: validating in the transaction that added the constraint scans while ' +
        'the `ACCESS EXCLUSIVE` lock from the `ADD CONSTRAINT` is still held. An inline `CHECK` on `ADD COLUMN` is checked against ' +
        "every existing row under the `ADD COLUMN`'s `ACCESS EXCLUSIVE` lock, even when the new column is all NULL (on PostgreSQL 15, " +
        '`ADD COLUMN x int CHECK (x IS NOT NULL)` on a non-empty table fails with "violated by some row").',
      instead:
        'Add the constraint `NOT VALID`, commit, then validate it in a separate transaction (or a later migration):\n\n' +
        '```sql\nBEGIN;\nALTER TABLE orders ADD CONSTRAINT orders_total_nonnegative CHECK (total >= 0) NOT VALID;\nCOMMIT;\n\n' +
        'BEGIN;\nALTER TABLE orders VALIDATE CONSTRAINT orders_total_nonnegative;\nCOMMIT;\n```\n\n' +
        'For a new column, add it first and its CHECK as a separate `NOT VALID` constraint:\n\n' +
        '```sql\nALTER TABLE orders ADD COLUMN discount integer NOT NULL DEFAULT 0;\n' +
        'ALTER TABLE orders ADD CONSTRAINT orders_discount_nonnegative CHECK (discount >= 0) NOT VALID;\n-- commit, then (or in a later migration):\n' +
        'ALTER TABLE orders VALIDATE CONSTRAINT orders_discount_nonnegative;\n```',
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
        context.report(
          op,
          `Adding CHECK constraint ${c.name ?? `(${c.expression ?? '…'})`} to ${tableName(op.table)} without NOT VALID scans every row while holding ${lockPhrase(op, context)}.`,
          {
            lock: opLock(op, context),
            help: c.name
              ? `Add it with NOT VALID, then in a separate transaction run ALTER TABLE ${tableName(op.table)} VALIDATE CONSTRAINT ${quoteIdent(c.name)};`
              : `Name the constraint, add it with NOT VALID, then in a separate transaction run ALTER TABLE ${tableName(op.table)} VALIDATE CONSTRAINT <name>;`,
          },
        );
      },
      'add-column'(op) {
        // A CHECK written on the column itself has no NOT VALID form: Postgres checks it against every existing
        // row while ADD COLUMN holds ACCESS EXCLUSIVE (a check that fails for the new value fails the ALTER).
        const check = op.column.constraints.find((c) => c.type === 'check');
        if (!check || context.isNewTable(op.table)) return;
        const name = check.name ?? `${op.table.name}_${op.column.name}_check`;
        context.report(
          op,
          `ADD COLUMN ${quoteIdent(op.column.name)} with an inline CHECK (${check.expression ?? '…'}) checks every existing row of ${tableName(op.table)} while holding ${lockPhrase(op, context)}; an inline CHECK cannot be NOT VALID.`,
          {
            lock: opLock(op, context),
            help: `Add the column without the CHECK, then ALTER TABLE ${tableName(op.table)} ADD CONSTRAINT ${quoteIdent(name)} CHECK (${check.expression ?? '…'}) NOT VALID; and in a separate transaction ALTER TABLE ${tableName(op.table)} VALIDATE CONSTRAINT ${quoteIdent(name)};`,
          },
        );
      },
      'validate-constraint'(op) {
        const added = addedNotValid.get(`${tableKey(op.table)}.${op.name}`);
        if (!added || context.isNewTable(op.table)) return;
        const sameTx = tx.get(added);
        if (sameTx === undefined || sameTx !== tx.get(op)) return;
        context.report(
          op,
          `Constraint ${op.name} is validated in the same transaction that added it NOT VALID (line ${added.span.line}): the scan runs while the lock taken by ADD CONSTRAINT is still held, as if NOT VALID had not been used.`,
          {
            lock: opLock(added, context),
            help: `Commit after the ADD CONSTRAINT … NOT VALID and run VALIDATE CONSTRAINT ${quoteIdent(op.name)} in its own transaction (or a later migration).`,
            related: [{ span: added.span, message: `${op.name} added NOT VALID here` }],
          },
        );
      },
    };
  },
};
