/**
 * SQL fragments that non-SQL frontends (ORMs, Alembic) need in IR form: a type written as text
 * (`varchar(255)`, `timestamp with time zone`) and a server-side default written as SQL (`now()`).
 * Both go through the real parser so every frontend normalises exactly as the SQL frontend does.
 */
import { parseSync } from 'libpg-query';
import type { DefaultValue, TypeRef } from '../../ir/types.js';
import { defaultValue, nodeOf, typeRef, TYPE_ALIASES, typeText } from './expr.js';

const typeCache = new Map<string, TypeRef>();

/** `'varchar(255)'` → `{ name: 'varchar', modifiers: [255] … }`. Call after `initSqlParser()`. */
export function typeRefFromSql(text: string): TypeRef {
  const key = text.trim();
  const hit = typeCache.get(key);
  if (hit) return hit;
  let ref: TypeRef;
  try {
    const tree = parseSync(`CREATE TABLE t (c ${key})`);
    // Text that parses but gives no column definition is handled as not SQL, below.
    const column = nodeOf(nodeOf(tree.stmts?.[0]?.stmt, 'CreateStmt')?.tableElts?.[0], 'ColumnDef');
    if (!column) throw new Error(`not a type: ${key}`);
    ref = typeRef(column.typeName);
  } catch {
    // Not SQL (a framework-specific name we do not know): keep it, lower-cased, as the type name.
    const name = TYPE_ALIASES[key.toLowerCase()] ?? key.toLowerCase();
    ref = { name, modifiers: [], arrayDims: 0, text: typeText(name, [], 0) };
  }
  typeCache.set(key, ref);
  return ref;
}

/** `'now()'` → `{ text: 'now()', volatility: 'stable' }`. Unparseable text counts as `unknown` volatility. */
export function defaultFromSql(text: string): DefaultValue {
  try {
    const tree = parseSync(`SELECT ${text}`);
    const target = nodeOf(nodeOf(tree.stmts?.[0]?.stmt, 'SelectStmt')?.targetList?.[0], 'ResTarget');
    if (!target) throw new Error(`not an expression: ${text}`);
    return defaultValue(target.val);
  } catch {
    return { text, volatility: 'unknown' };
  }
}

/** A literal value (number, string, boolean) as a column default: constant, so immutable. */
export function literalDefault(value: string | number | boolean | null): DefaultValue {
  const text = value === null ? 'NULL' : typeof value === 'string' ? `'${value.replace(/'/g, "''")}'` : String(value);
  return { text, volatility: 'immutable' };
}
