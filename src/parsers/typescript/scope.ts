/**
 * What a migration file declares that the frontends may use to read calls statically: `const`
 * bindings (so `const TABLE = 'users'` resolves), local functions, and imported names (a helper
 * imported from elsewhere cannot be read, which the frontends say instead of guessing).
 */
import {
  children,
  flattenChain,
  type FunctionNode,
  isFunction,
  isNode,
  keyName,
  type Node,
  propertyName,
  unwrap,
} from './ast.js';
import { databaseTestedBy, engineOf } from '../database-names.js';

/** Sentinel for "not statically known". */
export const UNKNOWN: unique symbol = Symbol('unknown');
export type StaticValue = string | number | boolean | null | undefined | StaticValue[] | { [key: string]: StaticValue };

/** `String(v)` spelled out for each shape a static value takes: an array joins its elements' text by commas, an object is `[object Object]`. */
export function staticText(v: StaticValue): string {
  if (Array.isArray(v)) return joinStatic(v, ',');
  return typeof v === 'object' && v !== null ? '[object Object]' : String(v);
}

/** `items.join(separator)` as JavaScript does it: null and undefined elements become ''. */
export function joinStatic(items: readonly StaticValue[], separator: string): string {
  return items.map((e) => (e === null || e === undefined ? '' : staticText(e))).join(separator);
}

/** The database a run targets (`--dialect`). */
export type TargetDialect = 'postgresql' | 'sqlite';

/**
 * Expressions that read which database the migration runs on: Knex `knex.client.config.client`,
 * `knex.client.dialect`, `knex.client.driverName`; TypeORM `queryRunner.connection.options.type`,
 * `queryRunner.connection.driver.options.type`; Sequelize `queryInterface.sequelize.getDialect()`,
 * `sequelize.options.dialect`; MikroORM `this.driver.config.get('driver')` is not common enough to read.
 */
const DIALECT_READ =
  /(?:^|\.)(?:client\.config\.client|client\.dialect|client\.driverName|(?:connection\.)?driver\.options\.type|(?:connection|dataSource)\.options\.type|sequelize\.getDialect\(\)|sequelize\.options\.dialect|getDialect\(\))$/;

/**
 * A project's own configuration read for its database's type: the last property names the kind
 * (`type`, `dialect`, `client`, `driver`) and one before it the database (`config.db.default.type`,
 * `appConfig.database.dialect`, `settings.datasource.type`). As for DIALECT_NAME, only a comparison
 * with a database's name is decided on it.
 */
const CONFIGURED_DATABASE = /\.(?:db|database|datasource|dataSource)(?:\.\w+)*\.(?:type|dialect|client|driver)$/;

/**
 * Names of a binding that holds which database runs the migration, when the file does not show its
 * value: a migration runner that passes it to `up` (`up(db, dialect)`, `down(knex, dbType)`). Only a
 * comparison with a database's name is decided on it (`dialect === 'sqlite'`); anything else stays
 * an undecided condition.
 */
const DIALECT_NAME = /^(?:(?:db|database)?(?:dialect|driver|engine)|(?:db|database)(?:type|client))$/i;

/** `DatabaseTypeEnum.betterSqlite3`, `DatabaseType.POSTGRES`: an enum member named after a database (its value is not in the file). */
function enumMemberName(node: Node | undefined): string | undefined {
  const n = unwrap(node);
  if (n?.type !== 'MemberExpression' || unwrap(n.object)?.type !== 'Identifier') return undefined;
  const name = propertyName(n);
  return name?.replace(/([a-z])([A-Z])/g, '$1-$2').replace(/_/g, '-');
}

export class Scope {
  /** const name → initialiser; `null` when the name is declared more than once (shadowing: ambiguous). */
  private readonly consts = new Map<string, Node | null>();
  /**
   * Bindings of the code being read, which win over the file-wide `consts`: a `const` declared in
   * the function body being walked, a loop variable bound to one element of a literal array
   * (`null`: declared there, value not known).
   */
  private readonly locals = new Map<string, Node | null>();
  /** Local function declarations and `const f = () => …` by name. */
  readonly functions = new Map<string, FunctionNode | null>();
  /** Imported (or required) local name → module specifier. */
  readonly imports = new Map<string, string>();
  /**
   * The value of a call or property read the frontend reading the file knows (n8n's
   * `escape.tableName('t')`, `context.isMysql`), set while it reads; without it they are unknown.
   */
  frameworkValue: ((node: Node) => StaticValue | typeof UNKNOWN) | undefined;

  constructor(
    program: Node,
    /** The database the run targets: dialect checks in the code are decided for it. */
    readonly dialect: TargetDialect = 'postgresql',
  ) {
    this.collect(program);
  }

  /** Binds `name` for the code being read; returns the function that restores the previous binding. */
  bind(name: string, value: Node | null): () => void {
    const had = this.locals.has(name);
    const previous = this.locals.get(name);
    this.locals.set(name, value);
    return () => {
      if (had) this.locals.set(name, previous ?? null);
      else this.locals.delete(name);
    };
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
          for (const s of n.specifiers) if (s.local.name) this.imports.set(s.local.name, n.source.value);
          continue;
        case 'VariableDeclaration':
          for (const d of n.declarations) {
            const init = unwrap(d.init);
            const arg =
              init?.type === 'CallExpression' && init.callee.type === 'Identifier' && init.callee.name === 'require'
                ? init.arguments[0]
                : undefined;
            const required = arg?.type === 'Literal' ? arg.value : undefined;
            if (d.id.type === 'Identifier') {
              if (typeof required === 'string') this.imports.set(d.id.name, required);
              else if (isFunction(init)) this.declare(this.functions, d.id.name, init);
              else if (n.kind === 'const' && init) this.declare(this.consts, d.id.name, init);
              else if (n.kind !== 'const') this.consts.set(d.id.name, null); // let/var: may be reassigned
            } else if (d.id.type === 'ObjectPattern' && typeof required === 'string') {
              for (const p of d.id.properties)
                if (p.value?.type === 'Identifier') this.imports.set(p.value.name, required);
            }
          }
          break;
        case 'FunctionDeclaration':
          if (n.id?.name) this.declare(this.functions, n.id.name, n);
          break;
        case 'MethodDefinition': {
          // A migration class's own methods, called as `this.postgresUp(queryRunner)`.
          const name = keyName(n);
          if (name !== undefined && !n.static && isFunction(n.value))
            this.declare(this.functions, `this.${name}`, n.value);
          break;
        }
        default:
          break;
      }
      for (const [key, v] of Object.entries(n) as [string, unknown][]) {
        if (key === 'parent' || key === 'range') continue;
        if (Array.isArray(v)) {
          for (const c of v as unknown[]) if (isNode(c)) stack.push(c);
        } else if (isNode(v)) stack.push(v);
      }
    }
  }

  /** The initialiser of an unambiguous `const name = …`. */
  constInit(name: string): Node | undefined {
    if (this.locals.has(name)) return this.locals.get(name) ?? undefined;
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
    // `isPostgres ? Sequelize.JSONB : Sequelize.JSON`: the branch the target database takes.
    if (n?.type === 'ConditionalExpression' && depth < 10) {
      const test = this.condition(n.test);
      if (test !== undefined) return this.resolve(test ? n.consequent : n.alternate, depth + 1);
    }
    return n;
  }

  /** The value of a literal-ish expression (strings, numbers, template literals of constants, arrays, objects), or UNKNOWN. */
  value(node: Node | null | undefined, depth = 0): StaticValue | typeof UNKNOWN {
    const n = unwrap(node);
    if (!n || depth > 20) return UNKNOWN;
    switch (n.type) {
      case 'Literal':
        if ('regex' in n || typeof n.value === 'bigint') return UNKNOWN;
        return n.value;
      case 'TemplateLiteral': {
        let out = '';
        for (let i = 0; i < n.quasis.length; i++) {
          const cooked = n.quasis[i]!.value.cooked;
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
        if ((typeof a === 'string' || typeof a === 'number') && (typeof b === 'string' || typeof b === 'number'))
          return String(a) + String(b);
        return UNKNOWN;
      }
      case 'ConditionalExpression': {
        // `isPostgres ? 'jsonb' : 'json'`: decided when the test is a dialect check.
        const test = this.condition(n.test);
        return test === undefined ? UNKNOWN : this.value(test ? n.consequent : n.alternate, depth + 1);
      }
      case 'MemberExpression': {
        // `column.name` where `column` is an object literal (a loop over a literal array of objects).
        const key = propertyName(n);
        const obj = key === undefined ? UNKNOWN : this.value(n.object, depth + 1);
        if (obj === UNKNOWN && this.frameworkValue) return this.frameworkValue(n);
        if (
          obj === UNKNOWN ||
          obj === null ||
          typeof obj !== 'object' ||
          Array.isArray(obj) ||
          !Object.hasOwn(obj, key!)
        )
          return UNKNOWN;
        return obj[key!];
      }
      case 'CallExpression':
        return this.frameworkValue ? this.frameworkValue(n) : UNKNOWN;
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

  /**
   * Whether a condition holds on the target database: `true`/`false` when it tests which database
   * runs the migration (directly or through a `const`), with `!`, `&&`, `||`, `===`/`!==`,
   * `includes`/`startsWith` and literal booleans; `undefined` when the code cannot tell.
   */
  condition(node: Node | null | undefined, depth = 0): boolean | undefined {
    const n = unwrap(node);
    if (!n || depth > 20) return undefined;
    switch (n.type) {
      case 'Literal':
        return typeof n.value === 'boolean' ? n.value : undefined;
      case 'Identifier': {
        const init = this.constInit(n.name);
        return init ? this.condition(init, depth + 1) : undefined;
      }
      case 'UnaryExpression': {
        if (n.operator !== '!') return undefined;
        const v = this.condition(n.argument, depth + 1);
        return v === undefined ? undefined : !v;
      }
      case 'LogicalExpression': {
        const a = this.condition(n.left, depth + 1);
        const b = this.condition(n.right, depth + 1);
        if (n.operator === '&&') return a === false || b === false ? false : a && b ? true : undefined;
        if (n.operator === '||')
          return a === true || b === true ? true : a === false && b === false ? false : undefined;
        return undefined;
      }
      case 'BinaryExpression': {
        if (!['===', '==', '!==', '!='].includes(n.operator)) return undefined;
        const hit = this.equality(n.left, n.right) ?? this.sameConstant(n.left, n.right);
        if (hit === undefined) return undefined;
        return n.operator.startsWith('!') ? !hit : hit;
      }
      case 'MemberExpression': {
        // `context.isPostgres`: a flag the frontend knows for the target database.
        const v = this.value(n, depth + 1);
        return typeof v === 'boolean' ? v : undefined;
      }
      case 'CallExpression': {
        const callee = unwrap(n.callee);
        // `isSQLite(knex)`, `DatabaseInfo.isMySQL(knex)`: a helper named after the database it tests.
        const helper =
          callee?.type === 'Identifier'
            ? callee.name
            : callee?.type === 'MemberExpression'
              ? propertyName(callee)
              : undefined;
        // `isSQLite(knex)`, `DatabaseInfo.isMySQL(knex)`
        const tested = helper && n.arguments.length ? databaseTestedBy(helper) : undefined;
        if (tested) return tested === this.dialect;
        if (callee?.type !== 'MemberExpression' || n.arguments.length !== 1) return undefined;
        const method = propertyName(callee);
        const arg = n.arguments[0];
        // ['pg', 'postgres'].includes(dialect)
        if (method === 'includes' && this.isDialectRead(arg)) {
          const list = this.stringList(callee.object);
          if (!list) return undefined;
          const hits = list.map((s) => this.isTarget(s));
          return hits.includes(true) ? true : hits.every((h) => h === false) ? false : undefined;
        }
        // knex.client.config.client.includes('sqlite3') / .startsWith('postgres')
        if ((method === 'includes' || method === 'startsWith') && this.isDialectRead(callee.object))
          return this.isTarget(this.string(arg));
        return undefined;
      }
      default:
        return undefined;
    }
  }

  /** `left === right` on the target database, when one side reads which database it is (also a `switch` case). */
  equality(left: Node, right: Node): boolean | undefined {
    const [read, other] = this.isDialectRead(left) ? [left, right] : this.isDialectRead(right) ? [right, left] : [];
    if (!read) return undefined;
    return this.isTarget(this.string(other) ?? enumMemberName(other));
  }

  /**
   * `table === 'orders'` where both sides are strings or numbers known statically (a loop over a
   * literal list binds `table` to each element in turn); undefined when either is not known.
   */
  private sameConstant(left: Node, right: Node): boolean | undefined {
    const a = this.known(left);
    const b = this.known(right);
    const plain = (v: unknown) => typeof v === 'string' || typeof v === 'number';
    return plain(a) && plain(b) ? a === b : undefined;
  }

  /** Whether a condition asks which database runs the migration (not just any constant, like `if (DRY_RUN)`). */
  asksDatabase(node: Node | null | undefined, depth = 0): boolean {
    const n = unwrap(node);
    if (!n || depth > 20) return false;
    if (this.isDialectRead(n)) return true;
    // `isMysql`, `context.isPostgres`: a flag named after the database it tests.
    if (n.type === 'Identifier' && databaseTestedBy(n.name)) return true;
    if (n.type === 'MemberExpression' && databaseTestedBy(propertyName(n) ?? '')) return true;
    if (n.type === 'CallExpression') {
      const callee = unwrap(n.callee);
      const helper =
        callee?.type === 'Identifier'
          ? callee.name
          : callee?.type === 'MemberExpression'
            ? propertyName(callee)
            : undefined;
      if (helper && databaseTestedBy(helper)) return true;
    }
    if (n.type === 'Identifier') {
      const init = this.constInit(n.name);
      return init ? this.asksDatabase(init, depth + 1) : false;
    }
    return children(n).some((c) => this.asksDatabase(c, depth + 1));
  }

  /** Whether `name` (a database name as the frameworks spell it) is the target; undefined when not a known name. */
  private isTarget(name: string | undefined): boolean | undefined {
    if (name === undefined) return undefined;
    const engine = engineOf(name);
    return engine === undefined ? undefined : engine === this.dialect;
  }

  /** Does the expression read which database runs the migration (directly or through a `const`)? */
  isDialectRead(node: Node | null | undefined, depth = 0): boolean {
    const n = unwrap(node);
    if (!n || depth > 10) return false;
    if (n.type === 'Identifier') {
      const init = this.constInit(n.name);
      // A name the file does not define (a parameter: `up(db, dialect)`) says what it holds by its name.
      return init ? this.isDialectRead(init, depth + 1) : DIALECT_NAME.test(n.name);
    }
    if (n.type === 'AwaitExpression') return this.isDialectRead(n.argument, depth + 1);
    if (n.type !== 'MemberExpression' && n.type !== 'CallExpression') return false;
    const chain = flattenChain(n);
    const root =
      chain.root.type === 'Identifier' ? chain.root.name : chain.root.type === 'ThisExpression' ? 'this' : undefined;
    // A configuration is read in a few steps; a chain of thousands (hostile code) is not tested against the patterns.
    if (root === undefined || chain.links.length > 16) return false;
    const path = [root, ...chain.links.map((l) => (l.args ? `${l.name}()` : l.name))].join('.');
    // A call other than getDialect() with arguments is not a read of the name.
    if (chain.links.some((l) => l.args && (l.args.length > 0 || l.name !== 'getDialect'))) return false;
    return DIALECT_READ.test(path) || CONFIGURED_DATABASE.test(path);
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
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v;
    return undefined;
  }
}

/**
 * The properties of an object literal (following a `const` binding), by key. `undefined` when the
 * node is not an object literal; a spread makes the object only partly known (`spread: true`).
 */
export function objectProperties(
  scope: Scope,
  node: Node | null | undefined,
): { props: Map<string, Node>; spread: boolean; node: Node } | undefined {
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
 * The columns an update builder writes, from the object literal given to its `method` link (Kysely
 * `.set({ a: … })`, Knex `.update({ a: … })`); undefined when that is not a literal of plain keys.
 */
export function builderAssigns(
  scope: Scope,
  links: readonly { name: string; args?: Node[] }[],
  method: string,
): { assigns: string[] } | undefined {
  const set = links.find((l) => l.name === method);
  if (set?.args?.length !== 1) return undefined;
  const obj = objectProperties(scope, set.args[0]);
  if (!obj || obj.spread || !obj.props.size) return undefined;
  return { assigns: [...obj.props.keys()].map((c) => c.split('.').at(-1)!) };
}

/**
 * Which rows a query builder's update/delete touches, from its `where…` links: `all` when there is none,
 * `single-row` with the columns when every where is a column compared with `=` to a constant
 * (`.where('id', 1)`, `.where({ id: 1 })`, `.where('id', '=', 1)`), else `filtered`.
 */
export function builderRowScope(
  scope: Scope,
  links: readonly { name: string; args?: Node[] }[],
): { rowScope: 'all' | 'filtered' | 'single-row'; keyColumns?: string[] } {
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
    else if (args.length === 3 && column !== undefined && scope.string(args[1]) === '=' && constant(args[2]))
      keyColumns.push(column);
    else if (args.length === 1) {
      const obj = objectProperties(scope, args[0]);
      if (!obj || obj.spread || !obj.props.size || ![...obj.props.values()].every(constant))
        return { rowScope: 'filtered' };
      keyColumns.push(...obj.props.keys());
    } else return { rowScope: 'filtered' };
  }
  return { rowScope: 'single-row', keyColumns: keyColumns.map((c) => c.split('.').at(-1)!) };
}
