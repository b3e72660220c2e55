import type { ColumnList, ListedColumn, QualifiedName, SourceSpan } from '../ir/types.js';
import type { Rule, RuleContext } from './types.js';
import type { Operation } from '../ir/types.js';
import { tableName } from './support/helpers.js';

/** Postgres's own error for each kind of clause (verified on PostgreSQL 15). */
const POSTGRES_ERROR: Record<ColumnList['clause'], (column: string) => string> = {
  set: (column) => `multiple assignments to same column "${column}"`,
  insert: (column) => `column "${column}" specified more than once`,
  output: (column) => `column "${column}" specified more than once`,
};

const WHERE: Record<ColumnList['clause'], string> = {
  set: 'assigned more than once in one SET list',
  insert: 'listed more than once in the INSERT column list',
  output: 'specified more than once among the columns',
};

/**
 * The columns named more than once in one list, each with all its entries in order. Assigning
 * different parts of one column (`SET a.x = 1, a.y = 2`, `a[1] = …, a[2] = …`) is allowed; once the
 * whole column is among the entries, any second entry clashes.
 */
function repeated(columns: readonly ListedColumn[]): ListedColumn[][] {
  const byName = new Map<string, ListedColumn[]>();
  for (const c of columns) {
    const entries = byName.get(c.name);
    if (entries) entries.push(c);
    else byName.set(c.name, [c]);
  }
  return [...byName.values()].filter((entries) => entries.length > 1 && entries.some((c) => !c.part));
}

function reportList(
  context: RuleContext,
  op: Operation,
  list: { clause: ColumnList['clause']; columns: readonly ListedColumn[] },
  of?: QualifiedName,
): void {
  for (const entries of repeated(list.columns)) {
    const [first, second] = entries as [ListedColumn, ListedColumn];
    const name = first.name;
    const place = list.clause === 'output' && of ? `${WHERE.output} of ${tableName(of)}` : WHERE[list.clause];
    const span: SourceSpan = second.span ?? op.span;
    const others = entries.filter((c) => c !== second && c.span).map((c) => c.span!);
    context.report(
      op,
      `Column ${name} is ${place}: PostgreSQL rejects the statement with "${POSTGRES_ERROR[list.clause](name)}", so the migration fails when it is deployed.`,
      {
        span,
        help:
          list.clause === 'set'
            ? `Keep one assignment to ${name} (Postgres does not take the last one; it refuses the statement).`
            : `Name ${name} once; give the other column its own name.`,
        ...(others.length ? { related: others.map((s) => ({ span: s, message: `${name} is also named here` })) } : {}),
      },
    );
  }
}

export const banDuplicateColumnAssignments: Rule = {
  meta: {
    id: 'ban-duplicate-column-assignments',
    severity: 'error',
    squawk: true,
    summary:
      'A column assigned or defined twice in one statement: PostgreSQL rejects the statement and the migration fails.',
    docs: {
      what:
        'A column named twice where PostgreSQL allows it once: in one `SET` list (`UPDATE`, `INSERT … ON CONFLICT DO UPDATE`, ' +
        "a `MERGE` action's `UPDATE SET`), in an `INSERT` column list (also a `MERGE` action's `INSERT`), among the columns of " +
        '`CREATE TABLE`, and among the column names of `CREATE VIEW`, `CREATE MATERIALIZED VIEW`, `CREATE TABLE … AS` and ' +
        "`SELECT … INTO` — their own column list, or else the names of the query's output columns (an alias, or the name " +
        "PostgreSQL gives an unaliased expression: a column's name, a function's name, `?column?` for a literal). Setting " +
        'different parts of one composite or array column (`SET address.city = …, address.zip = …`) is allowed and not flagged; ' +
        'setting the whole column and a part of it is flagged.',
      why:
        'PostgreSQL refuses such a statement before it touches any row (verified on PostgreSQL 15):\n\n' +
        '- `UPDATE accounts SET status = 1, status = 2` and the same in `ON CONFLICT DO UPDATE` or `MERGE … UPDATE SET`: ' +
        '`ERROR: multiple assignments to same column "status"` — it does not keep the last value.\n' +
        '- `INSERT INTO accounts (status, status) …`: `ERROR: column "status" specified more than once`.\n' +
        '- `CREATE TABLE t (a int, a text)`, `CREATE VIEW v (a, a) AS …`, `CREATE VIEW v AS SELECT 1 AS a, 2 AS a`, ' +
        '`CREATE TABLE t AS SELECT 1, 2` (two columns both named `?column?`), `SELECT 1 AS a, 2 AS a INTO t`: ' +
        '`ERROR: column "a" specified more than once`.\n\n' +
        'The migration fails at deploy time. In a transaction everything before it is rolled back; a migration run without a ' +
        'transaction (or with several) stops halfway, its earlier statements applied and the rest not, and must be repaired by ' +
        'hand before it can run again.',
      instead:
        'Assign each column once and give every defined column its own name:\n\n' +
        '```sql\n' +
        "UPDATE accounts SET status = 'active', plan = 'free' WHERE id = 42;\n" +
        "INSERT INTO accounts (id, status) VALUES (42, 'active')\n" +
        "  ON CONFLICT (id) DO UPDATE SET status = 'active';\n" +
        'CREATE VIEW account_owners (account_id, owner_id) AS\n' +
        '  SELECT a.id, u.id FROM accounts a JOIN users u ON u.id = a.owner_id;\n' +
        '```',
    },
  },
  create(context) {
    return {
      'data-change'(op) {
        for (const list of op.columnLists ?? []) reportList(context, op, list, op.table);
      },
      'create-table'(op) {
        // Explicit column definitions; `LIKE` and `INHERITS` merge same-named columns instead.
        reportList(context, op, { clause: 'output', columns: op.columns }, op.table);
        for (const list of op.columnLists ?? []) reportList(context, op, list, op.table);
      },
      other(op) {
        for (const list of op.columnLists ?? []) reportList(context, op, list, op.table);
      },
    };
  },
};
