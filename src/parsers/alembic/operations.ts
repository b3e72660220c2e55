/**
 * Alembic `op.*` / `batch_op.*` calls → the operations Alembic's PostgreSQL implementation runs for
 * them (ADD COLUMN then its foreign keys and indexes, ALTER COLUMN TYPE before SET NOT NULL…), built
 * with the shared IR builder. SQL the revision passes to `op.execute()` goes to the sink as the string
 * literal itself, read by the SQL frontend, so its positions stay exact; statements the IR keeps as
 * SQL (COMMENT ON, CREATE TYPE, stand-ins for SQLAlchemy statement objects) go to the sink as SQL too.
 */
import type {
  ColumnDef,
  ConstraintDef,
  ForeignKeyTarget,
  Operation,
  QualifiedName,
  SourceSpan,
} from '../../ir/types.js';
import * as ir from '../ir-builder.js';
import { doubleQuoteQualified } from '../../ir/identifiers.js';
import type { OpDraft } from '../sql/translate.js';
import type { SyntaxNode } from './python-tree.js';
import {
  type ColumnSpec,
  arg,
  columnSql,
  defaultIndexName,
  flag,
  foreignKeyTarget,
  ident,
  isAutoincrementKey,
  readColumn,
  serverDefaultClause,
  sqlExpression,
  sqlString,
  sqlType,
} from './sqlalchemy.js';
import { exactStr, lastName, type PyCall, type PyStr, type PyValue, sourceText, strList } from './python-values.js';

/** Where translated statements go. */
export interface OpSink {
  /** A statement built from the call (positions: the call). `after` adjusts the IR ops it gives. */
  sql(statement: string, after?: (ops: Operation[]) => void): void;
  /** An operation built from the call (positions: the call). */
  op(draft: OpDraft): void;
  /** SQL the revision wrote in a string (positions: inside the string). */
  userSql(text: PyStr): void;
  /** A call that could not be interpreted statically. */
  unknown(reason: string): void;
  /** Where a part of the call is in the file (an `sa.Column(…)` of `create_table`). */
  spanOf(node: SyntaxNode): SourceSpan;
}

/** The table a `with op.batch_alter_table(…) as batch_op:` block alters. */
export interface BatchTable {
  table: string;
  schema?: string;
}

/** Parameter names, in order, of the `op.*` methods (Alembic's signatures). */
const OP_PARAMS: Record<string, string[]> = {
  add_column: ['table_name', 'column', 'schema'],
  drop_column: ['table_name', 'column_name', 'schema'],
  alter_column: [
    'table_name',
    'column_name',
    'nullable',
    'comment',
    'server_default',
    'new_column_name',
    'type_',
    'existing_type',
    'existing_server_default',
    'existing_nullable',
    'existing_comment',
    'schema',
  ],
  create_table: ['table_name'],
  drop_table: ['table_name', 'schema'],
  rename_table: ['old_table_name', 'new_table_name', 'schema'],
  create_index: ['index_name', 'table_name', 'columns', 'schema', 'unique'],
  drop_index: ['index_name', 'table_name', 'schema'],
  create_foreign_key: [
    'constraint_name',
    'source_table',
    'referent_table',
    'local_cols',
    'remote_cols',
    'onupdate',
    'ondelete',
    'deferrable',
    'initially',
    'match',
    'source_schema',
    'referent_schema',
  ],
  create_unique_constraint: ['constraint_name', 'table_name', 'columns', 'schema'],
  create_check_constraint: ['constraint_name', 'table_name', 'condition', 'schema'],
  create_primary_key: ['constraint_name', 'table_name', 'columns', 'schema'],
  create_exclude_constraint: ['constraint_name', 'table_name'],
  drop_constraint: ['constraint_name', 'table_name', 'type_', 'schema'],
  execute: ['sqltext', 'execution_options'],
  bulk_insert: ['table', 'rows', 'multiinsert'],
  create_table_comment: ['table_name', 'comment', 'existing_comment', 'schema'],
  // alembic-postgresql-enum
  sync_enum_values: ['enum_schema', 'enum_name', 'new_values', 'affected_columns', 'enum_values_to_rename'],
  // alembic_utils' replaceable entities (functions, triggers, views, policies, extensions)
  create_entity: ['target'],
  replace_entity: ['target'],
  drop_entity: ['target', 'cascade'],
  drop_table_comment: ['table_name', 'existing_comment', 'schema'],
};

/** The same methods on `batch_op`, which take the table from the batch block. */
const BATCH_PARAMS: Record<string, string[]> = {
  add_column: ['column', 'insert_before', 'insert_after'],
  drop_column: ['column_name'],
  alter_column: [
    'column_name',
    'nullable',
    'comment',
    'server_default',
    'new_column_name',
    'type_',
    'existing_type',
    'existing_server_default',
    'existing_nullable',
    'existing_comment',
    'insert_before',
    'insert_after',
  ],
  create_index: ['index_name', 'columns'],
  drop_index: ['index_name'],
  create_foreign_key: [
    'constraint_name',
    'referent_table',
    'local_cols',
    'remote_cols',
    'referent_schema',
    'onupdate',
    'ondelete',
    'deferrable',
    'initially',
    'match',
  ],
  create_unique_constraint: ['constraint_name', 'columns'],
  create_check_constraint: ['constraint_name', 'condition'],
  create_primary_key: ['constraint_name', 'columns'],
  create_exclude_constraint: ['constraint_name'],
  drop_constraint: ['constraint_name', 'type_'],
  execute: ['sqltext', 'execution_options'],
  create_table_comment: ['comment', 'existing_comment'],
  drop_table_comment: ['existing_comment'],
};

/** `op.*` methods that issue no statement. */
const NO_STATEMENT = new Set([
  'f',
  'inline_literal',
  'get_bind',
  'get_context',
  'implementation_for',
  'register_operation',
]);

class Args {
  constructor(
    readonly named: Map<string, PyValue>,
    /** Positional arguments beyond the named parameters (`create_table`'s columns). */
    readonly rest: PyValue[],
    readonly call: PyCall,
  ) {}
  get(name: string): PyValue | undefined {
    return this.named.get(name);
  }
  str(name: string): string | undefined {
    return exactStr(this.named.get(name));
  }
  bool(name: string): boolean | undefined {
    const v = this.named.get(name);
    return v?.kind === 'bool' ? v.value : v?.kind === 'none' ? false : undefined;
  }
  has(name: string): boolean {
    return this.named.has(name);
  }
}

function bind(call: PyCall, params: string[], batch?: BatchTable): Args {
  const named = new Map<string, PyValue>();
  params.forEach((p, i) => {
    if (i < call.args.length) named.set(p, call.args[i]!);
  });
  for (const [k, v] of call.kwargs) named.set(k, v);
  if (batch) {
    const node = call.node;
    named.set('table_name', { kind: 'str', value: batch.table, offsets: [], node, placeholders: [] });
    named.set('source_table', named.get('table_name')!);
    if (batch.schema) {
      named.set('schema', { kind: 'str', value: batch.schema, offsets: [], node, placeholders: [] });
      named.set('source_schema', named.get('schema')!);
    }
  }
  return new Args(named, call.args.slice(params.length), call);
}

class Unsupported extends Error {}

/**
 * For a statement that only stands for what the call does (its columns, rows or labels are not
 * known statically): the ops keep no SQL text, so nothing runs it as if it were the real statement.
 */
export function standIn(ops: Operation[]): void {
  for (const op of ops) Reflect.deleteProperty(op, 'sql');
}

function need(value: string | undefined, what: string, v: PyValue | undefined): string {
  if (value === undefined)
    throw new Unsupported(v ? `${what} ${sourceText(v)} is not known statically` : `no ${what} given`);
  return value;
}

function needList(value: string[] | undefined, what: string, v: PyValue | undefined): string[] {
  if (value === undefined)
    throw new Unsupported(v ? `${what} ${sourceText(v)} is not a literal list of names` : `no ${what} given`);
  return value;
}

/** The operations a revision can call, keyed by method name. */
type Translator = (a: Args, sink: OpSink) => void;

function table(a: Args, key = 'table_name'): QualifiedName {
  return ir.tableName(need(a.str(key), 'table name', a.get(key)), a.str('schema'));
}

/** The table as SQL, for the statements the IR keeps as SQL (COMMENT ON). */
function tableSql(a: Args): string {
  return doubleQuoteQualified(table(a));
}

function readColumnArg(v: PyValue | undefined, sink: OpSink): ColumnSpec {
  if (!v || v.kind !== 'call' || lastName(v.callee) !== 'Column')
    throw new Unsupported(`column ${v ? sourceText(v) : '?'} is not an sa.Column(…) call`);
  const problems: string[] = [];
  const c = readColumn(v, problems);
  if (!c) throw new Unsupported(`column ${sourceText(v)} has no literal name`);
  for (const p of problems) sink.unknown(p);
  return c;
}

/** The column as SQLAlchemy's compiler writes its DDL, read by the builder. */
function columnDefOf(c: ColumnSpec, serial: boolean, span?: SourceSpan): ColumnDef {
  const column = ir.columnFromSql(columnSql(c, serial), span);
  if (!column) throw new Unsupported(`could not read the column ${c.name} built for this call`);
  return column;
}

/** `sa.ForeignKey("users.id")` on a column → its FOREIGN KEY constraint. */
function columnForeignKey(column: string, fk: ColumnSpec['foreignKeys'][number]): ConstraintDef {
  const references: ForeignKeyTarget = {
    table: ir.tableName(fk.target.table, fk.target.schema),
    columns: [fk.target.column],
  };
  return ir.constraint('foreign-key', [column], { name: fk.name, references });
}

function commentSql(target: string, comment: PyValue | undefined): string | undefined {
  if (!comment || (comment.kind === 'bool' && !comment.value)) return undefined;
  if (comment.kind === 'none') return `COMMENT ON ${target} IS NULL`;
  const text = exactStr(comment);
  return `COMMENT ON ${target} IS ${text === undefined ? 'NULL' : sqlString(text)}`;
}

function addColumn(a: Args, sink: OpSink): void {
  const t = table(a);
  const c = readColumnArg(a.get('column'), sink);
  const column = columnDefOf(c, isAutoincrementKey(c, c.primaryKey ? [c.name] : []));
  sink.op({ kind: 'add-column', table: t, column, ifNotExists: a.bool('if_not_exists') === true });
  // Alembic then adds the column's constraints (never the primary key) and indexes as separate statements.
  for (const fk of c.foreignKeys) sink.op(ir.addConstraintDraft(t, columnForeignKey(c.name, fk)));
  if (c.unique && !c.index) sink.op(ir.addConstraintDraft(t, ir.constraint('unique', [c.name])));
  if (c.index) {
    const name = defaultIndexName(
      need(a.str('table_name'), 'table name', a.get('table_name')),
      a.str('schema'),
      c.name,
    );
    sink.op(ir.indexDraft(t, [c.name], { name, unique: c.unique }));
  }
  if (c.comment !== undefined) sink.sql(`COMMENT ON COLUMN ${tableSql(a)}.${ident(c.name)} IS ${sqlString(c.comment)}`);
}

function dropColumn(a: Args, sink: OpSink): void {
  const column = need(a.str('column_name'), 'column name', a.get('column_name'));
  sink.op({ kind: 'drop-column', table: table(a), column, ifExists: a.bool('if_exists') === true, cascade: false });
}

function alterColumn(a: Args, sink: OpSink): void {
  const t = table(a);
  const column = need(a.str('column_name'), 'column name', a.get('column_name'));
  const typeArg = a.get('type_');
  // Alembic's PostgreSQL implementation: the type change first, then nullability, default, comment, rename.
  if (typeArg && typeArg.kind !== 'none') {
    const type = sqlType(typeArg);
    if (!type)
      sink.unknown(
        `type ${sourceText(typeArg)} is not a SQLAlchemy type this linter knows; treated as an unknown type`,
      );
    const using = a.get('postgresql_using');
    const usingSql = using ? (exactStr(using) ?? sqlExpression(using)) : undefined;
    const draft = ir.alterColumnTypeDraft(t, column, type?.sql ?? ident(sourceText(typeArg)), usingSql);
    if (!draft) sink.unknown('could not read the type change built for this call');
    else {
      const existing = a.get('existing_type');
      const oldType = existing && existing.kind !== 'none' ? sqlType(existing) : undefined;
      if (oldType && draft.kind === 'alter-column-type') draft.oldType = ir.typeRef(oldType.sql);
      sink.op(draft);
    }
  }
  const nullable = a.get('nullable');
  if (nullable && nullable.kind === 'bool')
    sink.op({ kind: nullable.value ? 'drop-not-null' : 'set-not-null', table: t, column });
  else if (nullable && nullable.kind !== 'none')
    sink.unknown(`nullable=${sourceText(nullable)} is not known statically`);
  const serverDefault = a.get('server_default');
  if (serverDefault && !(serverDefault.kind === 'bool' && !serverDefault.value)) {
    if (serverDefault.kind === 'none') sink.op({ kind: 'set-default', table: t, column });
    else sink.op({ kind: 'set-default', table: t, column, default: ir.sqlDefault(serverDefaultClause(serverDefault)) });
  }
  const comment = commentSql(`COLUMN ${tableSql(a)}.${ident(column)}`, a.get('comment'));
  if (comment) sink.sql(comment);
  const newName = a.get('new_column_name');
  if (newName && newName.kind !== 'none')
    sink.op({ kind: 'rename-column', table: t, column, newName: need(exactStr(newName), 'new column name', newName) });
}

/** The name of a constraint object (`sa.UniqueConstraint(…, name="uq")`), when given. */
function nameOf(item: PyCall): string | undefined {
  return exactStr(item.kwargs.get('name'));
}

function createTable(a: Args, sink: OpSink): void {
  const name = need(a.str('table_name'), 'table name', a.get('table_name'));
  const schema = a.str('schema');
  const t = ir.tableName(name, schema);
  const columns: ColumnSpec[] = [];
  // Constraint objects written in the call, in order: SQLAlchemy emits them before those it derives from columns.
  const constraints: ConstraintDef[] = [];
  const indexes: OpDraft[] = [];
  let primaryKey: { columns: string[]; name?: string; span: SourceSpan } | undefined;
  const foreignKeyColumns = new Set<string>();
  /** Each column's `sa.Column(…)`: findings about a column point there, not at the whole call. */
  const columnNodes = new Map<string, SyntaxNode>();
  for (const item of a.rest) {
    if (item.kind !== 'call' || !item.callee) {
      sink.unknown(`create_table argument ${sourceText(item)} is not known statically; the table is read without it`);
      continue;
    }
    const kind = lastName(item.callee);
    const name = nameOf(item);
    // Each constraint object's own line: findings about it point there, not at the whole call.
    const span = sink.spanOf(item.node);
    const listed = (what: string) => needList(strList({ kind: 'seq', items: item.args, node: item.node }), what, item);
    switch (kind) {
      case 'Column': {
        const column = readColumnArg(item, sink);
        columns.push(column);
        columnNodes.set(column.name, item.node);
        break;
      }
      case 'PrimaryKeyConstraint':
        primaryKey = { columns: listed('primary key columns'), span };
        if (name) primaryKey.name = name;
        break;
      case 'UniqueConstraint':
        constraints.push(ir.constraint('unique', listed('unique columns'), { name, span }));
        break;
      case 'CheckConstraint': {
        const expression = exactStr(item.args[0]) ?? (item.args[0] ? sqlExpression(item.args[0]) : undefined);
        constraints.push(ir.checkConstraint(expression ?? 'true', name, span));
        break;
      }
      case 'ForeignKeyConstraint': {
        const local = needList(strList(arg(item, 0, 'columns')), 'foreign key columns', item);
        const remote = needList(strList(arg(item, 1, 'refcolumns')), 'referenced columns', item);
        const targets = remote.map(foreignKeyTarget);
        if (targets.some((x) => !x))
          throw new Unsupported(`foreign key target ${sourceText(item)} is not "table.column"`);
        const first = targets[0]!;
        for (const c of local) foreignKeyColumns.add(c);
        const references = { table: ir.tableName(first.table, first.schema), columns: targets.map((x) => x!.column) };
        constraints.push(ir.constraint('foreign-key', local, { name, references, span }));
        break;
      }
      case 'Index': {
        const unique = item.kwargs.get('unique');
        indexes.push(
          ir.indexDraft(t, item.args.slice(1).map(indexColumn), {
            name: exactStr(item.args[0]),
            unique: unique?.kind === 'bool' && unique.value,
          }),
        );
        break;
      }
      default:
        sink.unknown(`create_table argument ${sourceText(item)} is not a column or constraint this linter knows`);
    }
  }
  const spanOfColumn = (column: string): SourceSpan | undefined => {
    const node = columnNodes.get(column);
    return node ? sink.spanOf(node) : undefined;
  };
  const pkColumns = primaryKey?.columns ?? columns.filter((c) => c.primaryKey).map((c) => c.name);
  const columnDefs = columns.map((c) =>
    columnDefOf(c, !foreignKeyColumns.has(c.name) && isAutoincrementKey(c, pkColumns), spanOfColumn(c.name)),
  );
  // Enum types are created with the table (unless postgresql.ENUM(create_type=False)).
  const enums = new Set<string>();
  for (const c of columns) {
    const e = c.type?.enum;
    if (!e || !e.createType) continue;
    const name = doubleQuoteQualified(ir.tableName(e.name, e.schema));
    if (enums.has(name)) continue;
    enums.add(name);
    sink.sql(
      `CREATE TYPE ${name} AS ENUM (${(e.values ?? []).map(sqlString).join(', ')})`,
      e.values ? undefined : standIn,
    );
  }
  const tableConstraints: ConstraintDef[] = [];
  if (pkColumns.length) {
    // `primary_key=True` on a column: the key is stated on that column (the first, for a composite key).
    const span = primaryKey?.span ?? spanOfColumn(pkColumns[0] ?? '');
    tableConstraints.push(ir.constraint('primary-key', pkColumns, { name: primaryKey?.name, span }));
  }
  tableConstraints.push(...constraints);
  // Then, column by column, the UNIQUE and FOREIGN KEY constraints SQLAlchemy makes from column options.
  for (const c of columns) {
    const span = spanOfColumn(c.name);
    if (c.unique && !c.index) tableConstraints.push(ir.constraint('unique', [c.name], { span }));
    for (const fk of c.foreignKeys) tableConstraints.push({ ...columnForeignKey(c.name, fk), span });
  }
  const prefixes = strList(a.get('prefixes')) ?? [];
  sink.op(
    ir.createTableDraft(t, columnDefs, tableConstraints, {
      ifNotExists: a.bool('if_not_exists') === true,
      partitioned: a.str('postgresql_partition_by') !== undefined,
      temporary: prefixes.some((p) => /^temp(orary)?$/i.test(p)),
    }),
  );
  for (const c of columns) {
    if (c.index)
      sink.op(ir.indexDraft(t, [c.name], { name: defaultIndexName(name, schema, c.name), unique: c.unique }));
  }
  for (const index of indexes) sink.op(index);
  const tableComment = commentSql(`TABLE ${tableSql(a)}`, a.get('comment'));
  if (tableComment) sink.sql(tableComment);
  for (const c of columns)
    if (c.comment !== undefined)
      sink.sql(`COMMENT ON COLUMN ${tableSql(a)}.${ident(c.name)} IS ${sqlString(c.comment)}`);
}

/** An index element as the IR names it: the column, or the expression's SQL. */
function indexColumn(v: PyValue): string {
  const name = exactStr(v);
  if (name !== undefined) return name;
  if (v.kind === 'call' && lastName(v.callee) === 'column' && exactStr(v.args[0]) !== undefined)
    return exactStr(v.args[0])!;
  if (v.kind === 'call' && (lastName(v.callee) === 'desc' || lastName(v.callee) === 'asc') && v.args[0])
    return indexColumn(v.args[0]);
  const sql = sqlExpression(v);
  const expr = sql === undefined ? undefined : (ir.expressionText(sql) ?? ir.indexElementText(sql));
  if (expr === undefined) throw new Unsupported(`index column ${sourceText(v)} is not known statically`);
  return expr;
}

/** The same element as SQL, for an EXCLUDE constraint (which the IR keeps as SQL). */
function indexColumnSql(v: PyValue): string {
  const name = exactStr(v);
  if (name !== undefined) return ident(name);
  if (v.kind === 'call' && lastName(v.callee) === 'column' && exactStr(v.args[0]) !== undefined)
    return ident(exactStr(v.args[0])!);
  const expr = sqlExpression(v);
  if (expr === undefined) throw new Unsupported(`index column ${sourceText(v)} is not known statically`);
  return `(${expr})`;
}

function createIndex(a: Args, sink: OpSink): void {
  const name = a.get('index_name');
  const indexName = name && name.kind !== 'none' ? need(exactStr(name), 'index name', name) : undefined;
  const columnsArg = a.get('columns');
  const columns = columnsArg?.kind === 'seq' ? columnsArg.items : columnsArg ? [columnsArg] : [];
  if (columns.length === 0) throw new Unsupported('the index columns are not a literal list');
  const cols = columns.map(indexColumn);
  const whereArg = a.get('postgresql_where');
  const whereSql = whereArg ? (exactStr(whereArg) ?? sqlExpression(whereArg)) : undefined;
  if (whereArg && whereSql === undefined)
    sink.unknown(`postgresql_where=${sourceText(whereArg)} is not known statically; the index is read as not partial`);
  const where = whereSql === undefined ? undefined : ir.expressionText(whereSql);
  if (whereSql !== undefined && where === undefined)
    throw new Unsupported(`postgresql_where=${whereArg ? sourceText(whereArg) : '?'} is not an SQL expression`);
  sink.op(
    ir.indexDraft(table(a), cols, {
      name: indexName,
      unique: a.bool('unique') === true,
      concurrently: a.bool('postgresql_concurrently') === true,
      ifNotExists: a.bool('if_not_exists') === true,
      where,
    }),
  );
}

function dropIndex(a: Args, sink: OpSink): void {
  const name = need(a.str('index_name'), 'index name', a.get('index_name'));
  sink.op({
    kind: 'drop-index',
    indexes: [ir.tableName(name, a.str('schema'))],
    concurrently: a.bool('postgresql_concurrently') === true,
    ifExists: a.bool('if_exists') === true,
    cascade: false,
  });
}

function constraintName(a: Args): string | undefined {
  const v = a.get('constraint_name');
  if (!v || v.kind === 'none') return undefined;
  return need(exactStr(v), 'constraint name', v);
}

/** SQLAlchemy 2's `postgresql_not_valid=True` on constraints. */
function notValid(a: Args): boolean {
  return a.bool('postgresql_not_valid') === true;
}

function createForeignKey(a: Args, sink: OpSink): void {
  const local = needList(strList(a.get('local_cols')), 'local columns', a.get('local_cols'));
  const remote = needList(strList(a.get('remote_cols')), 'referenced columns', a.get('remote_cols'));
  const referent = ir.tableName(
    need(a.str('referent_table'), 'referenced table', a.get('referent_table')),
    a.str('referent_schema'),
  );
  const source = ir.tableName(need(a.str('source_table'), 'table name', a.get('source_table')), a.str('source_schema'));
  const references = { table: referent, columns: remote };
  sink.op(
    ir.addConstraintDraft(
      source,
      ir.constraint('foreign-key', local, { name: constraintName(a), references, notValid: notValid(a) }),
    ),
  );
}

function createUniqueConstraint(a: Args, sink: OpSink): void {
  const columns = needList(strList(a.get('columns')), 'columns', a.get('columns'));
  sink.op(ir.addConstraintDraft(table(a), ir.constraint('unique', columns, { name: constraintName(a) })));
}

function createPrimaryKey(a: Args, sink: OpSink): void {
  const columns = needList(strList(a.get('columns')), 'columns', a.get('columns'));
  sink.op(ir.addConstraintDraft(table(a), ir.constraint('primary-key', columns, { name: constraintName(a) })));
}

function createCheckConstraint(a: Args, sink: OpSink): void {
  const condition = a.get('condition');
  const expression = condition ? (exactStr(condition) ?? sqlExpression(condition)) : undefined;
  const name = constraintName(a);
  // A SQLAlchemy expression object: the constraint is known, its condition is not.
  const def =
    expression !== undefined
      ? ir.checkConstraint(expression, name)
      : ir.constraint('check', [], { name, expression: condition ? sourceText(condition) : '?' });
  def.notValid = notValid(a);
  sink.op(ir.addConstraintDraft(table(a), def));
}

function createExcludeConstraint(a: Args, sink: OpSink): void {
  const elements = a.rest.map((e) => {
    if (e.kind !== 'seq' || e.items.length !== 2)
      throw new Unsupported(`exclusion element ${sourceText(e)} is not a (column, operator) pair`);
    const operator = need(exactStr(e.items[1]), 'operator', e.items[1]);
    return `${indexColumnSql(e.items[0]!)} WITH ${operator}`;
  });
  const using = a.str('using') ?? 'gist';
  const where = a.get('where');
  const whereSql = where ? (exactStr(where) ?? sqlExpression(where)) : undefined;
  const name = constraintName(a);
  // The IR describes an exclusion constraint only by its name and kind; its elements stay SQL.
  sink.sql(
    `ALTER TABLE ${tableSql(a)} ADD ${name ? `CONSTRAINT ${ident(name)} ` : ''}EXCLUDE USING ${using} (${elements.join(', ')})${whereSql ? ` WHERE (${whereSql})` : ''}`,
  );
}

function dropConstraint(a: Args, sink: OpSink): void {
  const name = need(a.str('constraint_name'), 'constraint name', a.get('constraint_name'));
  sink.op(ir.dropConstraintDraft(table(a), name, a.bool('if_exists') === true));
}

function dropTable(a: Args, sink: OpSink): void {
  sink.op({ kind: 'drop-table', tables: [table(a)], ifExists: a.bool('if_exists') === true, cascade: false });
}

function renameTable(a: Args, sink: OpSink): void {
  const old = ir.tableName(need(a.str('old_table_name'), 'table name', a.get('old_table_name')), a.str('schema'));
  const newName = need(a.str('new_table_name'), 'new table name', a.get('new_table_name'));
  sink.op({ kind: 'rename-table', table: old, newName });
}

/**
 * `sa.table("users", …)`, `sa.Table("users", metadata, …)`, or the table `op.create_table("users", …)`
 * returns → the table it names.
 */
export function tableObject(v: PyValue | undefined): { table: string; schema?: string } | undefined {
  if (!v || v.kind !== 'call' || !v.callee || !['table', 'Table', 'create_table'].includes(lastName(v.callee)))
    return undefined;
  const name = exactStr(v.args[0]);
  if (name === undefined) return undefined;
  const schema = exactStr(v.kwargs.get('schema'));
  return schema ? { table: name, schema } : { table: name };
}

/** `users.update().where(…).values(…)`: a SQLAlchemy statement object → its kind and table. */
/** SQLAlchemy Core statement constructors: `table.update()`, `sa.insert(table)`, `table.select()`… */
const VERBS = ['update', 'insert', 'delete', 'select'];

function statementObject(v: PyValue): { sql: string; filtered: boolean } | undefined {
  // `.where(…)` anywhere in the chain: the statement has a WHERE this reading does not translate.
  let filtered = false;
  for (let c: PyValue | undefined = v; c?.kind === 'call'; c = c.receiver)
    if (c.method === 'where' || c.method === 'filter') filtered = true;
  let cursor: PyValue | undefined = v;
  let verb: string | undefined;
  while (cursor.kind === 'call' && !cursor.callee && cursor.receiver) {
    if (cursor.method && VERBS.includes(cursor.method)) verb = cursor.method;
    const receiver: PyValue = cursor.receiver;
    const t = tableObject(receiver);
    if (t && verb) return { sql: statementFor(verb, doubleQuoteQualified(ir.tableName(t.table, t.schema))), filtered };
    cursor = receiver;
  }
  // sa.update(users) / sa.insert(users) / sa.delete(users)
  cursor = v;
  while (cursor?.kind === 'call') {
    if (cursor.callee && VERBS.includes(lastName(cursor.callee))) {
      const t = tableObject(cursor.args[0]);
      if (t)
        return {
          sql: statementFor(lastName(cursor.callee), doubleQuoteQualified(ir.tableName(t.table, t.schema))),
          filtered,
        };
      break;
    }
    cursor = cursor.receiver;
  }
  // `sa.select(t.c.id).where(…)`: a read of tables this reading does not resolve; it changes nothing
  for (let c: PyValue | undefined = v; c?.kind === 'call'; c = c.receiver)
    if ((c.callee && lastName(c.callee) === 'select') || c.method === 'select') return { sql: 'SELECT', filtered };
  return undefined;
}

function statementFor(verb: string, table: string): string {
  if (verb === 'insert') return `INSERT INTO ${table} DEFAULT VALUES`;
  if (verb === 'delete') return `DELETE FROM ${table}`;
  if (verb === 'select') return `SELECT * FROM ${table}`;
  return `UPDATE ${table} SET "?" = NULL`;
}

/** `sa.text("…")` bind parameters (`:name`) become `$n` so the PostgreSQL parser accepts them. */
function withoutBindParams(text: PyStr): PyStr {
  if (!/(^|[^:\w]):[A-Za-z_]/.test(text.value)) return text;
  let value = '';
  const offsets: number[] = [];
  let n = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.value.length; i++) {
    const ch = text.value[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (
      ch === ':' &&
      text.value[i - 1] !== ':' &&
      text.value[i + 1] !== ':' &&
      /[A-Za-z_]/.test(text.value[i + 1] ?? '') &&
      !/\w/.test(text.value[i - 1] ?? '')
    ) {
      const m = /^[A-Za-z_]\w*/.exec(text.value.slice(i + 1))![0];
      const placeholder = `$${++n}`;
      for (const c of placeholder) {
        value += c;
        offsets.push(text.offsets[i]!);
      }
      i += m.length;
      continue;
    }
    value += ch;
    offsets.push(text.offsets[i]!);
  }
  offsets.push(text.offsets[text.value.length]!);
  return { ...text, value, offsets };
}

/** SQL text passed to `op.execute()` or a connection's `execute()`. */
export function executeSql(v: PyValue | undefined, sink: OpSink): void {
  if (!v) throw new Unsupported('no SQL given');
  if (v.kind === 'str') {
    sink.userSql(v);
    return;
  }
  if (v.kind === 'call') {
    const inner =
      v.callee && ['text', 'literal_column'].includes(lastName(v.callee))
        ? v.args[0]
        : v.method === 'bindparams' && v.receiver?.kind === 'call' && lastName(v.receiver.callee) === 'text'
          ? v.receiver.args[0]
          : undefined;
    if (inner?.kind === 'str') {
      sink.userSql(withoutBindParams(inner));
      return;
    }
    const statement = statementObject(v);
    if (statement) {
      sink.sql(statement.sql, (ops) => {
        standIn(ops);
        // The stand-in SQL has no WHERE; the real statement's rows are not known.
        if (statement.filtered) {
          for (const op of ops) {
            if (op.kind !== 'data-change') continue;
            op.rowScope = 'unknown';
            delete op.keyColumns;
          }
        }
      });
      return;
    }
  }
  throw new Unsupported(`the SQL ${sourceText(v)} is built at run time`);
}

function bulkInsert(a: Args, sink: OpSink): void {
  const t = tableObject(a.get('table'));
  if (!t)
    throw new Unsupported(
      `table ${a.get('table') ? sourceText(a.get('table')!) : '?'} is not an sa.table(…) with a literal name`,
    );
  const rows = a.get('rows');
  const count = rows?.kind === 'seq' ? rows.items.length : 1;
  for (let i = 0; i < count; i++)
    sink.sql(`INSERT INTO ${doubleQuoteQualified(ir.tableName(t.table, t.schema))} DEFAULT VALUES`, standIn);
}

function tableComment(a: Args, sink: OpSink, drop: boolean): void {
  const text = drop ? undefined : a.str('comment');
  sink.sql(`COMMENT ON TABLE ${tableSql(a)} IS ${text === undefined ? 'NULL' : sqlString(text)}`);
}

const TRANSLATORS: Record<string, Translator> = {
  add_column: addColumn,
  drop_column: dropColumn,
  alter_column: alterColumn,
  create_table: createTable,
  drop_table: dropTable,
  rename_table: renameTable,
  create_index: createIndex,
  drop_index: dropIndex,
  create_foreign_key: createForeignKey,
  create_unique_constraint: createUniqueConstraint,
  create_check_constraint: createCheckConstraint,
  create_primary_key: createPrimaryKey,
  create_exclude_constraint: createExcludeConstraint,
  drop_constraint: dropConstraint,
  execute: (a, sink) => executeSql(a.get('sqltext'), sink),
  sync_enum_values: syncEnumValues,
  create_entity: (a, sink) => entityDdl(a, 'create', sink),
  replace_entity: (a, sink) => entityDdl(a, 'replace', sink),
  drop_entity: (a, sink) => entityDdl(a, 'drop', sink),
  bulk_insert: bulkInsert,
  create_table_comment: (a, sink) => tableComment(a, sink, false),
  drop_table_comment: (a, sink) => tableComment(a, sink, true),
};

/**
 * Translates `op.<method>(…)` (or `batch_op.<method>(…)` when `batch` is given). Returns false for
 * methods that issue no statement (`op.f`, `op.get_bind`…).
 */
export function translateOpCall(method: string, call: PyCall, sink: OpSink, batch?: BatchTable): boolean {
  if (NO_STATEMENT.has(method)) return false;
  const params = batch ? BATCH_PARAMS[method] : OP_PARAMS[method];
  const translate = TRANSLATORS[method];
  if (!params || !translate) {
    sink.unknown(`${batch ? 'batch_op' : 'op'}.${method}() is not an operation this linter reads`);
    return true;
  }
  if (call.splat) {
    sink.unknown('arguments passed with * or ** are not known statically');
    return true;
  }
  try {
    translate(bind(call, params, batch), sink);
  } catch (e) {
    if (!(e instanceof Unsupported)) throw e;
    sink.unknown(e.message);
  }
  return true;
}

/**
 * `op.create_entity(e)` / `replace_entity` / `drop_entity` of alembic_utils: the statements its entity
 * classes render (PGFunction, PGTrigger, PGView, PGMaterializedView, PGPolicy, PGExtension), from the
 * entity's constructor arguments. Replacing a trigger, policy or materialized view drops and creates it.
 */
function entityDdl(a: Args, action: 'create' | 'replace' | 'drop', sink: OpSink): void {
  const target = a.get('target');
  const kind = target?.kind === 'call' && target.callee ? lastName(target.callee) : undefined;
  if (!target || target.kind !== 'call' || !kind || !ENTITY_PARAMS[kind])
    throw new Unsupported(
      `the entity ${target ? sourceText(target) : ''} is not an alembic_utils entity built in this file`,
    );
  const e = bind(target, ENTITY_PARAMS[kind]);
  const text = (name: string) => {
    const v = exactStr(e.get(name));
    if (v === undefined) throw new Unsupported(`${kind} ${name} is not known statically`);
    return v;
  };
  const quoted = (name: string) => (/^".*"$/.test(name) ? name : ident(name));
  const schema = quoted(text('schema'));
  const signature = text('signature');
  const cascade = action === 'drop' && flag(a.get('cascade')) ? ' CASCADE' : '';
  const statements: string[] = [];
  switch (kind) {
    case 'PGExtension':
      statements.push(
        action === 'drop'
          ? `DROP EXTENSION ${ident(signature)}${cascade}`
          : `CREATE EXTENSION ${action === 'replace' ? 'IF NOT EXISTS ' : ''}${ident(signature)} WITH SCHEMA ${schema}`,
      );
      break;
    case 'PGFunction': {
      if (action === 'drop')
        statements.push(`DROP FUNCTION ${schema}.${ident(signature.split('(')[0]!.trim())}${cascade}`);
      else
        statements.push(
          `CREATE ${action === 'replace' ? 'OR REPLACE ' : ''}FUNCTION ${schema}.${signature} ${text('definition')}`,
        );
      break;
    }
    case 'PGView':
    case 'PGMaterializedView': {
      const what = kind === 'PGView' ? 'VIEW' : 'MATERIALIZED VIEW';
      const name = `${schema}.${ident(signature)}`;
      if (action !== 'create' && (action === 'drop' || kind === 'PGMaterializedView'))
        statements.push(`DROP ${what} ${action === 'drop' ? '' : 'IF EXISTS '}${name}${cascade}`);
      if (action !== 'drop') {
        const data =
          kind === 'PGMaterializedView' ? (flag(e.get('with_data')) === false ? ' WITH NO DATA' : ' WITH DATA') : '';
        statements.push(
          `CREATE ${action === 'replace' && kind === 'PGView' ? 'OR REPLACE ' : ''}${what} ${name} AS ${text('definition').replace(/;\s*$/, '')}${data}`,
        );
      }
      break;
    }
    case 'PGTrigger':
    case 'PGPolicy': {
      const what = kind === 'PGTrigger' ? 'TRIGGER' : 'POLICY';
      const name = kind === 'PGTrigger' ? ident(signature) : signature;
      const onEntity = text('on_entity');
      if (action !== 'create')
        statements.push(`DROP ${what} ${action === 'drop' ? '' : 'IF EXISTS '}${name} ON ${onEntity}${cascade}`);
      if (action !== 'drop') {
        if (kind === 'PGPolicy') statements.push(`CREATE POLICY ${name} ON ${onEntity} ${text('definition')}`);
        else {
          // alembic_utils qualifies the trigger's table with the entity's schema
          const m = /^([\s\S]*?)\s+ON\s+(\S+)\s+([\s\S]*)$/i.exec(text('definition'));
          if (!m) throw new Unsupported('PGTrigger definition has no ON <table>');
          const table = m[2]!.includes('.') ? m[2]!.slice(m[2]!.indexOf('.') + 1) : m[2]!;
          const constraint = flag(e.get('is_constraint')) ? 'CONSTRAINT ' : '';
          statements.push(`CREATE ${constraint}TRIGGER ${name} ${m[1]} ON ${schema}.${table} ${m[3]}`);
        }
      }
      break;
    }
  }
  for (const sql of statements) sink.sql(sql);
}

/**
 * `op.sync_enum_values(…)` of alembic-postgresql-enum: the enum is renamed to `<name>_old`, created again
 * with the new values, every affected column converted to it (`ALTER COLUMN … TYPE … USING c::text::…`,
 * a rewrite of its table, its default dropped and set again around it) and the old type dropped — as its
 * `_set_enum_values` does, whatever the change to the values. (The comparison operators it creates and
 * drops between the two types are left out: they touch no table.)
 */
function syncEnumValues(a: Args, sink: OpSink): void {
  const schema = need(a.str('enum_schema'), 'enum schema', a.get('enum_schema'));
  const name = need(a.str('enum_name'), 'enum name', a.get('enum_name'));
  const values = needList(strList(a.get('new_values')), 'enum values', a.get('new_values'));
  const columns = a.get('affected_columns');
  if (columns?.kind !== 'seq')
    throw new Unsupported(`affected columns ${columns ? sourceText(columns) : ''} are not known statically`);
  const type = `${ident(schema)}.${ident(name)}`;
  const statements = [
    `ALTER TYPE ${type} RENAME TO ${ident(`${name}_old`)}`,
    `CREATE TYPE ${type} AS ENUM (${values.map(sqlString).join(', ')})`,
  ];
  for (const item of columns.items) {
    // TableReference(table_name, column_name, table_schema=, column_type=, existing_server_default=) or (table, column[, type])
    const ref =
      item.kind === 'call'
        ? bind(item, ['table_name', 'column_name', 'table_schema', 'column_type', 'existing_server_default'])
        : undefined;
    const parts = item.kind === 'seq' ? item.items : undefined;
    const table = ref ? ref.str('table_name') : exactStr(parts?.[0]);
    const column = ref ? ref.str('column_name') : exactStr(parts?.[1]);
    if (table === undefined || column === undefined)
      throw new Unsupported(`affected column ${sourceText(item)} is not known statically`);
    const tableSchema = ref?.str('table_schema') ?? schema;
    const kind = ref?.get('column_type') ?? parts?.[2];
    const array = kind?.kind === 'ref' && lastName(kind.name) === 'ARRAY';
    const defaultValue = ref?.str('existing_server_default');
    const target = `ALTER TABLE ${ident(tableSchema)}.${ident(table)} ALTER COLUMN ${ident(column)}`;
    if (defaultValue !== undefined) statements.push(`${target} DROP DEFAULT`);
    // With enum_values_to_rename the USING is a CASE over the renamed labels: a rewrite all the same.
    const to = `${type}${array ? '[]' : ''}`;
    statements.push(`${target} TYPE ${to} USING ${ident(column)}::text${array ? '[]' : ''}::${to}`);
    if (defaultValue !== undefined) statements.push(`${target} SET DEFAULT ${defaultValue}`);
  }
  statements.push(`DROP TYPE ${ident(schema)}.${ident(`${name}_old`)}`);
  for (const sql of statements) sink.sql(sql);
}

/** The constructor parameters of alembic_utils' entity classes, in order. */
const ENTITY_PARAMS: Record<string, string[]> = {
  PGExtension: ['schema', 'signature'],
  PGFunction: ['schema', 'signature', 'definition'],
  PGView: ['schema', 'signature', 'definition'],
  PGMaterializedView: ['schema', 'signature', 'definition', 'with_data'],
  PGTrigger: ['schema', 'signature', 'on_entity', 'definition', 'is_constraint'],
  PGPolicy: ['schema', 'signature', 'on_entity', 'definition'],
};

/** `sa.Enum(…).create(bind)` / `postgresql.ENUM(…).drop(bind)`: the type's own DDL. */
export function enumDdl(receiver: PyValue, method: string, call: PyCall, sink: OpSink): boolean {
  if (method !== 'create' && method !== 'drop') return false;
  const type = sqlType(receiver);
  if (!type?.enum) return false;
  const name = doubleQuoteQualified(ir.tableName(type.enum.name, type.enum.schema));
  const checkfirst = call.kwargs.get('checkfirst');
  const ifExists = checkfirst?.kind === 'bool' && checkfirst.value;
  if (method === 'create')
    sink.sql(
      `CREATE TYPE ${name} AS ENUM (${(type.enum.values ?? []).map(sqlString).join(', ')})`,
      type.enum.values ? undefined : standIn,
    );
  else sink.sql(`DROP TYPE ${ifExists ? 'IF EXISTS ' : ''}${name}`);
  return true;
}
