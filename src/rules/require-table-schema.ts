import type { Operation, QualifiedName } from '../ir/types.js';
import type { Rule } from './types.js';
import { alteredTable } from '../ir/tables.js';
import { tableName } from './support/helpers.js';

/** The tables an op names as the target of CREATE TABLE, ALTER TABLE or DROP TABLE. */
function tablesOf(op: Operation): QualifiedName[] {
  if (op.kind === 'create-table') return op.temporary ? [] : [op.table];
  if (op.kind === 'drop-table') return op.tables;
  const altered = alteredTable(op);
  return altered ? [altered] : [];
}

export const requireTableSchema: Rule = {
  meta: {
    id: 'require-table-schema',
    severity: 'warning',
    squawk: true,
    offByDefault:
      'most projects keep every table in one schema and rely on search_path on purpose (Squawk makes it opt-in too).',
    summary:
      'CREATE/ALTER/DROP TABLE with a name that is not schema-qualified depends on the search_path of whoever runs it.',
    docs: {
      what: 'Flags `CREATE TABLE` (not temporary), `CREATE TABLE … AS`, `ALTER TABLE` and `DROP TABLE` whose table name has no schema.',
      why:
        'An unqualified name is resolved through `search_path`, which differs between roles, connection poolers and ' +
        'environments: the same migration can create a table in another schema than intended, or alter and drop a ' +
        'same-named table in the wrong schema. Projects that use several schemas therefore qualify every name.',
      instead:
        '```sql\nCREATE TABLE billing.invoices (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);\nALTER TABLE billing.invoices ADD COLUMN paid_at timestamptz;\n```',
    },
  },
  create(context) {
    let lastStatement = -1;
    const check = (op: Operation) => {
      // One finding per statement: ALTER TABLE t ADD …, DROP … names t once.
      if (op.statementIndex === lastStatement) return;
      const unqualified = tablesOf(op).filter((t) => !t.schema);
      if (unqualified.length === 0) return;
      lastStatement = op.statementIndex;
      context.report(
        op,
        `Table ${unqualified.map(tableName).join(', ')} is not schema-qualified: which table this is depends on the search_path.`,
        {
          help: `Write the schema: public.${unqualified[0]!.name} (or the schema it belongs in).`,
        },
      );
    };
    const kinds = [
      'create-table',
      'drop-table',
      'add-column',
      'drop-column',
      'rename-column',
      'alter-column-type',
      'set-not-null',
      'drop-not-null',
      'set-default',
      'add-constraint',
      'drop-constraint',
      'validate-constraint',
      'rename-table',
      'attach-partition',
      'detach-partition',
    ] as const;
    return Object.fromEntries(kinds.map((k) => [k, check]));
  },
};
