import type { DataChangeOp } from '../ir/types.js';
import type { Rule } from './types.js';
import { tableKey } from '../analysis/schema-state.js';
import { opLock, tableName } from './support/helpers.js';

export const addingRequiredField: Rule = {
  meta: {
    id: 'adding-required-field',
    severity: 'error',
    squawk: true,
    summary: 'ADD COLUMN … NOT NULL without a DEFAULT fails on any table that has rows.',
    docs: {
      what:
        'Flags `ALTER TABLE … ADD COLUMN` with `NOT NULL` and no server-side `DEFAULT` (identity and generated columns excepted) on a table not created in the same migration, or created and filled from a query (`INSERT … SELECT`, `COPY`, `CREATE TABLE … AS`) first. ' +
        'An ORM-side default (a value the application fills in) does not count: existing rows get NULL. On a table created in the same ' +
        'migration and not filled from a query, flagged only when rows were put in it (INSERT, COPY) before the `ADD COLUMN`: then it fails every time.',
      why:
        'Existing rows would hold NULL in the new column, so Postgres rejects the statement with ' +
        '`column "…" of relation "…" contains null values` on any non-empty table; the deploy fails after taking an ' +
        '`ACCESS EXCLUSIVE` lock. It works on an empty development database, which is why it reaches production.',
      instead:
        'Add the column nullable, backfill in batches, then enforce NOT NULL without a long lock:\n\n' +
        "```sql\nALTER TABLE users ADD COLUMN plan text;\n-- backfill in batches\nUPDATE users SET plan = 'free' WHERE id BETWEEN 1 AND 10000 AND plan IS NULL;\n" +
        'ALTER TABLE users ADD CONSTRAINT users_plan_not_null CHECK (plan IS NOT NULL) NOT VALID;\n' +
        'ALTER TABLE users VALIDATE CONSTRAINT users_plan_not_null;\nALTER TABLE users ALTER COLUMN plan SET NOT NULL; -- PG 12+: no scan\n' +
        'ALTER TABLE users DROP CONSTRAINT users_plan_not_null;\n```\n\n' +
        'Or, when one value fits every existing row, give a constant default (catalog-only on PG 11+): ' +
        "`ALTER TABLE users ADD COLUMN plan text NOT NULL DEFAULT 'free';`",
    },
  },
  create(context) {
    // Tables this migration created and then put rows in (INSERT, COPY), with the first such statement.
    const filled = new Map<string, DataChangeOp>();
    return {
      'data-change'(op) {
        if (!op.table || !context.isNewTable(op.table) || filled.has(tableKey(op.table))) return;
        if (op.statementType === 'InsertStmt' || op.statementType === 'CopyStmt' || op.statementType === 'MergeStmt')
          filled.set(tableKey(op.table), op);
      },
      'add-column'(op) {
        const c = op.column;
        if (!c.notNull || c.default || c.generated) return;
        if (c.type.name === 'serial' || c.type.name === 'bigserial' || c.type.name === 'smallserial') return;
        // A table this migration created is empty, unless it was filled from a query first (then it is judged as any table).
        if (context.isNewTable(op.table) && !context.holdsCopiedRows(op.table)) {
          const insert = filled.get(tableKey(op.table));
          if (!insert) return;
          // A new table is empty only until the migration puts rows in it: then this fails on every database.
          context.report(
            op,
            `Column ${c.name} is added to ${tableName(op.table)} as NOT NULL without a DEFAULT after rows were put in the table (line ${insert.span.line}): the statement fails on every database this migration runs on.`,
            {
              help: 'Declare the column in the CREATE TABLE, or add it before the rows are inserted, or give it a DEFAULT (or add it nullable, fill it, then SET NOT NULL).',
            },
          );
          return;
        }
        context.report(
          op,
          `Column ${c.name} is added to ${tableName(op.table)} as NOT NULL without a DEFAULT: the statement fails if the table has any rows.`,
          {
            lock: opLock(op, context),
            help: 'Add the column nullable, backfill it, then add NOT NULL through a validated CHECK constraint — or give it a constant DEFAULT.',
          },
        );
      },
    };
  },
};
