import type { ConstraintDef, QualifiedName } from '../ir/types.js';
import type { Rule } from './types.js';
import { opLock, quoteIdent, tableName } from './support/helpers.js';

const SERIAL_TYPES = new Set(['serial', 'bigserial', 'smallserial']);

function notValidRecipe(table: QualifiedName, c: ConstraintDef): string {
  const name = quoteIdent(c.name ?? `${table.name}_${c.columns.join('_')}_fkey`);
  const target = c.references
    ? `${tableName(c.references.table)}${c.references.columns.length ? ` (${c.references.columns.map(quoteIdent).join(', ')})` : ''}`
    : '…';
  return (
    `ALTER TABLE ${tableName(table)} ADD CONSTRAINT ${name} FOREIGN KEY (${c.columns.map(quoteIdent).join(', ')}) REFERENCES ${target} NOT VALID; ` +
    `then, in a later transaction, ALTER TABLE ${tableName(table)} VALIDATE CONSTRAINT ${name};`
  );
}

export const addingForeignKeyConstraint: Rule = {
  meta: {
    id: 'adding-foreign-key-constraint',
    severity: 'error',
    squawk: true,
    summary: 'Adding a FOREIGN KEY without NOT VALID blocks writes to both tables while every row is checked.',
    docs: {
      what:
        '`ALTER TABLE … ADD CONSTRAINT … FOREIGN KEY` without `NOT VALID` on a table not created in the same migration (or created and ' +
        'then filled with `INSERT … SELECT`, `COPY` or `CREATE TABLE … AS`: every copied row is checked), and ' +
        '`ADD COLUMN … REFERENCES` when the new column has a `DEFAULT` (or is `serial`), so that existing rows hold values to check. ' +
        'A new column without a default is all NULL: Postgres skips the check and only takes the locks for a moment, so it is not flagged.',
      why:
        'Adding a foreign key takes a `SHARE ROW EXCLUSIVE` lock on the referencing table **and** on the referenced table, then reads ' +
        'every row of the referencing table to check it has a match. `SHARE ROW EXCLUSIVE` lets reads go on but blocks every `INSERT`, ' +
        '`UPDATE` and `DELETE` on both tables until the check ends. (`ADD COLUMN … REFERENCES` holds `ACCESS EXCLUSIVE` on the ' +
        'referencing table, which blocks reads too.) `NOT VALID` (Postgres 9.1+) skips the check of existing rows; ' +
        '`VALIDATE CONSTRAINT` checks them later under `SHARE UPDATE EXCLUSIVE` on the referencing table and `ROW SHARE` on the ' +
        'referenced one, which block neither reads nor writes.',
      instead:
        'Add the constraint without checking existing rows, then validate it in a separate transaction:\n\n' +
        '```sql\nALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey\n  FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\n' +
        '-- later, in its own transaction (new rows are already checked):\n' +
        'ALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey;\n```\n\n' +
        'For a new column, add it without a default first (`ALTER TABLE orders ADD COLUMN user_id bigint REFERENCES users (id);` ' +
        'checks nothing), then set the default and backfill.',
    },
    lock: {
      mode: 'ShareRowExclusiveLock',
      setup:
        'CREATE TABLE users (id bigint PRIMARY KEY);\nCREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);',
      statement: 'ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id);',
      relation: 'users',
    },
  },
  create(context) {
    // A table this migration created holds no rows to check, unless it was filled from a query first:
    // then the check reads every copied row while the referenced table's writes wait.
    const empty = (t: QualifiedName) => context.isNewTable(t) && !context.holdsCopiedRows(t);
    return {
      'add-constraint'(op) {
        const c = op.constraint;
        if (c.type !== 'foreign-key' || c.notValid || empty(op.table)) return;
        const referenced = c.references ? tableName(c.references.table) : 'the referenced table';
        const self = referenced === tableName(op.table); // a self-reference (parent_id → id) locks one table
        context.report(
          op,
          `Adding foreign key ${c.name ?? `on ${tableName(op.table)} (${c.columns.join(', ')})`} without NOT VALID checks every row of ${tableName(op.table)} while blocking writes to ${self ? 'it' : `${tableName(op.table)} and ${referenced}`}.`,
          {
            lock: opLock(op, context),
            help: notValidRecipe(op.table, c),
          },
        );
      },
      'add-column'(op) {
        const col = op.column;
        if (empty(op.table)) return;
        const fk = col.constraints.find((c) => c.type === 'foreign-key');
        if (!fk) return;
        // Postgres skips checking a foreign key on a column added without a default (every row is NULL).
        const hasValues = col.default !== undefined || SERIAL_TYPES.has(col.type.name);
        if (!hasValues) return;
        const referenced = fk.references ? tableName(fk.references.table) : 'the referenced table';
        context.report(
          op,
          `Column ${col.name} is added to ${tableName(op.table)} with a default and a REFERENCES ${referenced} constraint: every existing row is checked against ${referenced} while writes to both tables are blocked.`,
          {
            lock: opLock(op, context),
            help: `Add ${col.name} without DEFAULT and REFERENCES, set the default and backfill, then ${notValidRecipe(op.table, { ...fk, columns: [col.name] })}`,
          },
        );
      },
    };
  },
};
