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
    'duplicate keys can be written from then on (its columns stay NOT NULL), its index goes with it, and foreign keys that reference it must go first',
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

/** A constraint of the table besides the dropped one, as the migration set shows it. */
interface OtherConstraint {
  name: string | undefined;
  type: ConstraintType;
  columns: readonly string[];
  expression?: string | undefined;
  /** A foreign key's referenced table, when known. */
  references?: QualifiedName | undefined;
  /** Added by this migration (rather than left on the table by an earlier one). */
  addedHere: boolean;
}

function fromDef(c: ConstraintDef): OtherConstraint {
  return {
    name: c.name,
    type: c.type,
    columns: c.columns,
    expression: c.expression,
    references: c.references?.table,
    addedHere: true,
  };
}

/**
 * The migration points the foreign key somewhere else: a new one on the same columns (or on more, the others
 * NOT NULL, so that MATCH SIMPLE checks every row) to another table. Every row still names an existing parent.
 */
function retargets(
  context: RuleContext,
  drop: DropConstraintOp,
  dropped: Readonly<ConstraintFacts>,
  added: ConstraintDef,
): boolean {
  return (
    dropped.type === 'foreign-key' &&
    added.type === 'foreign-key' &&
    dropped.columns.length > 0 &&
    dropped.columns.every((c) => added.columns.includes(c)) &&
    added.columns.every((c) => dropped.columns.includes(c) || context.column(drop.table, c)?.notNull === true)
  );
}

/**
 * The other constraint keeps what the dropped one guaranteed: for a UNIQUE, a UNIQUE or primary key on the same
 * columns or fewer of them (uniqueness on fewer columns implies it on more); for a foreign key, one on the same
 * columns to the same table (when the set shows either's target); otherwise the same type on the same columns (for
 * CHECKs, on a common column).
 */
function keepsGuarantee(dropped: Readonly<ConstraintFacts>, other: OtherConstraint): boolean {
  if (dropped.type === 'unique' && (other.type === 'unique' || other.type === 'primary-key'))
    return other.columns.length > 0 && other.columns.every((c) => dropped.columns.includes(c));
  if (dropped.type !== other.type) return false;
  if (
    dropped.type === 'foreign-key' &&
    dropped.references &&
    other.references &&
    !sameTable(dropped.references, other.references)
  )
    return false;
  if (dropped.type !== 'check') return sameColumns(dropped.columns, other.columns);
  const before = new Set([...dropped.columns, ...expressionNames(dropped.expression)]);
  return [...other.columns, ...expressionNames(other.expression)].some((n) => before.has(n));
}

const DEFAULT_NAME_SUFFIX: Partial<Record<ConstraintType, string>> = {
  'foreign-key': 'fkey',
  unique: 'key',
  check: 'check',
  exclusion: 'excl',
};

/** The name Postgres gives the constraint when it is created without one (`orders_account_id_fkey`, `orders_pkey`). */
function postgresDefaultName(
  table: string,
  c: { type: ConstraintType; columns: readonly string[] },
): string | undefined {
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
      if (dropped && (keepsGuarantee(dropped, fromDef(constraint)) || retargets(context, drop, dropped, constraint)))
        return true;
      // What the set does not show, the name does: Postgres named the dropped one for this type and these columns
      // (not a primary key: `<table>_pkey` does not say which columns it was on).
      if (
        !dropped &&
        constraint.type !== 'primary-key' &&
        postgresDefaultName(drop.table.name, constraint) === drop.name
      )
        return true;
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

/**
 * What the set shows about the dropped constraint: by its name, or — created without one — the constraint for
 * which Postgres generated that name (`notifications_template_id_fkey` for a foreign key on `template_id`).
 */
function droppedFacts(
  context: RuleContext,
  drop: DropConstraintOp,
): [key: string, facts: Readonly<ConstraintFacts>] | undefined {
  const constraints = context.constraints(drop.table);
  const named = constraints.get(drop.name);
  if (named) return [drop.name, named];
  const generated = [...constraints].filter(
    ([name, c]) => name.startsWith('(unnamed ') && postgresDefaultName(drop.table.name, c) === drop.name,
  );
  return generated.length === 1 ? generated[0] : undefined;
}

/** The table's other constraints: those earlier migrations left on it, then those this migration adds. */
function otherConstraints(context: RuleContext, drop: DropConstraintOp, droppedKey?: string): OtherConstraint[] {
  const standing = [...context.constraints(drop.table)]
    .filter(([name]) => name !== drop.name && name !== droppedKey)
    .map(([name, c]) => ({
      name: name.startsWith('(unnamed ') ? undefined : name,
      type: c.type,
      columns: c.columns,
      expression: c.expression,
      references: c.references,
      addedHere: false,
    }));
  const added = context.ops.flatMap((op) =>
    constraintsCreatedBy(op)
      .filter(({ table, constraint }) => sameTable(table, drop.table) && constraint.name !== drop.name)
      .map(({ constraint }) => fromDef(constraint)),
  );
  return [...standing, ...added];
}

const columnList = (columns: readonly string[]) => `(${columns.map(quoteIdent).join(', ')})`;

/** `UNIQUE constraint uq__user__email on (email, authority)`, `foreign key orders_fk on (account_id) to accounts`. */
function describe(c: OtherConstraint): string {
  const type = {
    'foreign-key': 'foreign key',
    check: 'CHECK constraint',
    unique: 'UNIQUE constraint',
    'primary-key': 'primary key',
    exclusion: 'exclusion constraint',
    'not-null': 'NOT NULL constraint',
  }[c.type];
  const on = c.columns.length ? ` on ${columnList(c.columns)}` : '';
  const to = c.references ? ` to ${tableName(c.references)}` : '';
  return `${type}${c.name ? ` ${quoteIdent(c.name)}` : ''}${on}${to}`;
}

const isUnique = (c: { type: ConstraintType }) => c.type === 'unique' || c.type === 'primary-key';

/**
 * What is lost, in the terms the set shows: a constraint that still covers part of the dropped one's ground (or
 * took its name after an earlier RENAME CONSTRAINT moved it aside) is named, with what it does not cover.
 */
function lossMessage(
  context: RuleContext,
  drop: DropConstraintOp,
  found: [key: string, facts: Readonly<ConstraintFacts>] | undefined,
): string {
  const others = otherConstraints(context, drop, found?.[0]);
  const dropped = found?.[1];
  if (!dropped) {
    const former = context.formerConstraintName(drop.table, drop.name);
    if (former === undefined) return 'whatever it guaranteed stops being enforced';
    const successor = others.find((c) => c.name === former);
    if (!successor)
      return `whatever it guaranteed stops being enforced (an earlier migration renamed it from ${quoteIdent(former)})`;
    return (
      `an earlier migration renamed it from ${quoteIdent(former)} and put a new ${describe(successor)} in its place, ` +
      'but the set does not show what the dropped one covered: whatever it guaranteed beyond the new one stops being ' +
      `enforced${isUnique(successor) ? ' (were it on fewer columns, values it kept unique can repeat from then on)' : ''}`
    );
  }
  const covers = (c: OtherConstraint) => dropped.columns.every((col) => c.columns.includes(col));
  if (dropped.type === 'foreign-key') {
    const wider = others.find((c) => c.type === 'foreign-key' && covers(c));
    if (wider?.addedHere) {
      // Not a retarget (see `retargets`): some of its other columns may be NULL, and MATCH SIMPLE (the default)
      // skips the whole check for a row with a NULL in any of them.
      const nullable = wider.columns.filter(
        (col) => !dropped.columns.includes(col) && context.column(drop.table, col)?.notNull !== true,
      );
      return (
        `the ${describe(wider)} takes over, but a row with ${columnList(nullable)} NULL passes it unchecked ` +
        `(MATCH SIMPLE, the default): its ${columnList(dropped.columns)} is checked against nothing from then on`
      );
    }
    if (wider) {
      const target = dropped.references ? ` against ${tableName(dropped.references)}` : '';
      return `the ${describe(wider)} is in force, but nothing checks ${columnList(dropped.columns)}${target} from then on: rows can name parents that are not there`;
    }
  }
  if (isUnique(dropped)) {
    const wider = others.find((c) => isUnique(c) && covers(c));
    if (wider)
      return `the ${describe(wider)} is in force, but ${columnList(dropped.columns)} values can repeat from then on where the rest of it differs`;
    // A unique index on more columns: earlier migrations' or this one's (`create_index(…, unique=True)` after the drop).
    const indexes = [
      ...context.uniqueIndexes(drop.table),
      ...context.ops.flatMap((o) =>
        o.kind === 'create-index' && o.unique && !o.where && o.name && sameTable(o.table, drop.table)
          ? [{ name: o.name, columns: o.columns }]
          : [],
      ),
    ];
    const index = indexes.find((ix) => ix.name !== drop.name && dropped.columns.every((c) => ix.columns.includes(c)));
    if (index)
      return `the unique index ${quoteIdent(index.name)} on (${index.columns.join(', ')}) is in force, but ${columnList(dropped.columns)} values can repeat from then on where the rest of it differs`;
  }
  return LOST[dropped.type];
}

/** The columns an index expression reads: identifiers that are not function names, casts' types, keywords or strings. */
function expressionColumns(expression: string): string[] {
  const bare = expression.replace(/'(?:[^']|'')*'/g, ' ').replace(/::\s*"?[a-z_][a-z0-9_ ]*"?/gi, ' ');
  const names = bare.match(/"[^"]+"(?!\s*\()|\b[a-z_][a-z0-9_$]*\b(?!\s*[(.])/gi) ?? [];
  return names.map((n) => n.replace(/^"|"$/g, '')).filter((n) => !NOT_COLUMNS.has(n.toLowerCase()));
}

/**
 * A unique index that keeps the dropped key's values unique: each element one of its columns, or an expression of
 * its columns alone (index expressions are immutable, so equal values give equal results and collide).
 */
function uniqueIndexKeeping(context: RuleContext, drop: DropConstraintOp, dropped: Readonly<ConstraintFacts>) {
  return context.uniqueIndexes(drop.table).find(
    (ix) =>
      ix.name !== drop.name &&
      ix.columns.length > 0 &&
      ix.columns.every((element) => {
        if (dropped.columns.includes(element)) return true;
        const used = element.includes('(') ? expressionColumns(element) : [];
        return used.length > 0 && used.every((c) => dropped.columns.includes(c));
      }),
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
        'without a name; never for a primary key, whose `<table>_pkey` does not say which columns) — a foreign key re-created with another `ON DELETE`, a new CHECK validated before the old one ' +
        'goes, a unique index built on the columns of a dropped `UNIQUE` constraint (or under its name); a constraint that ' +
        'an earlier migration already doubled (the last step of rename aside, build anew, drop: a `UNIQUE` or primary key ' +
        'on the same columns or fewer of them, a foreign key on the same columns to the same table); a `UNIQUE` or ' +
        "primary key whose values a unique index the set shows keeps unique, each of its elements one of the key's " +
        'columns or an expression of those alone (`lower(email)` keeps `email` unique: index expressions are immutable, ' +
        'so equal values collide; one that turned a value into NULL would not), unless CASCADE also drops the foreign ' +
        'keys on it; a foreign key the migration points at another table on the same columns (or on more, the others ' +
        'NOT NULL: every row still names an existing parent); a constraint on a table or column that a later statement ' +
        'of the migration drops (ban-drop-table and ' +
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
        const found = droppedFacts(context, op);
        const dropped = found?.[1];
        if (replaced(context, op, dropped) || goesWithLaterDrop(context, op, dropped)) return;
        // An earlier migration already put an equivalent in place (the second step of rename, re-create, drop).
        // (A CHECK is not matched this way: two CHECKs on one column rarely say the same thing.)
        if (
          dropped &&
          dropped.type !== 'check' &&
          otherConstraints(context, op, found[0]).some((c) => keepsGuarantee(dropped, c))
        )
          return;
        const keeping = dropped && isUnique(dropped) ? uniqueIndexKeeping(context, op, dropped) : undefined;
        // Without CASCADE nothing else goes: the index keeps the values unique. With it, the foreign keys do.
        if (keeping && !op.cascade) return;
        const t = tableName(op.table);
        const what =
          keeping && dropped
            ? `the unique index ${quoteIdent(keeping.name)} on (${keeping.columns.join(', ')}) keeps ${columnList(dropped.columns)} unique`
            : lossMessage(context, op, found);
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
