/**
 * Small helpers over the ESTree produced by `@typescript-eslint/typescript-estree`, typed by its
 * `TSESTree` types. Only type imports here: the parser itself is loaded on first use (estree.ts).
 * The frontends must still cope with any shape a user's file has: a type narrows by `node.type`,
 * never by what a file "should" contain.
 */
import type { TSESTree } from '@typescript-eslint/typescript-estree';

export type Node = TSESTree.Node;

export type FunctionNode =
  TSESTree.FunctionDeclaration | TSESTree.FunctionExpression | TSESTree.ArrowFunctionExpression;

const FUNCTION_TYPES = new Set<string>(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);

export function isFunction(node: Node | null | undefined): node is FunctionNode {
  return node ? FUNCTION_TYPES.has(node.type) : false;
}

/** Strips wrappers that do not change a value: `x as T`, `x!`, `x satisfies T`, `<T>x`, `(a?.b)`. */
export function unwrap(node: Node | null | undefined): Node | undefined {
  let n = node ?? undefined;
  while (
    n &&
    (n.type === 'TSAsExpression' ||
      n.type === 'TSNonNullExpression' ||
      n.type === 'TSSatisfiesExpression' ||
      n.type === 'TSTypeAssertion' ||
      n.type === 'ChainExpression')
  ) {
    n = n.expression;
  }
  return n;
}

/** `await x` / `void x` → x. */
export function unwrapAwait(node: Node | null | undefined): Node | undefined {
  let n = unwrap(node);
  while (n && (n.type === 'AwaitExpression' || (n.type === 'UnaryExpression' && n.operator === 'void')))
    n = unwrap(n.argument);
  return n;
}

/** The name of a non-computed member property or a computed one written as a string literal. */
export function propertyName(member: TSESTree.MemberExpression): string | undefined {
  const p = member.property;
  if (!member.computed && p.type === 'Identifier') return p.name;
  if (p.type === 'PrivateIdentifier') return `#${p.name}`;
  if (member.computed && p.type === 'Literal' && typeof p.value === 'string') return p.value;
  return undefined;
}

/** The key of an object property or class member as a string (`foo`, `'foo'`, `[\`foo\`]`). */
export function keyName(prop: Node): string | undefined {
  if (!('key' in prop)) return undefined;
  const k = prop.key;
  const computed = 'computed' in prop && prop.computed;
  if (!computed && k.type === 'Identifier') return k.name;
  if (k.type === 'Literal' && (typeof k.value === 'string' || typeof k.value === 'number')) return String(k.value);
  if (k.type === 'TemplateLiteral' && k.expressions.length === 0) return k.quasis[0]?.value.cooked ?? undefined;
  return undefined;
}

/** One step of a member/call chain: `.name` (a property read) or `.name(args)` (a method call). */
export interface ChainLink {
  /** Property name, or `()` for a direct call of the root (`knex('users')`). */
  name: string;
  /** Arguments when this link is a call. */
  args?: Node[];
  /** The node that ends at this link (the MemberExpression, or the CallExpression for calls). */
  node: Node;
  /** From the property name to the end of the link: `.addColumn('x', 'text')` in a multi-line chain. */
  at: [number, number];
}

export interface Chain {
  /** The innermost expression the chain starts from (an Identifier, `this`, a tagged template…). */
  root: Node;
  links: ChainLink[];
}

/**
 * Flattens `a.b.c(1).d(2)` into root `a` and links `b`, `c(1)`, `d(2)`. A computed member with a
 * non-literal key ends the chain there (the rest of the expression becomes the root).
 */
export function flattenChain(expr: Node): Chain {
  const links: ChainLink[] = [];
  let n: Node | undefined = unwrap(expr);
  for (;;) {
    if (!n) break;
    if (n.type === 'CallExpression') {
      const callee = unwrap(n.callee);
      if (callee?.type === 'MemberExpression') {
        const name = propertyName(callee);
        if (name === undefined) break;
        links.unshift({ name, args: n.arguments, node: n, at: [callee.property.range[0], n.range[1]] });
        n = unwrap(callee.object);
        continue;
      }
      if (callee?.type === 'Identifier' || callee?.type === 'ThisExpression') {
        links.unshift({ name: '()', args: n.arguments, node: n, at: n.range });
        n = callee;
      }
      break;
    }
    if (n.type === 'MemberExpression') {
      const name = propertyName(n);
      if (name === undefined) break;
      links.unshift({ name, node: n, at: [n.property.range[0], n.range[1]] });
      n = unwrap(n.object);
      continue;
    }
    break;
  }
  return { root: n ?? expr, links };
}

/** `knex.schema.createTable` for messages: root name plus link names, calls marked with `(…)`. */
export function chainText(chain: Chain, upTo = chain.links.length): string {
  const root = chain.root.type === 'Identifier' ? chain.root.name : chain.root.type === 'ThisExpression' ? 'this' : '…';
  let out = root;
  for (const link of chain.links.slice(0, upTo))
    out += link.name === '()' ? '(…)' : `.${link.name}${link.args ? '(…)' : ''}`;
  return out;
}

const SKIP_KEYS = new Set([
  'parent',
  'range',
  'loc',
  'type',
  'typeAnnotation',
  'returnType',
  'typeParameters',
  'typeArguments',
  'decorators',
]);

/** Whether a field's value is a node (rather than a string, a number, a list or null). */
export function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string';
}

/** Child nodes in source order (type annotations left out). */
export function children(node: Node): Node[] {
  const out: Node[] = [];
  for (const [key, v] of Object.entries(node) as [string, unknown][]) {
    if (SKIP_KEYS.has(key)) continue;
    if (Array.isArray(v)) {
      for (const item of v as unknown[]) if (isNode(item)) out.push(item);
    } else if (isNode(v)) out.push(v);
  }
  return out.sort((a, b) => a.range[0] - b.range[0]);
}

/** Source text of a node, whitespace collapsed and cut to `max` characters (for messages). */
export function nodeText(source: string, node: Node, max = 60): string {
  const t = source.slice(node.range[0], node.range[1]).replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}
