/**
 * libpg-query statement → IR operations. One statement may give several ops (ALTER TABLE with
 * several actions); a statement with no dedicated kind gives an `other` op, never nothing.
 */
import type {
  ColumnDef,
  ColumnList,
  ConstraintDef,
  ConstraintType,
  DataChangeRowScope,
  OpBase,
  Operation,
  PartitionBound,
  QualifiedName,
  SourceSpan,
  TransactionAction,
} from '../../ir/types.js';
import type {
  AlterTableStmt,
  RangeVar,
  ColumnDef as PgColumnDef,
  Constraint,
  DropStmt,
  UpdateStmt,
  InsertStmt,
  DeleteStmt,
  MergeStmt,
  PartitionBoundSpec,
  PartitionSpec,
} from '@pgsql/types';
import type { ItemSpans } from './item-spans.js';
import { LOCK_MODES } from '../../analysis/locks.js';
import { assignedColumns, outputColumns } from './column-lists.js';
import {
  type Node,
  fieldsOf,
  nodeOf,
  defaultValue,
  exprText,
  listName,
  nodeType,
  notNullCheckColumn,
  rangeVarName,
  strings,
  typeRef,
} from './expr.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/**
 * An operation before the frontend has attached its position, direction and transaction state; a
 * `span` set here is the op's own part of the statement (an ALTER TABLE sub-command).
 */
export type OpDraft = DistributiveOmit<Operation, keyof OpBase> & { span?: SourceSpan };

const CONSTRAINT_TYPES: Record<string, ConstraintType> = {
  CONSTR_FOREIGN: 'foreign-key',
  CONSTR_CHECK: 'check',
  CONSTR_UNIQUE: 'unique',
  CONSTR_PRIMARY: 'primary-key',
  CONSTR_EXCLUSION: 'exclusion',
  CONSTR_NOTNULL: 'not-null',
};

export function constraintDef(c: Constraint, columnName?: string, span?: SourceSpan): ConstraintDef | undefined {
  const type = CONSTRAINT_TYPES[c.contype ?? ''];
  if (!type) return undefined;
  const columns = c.contype === 'CONSTR_FOREIGN' ? strings(c.fk_attrs) : strings(c.keys);
  const def: ConstraintDef = {
    type,
    columns: columns.length ? columns : columnName ? [columnName] : [],
    notValid: Boolean(c.skip_validation),
  };
  if (c.conname) def.name = c.conname;
  if (span) def.span = span;
  if (c.indexname) def.usingIndex = c.indexname;
  if (type === 'foreign-key') def.references = { table: rangeVarName(c.pktable), columns: strings(c.pk_attrs) };
  if (type === 'check' && c.raw_expr) {
    def.expression = exprText(c.raw_expr);
    const col = notNullCheckColumn(c.raw_expr);
    if (col) def.checksNotNullOf = col;
  }
  return def;
}

export function columnDef(cd: PgColumnDef, spans?: ItemSpans): ColumnDef {
  const name = cd.colname ?? '';
  const type = typeRef(cd.typeName);
  const span = spans?.item(cd.location);
  // Made with its span in one literal: fields added to an object afterwards take a separate property store.
  const col: ColumnDef = span
    ? { name, type, notNull: false, primaryKey: false, unique: false, constraints: [], span }
    : { name, type, notNull: false, primaryKey: false, unique: false, constraints: [] };
  const inline = cd.constraints ?? [];
  inline.forEach((wrapped, i) => {
    const c = fieldsOf(wrapped, 'Constraint');
    // An inline constraint runs up to the next one (or the end of the column).
    const own = () => spans?.item(c.location, nodeOf(inline[i + 1], 'Constraint')?.location);
    switch (c.contype) {
      case 'CONSTR_NOTNULL':
        col.notNull = true;
        break;
      case 'CONSTR_NULL':
        col.notNull = false;
        break;
      case 'CONSTR_DEFAULT':
        if (c.raw_expr) col.default = defaultValue(c.raw_expr);
        break;
      case 'CONSTR_IDENTITY':
        col.generated = 'identity';
        col.notNull = true;
        break;
      case 'CONSTR_GENERATED':
        // PG 18 adds VIRTUAL generated columns (computed on read: no rewrite); STORED ones are written.
        if (c.generated_kind !== 'v') col.generated = 'stored';
        break;
      case 'CONSTR_PRIMARY':
        col.primaryKey = true;
        col.notNull = true;
        col.constraints.push(constraintDef(c, col.name, own())!);
        break;
      case 'CONSTR_UNIQUE':
        col.unique = true;
        col.constraints.push(constraintDef(c, col.name, own())!);
        break;
      case 'CONSTR_FOREIGN':
      case 'CONSTR_CHECK':
      case 'CONSTR_EXCLUSION': {
        const def = constraintDef(c, col.name, own());
        if (def) col.constraints.push(def);
        break;
      }
      default:
        break;
    }
  });
  return col;
}

const TX: Record<string, TransactionAction> = {
  TRANS_STMT_BEGIN: 'begin',
  TRANS_STMT_START: 'begin',
  TRANS_STMT_COMMIT: 'commit',
  TRANS_STMT_ROLLBACK: 'rollback',
  TRANS_STMT_SAVEPOINT: 'savepoint',
  TRANS_STMT_RELEASE: 'release',
  TRANS_STMT_ROLLBACK_TO: 'rollback-to',
  TRANS_STMT_PREPARE: 'prepare',
  TRANS_STMT_COMMIT_PREPARED: 'commit',
  TRANS_STMT_ROLLBACK_PREPARED: 'rollback',
};

function alterTable(s: AlterTableStmt, spans?: ItemSpans): OpDraft[] {
  const table = rangeVarName(s.relation);
  if (s.objtype && s.objtype !== 'OBJECT_TABLE' && s.objtype !== 'OBJECT_FOREIGN_TABLE') {
    // ALTER VIEW/MATERIALIZED VIEW/INDEX/SEQUENCE: the (first) sub-command decides the lock.
    const subtype: unknown = nodeOf(s.cmds?.[0], 'AlterTableCmd')?.subtype;
    const op: OpDraft = { kind: 'other', statementType: `AlterTableStmt:${s.objtype}`, table };
    if (typeof subtype === 'string') op.detail = subtype;
    return [op];
  }
  const ops: OpDraft[] = [];
  const cmds = s.cmds ?? [];
  // With several sub-commands, each op is positioned at its own (one finding per clause, on its line).
  const clauses = cmds.length > 1 ? spans?.subcommands(s.relation?.location, cmds.length) : undefined;
  for (const [i, wrapped] of cmds.entries()) {
    const cmd = fieldsOf(wrapped, 'AlterTableCmd');
    const cascade = cmd.behavior === 'DROP_CASCADE';
    const clause = clauses?.[i];
    const before = ops.length;
    switch (cmd.subtype) {
      case 'AT_AddColumn':
        // A one-clause ALTER TABLE is itself the column's span: the statement is not scanned for it.
        ops.push({
          kind: 'add-column',
          table,
          column: columnDef(fieldsOf(cmd.def, 'ColumnDef'), clauses ? spans : undefined),
          ifNotExists: Boolean(cmd.missing_ok),
        });
        break;
      case 'AT_DropColumn':
        ops.push({ kind: 'drop-column', table, column: cmd.name ?? '', ifExists: Boolean(cmd.missing_ok), cascade });
        break;
      case 'AT_AlterColumnType': {
        const cd = fieldsOf(cmd.def, 'ColumnDef');
        const op: OpDraft = { kind: 'alter-column-type', table, column: cmd.name ?? '', newType: typeRef(cd.typeName) };
        if (cd.raw_default) op.using = exprText(cd.raw_default);
        const collation = strings(cd.collClause?.collname).at(-1);
        if (collation) op.collation = collation;
        ops.push(op);
        break;
      }
      case 'AT_SetNotNull':
        ops.push({ kind: 'set-not-null', table, column: cmd.name ?? '' });
        break;
      case 'AT_DropNotNull':
        ops.push({ kind: 'drop-not-null', table, column: cmd.name ?? '' });
        break;
      case 'AT_ColumnDefault':
        ops.push(
          cmd.def
            ? { kind: 'set-default', table, column: cmd.name ?? '', default: defaultValue(cmd.def) }
            : { kind: 'set-default', table, column: cmd.name ?? '' },
        );
        break;
      case 'AT_AddConstraint': {
        const def = constraintDef(fieldsOf(cmd.def, 'Constraint'), undefined, clause);
        if (def) ops.push({ kind: 'add-constraint', table, constraint: def });
        else ops.push({ kind: 'other', statementType: `AlterTableStmt:${cmd.subtype}`, table });
        break;
      }
      case 'AT_DropConstraint':
        ops.push({ kind: 'drop-constraint', table, name: cmd.name ?? '', ifExists: Boolean(cmd.missing_ok), cascade });
        break;
      case 'AT_ValidateConstraint':
        ops.push({ kind: 'validate-constraint', table, name: cmd.name ?? '' });
        break;
      case 'AT_AttachPartition': {
        const partition = fieldsOf(cmd.def, 'PartitionCmd');
        ops.push({
          kind: 'attach-partition',
          table,
          partition: rangeVarName(partition.name),
          bound: partitionBound(partition.bound ?? {}),
        });
        break;
      }
      case 'AT_DetachPartition':
      case 'AT_DetachPartitionFinalize': {
        const partition = fieldsOf(cmd.def, 'PartitionCmd');
        const mode =
          cmd.subtype === 'AT_DetachPartitionFinalize'
            ? 'finalize'
            : partition.concurrent
              ? 'concurrently'
              : 'blocking';
        ops.push({ kind: 'detach-partition', table, partition: rangeVarName(partition.name), mode });
        break;
      }
      case 'AT_AddInherit':
      case 'AT_DropInherit':
        ops.push({
          kind: 'other',
          statementType: `AlterTableStmt:${cmd.subtype}`,
          table,
          parent: rangeVarName(nodeOf(cmd.def, 'RangeVar')),
        });
        break;
      default:
        ops.push({ kind: 'other', statementType: `AlterTableStmt:${cmd.subtype ?? ''}`, table, detail: cmd.name });
    }
    if (clause) for (const op of ops.slice(before)) op.span = clause;
  }
  return ops;
}

/** A `PartitionBoundSpec` as the IR states it (MINVALUE/MAXVALUE arrive as column references). */
function partitionBound(spec: PartitionBoundSpec): PartitionBound {
  const datum = (n: Node): string => (nodeOf(n, 'ColumnRef') ? exprText(n).toUpperCase() : exprText(n));
  if (spec.is_default) return { strategy: 'default', values: [], text: 'DEFAULT' };
  if (spec.strategy === 'h') {
    const modulus = String(spec.modulus ?? 0);
    const remainder = String(spec.remainder ?? 0);
    return {
      strategy: 'hash',
      values: [modulus, remainder],
      text: `FOR VALUES WITH (MODULUS ${modulus}, REMAINDER ${remainder})`,
    };
  }
  if (spec.strategy === 'l') {
    const values = (spec.listdatums ?? []).map(datum);
    return { strategy: 'list', values, text: `FOR VALUES IN (${values.join(', ')})` };
  }
  const lower: string[] = (spec.lowerdatums ?? []).map(datum);
  const upper: string[] = (spec.upperdatums ?? []).map(datum);
  return {
    strategy: 'range',
    values: [...lower, ...upper],
    text: `FOR VALUES FROM (${lower.join(', ')}) TO (${upper.join(', ')})`,
  };
}

/** The partition key's columns, when every element of `PARTITION BY` is a plain column (not an expression). */
function partitionColumns(partspec: PartitionSpec): string[] | undefined {
  const names = (partspec.partParams ?? []).map((p) => nodeOf(p, 'PartitionElem')?.name);
  if (names.length === 0 || names.some((n) => typeof n !== 'string')) return undefined;
  return names as string[];
}

function dropStmt(s: DropStmt): OpDraft[] {
  const names: QualifiedName[] = (s.objects ?? []).map((o) => {
    const list = nodeOf(o, 'List');
    return listName(list ? strings(list.items) : strings([o]));
  });
  const cascade = s.behavior === 'DROP_CASCADE';
  const ifExists = Boolean(s.missing_ok);
  switch (s.removeType) {
    case 'OBJECT_TABLE':
      return [{ kind: 'drop-table', tables: names, ifExists, cascade }];
    case 'OBJECT_INDEX':
      return [{ kind: 'drop-index', indexes: names, concurrently: Boolean(s.concurrent), ifExists, cascade }];
    case 'OBJECT_SCHEMA':
      return [{ kind: 'drop-schema', schemas: (s.objects ?? []).flatMap((o) => strings([o])), ifExists, cascade }];
    case 'OBJECT_TRIGGER':
    case 'OBJECT_RULE':
    case 'OBJECT_POLICY': {
      // DROP TRIGGER name ON [schema.]table: the object is [schema, table, trigger].
      const parts = (s.objects ?? []).map((o) => strings(nodeOf(o, 'List')?.items))[0] ?? [];
      const op: OpDraft = { kind: 'other', statementType: `DropStmt:${s.removeType}`, detail: parts.at(-1) ?? '' };
      if (parts.length > 1) op.table = listName(parts.slice(0, -1));
      return [op];
    }
    case 'OBJECT_VIEW':
    case 'OBJECT_MATVIEW':
    case 'OBJECT_SEQUENCE': {
      const op: OpDraft = {
        kind: 'other',
        statementType: `DropStmt:${s.removeType}`,
        detail: names.map((n) => n.name).join(', '),
      };
      if (names[0]) op.table = names[0];
      return [op];
    }
    default:
      return [
        { kind: 'other', statementType: `DropStmt:${s.removeType}`, detail: names.map((n) => n.name).join(', ') },
      ];
  }
}

/** A literal or a bind parameter (possibly cast): a value fixed before the statement reads any row. */
function isConstant(n: Node | undefined): boolean {
  if (!n) return false;
  if (nodeOf(n, 'A_Const') || nodeOf(n, 'ParamRef')) return true;
  const cast = nodeOf(n, 'TypeCast');
  if (cast) return isConstant(cast.arg);
  return false;
}

/** Whether an expression reads no column and runs no subquery or function (so it is the same for every row). */
function readsNoRow(n: unknown): boolean {
  if (Array.isArray(n)) return n.every(readsNoRow);
  if (!n || typeof n !== 'object') return true;
  for (const [k, v] of Object.entries(n)) {
    if (k === 'ColumnRef' || k === 'SubLink' || k === 'FuncCall') return false;
    if (!readsNoRow(v)) return false;
  }
  return true;
}

/** `col = constant` or `col IN (constants)`: the column name, else undefined. */
function keyEqualityColumn(e: Node): string | undefined {
  const a = nodeOf(e, 'A_Expr');
  if (!a || strings(a.name)[0] !== '=') return undefined;
  const column = (side: Node | undefined) => {
    const fields = nodeOf(side, 'ColumnRef')?.fields;
    return fields ? strings(fields).at(-1) : undefined;
  };
  if (a.kind === 'AEXPR_OP') {
    if (isConstant(a.rexpr)) return column(a.lexpr);
    if (isConstant(a.lexpr)) return column(a.rexpr);
    return undefined;
  }
  if (a.kind === 'AEXPR_IN' && (nodeOf(a.rexpr, 'List')?.items ?? []).every(isConstant)) return column(a.lexpr);
  return undefined;
}

/** Which rows a WHERE clause leaves an UPDATE/DELETE to touch (see `DataChangeOp.rowScope`). */
function whereScope(where: Node | undefined): { rowScope: DataChangeRowScope; keyColumns?: string[] } {
  if (!where) return { rowScope: 'all' };
  if (readsNoRow(where)) {
    const literal = nodeOf(where, 'A_Const')?.boolval;
    return literal && !literal.boolval ? { rowScope: 'filtered' } : { rowScope: 'all' };
  }
  const and = nodeOf(where, 'BoolExpr');
  const conjuncts = and?.boolop === 'AND_EXPR' ? (and.args ?? []) : [where];
  const keyColumns = conjuncts.flatMap((c) => keyEqualityColumn(c) ?? []);
  return keyColumns.length ? { rowScope: 'single-row', keyColumns } : { rowScope: 'filtered' };
}

/** An INSERT's rows: a VALUES list (a fixed number of rows) or a query over tables. */
function insertScope(select: Node | undefined): { rowScope: DataChangeRowScope; fromQuery: boolean } {
  const q = nodeOf(select, 'SelectStmt');
  if (!q) return { rowScope: 'single-row', fromQuery: false }; // DEFAULT VALUES
  if (q.valuesLists) return { rowScope: 'single-row', fromQuery: false };
  const fromQuery = q.op !== 'SETOP_NONE' || Boolean(q.fromClause?.length);
  if (!fromQuery) return { rowScope: 'single-row', fromQuery: false }; // INSERT … SELECT 1, 'x'
  return q.op === 'SETOP_NONE' ? { ...whereScope(q.whereClause), fromQuery } : { rowScope: 'unknown', fromQuery };
}

const DURATION_UNIT_MS: Record<string, number> = {
  us: 0.001,
  ms: 1,
  s: 1000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** A `*_timeout` value as Postgres reads it, in milliseconds (its base unit): `'2s'`, `5000`, `'1.5min'`. */
function durationMs(arg: Node | undefined): number | undefined {
  const c = nodeOf(arg, 'A_Const');
  if (!c) return undefined;
  // libpg-query leaves a zero integer out of the node (`{ ival: {} }`).
  const text = 'ival' in c ? String(c.ival?.ival ?? 0) : (c.fval?.fval ?? c.sval?.sval);
  const m = typeof text === 'string' ? /^\s*(\d+(?:\.\d*)?|\.\d+)\s*(us|ms|s|min|h|d)?\s*$/.exec(text) : null;
  if (!m) return undefined;
  return Math.round(Number(m[1]) * DURATION_UNIT_MS[m[2] ?? 'ms']!);
}

function hasDefElem(params: Node[] | undefined, name: string): boolean {
  return (params ?? []).some((p) => nodeOf(p, 'DefElem')?.defname === name);
}

/** Column names of every `ColumnRef` (`t.col` and `col` alike) and every table named under a node. */
function references(
  value: unknown,
  into: { columns: Set<string>; tables: Map<string, QualifiedName> },
  depth = 0,
): void {
  if (!value || typeof value !== 'object' || depth > 200) return;
  if (Array.isArray(value)) {
    for (const n of value) references(n, into, depth + 1);
    return;
  }
  // Any object here is a node wrapper or a payload; only wrappers have these keys.
  const node = value as Node;
  const ref = nodeOf(node, 'ColumnRef');
  if (ref) {
    const name = strings(ref.fields).pop();
    if (name) into.columns.add(name);
    return;
  }
  const rv = nodeOf(node, 'RangeVar');
  if (rv) {
    const t = rangeVarName(rv);
    into.tables.set(`${t.schema ?? ''}.${t.name}`, t);
    return;
  }
  for (const v of Object.values(value)) references(v, into, depth + 1);
}

/** `{ columnLists }` when there are any, else nothing (the field stays absent). */
function someLists(columnLists: ColumnList[]): { columnLists?: ColumnList[] } {
  return columnLists.length ? { columnLists } : {};
}

/** What a data-changing statement writes and reads, and whether its rows come from a query. */
function columnsTouched(
  type: string,
  s: InsertStmt | UpdateStmt | DeleteStmt | MergeStmt,
  spans?: ItemSpans,
): {
  assigns?: string[];
  columnLists?: ColumnList[];
  reads: string[];
  sources: QualifiedName[];
  rowsFromQuery?: boolean;
} {
  const targets = (list: Node[] | undefined) =>
    (list ?? []).map((t) => nodeOf(t, 'ResTarget')?.name).filter((n): n is string => typeof n === 'string');
  const seen = { columns: new Set<string>(), tables: new Map<string, QualifiedName>() };
  references(s, seen);
  // The target is a bare RangeVar (not wrapped in `{ RangeVar }` like those of FROM and sub-queries).
  if (s.relation) {
    const t = rangeVarName(s.relation);
    seen.tables.set(`${t.schema ?? ''}.${t.name}`, t);
  }
  const read = { reads: [...seen.columns], sources: [...seen.tables.values()] };
  const lists = (...found: (ColumnList | undefined)[]) =>
    someLists(found.filter((l): l is ColumnList => l !== undefined));
  if (type === 'UpdateStmt') {
    const update = s as UpdateStmt;
    return { assigns: targets(update.targetList), ...lists(assignedColumns('set', update.targetList, spans)), ...read };
  }
  if (type === 'InsertStmt') {
    const insert = s as InsertStmt;
    const select = nodeOf(insert.selectStmt, 'SelectStmt');
    return {
      assigns: targets(insert.cols),
      ...lists(
        assignedColumns('insert', insert.cols, spans),
        assignedColumns('set', insert.onConflictClause?.targetList, spans),
      ),
      ...read,
      ...(select && !select.valuesLists ? { rowsFromQuery: true } : {}),
    };
  }
  if (type === 'MergeStmt') {
    const actions = ((s as MergeStmt).mergeWhenClauses ?? []).map((c) => nodeOf(c, 'MergeWhenClause'));
    return {
      ...lists(
        ...actions.map((a) =>
          a?.commandType === 'CMD_INSERT'
            ? assignedColumns('insert', a.targetList, spans)
            : a?.commandType === 'CMD_UPDATE'
              ? assignedColumns('set', a.targetList, spans)
              : undefined,
        ),
      ),
      ...read,
    };
  }
  return read;
}

/**
 * Translate one parsed statement (`{ "IndexStmt": {...} }`) to IR op drafts; `spans` positions its
 * columns, constraints and ALTER TABLE sub-commands when the statement's text is in the file.
 */
export function translateStatement(stmt: Node | undefined, spans?: ItemSpans): OpDraft[] {
  const type = nodeType(stmt);
  switch (type) {
    case 'CreateStmt': {
      const s = fieldsOf(stmt, 'CreateStmt');
      const columns: ColumnDef[] = [];
      const constraints: ConstraintDef[] = [];
      for (const el of s.tableElts ?? []) {
        const column = nodeOf(el, 'ColumnDef');
        const constraint = nodeOf(el, 'Constraint');
        if (column) columns.push(columnDef(column, spans));
        else if (constraint) {
          const def = constraintDef(constraint, undefined, spans?.item(constraint.location));
          if (def) constraints.push(def);
        }
      }
      const op: OpDraft = {
        kind: 'create-table',
        table: rangeVarName(s.relation),
        columns,
        constraints,
        ifNotExists: Boolean(s.if_not_exists),
        asSelect: false,
        partitioned: Boolean(s.partspec),
        temporary: s.relation?.relpersistence === 't',
        ...(s.partbound && nodeOf(s.inhRelations?.[0], 'RangeVar')
          ? { partitionOf: rangeVarName(nodeOf(s.inhRelations?.[0], 'RangeVar')) }
          : {}),
      };
      const keyColumns = s.partspec ? partitionColumns(s.partspec) : undefined;
      if (keyColumns) op.partitionColumns = keyColumns;
      return [op];
    }
    case 'CreateTableAsStmt': {
      const s = fieldsOf(stmt, 'CreateTableAsStmt');
      const outputLists = someLists(outputColumns(s.into?.colNames, s.query, spans));
      if (s.objtype === 'OBJECT_MATVIEW')
        return [
          {
            kind: 'other',
            statementType: 'CreateMaterializedViewStmt',
            table: rangeVarName(s.into?.rel),
            createsRelation: 'materialized-view',
            ...outputLists,
          },
        ];
      return [
        {
          kind: 'create-table',
          table: rangeVarName(s.into?.rel),
          columns: [],
          constraints: [],
          ifNotExists: Boolean(s.if_not_exists),
          asSelect: true,
          partitioned: false,
          temporary: s.into?.rel?.relpersistence === 't',
          ...outputLists,
        },
      ];
    }
    case 'AlterTableStmt': {
      const s = fieldsOf(stmt, 'AlterTableStmt');
      return alterTable(s, spans);
    }
    case 'RenameStmt': {
      const s = fieldsOf(stmt, 'RenameStmt');
      const table = rangeVarName(s.relation);
      if (
        s.renameType === 'OBJECT_COLUMN' &&
        (s.relationType === 'OBJECT_TABLE' || s.relationType === 'OBJECT_FOREIGN_TABLE')
      ) {
        return [{ kind: 'rename-column', table, column: s.subname ?? '', newName: s.newname ?? '' }];
      }
      if (s.renameType === 'OBJECT_TABLE') return [{ kind: 'rename-table', table, newName: s.newname ?? '' }];
      if (s.renameType === 'OBJECT_SCHEMA')
        return [{ kind: 'rename-schema', schema: s.subname ?? '', newName: s.newname ?? '' }];
      if (s.renameType === 'OBJECT_TABCONSTRAINT' && s.subname && s.newname)
        return [
          {
            kind: 'other',
            statementType: `RenameStmt:${s.renameType}`,
            table,
            renamesConstraint: { name: s.subname, newName: s.newname },
          },
        ];
      return [{ kind: 'other', statementType: `RenameStmt:${s.renameType}`, table }];
    }
    case 'DropStmt': {
      const s = fieldsOf(stmt, 'DropStmt');
      return dropStmt(s);
    }
    case 'IndexStmt': {
      const s = fieldsOf(stmt, 'IndexStmt');
      const op: OpDraft = {
        kind: 'create-index',
        table: rangeVarName(s.relation),
        columns: (s.indexParams ?? []).map((p) => {
          const elem = nodeOf(p, 'IndexElem');
          return elem?.name ?? (elem?.expr ? exprText(elem.expr) : '?');
        }),
        unique: Boolean(s.unique),
        concurrently: Boolean(s.concurrent),
        ifNotExists: Boolean(s.if_not_exists),
      };
      if (s.idxname) op.name = s.idxname;
      if (s.whereClause) op.where = exprText(s.whereClause);
      return [op];
    }
    case 'ReindexStmt': {
      const s = fieldsOf(stmt, 'ReindexStmt');
      const kinds: Record<string, 'index' | 'table' | 'schema' | 'database' | 'system'> = {
        REINDEX_OBJECT_INDEX: 'index',
        REINDEX_OBJECT_TABLE: 'table',
        REINDEX_OBJECT_SCHEMA: 'schema',
        REINDEX_OBJECT_DATABASE: 'database',
        REINDEX_OBJECT_SYSTEM: 'system',
      };
      return [
        {
          kind: 'reindex',
          target: kinds[s.kind ?? ''] ?? 'table',
          name: s.relation ? rangeVarName(s.relation) : { name: s.name ?? '' },
          concurrently: hasDefElem(s.params, 'concurrently'),
        },
      ];
    }
    case 'AlterEnumStmt': {
      const s = fieldsOf(stmt, 'AlterEnumStmt');
      if (!s.newVal || s.oldVal) return [{ kind: 'other', statementType: 'AlterEnumStmt' }];
      const op: OpDraft = {
        kind: 'add-enum-value',
        type: listName(strings(s.typeName)),
        value: s.newVal,
        ifNotExists: Boolean(s.skipIfNewValExists),
      };
      if (s.newValNeighbor) op.position = s.newValIsAfter ? { after: s.newValNeighbor } : { before: s.newValNeighbor };
      return [op];
    }
    case 'CreateDomainStmt': {
      const s = fieldsOf(stmt, 'CreateDomainStmt');
      const constraints: ConstraintDef[] = [];
      for (const wrapped of s.constraints ?? []) {
        const def = constraintDef(fieldsOf(wrapped, 'Constraint'));
        if (def) constraints.push(def);
      }
      return [
        { kind: 'create-domain', name: listName(strings(s.domainname)), baseType: typeRef(s.typeName), constraints },
      ];
    }
    case 'AlterDomainStmt': {
      const s = fieldsOf(stmt, 'AlterDomainStmt');
      const name = listName(strings(s.typeName));
      switch (s.subtype) {
        case 'C': {
          const constraint = constraintDef(fieldsOf(s.def, 'Constraint'));
          return [
            constraint
              ? { kind: 'alter-domain', name, action: 'add-constraint', constraint }
              : { kind: 'alter-domain', name, action: 'add-constraint' },
          ];
        }
        case 'X':
          return [{ kind: 'alter-domain', name, action: 'drop-constraint' }];
        case 'V':
          return [{ kind: 'alter-domain', name, action: 'validate-constraint' }];
        case 'O':
          return [{ kind: 'alter-domain', name, action: 'set-not-null' }];
        case 'N':
          return [{ kind: 'alter-domain', name, action: 'drop-not-null' }];
        case 'T':
          return [{ kind: 'alter-domain', name, action: s.def ? 'set-default' : 'drop-default' }];
        default:
          return [{ kind: 'other', statementType: 'AlterDomainStmt' }];
      }
    }
    case 'TruncateStmt': {
      const s = fieldsOf(stmt, 'TruncateStmt');
      return [
        {
          kind: 'truncate',
          tables: (s.relations ?? []).map((r) => rangeVarName(nodeOf(r, 'RangeVar'))),
          cascade: s.behavior === 'DROP_CASCADE',
        },
      ];
    }
    case 'DropdbStmt': {
      const s = fieldsOf(stmt, 'DropdbStmt');
      return [{ kind: 'drop-database', name: s.dbname ?? '' }];
    }
    case 'VariableSetStmt': {
      const s = fieldsOf(stmt, 'VariableSetStmt');
      if (s.kind === 'VAR_SET_MULTI' || !s.name) return [{ kind: 'other', statementType: 'VariableSetStmt' }];
      const op: OpDraft = { kind: 'set-setting', name: s.name.toLowerCase(), local: Boolean(s.is_local) };
      if (s.kind === 'VAR_SET_VALUE') {
        op.value = (s.args ?? []).map((a) => exprText(a)).join(', ');
        const ms = op.name.endsWith('_timeout') && s.args?.length === 1 ? durationMs(s.args[0]) : undefined;
        if (ms !== undefined) op.durationMs = ms;
      }
      return [op];
    }
    case 'TransactionStmt': {
      const s = fieldsOf(stmt, 'TransactionStmt');
      return [{ kind: 'transaction', action: TX[s.kind ?? ''] ?? 'begin' }];
    }
    case 'ViewStmt': {
      const s = fieldsOf(stmt, 'ViewStmt');
      return [
        {
          kind: 'other',
          statementType: type,
          table: rangeVarName(s.view),
          createsRelation: 'view',
          detail: s.replace ? 'CREATE OR REPLACE VIEW' : 'CREATE VIEW',
          ...someLists(outputColumns(s.aliases, s.query, spans)),
        },
      ];
    }
    case 'InsertStmt': {
      const s = fieldsOf(stmt, 'InsertStmt');
      return [
        {
          kind: 'data-change',
          statementType: type,
          table: rangeVarName(s.relation),
          ...columnsTouched(type, s, spans),
          ...insertScope(s.selectStmt),
        },
      ];
    }
    case 'UpdateStmt':
    case 'DeleteStmt': {
      const s = type === 'UpdateStmt' ? fieldsOf(stmt, 'UpdateStmt') : fieldsOf(stmt, 'DeleteStmt');
      return [
        {
          kind: 'data-change',
          statementType: type,
          table: rangeVarName(s.relation),
          ...columnsTouched(type, s, spans),
          ...whereScope(s.whereClause),
        },
      ];
    }
    case 'MergeStmt': {
      const s = fieldsOf(stmt, 'MergeStmt');
      return [
        {
          kind: 'data-change',
          statementType: type,
          table: rangeVarName(s.relation),
          ...columnsTouched(type, s, spans),
          rowScope: 'unknown',
        },
      ];
    }
    case 'CopyStmt': {
      const s = fieldsOf(stmt, 'CopyStmt');
      if (!s.relation) return [{ kind: 'data-change', statementType: type }];
      const op: OpDraft = { kind: 'data-change', statementType: type, table: rangeVarName(s.relation) };
      if (s.is_from) op.rowsFromQuery = true;
      return [op];
    }
    case 'SelectStmt': {
      // SELECT … INTO creates a table named by the query's output columns.
      const s = fieldsOf(stmt, 'SelectStmt');
      const into = s.intoClause ? someLists(outputColumns(undefined, stmt, spans)) : {};
      return [{ kind: 'data-change', statementType: type, ...into }];
    }
    case 'VacuumStmt': {
      const s = fieldsOf(stmt, 'VacuumStmt');
      const full = hasDefElem(s.options, 'full');
      const rel = nodeOf(s.rels?.[0], 'VacuumRelation')?.relation;
      const op: OpDraft = { kind: 'other', statementType: s.is_vacuumcmd ? 'VacuumStmt' : 'AnalyzeStmt' };
      if (rel) op.table = rangeVarName(rel);
      if (full) op.detail = 'VACUUM FULL';
      return [op];
    }
    case 'ClusterStmt': {
      const s = fieldsOf(stmt, 'ClusterStmt');
      return [
        s.relation
          ? { kind: 'other', statementType: type, table: rangeVarName(s.relation), detail: 'CLUSTER' }
          : { kind: 'other', statementType: type, detail: 'CLUSTER' },
      ];
    }
    case 'RefreshMatViewStmt': {
      const s = fieldsOf(stmt, 'RefreshMatViewStmt');
      return [
        {
          kind: 'other',
          statementType: type,
          table: rangeVarName(s.relation),
          detail: s.concurrent ? 'REFRESH MATERIALIZED VIEW CONCURRENTLY' : 'REFRESH MATERIALIZED VIEW',
        },
      ];
    }
    case 'CreateForeignTableStmt': {
      // No data of its own to lock or rewrite; its column names are still checked.
      const s = fieldsOf(stmt, 'CreateForeignTableStmt');
      const columns = (s.base?.tableElts ?? []).flatMap((el) => {
        const column = nodeOf(el, 'ColumnDef');
        const span = spans?.token(column?.location);
        return column?.colname ? [span ? { name: column.colname, span } : { name: column.colname }] : [];
      });
      return [
        {
          kind: 'other',
          statementType: type,
          table: rangeVarName(s.base?.relation),
          ...someLists(columns.length ? [{ clause: 'output', columns }] : []),
        },
      ];
    }
    case 'LockStmt': {
      // LOCK TABLE t IN <mode> MODE: the mode as Postgres numbers it (1 = ACCESS SHARE … 8 = ACCESS EXCLUSIVE, the default).
      const s = fieldsOf(stmt, 'LockStmt');
      const op: OpDraft = {
        kind: 'other',
        statementType: type,
        detail: LOCK_MODES[(s.mode ?? 8) - 1] ?? 'AccessExclusiveLock',
      };
      const relation = nodeOf(s.relations?.[0], 'RangeVar');
      if (relation) op.table = rangeVarName(relation);
      return [op];
    }
    case 'CreateFunctionStmt': {
      const op: OpDraft = { kind: 'other', statementType: type };
      // `CREATE FUNCTION pg_temp.f(…)`: a helper for this session only.
      if (/^pg_temp(?:_\d+)?$/.test(strings(fieldsOf(stmt, 'CreateFunctionStmt').funcname).at(-2) ?? ''))
        op.temporary = true;
      return [op];
    }
    case 'CreateTrigStmt': {
      const s = fieldsOf(stmt, 'CreateTrigStmt');
      return [{ kind: 'other', statementType: type, table: rangeVarName(s.relation), detail: s.trigname }];
    }
    default: {
      // Every statement kind with a target table calls it `relation`.
      const s = ((stmt && Object.values(stmt)[0]) ?? {}) as RelationFields;
      const op: OpDraft = { kind: 'other', statementType: type || 'Unknown' };
      // The relation the statement is on: most statements call it `relation`; ALTER SEQUENCE, CREATE
      // POLICY, CREATE STATISTICS, LOCK and COMMENT ON name it otherwise.
      const relation =
        s.relation ?? s.sequence ?? s.table ?? nodeOf(s.relations?.[0], 'RangeVar') ?? commentedRelation(s);
      if (relation) op.table = rangeVarName(relation);
      return [op];
    }
  }
}

/** The fields statements name their relation by (a statement has one of them, or none). */
interface RelationFields {
  relation?: RangeVar;
  sequence?: RangeVar;
  table?: RangeVar;
  relations?: Node[];
  objtype?: string;
  object?: Node;
}

/** COMMENT ON TABLE/COLUMN/VIEW/… : the relation commented on (a column's is its table), as a RangeVar. */
function commentedRelation(s: RelationFields): RangeVar | undefined {
  const kinds = ['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_FOREIGN_TABLE', 'OBJECT_COLUMN'];
  if (s.objtype === undefined || !kinds.includes(s.objtype)) return undefined;
  const parts = strings(nodeOf(s.object, 'List')?.items);
  const names = s.objtype === 'OBJECT_COLUMN' ? parts.slice(0, -1) : parts;
  if (names.length === 0) return undefined;
  return names.length === 1 ? { relname: names[0] } : { schemaname: names.at(-2), relname: names.at(-1) };
}
