/**
 * The clauses of a statement that name columns Postgres allows once each (`SET` lists, an INSERT's
 * column list, the output columns of a view or `CREATE TABLE … AS`), in order with repeats kept, as
 * `ColumnList`s of the IR.
 */
import type { ResTarget } from '@pgsql/types';
import type { ColumnList, ListedColumn } from '../../ir/types.js';
import type { ItemSpans } from './item-spans.js';
import { type Node, nodeOf, strings } from './expr.js';

/** The columns a `SET` list or an INSERT column list assigns (`SET a.x = …` assigns part of `a`). */
export function assignedColumns(
  clause: ColumnList['clause'],
  targets: Node[] | undefined,
  spans?: ItemSpans,
): ColumnList | undefined {
  if (!targets?.length) return undefined;
  const columns: ListedColumn[] = [];
  for (const wrapped of targets) {
    const target = nodeOf(wrapped, 'ResTarget');
    if (!target?.name) continue;
    columns.push(listed(target.name, target.location, spans, Boolean(target.indirection?.length)));
  }
  return { clause, columns };
}

/**
 * The output columns a view, `CREATE TABLE … AS` or `SELECT … INTO` defines: its own column-name
 * list (which has no positions in the parse tree), else its query's output names. Undefined when
 * the query is not a plain SELECT (a UNION, VALUES…).
 */
export function outputColumns(aliases: Node[] | undefined, query: Node | undefined, spans?: ItemSpans): ColumnList[] {
  const names = strings(aliases);
  if (names.length) return [{ clause: 'output', columns: names.map((name) => ({ name })) }];
  const select = nodeOf(query, 'SelectStmt');
  if (!select?.targetList || select.op !== 'SETOP_NONE') return [];
  const columns: ListedColumn[] = [];
  for (const wrapped of select.targetList) {
    const target = nodeOf(wrapped, 'ResTarget');
    const name = target && outputName(target);
    // `*` and expressions whose name is not worked out here are left out: never a guessed clash.
    // An unaliased column reference is pointed at whole (`u.id`: three tokens).
    const fields = target?.name ? undefined : nodeOf(target?.val, 'ColumnRef')?.fields?.length;
    if (name !== undefined) columns.push(listed(name, target?.location, spans, false, fields ? 2 * fields - 1 : 1));
  }
  return [{ clause: 'output', columns }];
}

function listed(
  name: string,
  location: number | undefined,
  spans: ItemSpans | undefined,
  part = false,
  tokens = 1,
): ListedColumn {
  const span = spans?.token(location, tokens);
  // Made whole in one literal: fields added to an object afterwards take a separate property store.
  if (span) return part ? { name, part, span } : { name, span };
  return part ? { name, part } : { name };
}

function outputName(target: ResTarget): string | undefined {
  return target.name ?? inferredName(target.val)?.name;
}

/** What Postgres's SQL function names, the `SQLValueFunction` operations give their columns. */
const VALUE_FUNCTION_NAMES: Record<string, string> = {
  SVFOP_CURRENT_DATE: 'current_date',
  SVFOP_CURRENT_TIME: 'current_time',
  SVFOP_CURRENT_TIME_N: 'current_time',
  SVFOP_CURRENT_TIMESTAMP: 'current_timestamp',
  SVFOP_CURRENT_TIMESTAMP_N: 'current_timestamp',
  SVFOP_LOCALTIME: 'localtime',
  SVFOP_LOCALTIME_N: 'localtime',
  SVFOP_LOCALTIMESTAMP: 'localtimestamp',
  SVFOP_LOCALTIMESTAMP_N: 'localtimestamp',
  SVFOP_CURRENT_ROLE: 'current_role',
  SVFOP_CURRENT_USER: 'current_user',
  SVFOP_USER: 'user',
  SVFOP_SESSION_USER: 'session_user',
  SVFOP_CURRENT_CATALOG: 'current_catalog',
  SVFOP_CURRENT_SCHEMA: 'current_schema',
};

/**
 * The name Postgres gives an output column with no alias, as its `FigureColname` works it out, and how
 * strongly (2 = a column or function name, 1 = a keyword-like name such as `case` or a cast's type, 0 =
 * `?column?`). Undefined for expressions not modelled here.
 */
function inferredName(n: Node | undefined, depth = 0): { name: string; strength: number } | undefined {
  if (!n || depth > 50) return undefined;
  const ref = nodeOf(n, 'ColumnRef');
  if (ref) {
    const last = strings(ref.fields).at(-1);
    // `t.*` ends in A_Star: its columns are the table's, unknown here.
    return ref.fields?.length && nodeOf(ref.fields.at(-1), 'String') && last ? { name: last, strength: 2 } : undefined;
  }
  const indirection = nodeOf(n, 'A_Indirection');
  if (indirection) {
    const field = strings(indirection.indirection).at(-1);
    return field ? { name: field, strength: 2 } : inferredName(indirection.arg, depth + 1);
  }
  const call = nodeOf(n, 'FuncCall');
  if (call) {
    const name = strings(call.funcname).at(-1);
    return name ? { name, strength: 2 } : undefined;
  }
  const cast = nodeOf(n, 'TypeCast');
  if (cast) {
    const inner = inferredName(cast.arg, depth + 1);
    if (inner && inner.strength > 1) return inner;
    const type = strings(cast.typeName?.names).at(-1);
    return type ? { name: type, strength: 1 } : inner;
  }
  const collate = nodeOf(n, 'CollateClause');
  if (collate) return inferredName(collate.arg, depth + 1);
  const caseExpr = nodeOf(n, 'CaseExpr');
  if (caseExpr) {
    const inner = caseExpr.defresult ? inferredName(caseExpr.defresult, depth + 1) : undefined;
    return inner && inner.strength > 1 ? inner : { name: 'case', strength: 1 };
  }
  const sub = nodeOf(n, 'SubLink');
  if (sub) {
    if (sub.subLinkType === 'EXISTS_SUBLINK') return { name: 'exists', strength: 2 };
    if (sub.subLinkType === 'ARRAY_SUBLINK') return { name: 'array', strength: 2 };
    if (sub.subLinkType === 'EXPR_SUBLINK' || sub.subLinkType === 'MULTIEXPR_SUBLINK') {
      const first = nodeOf(nodeOf(sub.subselect, 'SelectStmt')?.targetList?.[0], 'ResTarget');
      if (!first) return undefined;
      return first.name ? { name: first.name, strength: 2 } : inferredName(first.val, depth + 1);
    }
    return { name: '?column?', strength: 0 };
  }
  if (nodeOf(n, 'A_ArrayExpr')) return { name: 'array', strength: 2 };
  if (nodeOf(n, 'RowExpr')) return { name: 'row', strength: 2 };
  if (nodeOf(n, 'CoalesceExpr')) return { name: 'coalesce', strength: 2 };
  if (nodeOf(n, 'GroupingFunc')) return { name: 'grouping', strength: 2 };
  const minMax = nodeOf(n, 'MinMaxExpr');
  if (minMax) return { name: minMax.op === 'IS_GREATEST' ? 'greatest' : 'least', strength: 2 };
  const valueFunction = nodeOf(n, 'SQLValueFunction');
  if (valueFunction) {
    const name = VALUE_FUNCTION_NAMES[valueFunction.op ?? ''];
    return name ? { name, strength: 2 } : undefined;
  }
  const expr = nodeOf(n, 'A_Expr');
  if (expr)
    return {
      name: expr.kind === 'AEXPR_NULLIF' ? 'nullif' : '?column?',
      strength: expr.kind === 'AEXPR_NULLIF' ? 2 : 0,
    };
  if (
    nodeOf(n, 'A_Const') ||
    nodeOf(n, 'ParamRef') ||
    nodeOf(n, 'BoolExpr') ||
    nodeOf(n, 'NullTest') ||
    nodeOf(n, 'BooleanTest')
  )
    return { name: '?column?', strength: 0 };
  return undefined;
}
