import type { DropNotNullOp, Operation } from '../ir/types.js';
import type { Rule } from './types.js';
import { tableKey } from '../analysis/schema-state.js';
import { opLock, tableName } from './support/helpers.js';

/**
 * The same transaction sets NOT NULL on the column again (Knex's `.notNullable().alter()` drops and
 * re-sets it around the type change): no other session ever sees the column nullable.
 */
function notNullRestored(ops: readonly Operation[], drop: DropNotNullOp): boolean {
  if (!drop.inTransaction) return false;
  for (const op of ops.slice(ops.indexOf(drop) + 1)) {
    if (!op.inTransaction || (op.kind === 'transaction' && op.action !== 'savepoint' && op.action !== 'release'))
      return false;
    if (op.kind === 'drop-column' && tableKey(op.table) === tableKey(drop.table) && op.column === drop.column)
      return false;
    if (op.kind === 'set-not-null' && tableKey(op.table) === tableKey(drop.table) && op.column === drop.column)
      return true;
  }
  return false;
}

export const banDropNotNull: Rule = {
  meta: {
    id: 'ban-drop-not-null',
    severity: 'error',
    squawk: true,
    summary: 'DROP NOT NULL lets NULLs into a column that running code and consumers assume is never NULL.',
    docs: {
      what:
        'Flags `ALTER TABLE … ALTER COLUMN … DROP NOT NULL` on a column of a table that existed before this migration, unless the same ' +
        "transaction sets NOT NULL on the column again (as Knex's `.notNullable().alter()` does around a type change), or the " +
        'migrations seen so far show the column is nullable already (nothing changes).',
      why:
        'Lock-wise this is harmless: a catalog-only change under a brief `ACCESS EXCLUSIVE` lock, with no scan and no ' +
        'rewrite. The risk is the contract: application code, ORM models typed as non-optional, reports, ETL jobs and ' +
        'other consumers were written against a column that can never be NULL. Once new code writes NULLs, old readers ' +
        'crash or compute wrong results (NULL in arithmetic, `NOT IN`, joins), and rolling the code back does not ' +
        'remove the NULLs. Going back is costly: `SET NOT NULL` has to scan the whole table under `ACCESS EXCLUSIVE` ' +
        '(and fails if any NULL was written) unless a validated `CHECK (col IS NOT NULL)` exists (PG 12+).',
      instead:
        'Make every reader NULL-safe first, then drop the constraint:\n\n' +
        '```sql\n' +
        '-- 1. deploy readers (code, reports, consumers) that handle phone IS NULL\n' +
        '-- 2. then\n' +
        'ALTER TABLE users ALTER COLUMN phone DROP NOT NULL;\n' +
        '```\n\n' +
        'If only inserts need relief, keep the constraint and give the column a default instead: ' +
        "`ALTER TABLE users ALTER COLUMN phone SET DEFAULT '';`.",
    },
    lock: {
      mode: 'AccessExclusiveLock',
      setup: 'CREATE TABLE users (id bigint PRIMARY KEY, phone text NOT NULL);',
      statement: 'ALTER TABLE users ALTER COLUMN phone DROP NOT NULL;',
      relation: 'users',
    },
  },
  create(context) {
    return {
      'drop-not-null'(op) {
        if (context.isNewColumn(op.table, op.column)) return;
        if (notNullRestored(context.ops, op)) return;
        // Already nullable per the migrations seen (Knex's `.nullable().alter()` drops NOT NULL whatever it was): nothing changes.
        const known = context.column(op.table, op.column);
        if (known?.notNull === false) return;
        const t = tableName(op.table);
        context.report(
          op,
          `Dropping NOT NULL on ${t}.${op.column} lets NULLs reach code and consumers that assume the column is never NULL.`,
          {
            lock: opLock(op, context),
            help: `Deploy readers that handle ${op.column} IS NULL before this migration, or keep NOT NULL and set a DEFAULT.`,
          },
        );
      },
    };
  },
};
