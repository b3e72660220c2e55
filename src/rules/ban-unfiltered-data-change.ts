import type { QualifiedName } from '../ir/types.js';
import type { Rule, RuleContext } from './types.js';
import { tableName } from './support/helpers.js';

/**
 * Whether the migrations seen show the table holds at most two rows: its primary key is one boolean
 * column (the single-row "settings"/"chain tip" table, `id boolean PRIMARY KEY DEFAULT true CHECK (id)`).
 */
function atMostTwoRows(context: RuleContext, table: QualifiedName): boolean {
  const keys = [...context.constraints(table).values()].filter((c) => c.type === 'primary-key');
  const column = keys.length === 1 && keys[0]!.columns.length === 1 ? keys[0]!.columns[0]! : undefined;
  const type = column === undefined ? undefined : context.column(table, column)?.type?.name;
  return type === 'bool' || type === 'boolean';
}

export const banUnfilteredDataChange: Rule = {
  meta: {
    id: 'ban-unfiltered-data-change',
    severity: 'warning',
    summary:
      'DELETE or UPDATE of every row of an existing table (no WHERE, or one that is always true) in one statement.',
    docs: {
      what:
        '`DELETE FROM t` and `UPDATE t SET …` with no `WHERE` (or `WHERE true`, `WHERE 1 = 1`) on a table not created in the same ' +
        'migration — in SQL, Alembic `op.execute`, and raw SQL of the TypeScript frameworks — unless the migrations seen show the ' +
        'table holds at most two rows (its primary key is one `boolean` column: a single-row table). When the statement also runs in the ' +
        'transaction of a schema change, `backfill-in-ddl-transaction` reports the lock it holds as well.',
      why:
        'A `DELETE` without `WHERE` empties the table on every environment the migration reaches, production included — usually a ' +
        'filter that was forgotten. An `UPDATE` of every row in one statement writes a new version of each row: it holds a row lock ' +
        'on every row until it commits (concurrent updates of any of them wait), generates WAL for the whole table at once (replicas ' +
        'lag), and leaves a dead copy of every row for vacuum — the table doubles in size.',
      instead:
        'Say which rows, and change them in batches, each in its own transaction:\n\n```sql\n' +
        "UPDATE users SET plan = 'free' WHERE id IN (SELECT id FROM users WHERE plan IS NULL LIMIT 10000);\n-- repeat until it updates 0 rows\n```\n\n" +
        'A constant for every row is better given as a column default (`ADD COLUMN … DEFAULT`, no rewrite since PostgreSQL 11).',
    },
  },
  create(context) {
    return {
      'data-change'(op) {
        if (op.rowScope !== 'all' || !op.table || context.isNewTable(op.table)) return;
        // Every row of a table keyed by one boolean is one or two rows: nothing to batch.
        if (atMostTwoRows(context, op.table)) return;
        if (op.statementType === 'DeleteStmt') {
          context.report(
            op,
            `DELETE FROM ${tableName(op.table)} has no WHERE clause: it deletes every row, on every database this migration runs on.`,
            {
              help: 'Add the WHERE clause that picks the rows to delete, and delete in batches.',
            },
          );
        } else if (op.statementType === 'UpdateStmt') {
          context.report(
            op,
            `UPDATE ${tableName(op.table)} has no WHERE clause: one statement rewrites every row, holding a lock on each until it commits and leaving a dead copy of each for vacuum.`,
            {
              help: 'Update in batches (WHERE id IN (SELECT id … LIMIT 10000), repeated), each in its own transaction; for a constant, use a column DEFAULT instead.',
            },
          );
        }
      },
    };
  },
};
