import type { AddColumnOp, DropColumnOp, TypeRef } from '../ir/types.js';
import type { Rule } from '../engine/types.js';
import { tableKey } from '../engine/lint.js';
import { quoteIdent, tableName } from './support/helpers.js';
import { createdByOwnUpgrade } from './support/migration-facts.js';

interface Drop {
  op: DropColumnOp;
  /** The dropped column's type as earlier migrations show it. */
  type?: TypeRef;
}

function sameType(a: TypeRef | undefined, b: TypeRef): boolean {
  return a !== undefined && a.name === b.name && a.arrayDims === b.arrayDims && a.modifiers.join(',') === b.modifiers.join(',');
}

function where(drop: DropColumnOp, add: AddColumnOp): string {
  return add.statementIndex === drop.statementIndex ? 'in the same statement' : `at line ${add.span.line}`;
}

/**
 * Pairs each dropped column with at most one column added to the same table: the same name first
 * (a re-creation), then a column of the same type, then the remaining ones in source order.
 */
function pair(drops: Drop[], adds: AddColumnOp[]): [Drop, AddColumnOp][] {
  const pairs: [Drop, AddColumnOp][] = [];
  const free = new Set(adds);
  const unpaired = new Set(drops);
  const take = (match: (d: Drop, a: AddColumnOp) => boolean) => {
    for (const d of drops) {
      if (!unpaired.has(d)) continue;
      const a = adds.find((x) => free.has(x) && tableKey(x.table) === tableKey(d.op.table) && match(d, x));
      if (!a) continue;
      pairs.push([d, a]);
      free.delete(a);
      unpaired.delete(d);
    }
  };
  take((d, a) => a.column.name === d.op.column);
  take((d, a) => sameType(d.type, a.column.type));
  take(() => true);
  // Report in source order of the drops.
  return pairs.sort((x, y) => drops.indexOf(x[0]) - drops.indexOf(y[0]));
}

export const renameViaDropAdd: Rule = {
  meta: {
    id: 'rename-via-drop-add',
    severity: 'error',
    summary: 'A migration drops a column and adds one to the same table: usually a rename or type change turned into data loss.',
    docs: {
      what:
        'Flags a migration that drops a column of an existing table and adds a column to the same table — under the ' +
        'same name (re-created, typically for a type change) or another name (typically a rename). Schema-diff tools ' +
        '(Prisma, Drizzle, TypeORM, Alembic autogenerate) produce exactly this when a field is renamed or retyped in ' +
        'the model. The finding is reported on the `DROP COLUMN`, the statement that loses the data, and names the ' +
        '`ADD COLUMN` with its line. Drops and adds are paired one to one: same name first, then same type, then in ' +
        'order. Columns of tables created in the same migration, and in a downgrade columns the same migration\'s ' +
        'upgrade added, are not flagged.',
      why:
        'The new column starts empty (or with its default) in every row: every value of the dropped column is gone when ' +
        'the migration commits, and nothing in the migration copies it. It passes review because the diff reads like a ' +
        'rename, and it passes tests because test databases are empty.',
      instead:
        'For a rename, rename (it keeps the data; see `renaming-column` for doing it without breaking running code):\n\n' +
        '```sql\n' +
        'ALTER TABLE users RENAME COLUMN name TO full_name;\n' +
        '```\n\n' +
        'For a type change, convert in place (rewrites the table under `ACCESS EXCLUSIVE`) …\n\n' +
        '```sql\n' +
        'ALTER TABLE orders ALTER COLUMN price TYPE numeric(12,2) USING price::numeric(12,2);\n' +
        '```\n\n' +
        '… or expand and contract, which keeps the table available:\n\n' +
        '```sql\n' +
        'ALTER TABLE orders ADD COLUMN price_cents bigint;\n' +
        '-- backfill in batches, with code writing both columns meanwhile\n' +
        'UPDATE orders SET price_cents = round(price * 100) WHERE id BETWEEN 1 AND 10000 AND price_cents IS NULL;\n' +
        '-- deploy code that uses only price_cents; then, in a later migration:\n' +
        'ALTER TABLE orders DROP COLUMN price;\n' +
        '```',
    },
  },
  create(context) {
    const drops: Drop[] = [];
    const adds: AddColumnOp[] = [];
    return {
      'drop-column'(op) {
        if (context.isNewColumn(op.table, op.column)) return;
        if (createdByOwnUpgrade(context, op.table, op.column)) return;
        const d: Drop = { op };
        const type = context.columnType(op.table, op.column);
        if (type) d.type = type;
        drops.push(d);
      },
      'add-column'(op) {
        if (!context.isNewTable(op.table)) adds.push(op);
      },
      end() {
        for (const [d, a] of pair(drops, adds)) {
          const t = tableName(d.op.table);
          const old = quoteIdent(d.op.column);
          const next = quoteIdent(a.column.name);
          if (d.op.column === a.column.name) {
            const change = d.type && !sameType(d.type, a.column.type) ? ` (${d.type.text} → ${a.column.type.text})` : '';
            context.report(d.op, `Column ${t}.${old} is dropped and re-created ${where(d.op, a)}${change}: every existing value is lost.`, {
              help: `Keep the data: ALTER TABLE ${t} ALTER COLUMN ${old} TYPE ${a.column.type.text} USING ${old}::${a.column.type.text} — or add a new column, backfill it, and drop ${old} later.`,
            });
          } else {
            const change = d.type && !sameType(d.type, a.column.type) ? `, ${d.type.text} → ${a.column.type.text}` : '';
            context.report(d.op, `Column ${t}.${old} is dropped and ${t}.${next} is added ${where(d.op, a)}${change}: if this is a rename, every value of ${old} is lost.`, {
              help: `For a rename: ALTER TABLE ${t} RENAME COLUMN ${old} TO ${next}; (or add ${next}, copy ${old} into it, and drop ${old} in a later migration).`,
            });
          }
        }
      },
    };
  },
};
