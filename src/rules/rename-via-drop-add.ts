import type { AddColumnOp, DropColumnOp, Operation, TypeRef } from '../ir/types.js';
import type { Rule } from './types.js';
import { tableKey } from '../analysis/schema-state.js';
import { quoteIdent, tableName } from './support/helpers.js';
import { createdByOwnUpgrade } from './support/migration-facts.js';

interface Drop {
  op: DropColumnOp;
  /** The dropped column's type as earlier migrations show it. */
  type?: TypeRef;
}

function sameType(a: TypeRef | undefined, b: TypeRef): boolean {
  return (
    a !== undefined &&
    a.name === b.name &&
    a.arrayDims === b.arrayDims &&
    a.modifiers.join(',') === b.modifiers.join(',')
  );
}

// Families of types a rename keeps the values of (a retype within a family converts in place).
const TYPE_FAMILY: Record<string, string> = {};
for (const [family, names] of Object.entries({
  number: [
    'int2',
    'int4',
    'int8',
    'smallint',
    'integer',
    'bigint',
    'serial',
    'bigserial',
    'smallserial',
    'numeric',
    'decimal',
    'float4',
    'float8',
    'real',
    'money',
  ],
  text: ['text', 'varchar', 'bpchar', 'char', 'citext', 'name'],
  time: ['timestamp', 'timestamptz', 'date'],
  json: ['json', 'jsonb'],
})) {
  for (const n of names) TYPE_FAMILY[n] = family;
}
const BUILTIN = new Set([
  ...Object.keys(TYPE_FAMILY),
  'bool',
  'boolean',
  'uuid',
  'bytea',
  'time',
  'timetz',
  'interval',
  'inet',
  'cidr',
  'tsvector',
  'xml',
  'point',
  'geometry',
  'geography',
]);

/**
 * Could the added column hold the dropped column's values? Same family, or text and an enum / uuid
 * (both cast to and from text). An unknown old type does not rule a pair out.
 */
function convertible(from: TypeRef | undefined, to: TypeRef): boolean {
  if (!from) return true;
  if (from.arrayDims !== to.arrayDims) return false;
  if (from.name === to.name) return true;
  const f = TYPE_FAMILY[from.name];
  const t = TYPE_FAMILY[to.name];
  if (f && f === t) return true;
  const textLike = (x: TypeRef) => TYPE_FAMILY[x.name] === 'text' || x.name === 'uuid' || !BUILTIN.has(x.name);
  return textLike(from) && textLike(to) && (TYPE_FAMILY[from.name] === 'text' || TYPE_FAMILY[to.name] === 'text');
}

/** Words of a column name: snake_case, kebab-case and camelCase split, lower-cased. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

// Words too common in column names to tie two columns together on their own.
const GENERIC_WORDS = new Set([
  'id',
  'ids',
  'at',
  'on',
  'by',
  'is',
  'has',
  'of',
  'to',
  'for',
  'in',
  'the',
  'a',
  'date',
  'time',
  'type',
  'count',
  'num',
  'number',
  'value',
  'flag',
  'key',
  'fk',
  'ref',
]);

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * How much a new column name reads like a rename of the old one, 0 (unrelated) to 1 (same words):
 * the share of meaningful words they have in common, or the closeness of the spellings (a typo fix,
 * `colour` → `color`), whichever is higher. Below `PLAUSIBLE_RENAME` the pair is not a rename.
 */
export function renameLikeness(from: string, to: string): number {
  const a = nameWords(from);
  const b = nameWords(to);
  const joinedA = a.join('');
  const joinedB = b.join('');
  if (joinedA === joinedB) return 1;
  const spelling = 1 - editDistance(joinedA, joinedB) / Math.max(joinedA.length, joinedB.length);
  const meaningfulA = new Set(a.filter((w) => !GENERIC_WORDS.has(w)));
  const meaningfulB = new Set(b.filter((w) => !GENERIC_WORDS.has(w)));
  const shared = [...meaningfulA].filter((w) => meaningfulB.has(w)).length;
  // Dice coefficient over the meaningful words.
  const words = meaningfulA.size + meaningfulB.size ? (2 * shared) / (meaningfulA.size + meaningfulB.size) : 0;
  return Math.max(words, spelling >= 0.8 ? spelling : 0);
}
const PLAUSIBLE_RENAME = 0.5;

function where(drop: DropColumnOp, add: AddColumnOp): string {
  return add.statementIndex === drop.statementIndex ? 'in the same statement' : `at line ${add.span.line}`;
}

/**
 * Pairs each dropped column with at most one column added to the same table: a re-creation under
 * the same name, else the added column whose name reads most like a rename of it, among those of a
 * type its values convert to. Best matches are taken first, so a close match added in the same
 * statement wins over an unrelated column that happens to come first.
 */
function pair(drops: Drop[], adds: AddColumnOp[]): [Drop, AddColumnOp][] {
  const candidates: { d: Drop; a: AddColumnOp; score: number }[] = [];
  for (const d of drops) {
    for (const a of adds) {
      if (tableKey(a.table) !== tableKey(d.op.table)) continue;
      if (a.column.name === d.op.column) {
        candidates.push({ d, a, score: 2 });
        continue;
      }
      if (!convertible(d.type, a.column.type)) continue;
      const likeness = renameLikeness(d.op.column, a.column.name);
      if (likeness >= PLAUSIBLE_RENAME)
        candidates.push({ d, a, score: likeness + (sameType(d.type, a.column.type) ? 0.01 : 0) });
    }
  }
  candidates.sort(
    (x, y) => y.score - x.score || drops.indexOf(x.d) - drops.indexOf(y.d) || adds.indexOf(x.a) - adds.indexOf(y.a),
  );
  const pairs: [Drop, AddColumnOp][] = [];
  const free = new Set(adds);
  const unpaired = new Set(drops);
  for (const { d, a } of candidates) {
    if (!unpaired.has(d) || !free.has(a)) continue;
    pairs.push([d, a]);
    free.delete(a);
    unpaired.delete(d);
  }
  // Report in source order of the drops.
  return pairs.sort((x, y) => drops.indexOf(x[0]) - drops.indexOf(y[0]));
}

/**
 * The migration copies the old column's values somewhere before dropping it (`UPDATE t SET new = f(old)`,
 * `INSERT INTO other SELECT old FROM t`): the drop/add is an expand-and-contract, not a loss.
 */
function carriedOver(ops: readonly Operation[], drop: DropColumnOp): boolean {
  const end = ops.indexOf(drop);
  const table = tableKey(drop.table);
  for (const op of ops.slice(0, end)) {
    if (op.kind !== 'data-change' || !op.reads?.includes(drop.column)) continue;
    if (op.sources?.some((t) => tableKey(t) === table)) return true;
  }
  return false;
}

/**
 * A step between the add and the drop that may change data and that the frontend could not read:
 * a call it does not know (ORM session work), or a data change given without its SQL.
 */
function opaqueStepBetween(ops: readonly Operation[], add: AddColumnOp, drop: DropColumnOp): Operation | undefined {
  const from = ops.indexOf(add);
  const to = ops.indexOf(drop);
  if (from === -1 || from > to) return undefined;
  const opaque = ops
    .slice(from + 1, to)
    .filter((op) => op.kind === 'unknown' || (op.kind === 'data-change' && !op.reads));
  // The one that fills the new column, when one says so (`UPDATE t SET new = <code's value>`), is the one to name.
  const fills = opaque.find(
    (op) =>
      op.kind === 'data-change' &&
      op.table !== undefined &&
      tableKey(op.table) === tableKey(add.table) &&
      op.assigns?.includes(add.column.name),
  );
  return fills ?? opaque[0];
}

/** After the drop, the added column is renamed to the dropped column's name. */
function swappedIn(ops: readonly Operation[], add: AddColumnOp, drop: DropColumnOp): boolean {
  return ops
    .slice(ops.indexOf(drop) + 1)
    .some(
      (op) =>
        op.kind === 'rename-column' &&
        tableKey(op.table) === tableKey(add.table) &&
        op.column === add.column.name &&
        op.newName === drop.column,
    );
}

export const renameViaDropAdd: Rule = {
  meta: {
    id: 'rename-via-drop-add',
    severity: 'error',
    summary:
      'A migration drops a column and adds one to the same table: usually a rename or type change turned into data loss.',
    docs: {
      what:
        'Flags a migration that drops a column of an existing table and adds a column to the same table that reads as its ' +
        'replacement: the same name (re-created, typically for a type change), or a plausible rename — a name sharing the ' +
        'meaningful words of the old one (`name` → `full_name`, `enabledX` → `xEnabled`) or spelled almost alike, of a type the ' +
        'old values convert to. Schema-diff tools (Prisma, Drizzle, TypeORM, Alembic autogenerate) produce exactly this when a ' +
        'field is renamed or retyped in the model. The finding is on the `DROP COLUMN`, the statement that loses the data, and ' +
        'names the `ADD COLUMN` with its line; the closest match is paired first. Not flagged: columns of tables created in the ' +
        "same migration; in a downgrade, columns the same migration's upgrade added; stored generated columns (their values are " +
        'computed); a drop preceded by a statement that reads the old column of that table (`UPDATE t SET new = f(old)`, ' +
        '`INSERT … SELECT old FROM t`: the values were carried over). When code the linter cannot read (ORM session work) runs ' +
        'between the add and the drop, the finding is a warning naming that code — unless the new column then takes the old ' +
        'name, which shows the code moved the values.',
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
        const known = context.column(op.table, op.column);
        // A stored generated column's values are computed from other columns: dropping it loses nothing.
        if (known?.generated === 'stored') return;
        if (carriedOver(context.ops, op)) return;
        const d: Drop = { op };
        if (known?.type) d.type = known.type;
        drops.push(d);
      },
      'add-column'(op) {
        // A generated column computes its values: it is not where a dropped column's values went.
        if (op.column.generated === 'stored') return;
        if (!context.isNewTable(op.table)) adds.push(op);
      },
      end() {
        for (const [d, a] of pair(drops, adds)) {
          const t = tableName(d.op.table);
          const old = quoteIdent(d.op.column);
          const next = quoteIdent(a.column.name);
          const opaque = opaqueStepBetween(context.ops, a, d.op);
          // Add a new column, run code, drop the old one and give the new one its name: the code moved the values.
          if (opaque && swappedIn(context.ops, a, d.op)) continue;
          // Code this linter cannot read runs between the add and the drop: it may copy the values.
          const unless = opaque
            ? ` unless the code at line ${opaque.span.line} copies ${old} into ${next} (it cannot be read here)`
            : '';
          const severity = opaque ? ({ severity: 'warning' } as const) : {};
          if (d.op.column === a.column.name) {
            const change =
              d.type && !sameType(d.type, a.column.type) ? ` (${d.type.text} → ${a.column.type.text})` : '';
            context.report(
              d.op,
              `Column ${t}.${old} is dropped and re-created ${where(d.op, a)}${change}: every existing value is lost${unless}.`,
              {
                help: `Keep the data: ALTER TABLE ${t} ALTER COLUMN ${old} TYPE ${a.column.type.text} USING ${old}::${a.column.type.text} — or add a new column, backfill it, and drop ${old} later.`,
                ...severity,
                related: [{ span: a.span, message: `${t}.${next} is re-created here` }],
              },
            );
          } else {
            const change = d.type && !sameType(d.type, a.column.type) ? `, ${d.type.text} → ${a.column.type.text}` : '';
            context.report(
              d.op,
              `Column ${t}.${old} is dropped and ${t}.${next} is added ${where(d.op, a)}${change}: if this is a rename, every value of ${old} is lost${unless}.`,
              {
                help: `For a rename: ALTER TABLE ${t} RENAME COLUMN ${old} TO ${next}; (or add ${next}, copy ${old} into it, and drop ${old} in a later migration).`,
                ...severity,
                related: [{ span: a.span, message: `${t}.${next} is added here` }],
              },
            );
          }
        }
      },
    };
  },
};
