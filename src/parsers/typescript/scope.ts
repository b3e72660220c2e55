/**
 * What a migration file declares that the frontends may use to read calls statically: `const`
 * bindings (so `const TABLE = 'users'` resolves), local functions, and imported names (a helper
 * imported from elsewhere cannot be read, which the frontends say instead of guessing).
 */
import { type FunctionNode, isFunction, keyName, type Node, unwrap } from './ast.js';

/** Sentinel for "not statically known". */
export const UNKNOWN: unique symbol = Symbol('unknown');
export type StaticValue = string | number | boolean | null | undefined | StaticValue[] | { [key: string]: StaticValue };

export class Scope {
  /** const name → initialiser; `null` when the name is declared more than once (shadowing: ambiguous). */
  private readonly consts = new Map<string, Node | null>();
  /** Local function declarations and `const f = () => …` by name. */
  readonly functions = new Map<string, FunctionNode | null>();
  /** Imported (or required) local name → module specifier. */
  readonly imports = new Map<string, string>();

  constructor(program: Node) {
    this.collect(program);
  }

  private declare(map: Map<string, Node | null>, name: string, node: Node): void {
    map.set(name, map.has(name) ? null : node);
  }

  private collect(node: Node): void {
    const stack: Node[] = [node];
    while (stack.length) {
      const n = stack.pop()!;
      switch (n.type) {
        case 'ImportDeclaration':
          for (const s of n.specifiers ?? []) if (s.local?.name) this.imports.set(s.local.name, String(n.source.value));
          continue;
        case 'VariableDeclaration':
          for (const d of n.declarations ?? []) {
            const init = unwrap(d.init);
            const required = init?.type === 'CallExpression' && init.callee?.type === 'Identifier' && init.callee.name === 'require' ? init.arguments?.[0]?.value : undefined;
            if (d.id?.type === 'Identifier') {
              if (typeof required === 'string') this.imports.set(d.id.name, required);
              else if (isFunction(init)) this.declare(this.functions as Map<string, Node | null>, d.id.name, init);
              else if (n.kind === 'const' && init) this.declare(this.consts, d.id.name, init);
              else if (n.kind !== 'const') this.consts.set(d.id.name, null); // let/var: may be reassigned
            } else if (d.id?.type === 'ObjectPattern' && typeof required === 'string') {
              for (const p of d.id.properties ?? []) if (p.value?.type === 'Identifier') this.imports.set(p.value.name, required);
            }
          }
          break;
        case 'FunctionDeclaration':
          if (n.id?.name) this.declare(this.functions as Map<string, Node | null>, n.id.name, n);
          break;
        default:
          break;
      }
      for (const key of Object.keys(n)) {
        if (key === 'parent' || key === 'range') continue;
        const v = n[key];
        if (Array.isArray(v)) {
          for (const c of v) if (c && typeof c.type === 'string') stack.push(c);
        } else if (v && typeof v === 'object' && typeof v.type === 'string') stack.push(v);
      }
    }
  }

  /** The initialiser of an unambiguous `const name = …`. */
  constInit(name: string): Node | undefined {
    return this.consts.get(name) ?? undefined;
  }

  localFunction(name: string): FunctionNode | undefined {
    return this.functions.get(name) ?? undefined;
  }

  /** Follows `const a = b` / `const a = 'x'` to the expression that defines the value. */
  resolve(node: Node | null | undefined, depth = 0): Node | undefined {
    const n = unwrap(node);
    if (n?.type === 'Identifier' && depth < 10) {
      const init = this.constInit(n.name);
      if (init) return this.resolve(init, depth + 1);
    }
    return n;
  }

  /** The value of a literal-ish expression (strings, numbers, template literals of constants, arrays, objects), or UNKNOWN. */
  value(node: Node | null | undefined, depth = 0): StaticValue | typeof UNKNOWN {
    const n = unwrap(node);
    if (!n || depth > 20) return UNKNOWN;
    switch (n.type) {
      case 'Literal':
        if (n.regex || typeof n.value === 'bigint') return UNKNOWN;
        return n.value as StaticValue;
      case 'TemplateLiteral': {
        let out = '';
        for (let i = 0; i < n.quasis.length; i++) {
          const cooked = n.quasis[i].value.cooked;
          if (typeof cooked !== 'string') return UNKNOWN;
          out += cooked;
          if (i < n.expressions.length) {
            const v = this.value(n.expressions[i], depth + 1);
            if (v === UNKNOWN || (v !== null && typeof v === 'object')) return UNKNOWN;
            out += String(v);
          }
        }
        return out;
      }
      case 'Identifier': {
        if (n.name === 'undefined') return undefined;
        const init = this.constInit(n.name);
        return init ? this.value(init, depth + 1) : UNKNOWN;
      }
      case 'UnaryExpression': {
        const v = this.value(n.argument, depth + 1);
        if (v === UNKNOWN) return UNKNOWN;
        if (n.operator === '-' && typeof v === 'number') return -v;
        if (n.operator === '+' && typeof v === 'number') return v;
        if (n.operator === '!') return !v;
        return UNKNOWN;
      }
      case 'BinaryExpression': {
        if (n.operator !== '+') return UNKNOWN;
        const a = this.value(n.left, depth + 1);
        const b = this.value(n.right, depth + 1);
        if (a === UNKNOWN || b === UNKNOWN) return UNKNOWN;
        if (typeof a === 'number' && typeof b === 'number') return a + b;
        if ((typeof a === 'string' || typeof a === 'number') && (typeof b === 'string' || typeof b === 'number')) return String(a) + String(b);
        return UNKNOWN;
      }
      case 'ArrayExpression': {
        const out: StaticValue[] = [];
        for (const el of n.elements) {
          if (!el || el.type === 'SpreadElement') return UNKNOWN;
          const v = this.value(el, depth + 1);
          if (v === UNKNOWN) return UNKNOWN;
          out.push(v);
        }
        return out;
      }
      case 'ObjectExpression': {
        const out: { [key: string]: StaticValue } = {};
        for (const p of n.properties) {
          if (p.type !== 'Property') return UNKNOWN;
          const k = keyName(p);
          if (k === undefined) return UNKNOWN;
          const v = this.value(p.value, depth + 1);
          if (v === UNKNOWN) return UNKNOWN;
          out[k] = v;
        }
        return out;
      }
      default:
        return UNKNOWN;
    }
  }

  /** The value when statically known, else undefined (for options where unknown = not given). */
  known(node: Node | null | undefined): StaticValue {
    const v = this.value(node);
    return v === UNKNOWN ? undefined : v;
  }

  /** A string value, or undefined when the expression is not a statically known string. */
  string(node: Node | null | undefined): string | undefined {
    const v = this.value(node);
    return typeof v === 'string' ? v : undefined;
  }

  /** A string or an array of strings (`'email'` or `['a', 'b']`), as a list. */
  stringList(node: Node | null | undefined): string[] | undefined {
    const v = this.value(node);
    if (typeof v === 'string') return [v];
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
    return undefined;
  }
}

/**
 * The properties of an object literal (following a `const` binding), by key. `undefined` when the
 * node is not an object literal; a spread makes the object only partly known (`spread: true`).
 */
export function objectProperties(scope: Scope, node: Node | null | undefined): { props: Map<string, Node>; spread: boolean; node: Node } | undefined {
  const n = scope.resolve(node);
  if (n?.type !== 'ObjectExpression') return undefined;
  const props = new Map<string, Node>();
  let spread = false;
  for (const p of n.properties) {
    if (p.type === 'SpreadElement') {
      spread = true;
      continue;
    }
    const k = keyName(p);
    if (k === undefined) {
      spread = true;
      continue;
    }
    // Shorthand methods `up() {}` and `up: …` both land here; `value` is the function or the value.
    props.set(k, p.value);
  }
  return { props, spread, node: n };
}

/**
 * Which rows a query builder's update/delete touches, from its `where…` links: `all` when there is none,
 * `single-row` with the columns when every where is a column compared with `=` to a constant
 * (`.where('id', 1)`, `.where({ id: 1 })`, `.where('id', '=', 1)`), else `filtered`.
 */
export function builderRowScope(scope: Scope, links: readonly { name: string; args?: Node[] }[]): { rowScope: 'all' | 'filtered' | 'single-row'; keyColumns?: string[] } {
  const wheres = links.filter((l) => /^(or|and)?where/i.test(l.name));
  if (!wheres.length) return { rowScope: 'all' };
  const constant = (n: Node | undefined) => {
    const v = scope.value(n);
    return v !== UNKNOWN && v !== undefined && v !== null && typeof v !== 'object';
  };
  const keyColumns: string[] = [];
  for (const w of wheres) {
    if (w.name !== 'where' && w.name !== 'andWhere') return { rowScope: 'filtered' };
    const args = w.args ?? [];
    const column = scope.string(args[0]);
    if (args.length === 2 && column !== undefined && constant(args[1])) keyColumns.push(column);
    else if (args.length === 3 && column !== undefined && scope.string(args[1]) === '=' && constant(args[2])) keyColumns.push(column);
    else if (args.length === 1) {
      const obj = objectProperties(scope, args[0]);
      if (!obj || obj.spread || !obj.props.size || ![...obj.props.values()].every(constant)) return { rowScope: 'filtered' };
      keyColumns.push(...obj.props.keys());
    } else return { rowScope: 'filtered' };
  }
  return { rowScope: 'single-row', keyColumns: keyColumns.map((c) => c.split('.').at(-1)!) };
}
