import type { ConstraintDef, ConstraintType, DropConstraintOp, QualifiedName } from '../ir/types.js';
import type { RuleContext, Rule } from './types.js';
import { type ConstraintFacts, tableKey } from '../analysis/schema-state.js';
import { describeLock, quoteIdent, tableName } from './support/helpers.js';
import { generatedConstraintName } from './anonymous-constraint.js';
import { constraintCreatedByOwnUpgrade, constraintsCreatedBy } from './support/migration-facts.js';

/** What stops being enforced, by constraint type. */
const LOST: Record<ConstraintType, string> = {
  'foreign-key': 'rows pointing at missing parents can be written from then on',
  check: 'values the CHECK rejected can be written from then on',
  unique: 'duplicates can be written from then on, its index goes with it, and ON CONFLICT on those columns fails',
  'primary-key':
    'duplicate and NULL keys can be written from then on, its index goes with it, and foreign keys that reference it must go first',
  exclusion: 'overlapping rows can be written from then on, and its index goes with it',
  'not-null': 'NULLs can be written from then on',
};

/** The same table, where one side may leave the schema to the search_path (Alembic's `source_schema=` on one call only). */
function sameTable(a: QualifiedName, b: QualifiedName): boolean {
  return a.name === b.name && (a.schema === undefined || b.schema === undefined || a.schema === b.schema);
}

function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((c, i) => c === b[i]);
}

/** This migration (same direction) creates the constraint before dropping it: nothing relied on it yet. */
function createdEarlier(context: RuleContext, drop: DropConstraintOp): boolean {
  const key = tableKey(drop.table);
  for (const op of context.ops) {
    if (op === drop) return false;
    if (constraintsCreatedBy(op).some((c) => tableKey(c.table) === key && c.constraint.name === drop.name)) return true;
  }
  return false;
}

const NOT_COLUMNS = new Set(['and', 'or', 'not', 'null', 'is', 'in', 'between', 'true', 'false', 'like', 'any', 'all']);

/** The names a CHECK expression uses (its columns, and any function names), string literals left out. */
function expressionNames(expression: string | undefined): Set<string> {
  const names = (expression ?? '').replace(/'(?:[^']|'')*'/g, ' ').match(/"[^"]+"|[a-z_][a-z0-9_$]*/gi) ?? [];
  return new Set(names.map((n) => n.replace(/^"|"$/g, '')).filter((n) => !NOT_COLUMNS.has(n.toLowerCase())));
}

/** Two constraints guard the same thing: the same type on the same columns (for CHECKs, on a common column). */
function sameGuarantee(dropped: Readonly<ConstraintFacts>, added: ConstraintDef): boolean {
  if (dropped.type !== added.type) return false;
  if (dropped.type !== 'check') return sameColumns(dropped.columns, added.columns);
  const before = new Set([...dropped.columns, ...expressionNames(dropped.expression)]);
  return [...added.columns, ...expressionNames(added.expression)].some((n) => before.has(n));
}

const DEFAULT_NAME_SUFFIX: Partial<Record<ConstraintType, string>> = {
  'foreign-key': 'fkey',
  unique: 'key',
  check: 'check',
  exclusion: 'excl',
};

/** The name Postgres gives the constraint when it is created without one (`orders_account_id_fkey`, `orders_pkey`). */
function postgresDefaultName(table: string, c: ConstraintDef): string | undefined {
  if (c.type === 'primary-key') return generatedConstraintName(table, [], 'pkey');
  const suffix = DEFAULT_NAME_SUFFIX[c.type];
  if (!suffix || c.columns.length === 0) return undefined;
  return generatedConstraintName(table, c.columns, suffix);
}

/**
 * The same migration puts an equivalent constraint in place: later, one with the same name; before or
 * after, when the set shows what the dropped one was, one of the same type on the same columns (a foreign
 * key re-created with another ON DELETE, a new CHECK added and validated before the old one goes).
 */
function replaced(context: RuleContext, drop: DropConstraintOp, dropped: Readonly<ConstraintFacts> | undefined) {
  let after = false;
  for (const op of context.ops) {
    if (op === drop) {
      after = true;
      continue;
    }
    // A unique index keeps what a UNIQUE constraint guaranteed (Alembic's create_index(…, unique=True) after the drop).
    if (op.kind === 'create-index' && op.unique && !op.where && sameTable(op.table, drop.table)) {
      if (op.name === drop.name) return true;
      if (
        dropped &&
        (dropped.type === 'unique' || dropped.type === 'primary-key') &&
        sameColumns(dropped.columns, op.columns)
      )
        return true;
    }
    for (const { table, constraint } of constraintsCreatedBy(op)) {
      if (!sameTable(table, drop.table)) continue;
      if (after && constraint.name === drop.name) return true;
      if (dropped && sameGuarantee(dropped, constraint)) return true;
      // What the set does not show, the name does: Postgres named the dropped one for this type and these columns.
      if (!dropped && postgresDefaultName(drop.table.name, constraint) === drop.name) return true;
    }
  }
  return false;
}

/**
 * A later op of the same migration drops the table, or a column the constraint is on (as the set shows it, or as
 * the name Postgres generated for it shows: `duplication_rule_creator_id_fkey` is on `creator_id`): the loss is
 * that drop's, which ban-drop-column and ban-drop-table report.
 */
function goesWithLaterDrop(
  context: RuleContext,
  drop: DropConstraintOp,
  dropped: Readonly<ConstraintFacts> | undefined,
) {
  const after = context.ops.slice(context.ops.indexOf(drop) + 1);
  return after.some(
    (op) =>
      (op.kind === 'drop-table' && op.tables.some((t) => sameTable(t, drop.table))) ||
      (op.kind === 'drop-column' &&
        sameTable(op.table, drop.table) &&
        (dropped ? dropped.columns.includes(op.column) : drop.name.startsWith(`${drop.table.name}_${op.column}_`))),
  );
}

export const banDropConstraint: Rule = {
  meta: {
    id: 'ban-drop-constraint',
    severity: 'warning',
    aliases: ['drop-constraint'],
    summary:
      'DROP CONSTRAINT removes a guarantee the data and the application rely on, under a brief ACCESS EXCLUSIVE lock.',
    docs: {
      what:
        '`ALTER TABLE … DROP CONSTRAINT` on a table that existed before this migration. Not flagged: constraints created ' +
        'earlier in the same migration; a drop the same migration makes good — a constraint of the same name added back ' +
        'after it, or, when the migration set shows what the dropped one was, one of the same type on the same columns ' +
        '(for a `CHECK`, on a column it names) added before or after it, or, when the set does not show it, one for which ' +
        'Postgres would generate the dropped name (`orders_account_id_fkey` for a foreign key on `orders.account_id` added ' +
        'without a name) — a foreign key re-created with another `ON DELETE`, a new CHECK validated before the old one ' +
        'goes, a unique index built on the columns of a dropped `UNIQUE` constraint (or under its name); a constraint on a table or column that a later statement of the migration drops (ban-drop-table and ' +
        'ban-drop-column report that loss); and, in a downgrade, a constraint the same ' +
        "migration's upgrade added (removing it is that migration's reverse).",
      why:
        'From the commit on, Postgres stops enforcing what the constraint guaranteed: orphaned rows after a foreign key, ' +
        'duplicates after a `UNIQUE` or primary key (whose index is dropped with it, so `ON CONFLICT` on those columns ' +
        'fails and lookups by them may turn into scans), out-of-range values after a `CHECK`. Code that relies on the ' +
        'guarantee keeps running, and the bad data it lets in is hard to clean up later; getting the constraint back means ' +
        'validating every row again. The drop itself is a catalog change but takes an `ACCESS EXCLUSIVE` lock on the ' +
        'table — and, for a foreign key, on the table it references as well (both verified on PostgreSQL 15) — so it ' +
        'queues behind any long transaction on either table and blocks every query behind it while it waits.',
      instead:
        'Drop a constraint only once nothing relies on it, with a short lock_timeout. To change a constraint, add the new ' +
        'one first (`NOT VALID`, then `VALIDATE`, each committed on its own), then drop the old one:\n\n' +
        '```sql\n' +
        "SET lock_timeout = '2s';\n" +
        'ALTER TABLE orders ADD CONSTRAINT orders_total_nonnegative CHECK (total >= 0) NOT VALID;\n' +
        '-- commit, then:\n' +
        'ALTER TABLE orders VALIDATE CONSTRAINT orders_total_nonnegative;\n' +
        '-- commit, then:\n' +
        'ALTER TABLE orders DROP CONSTRAINT orders_total_positive;\n' +
        '```',
    },
    lock: {
      mode: 'AccessExclusiveLock',
      setup:
        'CREATE TABLE orders (id bigint PRIMARY KEY, total integer CONSTRAINT orders_total_positive CHECK (total > 0));',
      statement: 'ALTER TABLE orders DROP CONSTRAINT orders_total_positive;',
      relation: 'orders',
    },
  },
  create(context) {
    return {
      'drop-constraint'(op) {
        if (context.isNewTable(op.table) || createdEarlier(context, op)) return;
        if (constraintCreatedByOwnUpgrade(context, op.table, op.name)) return;
        const dropped = context.constraints(op.table).get(op.name);
        if (replaced(context, op, dropped) || goesWithLaterDrop(context, op, dropped)) return;
        const t = tableName(op.table);
        const what = dropped ? LOST[dropped.type] : 'whatever it guaranteed stops being enforced';
        const referenced = dropped?.type === 'foreign-key' ? ' (and on the table the foreign key references)' : '';
        context.report(
          op,
          `Dropping constraint ${quoteIdent(op.name)} on ${t}: ${what}.${op.cascade ? ' CASCADE also drops the constraints that depend on it (foreign keys referencing its index).' : ''}`,
          {
            lock: `${describeLock('AccessExclusiveLock', op.table)}${referenced}`,
            help: 'Drop it only once no code relies on the guarantee. To change the constraint, add the new one first (NOT VALID, then VALIDATE CONSTRAINT), then drop the old one.',
          },
        );
      },
    };
  },
};
