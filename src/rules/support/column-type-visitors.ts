/**
 * Visitors shared by the type-preference rules: every place a migration gives a column a type
 * (CREATE TABLE, ADD COLUMN, ALTER COLUMN … TYPE), as one callback.
 */
import type { ColumnDef, Operation, QualifiedName, SourceSpan, TypeRef } from '../../ir/types.js';
import type { Visitor } from '../types.js';
import { tableName } from './helpers.js';

export interface ColumnTypeUse {
  op: Operation;
  table: QualifiedName;
  column: string;
  type: TypeRef;
  /** The full column definition when the op defines the column (not for ALTER … TYPE). */
  def?: ColumnDef;
  /** `created` for CREATE TABLE / ADD COLUMN, `changed` for ALTER COLUMN … TYPE. */
  how: 'created' | 'changed';
  /** Where to report: the column's own definition inside a CREATE TABLE, else the op. */
  span: SourceSpan;
}

/**
 * The visitors that call `check` once for each column given a type. One `use` object is filled anew
 * for each call (this runs for every column of every migration, in several rules): `check` reads it
 * while it runs and must not keep it.
 */
export function columnTypeVisitors(check: (use: ColumnTypeUse) => void): Visitor {
  let use: ColumnTypeUse | undefined;
  const visit = (
    op: Operation,
    table: QualifiedName,
    column: string,
    type: TypeRef,
    def: ColumnDef | undefined,
    how: ColumnTypeUse['how'],
    span: SourceSpan,
  ) => {
    if (!use) use = { op, table, column, type, def, how, span };
    else {
      use.op = op;
      use.table = table;
      use.column = column;
      use.type = type;
      use.def = def;
      use.how = how;
      use.span = span;
    }
    check(use);
  };
  return {
    'create-table'(op) {
      // A temporary table lives for one session: its types never need changing on a live table.
      if (op.temporary) return;
      for (const c of op.columns) visit(op, op.table, c.name, c.type, c, 'created', c.span ?? op.span);
    },
    'add-column'(op) {
      visit(op, op.table, op.column.name, op.column.type, op.column, 'created', op.span);
    },
    'alter-column-type'(op) {
      visit(op, op.table, op.column, op.newType, undefined, 'changed', op.span);
    },
  };
}

/** `Column orders.user_id is integer` / `ALTER … TYPE makes orders.user_id integer`. */
export function describeUse(use: ColumnTypeUse): string {
  const where = `${tableName(use.table)}.${use.column}`;
  return use.how === 'changed'
    ? `Column ${where} is changed to ${use.type.text}`
    : `Column ${where} is ${use.type.text}`;
}
