/**
 * Small helpers over libpg-query's JSON AST: names, types, expression text and default volatility.
 * The AST is untyped JSON here on purpose: only this folder knows its shape.
 */
import type { DefaultValue, QualifiedName, TypeRef, Volatility } from '../../ir/types.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Node = any;

/** The single key of a node wrapper such as `{ "ColumnDef": {...} }`. */
export function nodeType(node: Node): string {
  return node && typeof node === 'object' ? (Object.keys(node)[0] ?? '') : '';
}

export function strings(list: Node[] | undefined): string[] {
  return (list ?? []).map((n: Node) => n?.String?.sval ?? '').filter((s: string) => s !== '');
}

export function rangeVarName(rv: Node): QualifiedName {
  const r = rv?.RangeVar ?? rv ?? {};
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

export function typeRef(typeName: Node): TypeRef {
  const t = typeName ?? {};
  const names = strings(t.names);
  let name = (names[names.length - 1] ?? 'unknown').toLowerCase();
  const schema = names.length > 1 && names[0] !== 'pg_catalog' ? names[0] : undefined;
  // `timestamp(3) with time zone` etc. come through as pg_catalog.timestamptz already.
  name = TYPE_ALIASES[name] ?? name;
  const modifiers: number[] = (t.typmods ?? [])
    .map((m: Node) => (m?.A_Const ? Number(m.A_Const.ival?.ival ?? 0) : NaN))
    .filter((x: number) => !Number.isNaN(x));
  const arrayDims = (t.arrayBounds ?? []).length;
  const ref: TypeRef = { name, modifiers, arrayDims, text: typeText(name, modifiers, arrayDims) };
  if (schema) ref.schema = schema;
  return ref;
}

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
export function exprVolatility(expr: Node): { volatility: Volatility; functions: string[] } {
  let volatility: Volatility = 'immutable';
  const functions: string[] = [];
  const visit = (n: Node): void => {
    if (Array.isArray(n)) {
      n.forEach(visit);
      return;
    }
    if (!n || typeof n !== 'object') return;
    if (n.FuncCall) {
      const fname = strings(n.FuncCall.funcname).pop() ?? '';
      const v = functionVolatility(fname);
      if (v === 'volatile' || v === 'unknown') functions.push(fname);
      volatility = maxVolatility(volatility, v);
    } else if (n.SQLValueFunction) {
      volatility = maxVolatility(volatility, 'stable');
    } else if (n.SubLink) {
      volatility = maxVolatility(volatility, 'volatile');
      functions.push('(subquery)');
    }
    for (const v of Object.values(n)) if (v && typeof v === 'object') visit(v);
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
export function exprText(n: Node, depth = 0): string {
  if (!n || typeof n !== 'object' || depth > 20) return '…';
  if (n.A_Const) {
    const c = n.A_Const;
    if (c.isnull) return 'NULL';
    if (c.sval) return quoteLiteral(c.sval.sval ?? '');
    if (c.ival) return String(c.ival.ival ?? 0);
    if (c.fval) return String(c.fval.fval ?? '0');
    if (c.boolval) return c.boolval.boolval ? 'true' : 'false';
    if (c.bsval) return c.bsval.bsval ?? '';
    return '…';
  }
  if (n.FuncCall) {
    const f = n.FuncCall;
    const args = (f.args ?? []).map((a: Node) => exprText(a, depth + 1)).join(', ');
    return `${strings(f.funcname).join('.')}(${f.agg_star ? '*' : args})`;
  }
  if (n.TypeCast) return `${exprText(n.TypeCast.arg, depth + 1)}::${typeRef(n.TypeCast.typeName).text}`;
  if (n.SQLValueFunction) return SVF[n.SQLValueFunction.op] ?? 'CURRENT_TIMESTAMP';
  if (n.ColumnRef) return (n.ColumnRef.fields ?? []).map((f: Node) => f.String?.sval ?? '*').join('.');
  if (n.A_Expr) {
    const e = n.A_Expr;
    const op = strings(e.name).join('');
    if (e.kind === 'AEXPR_OP') {
      return e.lexpr
        ? `${exprText(e.lexpr, depth + 1)} ${op} ${exprText(e.rexpr, depth + 1)}`
        : `${op}${exprText(e.rexpr, depth + 1)}`;
    }
    return `${exprText(e.lexpr, depth + 1)} ${e.kind.replace('AEXPR_', '').toLowerCase()} ${exprText(e.rexpr, depth + 1)}`;
  }
  if (n.NullTest) {
    const t = n.NullTest;
    return `${exprText(t.arg, depth + 1)} IS ${t.nulltesttype === 'IS_NOT_NULL' ? 'NOT ' : ''}NULL`;
  }
  if (n.BoolExpr) {
    const b = n.BoolExpr;
    const args = (b.args ?? []).map((a: Node) => exprText(a, depth + 1));
    if (b.boolop === 'NOT_EXPR') return `NOT ${args[0]}`;
    return args.map((a: string) => `(${a})`).join(b.boolop === 'AND_EXPR' ? ' AND ' : ' OR ');
  }
  if (n.A_ArrayExpr)
    return `ARRAY[${(n.A_ArrayExpr.elements ?? []).map((a: Node) => exprText(a, depth + 1)).join(', ')}]`;
  if (n.List) return `(${(n.List.items ?? []).map((a: Node) => exprText(a, depth + 1)).join(', ')})`;
  return '…';
}

export function defaultValue(expr: Node): DefaultValue {
  const { volatility, functions } = exprVolatility(expr);
  const d: DefaultValue = { text: exprText(expr), volatility };
  if (functions.length) d.functions = functions;
  // `DEFAULT NULL` (possibly cast): the column reads as it would with no default.
  const inner = expr?.TypeCast?.arg ?? expr;
  if (inner?.A_Const?.isnull) d.isNull = true;
  return d;
}

/** For `CHECK (col IS NOT NULL)`: the column, else undefined. */
export function notNullCheckColumn(expr: Node): string | undefined {
  const t = expr?.NullTest;
  if (!t || t.nulltesttype !== 'IS_NOT_NULL') return undefined;
  const fields = t.arg?.ColumnRef?.fields;
  if (!fields || fields.length !== 1) return undefined;
  return fields[0].String?.sval;
}
