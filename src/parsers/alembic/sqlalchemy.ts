/**
 * SQLAlchemy objects written in a revision (`sa.String(50)`, `sa.Column(…)`, `sa.text("now()")`,
 * `sa.ForeignKey("users.id")`…) rendered as the PostgreSQL DDL text SQLAlchemy's compiler emits for
 * them. The frontend builds the statements Alembic would run from these pieces and reads them with
 * the SQL frontend, so a revision file and its `alembic upgrade --sql` output give the same IR.
 * Each mapping is checked against SQLAlchemy itself in test/alembic/sqlalchemy-types.test.ts.
 */
import { doubleQuote, doubleQuoteQualified, quoteLiteral } from '../../ir/identifiers.js';
import type { DefaultValue, Operation } from '../../ir/types.js';
import { tableName } from '../ir-builder.js';
import { exactStr, lastName, type PyCall, type PyValue, sourceText, strList } from './python-values.js';

/** A double-quoted SQL identifier: exact whatever the case or characters. */
export const ident = doubleQuote;
export const sqlString = quoteLiteral;

/** Positional or keyword argument `index`/`name` of a call. */
export function arg(call: PyCall, index: number, name: string): PyValue | undefined {
  return call.kwargs.get(name) ?? (index >= 0 ? call.args[index] : undefined);
}

function num(v: PyValue | undefined): number | undefined {
  return v?.kind === 'number' ? v.value : undefined;
}

export function flag(v: PyValue | undefined): boolean | undefined {
  return v?.kind === 'bool' ? v.value : v?.kind === 'none' ? false : undefined;
}

function mods(...values: (number | undefined)[]): string {
  const known: number[] = [];
  for (const v of values) {
    if (v === undefined) break;
    known.push(v);
  }
  return known.length ? `(${known.join(', ')})` : '';
}

/** A native enum type a column needs (`CREATE TYPE … AS ENUM` when its table is created). */
export interface EnumType {
  name: string;
  schema?: string;
  /** The labels, when written as literals. */
  values?: string[];
  /** `postgresql.ENUM(…, create_type=False)`: the type already exists. */
  createType: boolean;
}

export interface SqlType {
  sql: string;
  /** Integer types SQLAlchemy turns into SERIAL/BIGSERIAL/SMALLSERIAL for an autoincrement key. */
  serial?: 'SERIAL' | 'BIGSERIAL' | 'SMALLSERIAL';
  enum?: EnumType;
}

type TypeRenderer = (call: PyCall) => SqlType | undefined;

const simple =
  (sql: string): TypeRenderer =>
  () => ({ sql });
const sized =
  (base: string): TypeRenderer =>
  (c) => ({ sql: base + mods(num(arg(c, 0, 'length'))) });
const withTimezone =
  (base: 'TIMESTAMP' | 'TIME'): TypeRenderer =>
  (c) => {
    const tz = flag(arg(c, 0, 'timezone')) ?? false;
    const precision = num(arg(c, 1, 'precision'));
    return { sql: `${base}${mods(precision)} ${tz ? 'WITH' : 'WITHOUT'} TIME ZONE` };
  };
const numeric =
  (base: string): TypeRenderer =>
  (c) => ({ sql: base + mods(num(arg(c, 0, 'precision')), num(arg(c, 1, 'scale'))) });

function enumType(c: PyCall, pgEnum: boolean): SqlType | undefined {
  const values: string[] = [];
  let literal = true;
  let name = exactStr(c.kwargs.get('name'));
  for (const a of c.args) {
    const s = exactStr(a);
    if (s !== undefined) values.push(s);
    else {
      literal = false;
      // sa.Enum(MyEnum): SQLAlchemy names the type after the Python class, lower-cased.
      if (!name && a.kind === 'ref') name = lastName(a.name).toLowerCase();
    }
  }
  if (flag(c.kwargs.get('native_enum')) === false) {
    const length =
      num(c.kwargs.get('length')) ?? (literal && values.length ? Math.max(...values.map((v) => v.length)) : undefined);
    return { sql: `VARCHAR${mods(length)}` };
  }
  if (!name) return undefined;
  const schema = exactStr(c.kwargs.get('schema'));
  const type: EnumType = { name, createType: !pgEnum || flag(c.kwargs.get('create_type')) !== false };
  if (schema) type.schema = schema;
  if (literal && values.length) type.values = values;
  return { sql: doubleQuoteQualified(tableName(name, schema)), enum: type };
}

/**
 * SQLAlchemy type names (generic, upper-case SQL standard and `sqlalchemy.dialects.postgresql`
 * ones; matched on the last name component so `sa.String`, `String`, `sa.types.String` agree).
 */
const TYPES: Record<string, TypeRenderer> = {
  String: sized('VARCHAR'),
  // SQLModel's own types (`sqlmodel.sql.sqltypes.…`), as SQLModel compiles them for PostgreSQL.
  AutoString: sized('VARCHAR'),
  GUID: simple('UUID'),
  VARCHAR: sized('VARCHAR'),
  Unicode: sized('VARCHAR'),
  NVARCHAR: sized('NVARCHAR'),
  Text: sized('TEXT'),
  TEXT: sized('TEXT'),
  UnicodeText: sized('TEXT'),
  CHAR: sized('CHAR'),
  NCHAR: sized('NCHAR'),
  Integer: () => ({ sql: 'INTEGER', serial: 'SERIAL' }),
  INTEGER: () => ({ sql: 'INTEGER', serial: 'SERIAL' }),
  INT: () => ({ sql: 'INTEGER', serial: 'SERIAL' }),
  BigInteger: () => ({ sql: 'BIGINT', serial: 'BIGSERIAL' }),
  BIGINT: () => ({ sql: 'BIGINT', serial: 'BIGSERIAL' }),
  SmallInteger: () => ({ sql: 'SMALLINT', serial: 'SMALLSERIAL' }),
  SMALLINT: () => ({ sql: 'SMALLINT', serial: 'SMALLSERIAL' }),
  Numeric: numeric('NUMERIC'),
  NUMERIC: numeric('NUMERIC'),
  DECIMAL: numeric('DECIMAL'),
  Float: (c) => ({ sql: `FLOAT${mods(num(arg(c, 0, 'precision')))}` }),
  FLOAT: (c) => ({ sql: `FLOAT${mods(num(arg(c, 0, 'precision')))}` }),
  REAL: simple('REAL'),
  Double: simple('DOUBLE PRECISION'),
  DOUBLE: simple('DOUBLE PRECISION'),
  DOUBLE_PRECISION: simple('DOUBLE PRECISION'),
  Boolean: simple('BOOLEAN'),
  BOOLEAN: simple('BOOLEAN'),
  Date: simple('DATE'),
  DATE: simple('DATE'),
  DateTime: withTimezone('TIMESTAMP'),
  TIMESTAMP: withTimezone('TIMESTAMP'),
  DATETIME: simple('DATETIME'),
  Time: withTimezone('TIME'),
  TIME: withTimezone('TIME'),
  Interval: simple('INTERVAL'),
  INTERVAL: (c) => {
    const precision = num(arg(c, 0, 'precision'));
    const fields = exactStr(arg(c, 1, 'fields'));
    return { sql: `INTERVAL${fields ? ` ${fields}` : ''}${precision !== undefined ? ` (${precision})` : ''}` };
  },
  LargeBinary: simple('BYTEA'),
  PickleType: simple('BYTEA'),
  BYTEA: simple('BYTEA'),
  BLOB: simple('BLOB'),
  JSON: simple('JSON'),
  JSONB: simple('JSONB'),
  Uuid: simple('UUID'),
  UUID: simple('UUID'),
  INET: simple('INET'),
  CIDR: simple('CIDR'),
  MACADDR: simple('MACADDR'),
  MACADDR8: simple('MACADDR8'),
  MONEY: simple('MONEY'),
  OID: simple('OID'),
  REGCLASS: simple('REGCLASS'),
  TSVECTOR: simple('TSVECTOR'),
  TSQUERY: simple('TSQUERY'),
  HSTORE: simple('HSTORE'),
  CITEXT: simple('CITEXT'),
  INT4RANGE: simple('INT4RANGE'),
  INT8RANGE: simple('INT8RANGE'),
  NUMRANGE: simple('NUMRANGE'),
  DATERANGE: simple('DATERANGE'),
  TSRANGE: simple('TSRANGE'),
  TSTZRANGE: simple('TSTZRANGE'),
  BIT: (c) => {
    const varying = flag(c.kwargs.get('varying')) ?? false;
    const length = num(arg(c, 0, 'length'));
    return { sql: `BIT${varying ? ' VARYING' : ''}${mods(length)}` };
  },
  Enum: (c) => enumType(c, false),
  ENUM: (c) => enumType(c, true),
  ARRAY: (c) => {
    const item = c.args[0] ?? c.kwargs.get('item_type');
    const inner = item ? sqlType(item) : undefined;
    if (!inner) return undefined;
    const dims = Math.max(1, num(c.kwargs.get('dimensions')) ?? 1);
    const out: SqlType = { sql: inner.sql + '[]'.repeat(dims) };
    if (inner.enum) out.enum = inner.enum;
    return out;
  },
};

/**
 * The name is reached through a module path other than SQLAlchemy's (`prefect.server.utilities.database.JSON`,
 * `app.db.types.UUID`): the project's own type, usually a TypeDecorator whose DDL the file does not show (Prefect's
 * `JSON` is JSONB on PostgreSQL). SQLModel's types (`sqlmodel.sql.sqltypes.AutoString`) are known. An alias of one segment (`sa.`, `postgresql.`, `pg.`, Flask-SQLAlchemy's `db.`)
 * names SQLAlchemy's types as before.
 */
function projectType(name: string): boolean {
  const qualifier = name.split('.').slice(0, -1);
  return qualifier.length >= 2 && qualifier[0] !== 'sqlalchemy' && qualifier[0] !== 'sqlmodel';
}

/**
 * Types of sqlalchemy-utils, a common companion library, as they render on PostgreSQL (their
 * `load_dialect_impl` for it): `TSVectorType` is TSVECTOR, `UUIDType` the native UUID unless
 * `native=False`, `JSONType` JSON.
 */
const SQLALCHEMY_UTILS_TYPES: Record<string, TypeRenderer> = {
  TSVectorType: simple('TSVECTOR'),
  UUIDType: (c) =>
    flag(c.kwargs.get('native')) === false
      ? { sql: flag(arg(c, 0, 'binary')) === false ? 'CHAR(32)' : 'BYTEA' }
      : { sql: 'UUID' },
  JSONType: simple('JSON'),
};

/** The DDL type of a SQLAlchemy type expression (`sa.String(50)`, `sa.Integer`, `postgresql.JSONB()`). */
export function sqlType(v: PyValue): SqlType | undefined {
  const utils = v.kind === 'ref' ? v.name : v.kind === 'call' ? v.callee : undefined;
  if (utils?.startsWith('sqlalchemy_utils.')) {
    const render = SQLALCHEMY_UTILS_TYPES[lastName(utils)];
    const call: PyCall =
      v.kind === 'call' ? v : { kind: 'call', callee: utils, args: [], kwargs: new Map(), splat: false, node: v.node };
    return render?.(call);
  }
  if ((v.kind === 'ref' && projectType(v.name)) || (v.kind === 'call' && v.callee && projectType(v.callee)))
    return undefined;
  if (v.kind === 'ref') {
    const render = TYPES[lastName(v.name)];
    return render?.({ kind: 'call', callee: v.name, args: [], kwargs: new Map(), splat: false, node: v.node });
  }
  if (v.kind !== 'call') return undefined;
  if (v.callee) {
    const render = TYPES[lastName(v.callee)];
    if (!render) return undefined;
    const out = render(v);
    const collation = exactStr(v.kwargs.get('collation'));
    if (out && collation) out.sql += ` COLLATE ${ident(collation)}`;
    return out;
  }
  // sa.JSON().with_variant(postgresql.JSONB(), "postgresql"): the PostgreSQL variant is what runs there.
  if (v.method === 'with_variant' && v.receiver) {
    const dialects = strList(arg(v, 1, 'dialect_names') ?? v.args[1]);
    if (dialects?.includes('postgresql') && v.args[0]) return sqlType(v.args[0]);
    return sqlType(v.receiver);
  }
  if ((v.method === 'evaluates_none' || v.method === 'copy') && v.receiver) return sqlType(v.receiver);
  return undefined;
}

/** Whether an expression looks like a SQLAlchemy type (known or not): used to find a Column's type argument. */
export function looksLikeType(v: PyValue): boolean {
  if (sqlType(v)) return true;
  if (v.kind !== 'ref' && v.kind !== 'call') return false;
  const name = lastName(v.kind === 'ref' ? v.name : v.callee);
  return !NOT_TYPES.has(name) && /^[A-Z]/.test(name);
}

const NOT_TYPES = new Set([
  'ForeignKey',
  'CheckConstraint',
  'Identity',
  'Computed',
  'Sequence',
  'UniqueConstraint',
  'PrimaryKeyConstraint',
  'ForeignKeyConstraint',
  'Index',
  'Column',
  'FetchedValue',
  'DefaultClause',
]);

/** SQL functions SQLAlchemy renders without parentheses (`func.current_timestamp()` → `CURRENT_TIMESTAMP`). */
const BARE_FUNCTIONS = new Set([
  'current_date',
  'current_time',
  'current_timestamp',
  'current_user',
  'localtime',
  'localtimestamp',
  'session_user',
  'user',
]);

/** SQL text of a literal Python value used in SQL (a function argument, a bulk_insert value). */
function literalSql(v: PyValue): string | undefined {
  switch (v.kind) {
    case 'str':
      return v.placeholders.length ? undefined : sqlString(v.value);
    case 'number':
      return String(v.value);
    case 'bool':
      return v.value ? 'true' : 'false';
    case 'none':
      return 'NULL';
    default:
      return sqlExpression(v);
  }
}

/**
 * SQL text of a SQL-expression argument: `sa.text("…")`, `sa.func.now()`, `sa.false()`,
 * `sa.literal(…)`, `sa.literal_column("…")`. Undefined when it is not statically known.
 */
export function sqlExpression(v: PyValue): string | undefined {
  if (v.kind !== 'call' || !v.callee) return undefined;
  const name = lastName(v.callee);
  const parts = v.callee.split('.');
  const funcAt = parts.lastIndexOf('func');
  if (funcAt !== -1 && funcAt === parts.length - 2) {
    if (BARE_FUNCTIONS.has(name.toLowerCase()) && v.args.length === 0) return name.toUpperCase();
    const args = v.args.map(literalSql);
    if (args.some((a) => a === undefined) || v.splat) return undefined;
    return `${name}(${args.join(', ')})`;
  }
  switch (name) {
    case 'text':
    case 'literal_column':
      return exactStr(v.args[0]);
    case 'true':
    case 'false':
    case 'null':
      return v.args.length === 0 ? name : undefined;
    case 'literal':
      return v.args[0] && v.args[0].kind !== 'call' ? literalSql(v.args[0]) : undefined;
    default:
      return undefined;
  }
}

/** `server_default=` as SQL: a string is a quoted literal; `sa.text()`/`sa.func.*()` are SQL. */
export function serverDefaultSql(v: PyValue): string | undefined {
  if (v.kind === 'str') return v.placeholders.length ? undefined : sqlString(v.value);
  if (v.kind === 'number' || v.kind === 'bool') return literalSql(v);
  return sqlExpression(v);
}

/** SQLAlchemy's SQL constructors: a `server_default` built with them is SQL, not a Python value. */
const SQL_CONSTRUCTORS = new Set([
  'text',
  'literal_column',
  'literal',
  'cast',
  'true',
  'false',
  'null',
  'column',
  'DefaultClause',
  'FetchedValue',
]);

function buildsSql(v: PyValue | undefined): boolean {
  if (!v) return false;
  if (v.kind === 'call') {
    if (v.callee && (v.callee.split('.').includes('func') || SQL_CONSTRUCTORS.has(lastName(v.callee)))) return true;
    return buildsSql(v.receiver) || v.args.some(buildsSql) || [...v.kwargs.values()].some(buildsSql);
  }
  if (v.kind === 'ref') return v.name.split('.').includes('func');
  return false;
}

/**
 * Stands in the built SQL for a `server_default` the revision computes in Python (`json.dumps({})`,
 * an f-string, a constant from another module): SQLAlchemy sends its result as a literal, so it is a
 * constant. `pythonComputedDefaults` turns the stand-in back into a default with the Python source.
 */
const PYTHON_VALUE = 'migration_lint_python_value';
const PYTHON_VALUE_TEXT = new RegExp(`^${PYTHON_VALUE}\\('((?:[^']|'')*)', '(sql|value)'\\)$`);

/**
 * `server_default=` as it goes into the built statement: its SQL, or the stand-in for what Python
 * computes when the revision runs — a value (a constant for Postgres), or SQL built from parts this
 * file does not show (`sa.text(QUERY)`: unknown volatility).
 */
export function serverDefaultClause(v: PyValue): string {
  const sql = serverDefaultSql(v);
  if (sql !== undefined) return sql;
  return `${PYTHON_VALUE}(${sqlString(sourceText(v))}, '${buildsSql(v) ? 'sql' : 'value'}')`;
}

/** Replaces the stand-ins of `serverDefaultClause` in parsed ops by defaults computed in Python. */
export function pythonComputedDefaults(ops: Operation[]): void {
  const fix = (d: DefaultValue | undefined): DefaultValue | undefined => {
    const m = d && PYTHON_VALUE_TEXT.exec(d.text);
    return m
      ? { text: m[1]!.replace(/''/g, "'"), volatility: m[2] === 'sql' ? 'unknown' : 'immutable', computedIn: 'Python' }
      : d;
  };
  for (const op of ops) {
    if (op.kind === 'add-column') op.column.default = fix(op.column.default);
    else if (op.kind === 'set-default') op.default = fix(op.default);
    else if (op.kind === 'create-table') for (const c of op.columns) c.default = fix(c.default);
  }
}

/** A foreign key target `"users.id"` / `"billing.accounts.id"` → table, schema and column. */
export function foreignKeyTarget(spec: string): { table: string; schema?: string; column: string } | undefined {
  const parts = spec.split('.');
  if (parts.length < 2) return undefined;
  const column = parts.pop()!;
  const table = parts.pop()!;
  const out: { table: string; schema?: string; column: string } = { table, column };
  if (parts.length) out.schema = parts.join('.');
  return out;
}

/** `ON DELETE …`, `ON UPDATE …`, `DEFERRABLE`, `INITIALLY …`, `MATCH …` from a ForeignKey's keywords. */
export function foreignKeyOptions(kwargs: Map<string, PyValue>): string {
  let out = '';
  const match = exactStr(kwargs.get('match'));
  if (match) out += ` MATCH ${match}`;
  const ondelete = exactStr(kwargs.get('ondelete'));
  if (ondelete) out += ` ON DELETE ${ondelete}`;
  const onupdate = exactStr(kwargs.get('onupdate'));
  if (onupdate) out += ` ON UPDATE ${onupdate}`;
  const deferrable = flag(kwargs.get('deferrable'));
  if (deferrable !== undefined) out += deferrable ? ' DEFERRABLE' : ' NOT DEFERRABLE';
  const initially = exactStr(kwargs.get('initially'));
  if (initially) out += ` INITIALLY ${initially}`;
  return out;
}

export interface ForeignKeySpec {
  name?: string;
  column: string;
  target: { table: string; schema?: string; column: string };
  options: string;
}

export interface ColumnSpec {
  name: string;
  /** Undefined when the type expression is not one we know (a custom TypeDecorator…). */
  type?: SqlType;
  /** The type as written, for an unknown type. */
  typeText: string;
  nullable: boolean;
  primaryKey: boolean;
  autoincrement: boolean | 'auto';
  /** Server default as it goes into the built SQL (`serverDefaultClause`). */
  serverDefault?: string;
  /** A Python-side `default=`: applied by SQLAlchemy on INSERT, never to existing rows. */
  pythonDefault: boolean;
  unique: boolean;
  index: boolean;
  identity?: string;
  computed?: string;
  foreignKeys: ForeignKeySpec[];
  checks: { name?: string; expression: string }[];
  comment?: string;
}

/** Reads `sa.Column(name, type, *constraints, **options)`. Undefined when the name is not a literal. */
export function readColumn(call: PyCall, problems: string[]): ColumnSpec | undefined {
  const positional = [...call.args];
  let name = exactStr(call.kwargs.get('name'));
  if (positional[0] && positional[0].kind === 'str') name = exactStr(positional.shift());
  if (name === undefined) return undefined;
  let typeValue = call.kwargs.get('type_');
  if (!typeValue && positional[0] && looksLikeType(positional[0])) typeValue = positional.shift();
  const primaryKey = flag(call.kwargs.get('primary_key')) ?? false;
  const nullableArg = call.kwargs.get('nullable');
  const spec: ColumnSpec = {
    name,
    typeText: typeValue ? sourceText(typeValue) : 'NullType',
    nullable: nullableArg ? flag(nullableArg) !== false : !primaryKey,
    primaryKey,
    autoincrement: 'auto',
    pythonDefault: call.kwargs.has('default'),
    unique: flag(call.kwargs.get('unique')) ?? false,
    index: flag(call.kwargs.get('index')) ?? false,
    foreignKeys: [],
    checks: [],
  };
  if (nullableArg && nullableArg.kind !== 'bool' && nullableArg.kind !== 'none') {
    problems.push(`nullable=${sourceText(nullableArg)} is not known statically; the column is read as nullable`);
  }
  if (typeValue) {
    const t = sqlType(typeValue);
    if (t) spec.type = t;
    else
      problems.push(
        `type ${sourceText(typeValue)} is not a SQLAlchemy type this linter knows; treated as an unknown type`,
      );
  }
  const auto = flag(call.kwargs.get('autoincrement'));
  if (auto !== undefined) spec.autoincrement = auto;
  const comment = exactStr(call.kwargs.get('comment'));
  if (comment !== undefined) spec.comment = comment;
  const serverDefault = call.kwargs.get('server_default');
  if (serverDefault && serverDefault.kind !== 'none') {
    spec.serverDefault = serverDefaultClause(serverDefault);
  }
  for (const p of positional) {
    if (p.kind !== 'call' || !p.callee) continue;
    switch (lastName(p.callee)) {
      case 'ForeignKey': {
        const target = foreignKeyTarget(exactStr(p.args[0]) ?? '');
        if (!target) {
          problems.push(
            `foreign key target ${p.args[0] ? sourceText(p.args[0]) : '?'} is not a literal "table.column"`,
          );
          break;
        }
        const fk: ForeignKeySpec = { column: name, target, options: foreignKeyOptions(p.kwargs) };
        const fkName = exactStr(p.kwargs.get('name'));
        if (fkName) fk.name = fkName;
        spec.foreignKeys.push(fk);
        break;
      }
      case 'CheckConstraint': {
        const expression = exactStr(p.args[0]) ?? (p.args[0] ? sqlExpression(p.args[0]) : undefined);
        const check: { name?: string; expression: string } = { expression: expression ?? 'true' };
        const checkName = exactStr(p.kwargs.get('name'));
        if (checkName) check.name = checkName;
        spec.checks.push(check);
        break;
      }
      case 'Identity': {
        const always = flag(p.kwargs.get('always')) ?? false;
        spec.identity = `GENERATED ${always ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY`;
        break;
      }
      case 'Computed': {
        const expression = exactStr(p.args[0]) ?? (p.args[0] ? sqlExpression(p.args[0]) : undefined);
        spec.computed = `GENERATED ALWAYS AS (${expression ?? 'NULL'}) STORED`;
        break;
      }
      default:
        break;
    }
  }
  return spec;
}

/** The column as SQLAlchemy renders it in CREATE TABLE / ADD COLUMN. */
export function columnSql(c: ColumnSpec, serial: boolean): string {
  let type = c.type?.sql ?? ident(c.typeText);
  if (serial && c.type?.serial) type = c.type.serial;
  let sql = `${ident(c.name)} ${type}`;
  if (c.serverDefault !== undefined) sql += ` DEFAULT ${c.serverDefault}`;
  if (c.computed) sql += ` ${c.computed}`;
  if (c.identity) sql += ` ${c.identity}`;
  if (!c.nullable && !c.identity) sql += ' NOT NULL';
  for (const check of c.checks)
    sql += `${check.name ? ` CONSTRAINT ${ident(check.name)}` : ''} CHECK (${check.expression})`;
  return sql;
}

/**
 * Whether SQLAlchemy makes this column SERIAL: the table's only primary-key column, an integer type,
 * `autoincrement` not False, no server default, identity or foreign key.
 */
export function isAutoincrementKey(c: ColumnSpec, primaryKeyColumns: string[]): boolean {
  if (!c.type?.serial || c.autoincrement === false) return false;
  if (primaryKeyColumns.length !== 1 || primaryKeyColumns[0] !== c.name) return false;
  if (c.serverDefault || c.identity || c.computed) return false;
  return c.autoincrement === true || c.foreignKeys.length === 0;
}

/** `ix_<table>_<column>`: SQLAlchemy's default name for `index=True` (schema-qualified tables include the schema). */
export function defaultIndexName(table: string, schema: string | undefined, column: string): string {
  return `ix_${schema ? `${schema}_` : ''}${table}_${column}`;
}
