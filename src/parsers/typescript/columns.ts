/**
 * Building IR column definitions from what a framework states. Types go through the SQL parser
 * (`typeRefFromSql`) after each frontend has mapped its own type names to the SQL its Postgres
 * dialect emits, so `varchar(255)` from Knex and from a .sql file normalise identically.
 */
import type { ColumnDef, ConstraintDef, DefaultValue, QualifiedName } from '../../ir/types.js';
import { defaultFromSql, literalDefault, typeRefFromSql } from '../sql/fragments.js';
import { parseSql } from '../sql/parse-sql.js';
import type { OpDraft } from '../sql/translate.js';
import { children, type Node, nodeText, unwrap } from './ast.js';
import type { Scope, StaticValue } from './scope.js';

export function columnDef(
  name: string,
  typeSql: string,
  extra: Partial<Omit<ColumnDef, 'name' | 'type'>> = {},
): ColumnDef {
  const col: ColumnDef = {
    name,
    type: typeRefFromSql(typeSql),
    notNull: extra.notNull ?? false,
    primaryKey: extra.primaryKey ?? false,
    unique: extra.unique ?? false,
    constraints: extra.constraints ?? [],
  };
  if (extra.default) col.default = extra.default;
  if (extra.generated) col.generated = extra.generated;
  if (col.primaryKey) col.notNull = true;
  return col;
}

/** A JavaScript literal used as a server default: a constant. */
export function staticDefault(value: StaticValue): DefaultValue | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return literalDefault(value);
  // Objects/arrays (JSON defaults) are serialised to one constant string.
  return literalDefault(JSON.stringify(value));
}

export function sqlDefault(text: string): DefaultValue {
  return defaultFromSql(text);
}

/**
 * A default whose value this file does not show (`SOME_CONSTANT`, `process.env.X`,
 * `new Date(0).toISOString()`). The frameworks send a JavaScript value to Postgres as a literal, so
 * it is a constant the migration computes once when it runs — unless the expression builds SQL
 * (`knex.raw(text)`, `pgm.func(name)`, a `sql` template): then it is SQL text computed in JavaScript,
 * whose functions are not shown (unknown volatility).
 * `buildsSql` says which sub-expressions are the framework's SQL constructors.
 */
export function unreadDefault(node: Node, source: string, scope: Scope, buildsSql: (n: Node) => boolean): DefaultValue {
  const text = nodeText(source, node);
  return { text, volatility: sendsSql(node, scope, buildsSql) ? 'unknown' : 'immutable', computedIn: 'JavaScript' };
}

/** Whether any part of the expression (following `const` bindings) is one of the framework's SQL constructors. */
function sendsSql(root: Node, scope: Scope, buildsSql: (n: Node) => boolean): boolean {
  const stack: Node[] = [root];
  const seen = new Set<Node>();
  while (stack.length && seen.size < 500) {
    const n = unwrap(stack.pop());
    if (!n || seen.has(n)) continue;
    seen.add(n);
    if (buildsSql(n)) return true;
    if (n.type === 'Identifier') {
      const init = scope.constInit(n.name);
      if (init) stack.push(init);
      continue;
    }
    // A function's body is not the value (a callback run later).
    if (n.type === 'ArrowFunctionExpression' || n.type === 'FunctionExpression') continue;
    stack.push(...children(n));
  }
  return false;
}

/** `schema.table` written as one string (Knex, Sequelize, TypeORM accept it) → qualified name. */
export function qualified(name: string, schema?: string): QualifiedName {
  const dot = name.indexOf('.');
  if (!schema && dot > 0) return { schema: name.slice(0, dot), name: name.slice(dot + 1) };
  return schema ? { schema, name } : { name };
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
  return c;
}

/** A CHECK constraint from its SQL expression, read by the SQL parser (so `col IS NOT NULL` is recognised). */
export function checkConstraint(expression: string, name?: string): ConstraintDef {
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
  return def;
}

/** The `other` op for a CREATE TYPE … AS ENUM a framework sends before using the type (with its SQL, for trace). */
export function createEnumDraft(name: QualifiedName, values: string[]): OpDraft {
  const quoted = `${name.schema ? `"${name.schema}".` : ''}"${name.name}"`;
  const list = values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ');
  return {
    kind: 'other',
    statementType: 'CreateEnumStmt',
    detail: `${name.name} (${values.join(', ')})`,
    sql: `CREATE TYPE ${quoted} AS ENUM (${list})`,
  };
}
