/**
 * What the ops of a migration set have established so far: columns and their facts, validated NOT NULL
 * checks, which table each index is on, and the relations a migration created. The engine updates it
 * op by op; rules read it through their context.
 */
import { mentionsColumn } from '../ir/identifiers.js';
import type { ColumnDef, ConstraintDef, ConstraintType, Operation, QualifiedName, TypeRef } from '../ir/types.js';

/** What the migration set has shown about one constraint so far. */
export interface ConstraintFacts {
  type: ConstraintType;
  columns: readonly string[];
  /** A CHECK's expression, as the frontend rendered it. */
  expression?: string;
  /** A foreign key's referenced table. */
  references?: QualifiedName;
  /** Validated: created without NOT VALID, or validated since. */
  valid: boolean;
}

/** What the migration set has shown about one column so far. */
export interface ColumnFacts {
  /** Undefined when no op seen states it (the column's creation was not seen). */
  type?: TypeRef;
  /**
   * NOT NULL per the ops seen: created NOT NULL or in a primary key, SET NOT NULL, a valid NOT NULL
   * constraint; false after DROP NOT NULL or created nullable; undefined when no op seen states it.
   */
  notNull?: boolean;
  generated?: 'stored' | 'identity';
}

export function tableKey(t: QualifiedName): string {
  return `${t.schema ?? 'public'}.${t.name}`;
}

/** Index → the table it is on, with the reverse so that dropping or renaming a table costs its own indexes, not all of them. */
class IndexTables {
  private readonly table = new Map<string, QualifiedName>();
  private readonly byTable = new Map<string, Set<string>>();
  /** Unique indexes without a WHERE, on plain columns → those columns (what `ADD CONSTRAINT … USING INDEX` guarantees). */
  private readonly uniqueOn = new Map<string, readonly string[]>();

  get(ix: string): QualifiedName | undefined {
    return this.table.get(ix);
  }

  uniqueColumns(ix: string): readonly string[] | undefined {
    return this.uniqueOn.get(ix);
  }

  /** The unique indexes (without a WHERE) on a table, by name, with what they are on (columns or expressions). */
  uniqueOnTable(t: QualifiedName): { name: string; columns: readonly string[] }[] {
    const out: { name: string; columns: readonly string[] }[] = [];
    for (const ix of this.byTable.get(tableKey(t)) ?? []) {
      const columns = this.uniqueOn.get(ix);
      if (columns) out.push({ name: ix.slice(ix.indexOf('.') + 1), columns });
    }
    return out;
  }

  set(ix: string, table: QualifiedName, uniqueColumns?: readonly string[]): void {
    this.delete(ix);
    this.table.set(ix, table);
    if (uniqueColumns) this.uniqueOn.set(ix, uniqueColumns);
    const k = tableKey(table);
    let set = this.byTable.get(k);
    if (!set) this.byTable.set(k, (set = new Set()));
    set.add(ix);
  }

  delete(ix: string): void {
    const table = this.table.get(ix);
    if (!table) return;
    this.table.delete(ix);
    this.uniqueOn.delete(ix);
    this.byTable.get(tableKey(table))?.delete(ix);
  }

  /** Forgets the indexes of a table (dropped, or created anew). */
  dropTable(t: QualifiedName): void {
    const k = tableKey(t);
    for (const ix of this.byTable.get(k) ?? []) {
      this.table.delete(ix);
      this.uniqueOn.delete(ix);
    }
    this.byTable.delete(k);
  }

  /** The indexes of a renamed table stay on it under its new name. */
  renameTable(t: QualifiedName, renamed: QualifiedName): void {
    for (const ix of [...(this.byTable.get(tableKey(t)) ?? [])]) this.set(ix, renamed, this.uniqueOn.get(ix));
  }
}

/**
 * What earlier migrations of the set established (and earlier ops of this migration); updated as
 * upgrade ops are walked. One per migration set: unrelated directories never share it.
 */
export class SchemaState {
  readonly columns = new Map<string, Map<string, ColumnFacts>>();
  /** table → columns proven NOT NULL by a validated CHECK (col IS NOT NULL) */
  readonly notNullChecks = new Map<string, Map<string, string>>();
  /** table → constraint name → column, for NOT VALID checks waiting for VALIDATE */
  readonly pendingChecks = new Map<string, Map<string, string>>();
  /** index (schema-qualified like its table) → the table it is on */
  readonly indexes = new IndexTables();
  /** table → constraint name (or `(unnamed n)`) → what it is */
  readonly constraints = new Map<string, Map<string, ConstraintFacts>>();
  /** partitioned table → its partition key's columns */
  readonly partitionKeys = new Map<string, string[]>();
  /** table → constraint name → the name it had before `RENAME CONSTRAINT` (kept even when its creation was not seen) */
  readonly formerConstraintNames = new Map<string, Map<string, string>>();
  private unnamedConstraints = 0;

  private tableConstraints(t: QualifiedName): Map<string, ConstraintFacts> {
    const k = tableKey(t);
    let m = this.constraints.get(k);
    if (!m) this.constraints.set(k, (m = new Map<string, ConstraintFacts>()));
    return m;
  }

  private addConstraint(t: QualifiedName, c: ConstraintDef): void {
    // `UNIQUE USING INDEX ix` lists no columns: they are the index's.
    const indexColumns =
      c.usingIndex && c.columns.length === 0
        ? this.indexes.uniqueColumns(tableKey({ schema: t.schema, name: c.usingIndex }))
        : undefined;
    const facts: ConstraintFacts = { type: c.type, columns: indexColumns ?? c.columns, valid: !c.notValid };
    if (c.expression !== undefined) facts.expression = c.expression;
    if (c.references) facts.references = c.references.table;
    this.tableConstraints(t).set(c.name ?? `(unnamed ${++this.unnamedConstraints})`, facts);
  }

  private cols(t: QualifiedName): Map<string, ColumnFacts> {
    const k = tableKey(t);
    let m = this.columns.get(k);
    if (!m) this.columns.set(k, (m = new Map<string, ColumnFacts>()));
    return m;
  }

  private addCheck(t: QualifiedName, name: string | undefined, column: string, valid: boolean): void {
    const target = valid ? this.notNullChecks : this.pendingChecks;
    const k = tableKey(t);
    let byName = target.get(k);
    if (!byName) target.set(k, (byName = new Map<string, string>()));
    byName.set(name ?? `(unnamed ${column})`, column);
  }

  /** After SET/DROP NOT NULL the column's nullability is known, even when its creation was not seen. */
  private setNotNull(t: QualifiedName, column: string, notNull: boolean): void {
    const m = this.cols(t);
    const c = m.get(column);
    if (c) c.notNull = notNull;
    else m.set(column, { notNull });
  }

  apply(op: Operation): void {
    switch (op.kind) {
      case 'create-table': {
        const m = this.cols(op.table);
        m.clear();
        this.indexes.dropTable(op.table);
        const primary = new Set(op.constraints.filter((c) => c.type === 'primary-key').flatMap((c) => c.columns));
        for (const c of op.columns) m.set(c.name, columnFacts(c, primary.has(c.name)));
        for (const c of op.constraints)
          if (c.checksNotNullOf) this.addCheck(op.table, c.name, c.checksNotNullOf, !c.notValid);
        this.constraints.delete(tableKey(op.table));
        for (const c of [...op.constraints, ...op.columns.flatMap((col) => col.constraints)])
          this.addConstraint(op.table, c);
        if (op.partitionColumns) this.partitionKeys.set(tableKey(op.table), op.partitionColumns);
        else this.partitionKeys.delete(tableKey(op.table));
        break;
      }
      case 'add-column':
        this.cols(op.table).set(op.column.name, columnFacts(op.column, false));
        for (const c of op.column.constraints) this.addConstraint(op.table, c);
        break;
      case 'alter-column-type': {
        const c = this.cols(op.table).get(op.column);
        if (c) c.type = op.newType;
        else this.cols(op.table).set(op.column, { type: op.newType });
        break;
      }
      case 'set-not-null':
        this.setNotNull(op.table, op.column, true);
        break;
      case 'drop-not-null':
        this.setNotNull(op.table, op.column, false);
        break;
      case 'rename-column': {
        const m = this.cols(op.table);
        const t = m.get(op.column);
        m.delete(op.column);
        if (t) m.set(op.newName, t);
        // Postgres renames the column inside its CHECK constraints too.
        for (const checks of [this.notNullChecks, this.pendingChecks]) {
          const byName = checks.get(tableKey(op.table));
          if (byName) for (const [name, col] of byName) if (col === op.column) byName.set(name, op.newName);
        }
        // …and in the column lists of its constraints (a CHECK's expression text keeps the old name here).
        for (const c of this.constraints.get(tableKey(op.table))?.values() ?? [])
          if (c.columns.includes(op.column)) c.columns = c.columns.map((col) => (col === op.column ? op.newName : col));
        break;
      }
      case 'drop-column': {
        this.cols(op.table).delete(op.column);
        // Postgres drops the constraints that involve the column (ALTER TABLE … DROP COLUMN).
        const constraints = this.constraints.get(tableKey(op.table));
        if (constraints)
          for (const [name, c] of constraints)
            if (
              c.columns.includes(op.column) ||
              (c.expression !== undefined && mentionsColumn(c.expression, op.column))
            )
              constraints.delete(name);
        // Dropping a column drops the constraints on it: a column re-added under that name is unproven.
        for (const checks of [this.notNullChecks, this.pendingChecks]) {
          const byName = checks.get(tableKey(op.table));
          if (byName) for (const [name, col] of byName) if (col === op.column) byName.delete(name);
        }
        break;
      }
      case 'rename-table': {
        const from = tableKey(op.table);
        const renamed = { schema: op.table.schema, name: op.newName };
        const to = tableKey(renamed);
        for (const map of [
          this.columns,
          this.notNullChecks,
          this.pendingChecks,
          this.constraints,
          this.partitionKeys,
          this.formerConstraintNames,
        ]) {
          const v = map.get(from);
          map.delete(from);
          if (v) (map as Map<string, unknown>).set(to, v);
        }
        this.indexes.renameTable(op.table, renamed);
        // Foreign keys follow the table they reference.
        for (const constraints of this.constraints.values())
          for (const c of constraints.values())
            if (c.references && tableKey(c.references) === from) c.references = renamed;
        break;
      }
      case 'drop-table':
        for (const t of op.tables) {
          this.columns.delete(tableKey(t));
          this.notNullChecks.delete(tableKey(t));
          this.pendingChecks.delete(tableKey(t));
          this.constraints.delete(tableKey(t));
          this.partitionKeys.delete(tableKey(t));
          this.formerConstraintNames.delete(tableKey(t));
          this.indexes.dropTable(t);
        }
        break;
      case 'add-constraint': {
        // PG 18's `ADD CONSTRAINT … NOT NULL col [NOT VALID]` proves the column like a CHECK (col IS NOT NULL).
        const provenColumn =
          op.constraint.checksNotNullOf ?? (op.constraint.type === 'not-null' ? op.constraint.columns[0] : undefined);
        if (provenColumn) this.addCheck(op.table, op.constraint.name, provenColumn, !op.constraint.notValid);
        // A primary key, and a valid NOT NULL constraint, mark their columns NOT NULL.
        if (op.constraint.type === 'primary-key' || (op.constraint.type === 'not-null' && !op.constraint.notValid)) {
          for (const c of op.constraint.columns) this.setNotNull(op.table, c, true);
        }
        this.addConstraint(op.table, op.constraint);
        break;
      }
      case 'validate-constraint': {
        const pending = this.pendingChecks.get(tableKey(op.table));
        const col = pending?.get(op.name);
        if (pending && col !== undefined) {
          pending.delete(op.name);
          this.addCheck(op.table, op.name, col, true);
        }
        const constraint = this.constraints.get(tableKey(op.table))?.get(op.name);
        if (constraint) constraint.valid = true;
        break;
      }
      case 'drop-constraint':
        this.notNullChecks.get(tableKey(op.table))?.delete(op.name);
        this.pendingChecks.get(tableKey(op.table))?.delete(op.name);
        this.constraints.get(tableKey(op.table))?.delete(op.name);
        this.formerConstraintNames.get(tableKey(op.table))?.delete(op.name);
        break;
      case 'create-index':
        // An index lives in its table's schema.
        if (op.name)
          this.indexes.set(
            tableKey({ schema: op.table.schema, name: op.name }),
            op.table,
            op.unique && !op.where && op.columns.length > 0 ? op.columns : undefined,
          );
        break;
      case 'other':
        if (op.renamesConstraint && op.table) this.renameConstraint(op.table, op.renamesConstraint);
        break;
      case 'drop-index':
        for (const ix of op.indexes) this.indexes.delete(tableKey(ix));
        break;
      default:
        break;
    }
  }

  private renameConstraint(t: QualifiedName, { name, newName }: { name: string; newName: string }): void {
    const k = tableKey(t);
    const constraints = this.constraints.get(k);
    const facts = constraints?.get(name);
    if (constraints && facts) {
      constraints.delete(name);
      constraints.set(newName, facts);
    }
    let former = this.formerConstraintNames.get(k);
    if (!former) this.formerConstraintNames.set(k, (former = new Map<string, string>()));
    former.delete(name);
    former.set(newName, name);
  }

  column(t: QualifiedName, column: string): ColumnFacts | undefined {
    return this.columns.get(tableKey(t))?.get(column);
  }

  hasValidNotNullCheck(t: QualifiedName, column: string): boolean {
    for (const col of this.notNullChecks.get(tableKey(t))?.values() ?? []) if (col === column) return true;
    return false;
  }
}

export const NO_CONSTRAINTS: ReadonlyMap<string, ConstraintFacts> = new Map();

function columnFacts(c: ColumnDef, inPrimaryKey: boolean): ColumnFacts {
  const facts: ColumnFacts = { type: c.type, notNull: c.notNull || c.primaryKey || inPrimaryKey };
  if (c.generated) facts.generated = c.generated;
  return facts;
}

/**
 * Relations this migration created, while they are still new: empty, or filled but not yet committed
 * (no other session can see them). A table filled from a query or COPY stops being new once that
 * fill is committed: its rows are real, and later constraints and indexes work through all of them.
 */
export class CreatedRelations {
  private readonly fresh = new Set<string>();
  /** New tables holding rows copied in by INSERT … SELECT, COPY or CREATE TABLE … AS */
  private readonly filled = new Set<string>();
  private readonly uncommitted = new Set<string>();

  isNew(t: QualifiedName): boolean {
    return this.fresh.has(tableKey(t));
  }

  holdsCopiedRows(t: QualifiedName): boolean {
    return this.filled.has(tableKey(t));
  }

  private fill(key: string, inTransaction: boolean): void {
    this.filled.add(key);
    if (inTransaction) this.uncommitted.add(key);
    else this.fresh.delete(key);
  }

  apply(op: Operation): void {
    switch (op.kind) {
      case 'create-table': {
        const key = tableKey(op.table);
        this.fresh.add(key);
        this.filled.delete(key);
        if (op.asSelect) this.fill(key, op.inTransaction);
        break;
      }
      case 'other':
        // A view or materialized view made here: an index or refresh on it blocks no one yet.
        if (op.createsRelation && op.table) this.fresh.add(tableKey(op.table));
        break;
      case 'data-change':
        if (op.rowsFromQuery && op.table && this.fresh.has(tableKey(op.table)))
          this.fill(tableKey(op.table), op.inTransaction);
        break;
      case 'transaction':
        if (op.action === 'commit') {
          for (const key of this.uncommitted) this.fresh.delete(key);
          this.uncommitted.clear();
        }
        break;
      case 'rename-table': {
        const from = tableKey(op.table);
        const to = tableKey({ schema: op.table.schema, name: op.newName });
        for (const set of [this.fresh, this.filled, this.uncommitted]) if (set.has(from)) set.add(to);
        break;
      }
      default:
        break;
    }
  }
}
