/**
 * Small helpers over libpg-query's JSON AST (typed by `@pgsql/types`): names, types, expression text
 * and default volatility. Only this folder knows the AST's shape.
 */
import type { Node, RangeVar, TypeName } from '@pgsql/types';
import type { DefaultValue, QualifiedName, TypeRef, Volatility } from '../../ir/types.js';

export type { Node };
type KeysOfUnion<T> = T extends unknown ? keyof T : never;
/** The kind of a node wrapper such as `{ "ColumnDef": {...} }`: its single key. */
export type NodeTag = KeysOfUnion<Node>;
/** The payload type of a node of kind `K` (`NodeOf<'ColumnDef'>` is `ColumnDef`). */
export type NodeOf<K extends NodeTag> = Extract<Node, Record<K, unknown>>[K];

/** The payload of `node` when it is a `tag` node (`{ [tag]: payload }`), else undefined. */
export function nodeOf<K extends NodeTag>(node: Node | undefined, tag: K): NodeOf<K> | undefined {
  return node !== undefined && tag in node ? (node as unknown as Record<K, NodeOf<K>>)[tag] : undefined;
}

/**
 * The payload of `node` as a `tag` node, for code that already dispatched on `nodeType(node)`; an
 * empty payload otherwise (every field of every libpg-query node is optional, so `{}` is one).
 */
export function fieldsOf<K extends NodeTag>(node: Node | undefined, tag: K): NodeOf<K> {
  return nodeOf(node, tag) ?? ({} as NodeOf<K>);
}

/** The single key of a node wrapper such as `{ "ColumnDef": {...} }`. */
export function nodeType(node: Node | undefined): string {
  return node && typeof node === 'object' ? (Object.keys(node)[0] ?? '') : '';
}

export function strings(list: Node[] | undefined): string[] {
  return (list ?? []).map((n) => nodeOf(n, 'String')?.sval ?? '').filter((s) => s !== '');
}

/** A table's name from a `RangeVar` (bare, as in `relation` fields, or wrapped, as in FROM lists). */
export function rangeVarName(rv: RangeVar | undefined): QualifiedName {
  const r = rv ?? {};
  return r.schemaname ? { schema: r.schemaname, name: r.relname ?? '' } : { name: r.relname ?? '' };
}

export function listName(items: string[]): QualifiedName {
  if (items.length >= 2) return { schema: items[items.length - 2], name: items[items.length - 1]! };
  return { name: items[0] ?? '' };
}

const DISPLAY_TYPE: Record<string, string> = {
  int2: 'smallint',
  int4: 'integer',
  int8: 'bigint',
  float4: 'real',
  float8: 'double precision',
  bool: 'boolean',
  bpchar: 'char',
  varchar: 'varchar',
  timestamp: 'timestamp',
  timestamptz: 'timestamptz',
  time: 'time',
  timetz: 'timetz',
  interval: 'interval',
  numeric: 'numeric',
};

/** Postgres's internal names for common aliases, for types written outside SQL (ORM frontends). */
export const TYPE_ALIASES: Record<string, string> = {
  integer: 'int4',
  int: 'int4',
  smallint: 'int2',
  bigint: 'int8',
  real: 'float4',
  'double precision': 'float8',
  float: 'float8',
  boolean: 'bool',
  character: 'bpchar',
  char: 'bpchar',
  'character varying': 'varchar',
  decimal: 'numeric',
  'timestamp with time zone': 'timestamptz',
  'timestamp without time zone': 'timestamp',
  'time with time zone': 'timetz',
  'time without time zone': 'time',
  serial4: 'serial',
  serial8: 'bigserial',
  smallserial: 'smallserial',
  serial2: 'smallserial',
};

export function typeText(name: string, modifiers: number[], arrayDims: number): string {
  const base = DISPLAY_TYPE[name] ?? name;
  return base + (modifiers.length ? `(${modifiers.join(',')})` : '') + '[]'.repeat(arrayDims);
}

export function typeRef(typeName: TypeName | undefined): TypeRef {
  const t = typeName ?? {};
  const names = strings(t.names);
  let name = (names[names.length - 1] ?? 'unknown').toLowerCase();
  const schema = names.length > 1 && names[0] !== 'pg_catalog' ? names[0] : undefined;
  // `timestamp(3) with time zone` etc. come through as pg_catalog.timestamptz already.
  name = TYPE_ALIASES[name] ?? name;
  const modifiers: number[] = (t.typmods ?? [])
    .map((m) => {
      const c = nodeOf(m, 'A_Const');
      return c ? (c.ival?.ival ?? 0) : NaN;
    })
    .filter((x) => !Number.isNaN(x));
  const arrayDims = (t.arrayBounds ?? []).length;
  const text = typeText(name, modifiers, arrayDims);
  // One object per type: a migration history names the same few types on thousands of columns, and the IR
  // keeps every column (type references are never changed once made; typeRefFromSql shares them too).
  const key = `${schema ?? ''}.${name}|${text}`;
  const known = typeRefs.get(key);
  if (known) return known;
  const ref: TypeRef = schema ? { name, modifiers, arrayDims, text, schema } : { name, modifiers, arrayDims, text };
  // Bounded: a long-lived process (the language server) reading files that each name new types.
  if (typeRefs.size >= MAX_SHARED_TYPE_REFS) typeRefs.clear();
  typeRefs.set(key, ref);
  return ref;
}

const typeRefs = new Map<string, TypeRef>();
const MAX_SHARED_TYPE_REFS = 10_000;

// Functions whose result differs per row: as a column default they force a table rewrite.
const VOLATILE = new Set([
  'random',
  'gen_random_uuid',
  'uuid_generate_v1',
  'uuid_generate_v1mc',
  'uuid_generate_v4',
  'uuidv4',
  'uuidv7',
  'clock_timestamp',
  'timeofday',
  'nextval',
  'setval',
  'txid_current',
  'gen_random_bytes',
  'random_normal',
  'pg_current_xact_id',
]);
// Functions evaluated once per statement: a default using them is computed once, no rewrite (PG 11+).
const STABLE = new Set([
  'now',
  'transaction_timestamp',
  'statement_timestamp',
  'current_setting',
  'current_database',
  'current_schema',
  'to_timestamp',
  'to_char',
  'to_date',
  'age',
  'date_trunc',
  'timezone',
]);
const IMMUTABLE = new Set([
  'lower',
  'upper',
  'abs',
  'length',
  'concat',
  'md5',
  'jsonb_build_object',
  'json_build_object',
  'jsonb_build_array',
  'array_length',
  'round',
  'trim',
  'btrim',
  'make_interval',
  'make_date',
  'int4',
  'int8',
  'numeric',
  'text',
]);

export function functionVolatility(name: string): Volatility {
  const n = name.toLowerCase();
  if (VOLATILE.has(n)) return 'volatile';
  if (STABLE.has(n)) return 'stable';
  if (IMMUTABLE.has(n)) return 'immutable';
  return 'unknown';
}

const RANK: Record<Volatility, number> = { immutable: 0, stable: 1, unknown: 2, volatile: 3 };

export function maxVolatility(a: Volatility, b: Volatility): Volatility {
  return RANK[a] >= RANK[b] ? a : b;
}

/** Volatility of an expression: the worst of the functions it calls. */
export function exprVolatility(expr: Node | undefined): { volatility: Volatility; functions: string[] } {
  let volatility: Volatility = 'immutable';
  const functions: string[] = [];
  // Walks every object below `expr`: node wrappers and the payload objects and lists between them.
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(visit);
      return;
    }
    if (!value || typeof value !== 'object') return;
    const n = value as Node;
    const call = nodeOf(n, 'FuncCall');
    if (call) {
      const fname = strings(call.funcname).pop() ?? '';
      const v = functionVolatility(fname);
      if (v === 'volatile' || v === 'unknown') functions.push(fname);
      volatility = maxVolatility(volatility, v);
    } else if (nodeOf(n, 'SQLValueFunction')) {
      volatility = maxVolatility(volatility, 'stable');
    } else if (nodeOf(n, 'SubLink')) {
      volatility = maxVolatility(volatility, 'volatile');
      functions.push('(subquery)');
    }
    for (const v of Object.values(value)) if (v && typeof v === 'object') visit(v);
  };
  visit(expr);
  return { volatility, functions };
}

const SVF: Record<string, string> = {
  SVFOP_CURRENT_DATE: 'CURRENT_DATE',
  SVFOP_CURRENT_TIME: 'CURRENT_TIME',
  SVFOP_CURRENT_TIME_N: 'CURRENT_TIME',
  SVFOP_CURRENT_TIMESTAMP: 'CURRENT_TIMESTAMP',
  SVFOP_CURRENT_TIMESTAMP_N: 'CURRENT_TIMESTAMP',
  SVFOP_LOCALTIME: 'LOCALTIME',
  SVFOP_LOCALTIME_N: 'LOCALTIME',
  SVFOP_LOCALTIMESTAMP: 'LOCALTIMESTAMP',
  SVFOP_LOCALTIMESTAMP_N: 'LOCALTIMESTAMP',
  SVFOP_CURRENT_USER: 'CURRENT_USER',
  SVFOP_CURRENT_ROLE: 'CURRENT_ROLE',
  SVFOP_SESSION_USER: 'SESSION_USER',
  SVFOP_USER: 'USER',
  SVFOP_CURRENT_CATALOG: 'CURRENT_CATALOG',
  SVFOP_CURRENT_SCHEMA: 'CURRENT_SCHEMA',
};

function quoteLiteral(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** A compact SQL rendering of common expression nodes, for messages ("DEFAULT now()"). */
export function exprText(n: Node | undefined, depth = 0): string {
  if (!n || typeof n !== 'object' || depth > 20) return '…';
  const sub = (e: Node | undefined) => exprText(e, depth + 1);
  const c = nodeOf(n, 'A_Const');
  if (c) {
    if (c.isnull) return 'NULL';
    if (c.sval) return quoteLiteral(c.sval.sval ?? '');
    if (c.ival) return String(c.ival.ival ?? 0);
    if (c.fval) return c.fval.fval ?? '0';
    if (c.boolval) return c.boolval.boolval ? 'true' : 'false';
    if (c.bsval) return c.bsval.bsval ?? '';
    return '…';
  }
  const f = nodeOf(n, 'FuncCall');
  if (f) {
    const args = (f.args ?? []).map(sub).join(', ');
    return `${strings(f.funcname).join('.')}(${f.agg_star ? '*' : args})`;
  }
  const cast = nodeOf(n, 'TypeCast');
  if (cast) return `${sub(cast.arg)}::${typeRef(cast.typeName).text}`;
  const svf = nodeOf(n, 'SQLValueFunction');
  if (svf) return SVF[svf.op ?? ''] ?? 'CURRENT_TIMESTAMP';
  const ref = nodeOf(n, 'ColumnRef');
  if (ref) return (ref.fields ?? []).map((field) => nodeOf(field, 'String')?.sval ?? '*').join('.');
  const e = nodeOf(n, 'A_Expr');
  if (e) {
    const op = strings(e.name).join('');
    if (e.kind === 'AEXPR_OP') {
      return e.lexpr ? `${sub(e.lexpr)} ${op} ${sub(e.rexpr)}` : `${op}${sub(e.rexpr)}`;
    }
    return `${sub(e.lexpr)} ${(e.kind ?? '').replace('AEXPR_', '').toLowerCase()} ${sub(e.rexpr)}`;
  }
  const t = nodeOf(n, 'NullTest');
  if (t) return `${sub(t.arg)} IS ${t.nulltesttype === 'IS_NOT_NULL' ? 'NOT ' : ''}NULL`;
  const b = nodeOf(n, 'BoolExpr');
  if (b) {
    const args = (b.args ?? []).map(sub);
    if (b.boolop === 'NOT_EXPR') return `NOT ${args[0] ?? '…'}`;
    return args.map((a) => `(${a})`).join(b.boolop === 'AND_EXPR' ? ' AND ' : ' OR ');
  }
  const array = nodeOf(n, 'A_ArrayExpr');
  if (array) return `ARRAY[${(array.elements ?? []).map(sub).join(', ')}]`;
  const list = nodeOf(n, 'List');
  if (list) return `(${(list.items ?? []).map(sub).join(', ')})`;
  return '…';
}

export function defaultValue(expr: Node | undefined): DefaultValue {
  const { volatility, functions } = exprVolatility(expr);
  const d: DefaultValue = { text: exprText(expr), volatility };
  if (functions.length) d.functions = functions;
  // `DEFAULT NULL` (possibly cast): the column reads as it would with no default.
  const inner = nodeOf(expr, 'TypeCast')?.arg ?? expr;
  if (nodeOf(inner, 'A_Const')?.isnull) d.isNull = true;
  return d;
}

/** For `CHECK (col IS NOT NULL)`: the column, else undefined. */
export function notNullCheckColumn(expr: Node | undefined): string | undefined {
  const t = nodeOf(expr, 'NullTest');
  if (!t || t.nulltesttype !== 'IS_NOT_NULL') return undefined;
  const fields = nodeOf(t.arg, 'ColumnRef')?.fields;
  if (!fields || fields.length !== 1) return undefined;
  return nodeOf(fields[0], 'String')?.sval;
}
