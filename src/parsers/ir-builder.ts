/**
 * The one way a frontend that is not SQL (the TypeScript ORMs, Alembic) builds IR: columns,
 * constraints (primary key, unique, CHECK, foreign keys from a `'table.column'` reference), indexes
 * and enum types, each with the span of the source that states it when the frontend knows it.
 *
 * It lives with the parsers, not in `src/ir`, because it normalises through the SQL frontend: a type a
 * framework maps to `varchar(255)` and one a .sql file writes are read by the same parser
 * (`typeRefFromSql`), and a CHECK's expression is read as SQL so `col IS NOT NULL` is recognised.
 * `src/ir` stays free of parsers.
 */
import type {
  ColumnDef,
  ConstraintDef,
  DefaultValue,
  ForeignKeyTarget,
  QualifiedName,
  SourceSpan,
  TypeRef,
} from '../ir/types.js';
import { doubleQuote, quoteLiteral } from '../ir/identifiers.js';
import { defaultFromSql, typeRefFromSql } from './sql/fragments.js';
import { parseSql } from './sql/parse-sql.js';
import type { OpDraft } from './sql/translate.js';

/** A column type from the SQL the framework's Postgres dialect emits for it. */
export function typeRef(sql: string): TypeRef {
  return typeRefFromSql(sql);
}

/** A server default from its SQL text (its volatility read from the functions it calls). */
export function sqlDefault(text: string): DefaultValue {
  return defaultFromSql(text);
}

export function columnDef(
  name: string,
  typeSql: string,
  extra: Partial<Omit<ColumnDef, 'name' | 'type'>> = {},
): ColumnDef {
  const col: ColumnDef = {
    name,
    type: typeRef(typeSql),
    notNull: extra.notNull ?? false,
    primaryKey: extra.primaryKey ?? false,
    unique: extra.unique ?? false,
    constraints: extra.constraints ?? [],
  };
  if (extra.default) col.default = extra.default;
  if (extra.generated) col.generated = extra.generated;
  if (extra.span) col.span = extra.span;
  if (col.primaryKey) col.notNull = true;
  return col;
}

/** The column is the table's primary key on its own (`PRIMARY KEY` on the column: implies NOT NULL). */
export function markPrimaryKey(col: ColumnDef, span?: SourceSpan): void {
  col.primaryKey = true;
  col.notNull = true;
  col.constraints.push(constraint('primary-key', [col.name], span ? { span } : {}));
}

/** `UNIQUE` on the column. */
export function markUnique(col: ColumnDef, span?: SourceSpan): void {
  col.unique = true;
  col.constraints.push(constraint('unique', [col.name], span ? { span } : {}));
}

/** `CHECK (…)` on the column, from its SQL expression. */
export function addColumnCheck(col: ColumnDef, expression: string, span?: SourceSpan): ConstraintDef {
  const check = checkConstraint(expression, undefined, span);
  check.columns = [col.name];
  col.constraints.push(check);
  return check;
}

/** `REFERENCES table (columns)` on the column. */
export function addColumnReference(col: ColumnDef, references: ForeignKeyTarget, name?: string): ConstraintDef {
  const fk = constraint('foreign-key', [col.name], name ? { name, references } : { references });
  col.constraints.push(fk);
  return fk;
}

/** A name and the schema given beside it, as given (a dot in the name is part of the name). */
export function tableName(name: string, schema?: string): QualifiedName {
  return schema ? { schema, name } : { name };
}

/** `schema.table` written as one string (Knex, Sequelize, TypeORM, Kysely accept it) → qualified name. */
export function relationName(name: string, schema?: string): QualifiedName {
  const dot = name.indexOf('.');
  if (!schema && dot > 0) return { schema: name.slice(0, dot), name: name.slice(dot + 1) };
  return schema ? { schema, name } : { name };
}

/** A `'table.column'` (or `'schema.table.column'`) reference → the foreign key target; undefined without a dot. */
export function referenceTarget(spec: string): ForeignKeyTarget | undefined {
  const dot = spec.lastIndexOf('.');
  if (dot <= 0) return undefined;
  return { table: relationName(spec.slice(0, dot)), columns: [spec.slice(dot + 1)] };
}

export function constraint(
  type: ConstraintDef['type'],
  columns: string[],
  extra: Partial<ConstraintDef> = {},
): ConstraintDef {
  const c: ConstraintDef = { type, columns, notValid: extra.notValid ?? false };
  if (extra.name) c.name = extra.name;
  if (extra.references) c.references = extra.references;
  if (extra.expression) c.expression = extra.expression;
  if (extra.checksNotNullOf) c.checksNotNullOf = extra.checksNotNullOf;
  if (extra.usingIndex) c.usingIndex = extra.usingIndex;
  if (extra.span) c.span = extra.span;
  return c;
}

/** A CHECK constraint from its SQL expression, read by the SQL parser (so `col IS NOT NULL` is recognised). */
export function checkConstraint(expression: string, name?: string, span?: SourceSpan): ConstraintDef {
  const result = parseSql(`ALTER TABLE t ADD CHECK (${expression})`, {
    file: '',
    direction: 'upgrade',
    generated: true,
  });
  const op = result.ops[0];
  const def =
    op?.kind === 'add-constraint' && op.constraint.type === 'check'
      ? op.constraint
      : constraint('check', [], { expression });
  if (name) def.name = name;
  if (span) def.span = span;
  return def;
}

/** `ALTER TABLE … ADD CONSTRAINT`. */
export function addConstraintDraft(table: QualifiedName, def: ConstraintDef): OpDraft {
  return { kind: 'add-constraint', table, constraint: def };
}

/** `ALTER TABLE … DROP CONSTRAINT [IF EXISTS] name` (the frameworks never add CASCADE). */
export function dropConstraintDraft(table: QualifiedName, name: string, ifExists = false): OpDraft {
  return { kind: 'drop-constraint', table, name, ifExists, cascade: false };
}

export interface IndexOptions {
  name?: string;
  unique?: boolean;
  concurrently?: boolean;
  ifNotExists?: boolean;
  /** Partial index predicate (SQL). */
  where?: string;
}

/** `CREATE [UNIQUE] INDEX [CONCURRENTLY] name ON table (columns) [WHERE …]`. */
export function indexDraft(table: QualifiedName, columns: string[], options: IndexOptions = {}): OpDraft {
  const draft: OpDraft = {
    kind: 'create-index',
    table,
    columns,
    unique: options.unique ?? false,
    concurrently: options.concurrently ?? false,
    ifNotExists: options.ifNotExists ?? false,
  };
  if (options.name !== undefined) draft.name = options.name;
  if (options.where) draft.where = options.where;
  return draft;
}

export interface CreateTableOptions {
  ifNotExists?: boolean;
  asSelect?: boolean;
  partitioned?: boolean;
  temporary?: boolean;
}

/** `CREATE TABLE` with its columns (each carrying its span) and table constraints. */
export function createTableDraft(
  table: QualifiedName,
  columns: ColumnDef[],
  constraints: ConstraintDef[],
  options: CreateTableOptions = {},
): OpDraft {
  return {
    kind: 'create-table',
    table,
    columns,
    constraints,
    ifNotExists: options.ifNotExists ?? false,
    asSelect: options.asSelect ?? false,
    partitioned: options.partitioned ?? false,
    temporary: options.temporary ?? false,
  };
}

/**
 * A table the frontend could not read in full (an `unknown` op says why): it is still created here, so
 * later ops on it touch a new table.
 */
export function partialCreateTableDraft(table: QualifiedName, ifNotExists: boolean): OpDraft {
  return { ...createTableDraft(table, [], [], { ifNotExists }), partial: true } as OpDraft;
}

/** The `other` op for a CREATE TYPE … AS ENUM a framework sends before using the type (with its SQL, for trace). */
export function createEnumDraft(name: QualifiedName, values: string[]): OpDraft {
  const quoted = `${name.schema ? `${doubleQuote(name.schema)}.` : ''}${doubleQuote(name.name)}`;
  return {
    kind: 'other',
    statementType: 'CreateEnumStmt',
    detail: `${name.name} (${values.join(', ')})`,
    sql: `CREATE TYPE ${quoted} AS ENUM (${values.map(quoteLiteral).join(', ')})`,
  };
}

/*
 * SQL fragments a framework's own compiler writes (SQLAlchemy's column DDL, a type with its COLLATE):
 * read by the SQL parser, so they normalise exactly as the same text in a .sql file.
 */

function generatedOps(sql: string): OpDraft[] {
  return parseSql(sql, { file: '', direction: 'upgrade', generated: true }).ops;
}

/** A column from its SQL definition (`"email" varchar(255) DEFAULT 'x' NOT NULL CHECK (…)`); undefined if unreadable. */
export function columnFromSql(sql: string, span?: SourceSpan): ColumnDef | undefined {
  const op = generatedOps(`ALTER TABLE t ADD COLUMN ${sql}`)[0];
  if (op?.kind !== 'add-column') return undefined;
  if (span) op.column.span = span;
  return op.column;
}

/** `ALTER COLUMN … TYPE <typeSql> [USING <using>]`: the type (and its COLLATE) read as SQL. */
export function alterColumnTypeDraft(
  table: QualifiedName,
  column: string,
  typeSql: string,
  using?: string,
): OpDraft | undefined {
  const op = generatedOps(`ALTER TABLE t ALTER COLUMN c TYPE ${typeSql}${using ? ` USING ${using}` : ''}`)[0];
  if (op?.kind !== 'alter-column-type') return undefined;
  return { ...op, table, column };
}

/** An SQL expression as the SQL frontend prints it (an index predicate or expression column); undefined if unreadable. */
export function expressionText(sql: string): string | undefined {
  const op = generatedOps(`CREATE INDEX ON t (x) WHERE ${sql}`)[0];
  return op?.kind === 'create-index' ? op.where : undefined;
}

/**
 * One index element written as SQL (`lower(email)`, `"timestamp" DESC`: SQLAlchemy's `text()` in an
 * index's column list is rendered verbatim, ordering included) as the IR names it; undefined when it is not one.
 */
export function indexElementText(sql: string): string | undefined {
  const op = generatedOps(`CREATE INDEX ON t (${sql})`)[0];
  return op?.kind === 'create-index' && op.columns.length === 1 ? op.columns[0] : undefined;
}
