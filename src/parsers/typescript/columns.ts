/**
 * Column defaults as JavaScript states them. Everything else a frontend builds (columns, constraints,
 * indexes, enum types) goes through the shared builder, `../ir-builder.ts`.
 */
import type { DefaultValue } from '../../ir/types.js';
import { literalDefault } from '../sql/fragments.js';
import { children, type Node, nodeText, unwrap } from './ast.js';
import type { Scope, StaticValue } from './scope.js';

/** A JavaScript literal used as a server default: a constant. */
export function staticDefault(value: StaticValue): DefaultValue | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return literalDefault(value);
  // Objects/arrays (JSON defaults) are serialised to one constant string.
  return literalDefault(JSON.stringify(value));
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
