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

export function columnTypeVisitors(check: (use: ColumnTypeUse) => void): Visitor {
  return {
    'create-table'(op) {
      // A temporary table lives for one session: its types never need changing on a live table.
      if (op.temporary) return;
      for (const c of op.columns)
        check({ op, table: op.table, column: c.name, type: c.type, def: c, how: 'created', span: c.span ?? op.span });
    },
    'add-column'(op) {
      check({
        op,
        table: op.table,
        column: op.column.name,
        type: op.column.type,
        def: op.column,
        how: 'created',
        span: op.span,
      });
    },
    'alter-column-type'(op) {
      check({ op, table: op.table, column: op.column, type: op.newType, how: 'changed', span: op.span });
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
