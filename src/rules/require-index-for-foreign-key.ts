import type { ConstraintDef, Operation, QualifiedName, SourceSpan } from '../ir/types.js';
import type { Rule } from './types.js';
import { tableKey } from '../analysis/schema-state.js';
import { migrationSetOf } from '../ir/migration-set.js';
import { quoteIdent, tableName } from './support/helpers.js';

interface ForeignKey {
  op: Operation;
  /** Where the constraint is written (its clause of a CREATE TABLE, its builder call), else the op. */
  at: SourceSpan;
  table: QualifiedName;
  columns: string[];
  references: QualifiedName;
  name?: string;
  /** Table, columns and parent as the constraint was written (later RENAMEs change the fields above). */
  written: { table: QualifiedName; columns: string[]; references: QualifiedName };
  /** The DROP INDEX that removed the last index serving it, when one did. */
  uncoveredBy?: { op: Operation; index: string };
}

/** Whether an index on `indexed` (in order) serves lookups by `columns`: they are its leading columns, in any order. */
function covers(indexed: readonly string[], columns: readonly string[]): boolean {
  if (indexed.length < columns.length) return false;
  // Keys are a few columns: a scan of the lead beats building a set (this runs for every key and index of a table).
  const lead = columns.length;
  for (const c of columns) {
    let found = false;
    for (let i = 0; i < lead && !found; i++) found = indexed[i] === c;
    if (!found) return false;
  }
  return true;
}

export const requireIndexForForeignKey: Rule = {
  meta: {
    id: 'require-index-for-foreign-key',
    severity: 'warning',
    summary:
      'A foreign key whose referencing columns no index leads with: every DELETE or key UPDATE on the parent scans the child table.',
    docs: {
      what:
        'A `FOREIGN KEY` (in `CREATE TABLE`, `ADD COLUMN … REFERENCES`, `ADD CONSTRAINT`) whose referencing columns are not the ' +
        'leading columns of any index, primary key or unique constraint on the child table anywhere in the migrations linted ' +
        '(indexes built in later migrations count; dropped ones do not — a `DROP INDEX` that leaves a foreign key without one is ' +
        'reported at the drop). Postgres indexes the referenced side (it must be unique) ' +
        'but never the referencing side.',
      why:
        'Each `DELETE` on the parent table, and each `UPDATE` of its key, makes Postgres look for referencing rows in the child ' +
        '(to raise the error, or to `CASCADE`/`SET NULL`): without an index that is a sequential scan of the child per parent row, ' +
        'run inside the deleting transaction while it holds its row locks. Deleting 1 000 users from a table referenced by a ' +
        '10-million-row `orders` reads `orders` 1 000 times. Joins from parent to child pay the same scan. When the index exists ' +
        'outside the migrations linted (created by hand, or in files not passed), the finding is wrong: ignore it and say where the index is.',
      instead:
        'Index the referencing columns, concurrently on an existing table:\n\n' +
        '```sql\nCREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);\n```\n\n' +
        'A composite index or primary key whose leading columns are the foreign key columns (e.g. `PRIMARY KEY (customer_id, tag_id)` ' +
        'for a join table) serves too. Prisma: `@@index([customerId])` on the model; Drizzle: `index().on(t.customerId)`.',
    },
  },
  checkRun(context) {
    // Keyed by migration set and table: unrelated directories linted together never share a table.
    // Each table's keys live in their own list, so a DROP touches only its table's (linear in the history).
    let set = '';
    const key = (t: QualifiedName) => `${set}|${tableKey(t)}`;
    const indexes = new Map<string, string[][]>();
    const indexByName = new Map<string, { table: string; columns: string[] }>();
    /** index name without schema → its entry, for DROP INDEX names written without the schema */
    const indexByBareName = new Map<string, { table: string; columns: string[] }>();
    const fksByTable = new Map<string, ForeignKey[]>();
    const addIndex = (table: QualifiedName, columns: string[], name?: string) => {
      if (!columns.length) return;
      const k = key(table);
      if (!indexes.has(k)) indexes.set(k, []);
      // A copy: a later RENAME COLUMN renames it in place, and the op's own list is the IR's.
      columns = [...columns];
      indexes.get(k)!.push(columns);
      if (name) {
        const entry = { table: k, columns };
        indexByName.set(`${set}|${tableKey({ schema: table.schema, name })}`, entry);
        indexByBareName.set(`${set}|${name}`, entry);
      }
    };
    const constraint = (op: Operation, table: QualifiedName, c: ConstraintDef) => {
      if (c.type === 'primary-key' || c.type === 'unique') addIndex(table, c.columns, c.name);
      if (c.type === 'foreign-key' && c.references && c.columns.length) {
        const k = key(table);
        if (!fksByTable.has(k)) fksByTable.set(k, []);
        fksByTable.get(k)!.push({
          op,
          at: c.span ?? op.span,
          table,
          columns: c.columns,
          references: c.references.table,
          written: { table, columns: c.columns, references: c.references.table },
          ...(c.name ? { name: c.name } : {}),
        });
      }
    };
    const keep = (table: QualifiedName, stays: (fk: ForeignKey) => boolean) => {
      const list = fksByTable.get(key(table));
      if (list) fksByTable.set(key(table), list.filter(stays));
    };
    for (const m of context.migrations) {
      set = migrationSetOf(m);
      for (const op of m.ops) {
        if (op.direction !== 'upgrade') continue;
        switch (op.kind) {
          case 'create-table':
            for (const col of op.columns) for (const c of col.constraints) constraint(op, op.table, c);
            for (const c of op.constraints) constraint(op, op.table, c);
            break;
          case 'add-column':
            for (const c of op.column.constraints) constraint(op, op.table, c);
            break;
          case 'add-constraint':
            constraint(op, op.table, op.constraint);
            break;
          case 'create-index':
            if (!op.where) addIndex(op.table, op.columns, op.name);
            break;
          case 'drop-index':
            for (const name of op.indexes) {
              const known = indexByName.get(`${set}|${tableKey(name)}`) ?? indexByBareName.get(`${set}|${name.name}`);
              const list = known ? indexes.get(known.table) : undefined;
              if (!list || !known || !list.includes(known.columns)) continue;
              const served = (fksByTable.get(known.table) ?? []).filter((fk) =>
                list.some((cols) => covers(cols, fk.columns)),
              );
              list.splice(list.indexOf(known.columns), 1);
              for (const fk of served)
                if (!list.some((cols) => covers(cols, fk.columns))) fk.uncoveredBy = { op, index: name.name };
            }
            break;
          case 'drop-table':
            for (const t of op.tables) {
              indexes.delete(key(t));
              fksByTable.delete(key(t));
            }
            break;
          case 'drop-constraint':
            // ORMs change ON DELETE by dropping and re-adding the constraint: the dropped one is gone.
            keep(op.table, (fk) => fk.name !== op.name);
            break;
          case 'drop-column':
            keep(op.table, (fk) => !fk.columns.includes(op.column));
            break;
          case 'rename-column': {
            // Indexes and keys follow a renamed column (drizzle-kit and Prisma rename rather than rebuild).
            const rename = (c: string) => (c === op.column ? op.newName : c);
            for (const cols of indexes.get(key(op.table)) ?? []) cols.splice(0, cols.length, ...cols.map(rename));
            for (const fk of fksByTable.get(key(op.table)) ?? []) fk.columns = fk.columns.map(rename);
            break;
          }
          case 'rename-table': {
            const from = key(op.table);
            const renamed = { ...op.table, name: op.newName };
            const to = key(renamed);
            const list = indexes.get(from);
            if (list) indexes.set(to, [...(indexes.get(to) ?? []), ...list]);
            indexes.delete(from);
            for (const entry of indexByName.values()) if (entry.table === from) entry.table = to;
            const fks = fksByTable.get(from);
            if (fks)
              fksByTable.set(to, [...(fksByTable.get(to) ?? []), ...fks.map((fk) => ({ ...fk, table: renamed }))]);
            fksByTable.delete(from);
            for (const [k, keys] of fksByTable)
              if (k.startsWith(`${set}|`))
                for (const fk of keys) if (key(fk.references) === from) fk.references = renamed;
            break;
          }
          default:
            break;
        }
      }
    }
    // One finding per child table and columns, at the last constraint on them (the one in force).
    const last = new Map<string, { fk: ForeignKey; table: string }>();
    for (const [table, list] of fksByTable)
      for (const fk of list) last.set(`${table}(${[...fk.columns].sort().join(',')})`, { fk, table });
    for (const { fk, table } of last.values()) {
      if ((indexes.get(table) ?? []).some((cols) => covers(cols, fk.columns))) continue;
      const cols = fk.columns.map(quoteIdent).join(', ');
      if (fk.uncoveredBy) {
        context.report(
          fk.uncoveredBy.op.span,
          `Dropping index ${quoteIdent(fk.uncoveredBy.index)} leaves foreign key ${tableName(fk.table)} (${cols}) → ${tableName(fk.references)} without an index: every DELETE on ${tableName(fk.references)}, and every update of its key, scans ${tableName(fk.table)}.`,
          {
            help: `Keep an index on ${tableName(fk.table)} (${cols}) — build the replacement CONCURRENTLY before dropping this one.`,
            ...(fk.uncoveredBy.op.revision ? { revision: fk.uncoveredBy.op.revision } : {}),
          },
        );
        continue;
      }
      // Named as written at the constraint; renamed since, the names to index by are said too.
      const { written } = fk;
      const writtenCols = written.columns.map(quoteIdent).join(', ');
      const now = `${tableName(fk.table)} (${cols})`;
      const renamed = `${tableName(written.table)} (${writtenCols})` !== now ? ` (renamed since: ${now})` : '';
      context.report(
        fk.at,
        `Foreign key ${tableName(written.table)} (${writtenCols}) → ${tableName(written.references)} has no index on ${tableName(written.table)} (${writtenCols}) in the migrations linted${renamed}: every DELETE on ${tableName(fk.references)}, and every update of its key, scans ${tableName(fk.table)}.`,
        {
          help: `CREATE INDEX CONCURRENTLY ON ${tableName(fk.table)} (${cols}); — or, if such an index exists outside these migrations, ignore this with a comment that says where.`,
          ...(fk.op.revision ? { revision: fk.op.revision } : {}),
        },
      );
    }
  },
};
