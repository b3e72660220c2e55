/**
 * The part every framework frontend shares: walking an `up`/`down` body in execution order, keeping
 * track of which names hold the framework object (`knex`, `queryRunner`, `pgm`, a `trx`…), reading
 * local helper functions called with it, and reporting helpers it cannot read as `unknown` ops.
 * A framework subclass only says which calls are its own and what they do.
 *
 * Control flow is followed the way the code runs on the target database: a check of which database
 * runs the migration (`if (knex.client.config.client === 'sqlite3')`, `switch (dialect)`, a ternary,
 * `isPg && …`) is decided and its dead branch skipped; `return`/`throw` end the walk; any other
 * condition keeps its ops, marked conditional. Promise chains (`.then(() => …)`) are read in order,
 * and loops over literal arrays (`for (const t of ['a', 'b'])`, `['a', 'b'].forEach(…)`) once per
 * element, with the loop variable bound to it.
 */
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { Direction } from '../../ir/types.js';
import {
  type Chain,
  chainText,
  children,
  flattenChain,
  type FunctionNode,
  isFunction,
  type Node,
  nodeText,
  propertyName,
  unwrap,
  unwrapAwait,
} from './ast.js';
import type { EmitOptions, OpCollector } from './collector.js';
import type { Scope } from './scope.js';
import { bodyStatements } from './shape.js';

/** A chain rooted at the framework object, with the transaction its root name was bound in (a `trx`). */
export interface FrameworkChain extends Chain {
  inTransaction?: boolean;
}

interface Alias {
  links: Chain['links'];
  inTransaction?: boolean;
}

export abstract class FrameworkReader {
  /** Names bound to (a member chain of) the framework object, e.g. `knex` → [], `schema` → [schema]. */
  protected readonly aliases = new Map<string, Alias>();
  /** Set while reading a callback that runs inside a transaction the migration opened itself. */
  protected forcedTransaction: boolean | undefined;
  private helperDepth = 0;
  /** Set by `return`/`throw`: the rest of the function body does not run. */
  private exited = false;
  /** The value of the declaration or assignment being read (`const b = db.schema.createTable('t')`): kept, not discarded. */
  private keptValue: Node | undefined;
  /** Local `const` bindings made while reading, undone when the read ends. */
  protected readonly unbind: (() => void)[] = [];

  constructor(
    protected readonly c: OpCollector,
    protected readonly scope: Scope,
    protected readonly source: string,
  ) {}

  /** The name the framework object goes by in messages (`knex`, `queryRunner`…). */
  protected abstract readonly objectName: string;

  /**
   * A call whose chain starts at the framework object (aliases expanded). Return true when the
   * call was understood (its callbacks were read by the subclass); false lets the walker report it.
   */
  protected abstract frameworkCall(call: TSESTree.CallExpression, chain: FrameworkChain): boolean;

  /** Calls not rooted at the framework object that the framework still owns (`sql\`…\`.execute(db)`, `this.addSql`). */
  protected otherCall(_call: TSESTree.CallExpression, _chain: Chain): boolean {
    return false;
  }

  /** Reads `fn` as the migration's `up` or `down`; its parameters bind the framework objects. */
  read(fn: FunctionNode, direction: Direction): void {
    this.c.direction = direction;
    this.bindParameters(fn);
    try {
      this.walkStatements(bodyStatements(fn));
    } finally {
      while (this.unbind.length) this.unbind.pop()!();
      this.exited = false;
    }
  }

  /** Binds the function's parameters; by default the first one is the framework object. */
  protected bindParameters(fn: FunctionNode): void {
    const first = fn.params[0];
    if (first?.type === 'Identifier') this.bindRoot(first.name);
    else if (first?.type === 'AssignmentPattern' && first.left.type === 'Identifier') this.bindRoot(first.left.name);
    else if (first?.type === 'ObjectPattern') {
      // Umzug passes `{ context }`: `up({ context: queryInterface })`.
      for (const p of first.properties) {
        if (p.type !== 'Property' || p.key.type !== 'Identifier' || p.key.name !== 'context') continue;
        const v = p.value.type === 'AssignmentPattern' ? p.value.left : p.value;
        if (v.type === 'Identifier') this.bindRoot(v.name);
      }
    }
  }

  /**
   * Names destructured from the framework object (or a member chain of it), each standing for its
   * property's chain: `{ queryRunner, schemaBuilder: { createTable } }` binds `createTable` to
   * `….schemaBuilder.createTable`.
   */
  protected patternAliases(
    pattern: TSESTree.ObjectPattern,
    prefix: Chain['links'],
    out = new Map<string, Chain['links']>(),
  ): Map<string, Chain['links']> {
    for (const p of pattern.properties) {
      if (p.type !== 'Property' || p.computed) continue;
      const key = p.key.type === 'Identifier' ? p.key.name : String(p.key.value);
      const links = [...prefix, { name: key, node: p.key, at: p.key.range }];
      const v = p.value.type === 'AssignmentPattern' ? p.value.left : p.value;
      if (v.type === 'Identifier') out.set(v.name, links);
      else if (v.type === 'ObjectPattern') this.patternAliases(v, links, out);
    }
    return out;
  }

  /**
   * A name destructured from the framework object whose value the framework fixes (n8n's
   * `isPostgres`, `tablePrefix`): bound as that value instead of as a chain. None by default.
   */
  protected contextValue(_links: Chain['links'], _at: Node): Node | undefined {
    return undefined;
  }

  /** Binds destructured names: fixed values in the scope (restores pushed on `restores`), the rest as aliases. */
  protected bindDestructured(
    aliases: Map<string, Chain['links']>,
    restores: (() => void)[],
    bind: (name: string, links: Chain['links']) => void,
  ): void {
    for (const [name, links] of aliases) {
      const value = this.contextValue(links, links[links.length - 1]!.node);
      if (value) restores.push(this.scope.bind(name, value));
      else bind(name, links);
    }
  }

  protected bindRoot(name: string, prefix: Chain['links'] = [], inTransaction?: boolean): void {
    this.aliases.set(name, inTransaction === undefined ? { links: prefix } : { links: prefix, inTransaction });
  }

  /** Emit options for an op: the transaction forced by the enclosing callback or by the name the call went through. */
  protected emitOptions(chain?: FrameworkChain, extra: EmitOptions = {}): EmitOptions {
    const inTx = chain?.inTransaction ?? this.forcedTransaction;
    return inTx === undefined ? extra : { inTransaction: inTx, ...extra };
  }

  /** Replaces an alias at the chain's root with what it stands for; undefined when not rooted at the framework object. */
  protected expand(chain: Chain): FrameworkChain | undefined {
    if (chain.root.type !== 'Identifier') return undefined;
    const alias = this.aliases.get(chain.root.name);
    if (!alias) return undefined;
    // `createTable('t')` where `createTable` was destructured from the framework object: the
    // direct call is a call of the property it stands for.
    const first = chain.links[0];
    const last = alias.links[alias.links.length - 1];
    const links =
      first?.name === '()' && last && !last.args
        ? [
            ...alias.links.slice(0, -1),
            { ...last, args: first.args, node: first.node, at: first.at },
            ...chain.links.slice(1),
          ]
        : [...alias.links, ...chain.links];
    const out: FrameworkChain = { root: chain.root, links };
    if (alias.inTransaction !== undefined) out.inTransaction = alias.inTransaction;
    return out;
  }

  protected isFrameworkObject(node: Node | undefined): boolean {
    const n = unwrap(node);
    if (!n) return false;
    if (n.type === 'Identifier') return this.aliases.has(n.name);
    if (n.type === 'MemberExpression') return Boolean(this.expand(flattenChain(n)));
    return false;
  }

  /** Reads a callback's body (`.then(() => …)`, a transaction callback) as part of the migration. */
  protected walkFunctionBody(fn: FunctionNode): void {
    const saved = this.exited;
    this.exited = false;
    try {
      this.walkStatements(bodyStatements(fn));
    } finally {
      // A `return` in a callback ends the callback, not the function that called it.
      this.exited = saved;
    }
  }

  /**
   * Statements in order, until one ends the function. An undecided `if` whose one branch returns
   * leaves the statements after it conditional on the other branch.
   */
  private walkStatements(stmts: Node[]): void {
    let pushed = 0;
    try {
      for (const stmt of stmts) {
        const before = this.c.conditions.length;
        this.walk(stmt);
        if (this.exited) break;
        // walkIf left a condition for the rest of this block.
        pushed += this.c.conditions.length - before;
      }
    } finally {
      this.c.conditions.splice(this.c.conditions.length - pushed, pushed);
    }
  }

  /** A condition as written, for messages (short). */
  private conditionText(test: Node): string {
    return `\`${nodeText(this.source, test, 70)}\``;
  }

  private negatedText(test: Node): string {
    const t = unwrap(test);
    if (t?.type === 'UnaryExpression' && t.operator === '!') return this.conditionText(t.argument);
    return `not ${this.conditionText(test)}`;
  }

  /** Notes that code was left out because it runs only on other databases (the file is not empty by accident). */
  private skipped(node: Node | null | undefined, test: Node): void {
    if (node && !(node.type === 'BlockStatement' && node.body.length === 0) && this.scope.asksDatabase(test))
      this.c.otherDatabaseCode = true;
  }

  /**
   * Whether the tool runs a branch of an undecided `if` in a transaction, when the migration ties its
   * transaction to the same condition (a TypeORM class whose `transaction` is `cond ? false : undefined`);
   * undefined when the branch does not say.
   */
  protected branchTransaction(_test: Node, _branch: boolean): boolean | undefined {
    return undefined;
  }

  private walkIf(node: TSESTree.IfStatement): void {
    const decided = this.scope.condition(node.test);
    if (decided !== undefined) this.skipped(decided ? node.alternate : node.consequent, node.test);
    if (decided === true) return this.walk(node.consequent);
    if (decided === false) return this.walk(node.alternate);
    this.walk(node.test);
    const inTransaction = (branch: boolean, body: () => boolean): boolean => {
      const tx = this.branchTransaction(node.test, branch);
      if (tx === undefined) return body();
      const saved = this.forcedTransaction;
      this.forcedTransaction = tx;
      try {
        return body();
      } finally {
        this.forcedTransaction = saved;
      }
    };
    const thenExits = inTransaction(true, () => this.walkBranch(this.conditionText(node.test), node.consequent));
    const alternate = node.alternate;
    const elseExits = alternate
      ? inTransaction(false, () => this.walkBranch(this.negatedText(node.test), alternate))
      : false;
    if (thenExits && elseExits) this.exited = true;
    // The rest of the enclosing block runs only when the branch that returned was not taken;
    // walkStatements pops this condition at the end of the block.
    else if (thenExits) this.c.conditions.push(this.negatedText(node.test));
    else if (elseExits) this.c.conditions.push(this.conditionText(node.test));
  }

  /** Walks a branch under an undecided condition; returns whether it always ends the function. */
  private walkBranch(condition: string, branch: Node): boolean {
    let exits = false;
    this.c.underCondition(
      condition,
      () => {
        this.walk(branch);
        exits = this.exited;
        this.exited = false;
      },
      branch,
    );
    return exits;
  }

  /** `switch (dialect) { case 'sqlite3': … }`: the case the target database takes, with fall-through. */
  private walkSwitch(node: TSESTree.SwitchStatement): void {
    const cases = node.cases;
    const matches = cases.map((c) => (c.test ? this.scope.equality(node.discriminant, c.test) : undefined));
    const defaultIndex = cases.findIndex((c) => !c.test);
    if (defaultIndex !== -1)
      matches[defaultIndex] = matches.every((m, i) => i === defaultIndex || m === false) ? true : undefined;
    cases.forEach((c, i) => {
      if (matches[i] === false && c.consequent.length && this.scope.asksDatabase(node.discriminant))
        this.c.otherDatabaseCode = true;
    });
    const taken = cases.findIndex((c, i) => c.test && matches[i] === true);
    if (taken !== -1) return this.walkCases(cases, taken);
    if (defaultIndex !== -1 && matches[defaultIndex] === true) return this.walkCases(cases, defaultIndex);
    this.walk(node.discriminant);
    cases.forEach((c, i) => {
      if (matches[i] === false) return;
      const condition = c.test
        ? `\`${nodeText(this.source, node.discriminant, 40)}\` is \`${nodeText(this.source, c.test, 40)}\``
        : `no case of \`${nodeText(this.source, node.discriminant, 40)}\` matches`;
      this.c.underCondition(
        condition,
        () => {
          this.walkCases(cases, i);
          this.exited = false;
        },
        c,
      );
    });
  }

  /** Runs the cases from `start`, falling through until a `break` or the end of the function. */
  private walkCases(cases: TSESTree.SwitchCase[], start: number): void {
    for (const c of cases.slice(start)) {
      for (const stmt of c.consequent) {
        if (stmt.type === 'BreakStatement') return;
        if (stmt.type === 'BlockStatement' && stmt.body.some((s: Node) => s.type === 'BreakStatement')) {
          this.walkStatements(
            stmt.body.slice(
              0,
              stmt.body.findIndex((s: Node) => s.type === 'BreakStatement'),
            ),
          );
          return;
        }
        this.walk(stmt);
        if (this.exited) return;
      }
    }
  }

  /** `cond ? a : b` and `cond && a` / `cond || a` as statements: the branch that runs. */
  private walkConditionalExpression(node: TSESTree.ConditionalExpression): void {
    const decided = this.scope.condition(node.test);
    if (decided !== undefined) this.skipped(decided ? node.alternate : node.consequent, node.test);
    if (decided === true) return this.walk(node.consequent);
    if (decided === false) return this.walk(node.alternate);
    this.walk(node.test);
    this.c.underCondition(this.conditionText(node.test), () => this.walk(node.consequent), node.consequent);
    this.c.underCondition(this.negatedText(node.test), () => this.walk(node.alternate), node.alternate);
  }

  private walkLogical(node: TSESTree.LogicalExpression): void {
    if (node.operator === '??') {
      for (const child of [node.left, node.right]) this.walk(child);
      return;
    }
    const left = this.scope.condition(node.left);
    const rightRuns = node.operator === '&&' ? left : left === undefined ? undefined : !left;
    if (left === undefined) this.walk(node.left);
    if (rightRuns === false) return this.skipped(node.right, node.left);
    if (rightRuns === true) return this.walk(node.right);
    this.c.underCondition(
      node.operator === '&&' ? this.conditionText(node.left) : this.negatedText(node.left),
      () => this.walk(node.right),
      node.right,
    );
  }

  /** The elements of a literal array (through `const`), or undefined. */
  private literalElements(node: Node | undefined): TSESTree.Expression[] | undefined {
    const n = this.scope.resolve(node);
    if (n?.type !== 'ArrayExpression') return undefined;
    const elements: TSESTree.Expression[] = [];
    for (const e of n.elements) {
      if (!e || e.type === 'SpreadElement') return undefined;
      elements.push(e);
    }
    return elements;
  }

  /** Binds a loop variable (or a destructuring pattern of one) to an element's expression. */
  private bindPattern(pattern: Node | undefined, value: Node | undefined, restores: (() => void)[]): boolean {
    const p = pattern?.type === 'AssignmentPattern' ? pattern.left : pattern;
    const v = unwrap(this.scope.resolve(value));
    if (p?.type === 'Identifier') {
      restores.push(this.scope.bind(p.name, v ?? null));
      return true;
    }
    if (p?.type === 'ArrayPattern') {
      const items = v?.type === 'ArrayExpression' ? v.elements : undefined;
      return p.elements.every((e, i) => !e || this.bindPattern(e, items?.[i] ?? undefined, restores));
    }
    if (p?.type === 'ObjectPattern') {
      const props = v?.type === 'ObjectExpression' ? v.properties : [];
      return p.properties.every((prop) => {
        if (prop.type !== 'Property') return false;
        const key = prop.key.type === 'Identifier' && !prop.computed ? prop.key.name : undefined;
        const match = props.find(
          (q): q is TSESTree.Property =>
            q.type === 'Property' && !q.computed && (q.key.type === 'Identifier' ? q.key.name : q.key.value) === key,
        );
        return this.bindPattern(prop.value, match?.value, restores);
      });
    }
    return false;
  }

  /** Runs `body` once per element with `pattern` bound to it; false when the pattern cannot be bound. */
  private eachElement(elements: Node[], pattern: Node | undefined, body: () => void): boolean {
    for (const element of elements) {
      const restores: (() => void)[] = [];
      const ok = this.bindPattern(pattern, element, restores);
      try {
        if (ok) body();
      } finally {
        while (restores.length) restores.pop()!();
      }
      if (!ok) return false;
      if (this.exited) break;
    }
    return true;
  }

  /** `for (const t of ['a', 'b'])`: the body once per element. */
  private walkForOf(node: TSESTree.ForOfStatement): void {
    const elements = this.literalElements(node.right);
    const decl = node.left.type === 'VariableDeclaration' ? node.left.declarations[0].id : node.left;
    if (elements && !node.await && this.eachElement(elements, decl, () => this.walk(node.body))) return;
    for (const child of children(node)) this.walk(child);
  }

  /** `['a', 'b'].forEach((t) => …)` / `.map(async (t) => …)`: the callback once per element. */
  private walkArrayCallback(call: TSESTree.CallExpression): boolean {
    const callee = unwrap(call.callee);
    if (callee?.type !== 'MemberExpression' || !['forEach', 'map', 'flatMap'].includes(propertyName(callee) ?? ''))
      return false;
    const fn = unwrap(call.arguments[0]);
    const elements = this.literalElements(callee.object);
    if (!elements || !isFunction(fn)) return false;
    return this.eachElement(elements, fn.params[0], () => this.walkFunctionBody(fn));
  }

  /** `promise.then(onDone)`, `.catch(onError)`, `.finally(…)`: the call first, then its callbacks. */
  private walkPromiseChain(call: TSESTree.CallExpression): boolean {
    const callee = unwrap(call.callee);
    if (callee?.type !== 'MemberExpression') return false;
    const method = propertyName(callee);
    if (method !== 'then' && method !== 'catch' && method !== 'finally') return false;
    this.walk(callee.object);
    call.arguments.forEach((a, i) => {
      const fn = unwrap(a);
      const onError = method === 'catch' || (method === 'then' && i === 1);
      const read = () => (isFunction(fn) ? this.walkFunctionBody(fn) : this.walk(fn));
      if (onError) this.c.underCondition('the call before it fails', read, fn);
      else read();
    });
    return true;
  }

  /** Runs `body` with `names` bound as the framework object (or a chain of it) and a transaction state forced. */
  protected withBinding(
    names: string[] | Map<string, Chain['links']>,
    prefix: Chain['links'],
    inTransaction: boolean | undefined,
    body: () => void,
  ): void {
    const bindings = Array.isArray(names) ? new Map(names.map((n) => [n, prefix] as const)) : names;
    const saved = [...bindings.keys()].map((n) => [n, this.aliases.get(n)] as const);
    const savedTx = this.forcedTransaction;
    for (const [n, links] of bindings) this.bindRoot(n, links, inTransaction);
    if (inTransaction !== undefined) this.forcedTransaction = inTransaction;
    try {
      body();
    } finally {
      for (const [n, v] of saved) {
        if (v) this.aliases.set(n, v);
        else this.aliases.delete(n);
      }
      this.forcedTransaction = savedTx;
    }
  }

  protected walk(node: Node | null | undefined): void {
    if (!node) return;
    switch (node.type) {
      // Definitions run nothing where they stand.
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
      case 'ClassDeclaration':
      case 'ClassExpression':
      case 'TSInterfaceDeclaration':
      case 'TSTypeAliasDeclaration':
      case 'TSEnumDeclaration':
      case 'TSModuleDeclaration':
      case 'ImportDeclaration':
        return;
      case 'VariableDeclarator':
        this.walkKept(node.init);
        this.trackAlias(node);
        return;
      case 'AssignmentExpression':
        this.walk(node.left);
        this.walkKept(node.right);
        return;
      case 'VariableDeclaration':
        for (const decl of node.declarations) {
          this.walk(decl);
          // `const isSQLite = knex.client.config.client === 'sqlite3'` in this body (up and down
          // often both declare it, which leaves the file-wide const ambiguous).
          if (decl.id.type === 'Identifier')
            this.unbind.push(this.scope.bind(decl.id.name, node.kind === 'const' && decl.init ? decl.init : null));
          // `const { name: table, truncate } = entry` (entry: one element of a literal list being unrolled);
          // names it cannot match are bound as unknown, not left to a file-wide const of the same name
          // (names destructured from the framework object were bound by trackAlias)
          else if (!this.isFrameworkObject(unwrapAwait(decl.init)))
            this.bindPattern(decl.id, node.kind === 'const' ? (decl.init ?? undefined) : undefined, this.unbind);
        }
        return;
      case 'BlockStatement':
        this.walkStatements(node.body);
        return;
      case 'IfStatement':
        this.walkIf(node);
        return;
      case 'SwitchStatement':
        this.walkSwitch(node);
        return;
      case 'ConditionalExpression':
        this.walkConditionalExpression(node);
        return;
      case 'LogicalExpression':
        this.walkLogical(node);
        return;
      case 'ReturnStatement':
      case 'ThrowStatement':
        this.walk(node.argument);
        this.exited = true;
        return;
      case 'ForOfStatement':
        this.walkForOf(node);
        return;
      case 'CallExpression':
        this.walkCall(node);
        return;
      case 'TaggedTemplateExpression':
        // A `sql\`…\`` template on its own (not executed) runs nothing; its parts may.
        for (const e of node.quasi.expressions) this.walk(e);
        return;
      case 'NewExpression':
        for (const a of node.arguments) this.walkArgument(a);
        return;
      default:
        for (const child of children(node)) this.walk(child);
    }
  }

  private walkKept(value: Node | null | undefined): void {
    const saved = this.keptValue;
    this.keptValue = unwrapAwait(value);
    try {
      this.walk(value);
    } finally {
      this.keptValue = saved;
    }
  }

  /** Whether the call's result is stored in a variable (so it may be used later), not discarded. */
  protected isKept(call: Node): boolean {
    return this.keptValue === call;
  }

  /** `const schema = knex.schema` / `const trx = knex` make `schema`/`trx` stand for the framework object. */
  private trackAlias(decl: TSESTree.VariableDeclarator): void {
    const init = unwrapAwait(decl.init);
    if (!init) return;
    // `const { schema } = knex`, `const { runQuery, escape } = context`
    if (decl.id.type === 'ObjectPattern' && (init.type === 'Identifier' || init.type === 'MemberExpression')) {
      const chain = this.expand(flattenChain(init));
      if (chain && chain.links.every((l) => !l.args))
        this.bindDestructured(this.patternAliases(decl.id, chain.links), this.unbind, (n, links) =>
          this.bindRoot(n, links, chain.inTransaction),
        );
      return;
    }
    if (decl.id.type !== 'Identifier') return;
    if (init.type === 'Identifier' || init.type === 'MemberExpression') {
      const chain = this.expand(flattenChain(init));
      if (chain && chain.links.every((l) => !l.args)) this.bindRoot(decl.id.name, chain.links, chain.inTransaction);
      return;
    }
    if (init.type === 'CallExpression') {
      const chain = this.expand(flattenChain(init));
      const bound = chain ? this.aliasFromCall(chain) : undefined;
      if (bound) this.bindRoot(decl.id.name, bound.links, bound.inTransaction);
    }
  }

  /**
   * `const trx = await knex.transaction()` binds `trx` as a framework object; subclasses say which
   * calls return one (and whether it is in a transaction).
   */
  protected aliasFromCall(_chain: FrameworkChain): { links: Chain['links']; inTransaction?: boolean } | undefined {
    return undefined;
  }

  private walkArgument(arg: Node): void {
    const a = unwrap(arg);
    if (isFunction(a)) this.walkFunctionBody(a);
    else this.walk(a);
  }

  private walkCall(call: TSESTree.CallExpression): void {
    if (this.walkPromiseChain(call) || this.walkArrayCallback(call)) return;
    // Asking which database runs the migration (`getDialect()`, `client.includes('pg')`) runs nothing.
    if (this.scope.isDialectRead(call) || this.scope.condition(call) !== undefined) return;
    const raw = flattenChain(call);
    const chain = this.expand(raw);
    if (chain && this.frameworkCall(call, chain)) return;
    if (!chain && this.otherCall(call, raw)) return;
    if (chain) {
      this.c.unknown(
        call,
        nodeText(this.source, call),
        `${chainText(chain)} is not a call this frontend reads`,
        this.emitOptions(chain),
      );
      return;
    }
    // Not the framework's: a helper may still receive the framework object.
    const callee = unwrap(call.callee);
    const passesObject = call.arguments.some((a: Node) => this.isFrameworkObject(a));
    // `this.postgresUp(queryRunner)`: a method of the migration class, read like a local helper.
    const method =
      callee?.type === 'MemberExpression' && unwrap(callee.object)?.type === 'ThisExpression'
        ? propertyName(callee)
        : undefined;
    if (passesObject && method !== undefined && this.scope.localFunction(`this.${method}`) && this.helperDepth < 4) {
      this.readHelper(this.scope.localFunction(`this.${method}`)!, call);
      return;
    }
    if (passesObject && callee?.type === 'Identifier') {
      const local = this.scope.localFunction(callee.name);
      if (local && this.helperDepth < 4) {
        this.readHelper(local, call);
        return;
      }
      const from = this.scope.imports.get(callee.name);
      this.c.unknown(
        call,
        nodeText(this.source, call),
        from
          ? `helper imported from '${from}' receives the ${this.objectName} object; what it runs cannot be read from this file`
          : `helper receives the ${this.objectName} object; what it runs cannot be read statically`,
        this.emitOptions(),
      );
      return;
    }
    if (passesObject) {
      this.c.unknown(
        call,
        nodeText(this.source, call),
        `a function receives the ${this.objectName} object; what it runs cannot be read statically`,
        this.emitOptions(),
      );
      return;
    }
    // Plain code (Promise.all, .then callbacks, logging…): read what it contains.
    if (callee?.type === 'MemberExpression') this.walk(callee.object);
    else if (isFunction(callee))
      this.walkFunctionBody(callee); // IIFE
    else this.walk(callee);
    for (const a of call.arguments) this.walkArgument(a);
  }

  /** A helper function declared in this file: read its body with the framework object bound to its parameters. */
  private readHelper(fn: FunctionNode, call: TSESTree.CallExpression): void {
    const bound = new Map<string, Chain['links']>();
    const restores: (() => void)[] = [];
    fn.params.forEach((p: Node, i: number) => {
      const arg = unwrap(call.arguments[i]);
      const chain =
        arg && (arg.type === 'Identifier' || arg.type === 'MemberExpression')
          ? this.expand(flattenChain(arg))
          : undefined;
      if (p.type === 'Identifier' && chain) bound.set(p.name, chain.links);
      // `async alterTable({ runQuery, schemaBuilder: { addColumns } }: MigrationContext)` called with the context
      else if (p.type === 'ObjectPattern' && chain)
        this.bindDestructured(this.patternAliases(p, chain.links), restores, (n, links) => bound.set(n, links));
    });
    this.helperDepth++;
    try {
      this.withBinding(bound, [], undefined, () => this.walkFunctionBody(fn));
    } finally {
      this.helperDepth--;
      while (restores.length) restores.pop()!();
    }
  }
}
