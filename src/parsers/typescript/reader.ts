/**
 * The part every framework frontend shares: walking an `up`/`down` body in execution order, keeping
 * track of which names hold the framework object (`knex`, `queryRunner`, `pgm`, a `trx`…), reading
 * local helper functions called with it, and reporting helpers it cannot read as `unknown` ops.
 * A framework subclass only says which calls are its own and what they do.
 */
import type { Direction } from '../../ir/types.js';
import { type Chain, chainText, children, flattenChain, type FunctionNode, isFunction, type Node, nodeText, unwrap, unwrapAwait } from './ast.js';
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
  protected abstract frameworkCall(call: Node, chain: FrameworkChain): boolean;

  /** Calls not rooted at the framework object that the framework still owns (`sql\`…\`.execute(db)`, `this.addSql`). */
  protected otherCall(_call: Node, _chain: Chain): boolean {
    return false;
  }

  /** Reads `fn` as the migration's `up` or `down`; its parameters bind the framework objects. */
  read(fn: FunctionNode, direction: Direction): void {
    this.c.direction = direction;
    this.bindParameters(fn);
    for (const stmt of bodyStatements(fn)) this.walk(stmt);
  }

  /** Binds the function's parameters; by default the first one is the framework object. */
  protected bindParameters(fn: FunctionNode): void {
    const first = fn.params[0];
    if (first?.type === 'Identifier') this.bindRoot(first.name);
    else if (first?.type === 'AssignmentPattern' && first.left?.type === 'Identifier') this.bindRoot(first.left.name);
    else if (first?.type === 'ObjectPattern') {
      // Umzug passes `{ context }`: `up({ context: queryInterface })`.
      for (const p of first.properties ?? []) {
        if (p.type !== 'Property' || p.key?.name !== 'context') continue;
        const v = p.value?.type === 'AssignmentPattern' ? p.value.left : p.value;
        if (v?.type === 'Identifier') this.bindRoot(v.name);
      }
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
    const out: FrameworkChain = { root: chain.root, links: [...alias.links, ...chain.links] };
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
    for (const stmt of bodyStatements(fn)) this.walk(stmt);
  }

  /** Runs `body` with `names` bound as the framework object (or a chain of it) and a transaction state forced. */
  protected withBinding(names: string[] | Map<string, Chain['links']>, prefix: Chain['links'], inTransaction: boolean | undefined, body: () => void): void {
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
        this.walk(node.init);
        this.trackAlias(node);
        return;
      case 'CallExpression':
        this.walkCall(node);
        return;
      case 'TaggedTemplateExpression':
        // A `sql\`…\`` template on its own (not executed) runs nothing; its parts may.
        for (const e of node.quasi?.expressions ?? []) this.walk(e);
        return;
      case 'NewExpression':
        for (const a of node.arguments ?? []) this.walkArgument(a);
        return;
      default:
        for (const child of children(node)) this.walk(child);
    }
  }

  /** `const schema = knex.schema` / `const trx = knex` make `schema`/`trx` stand for the framework object. */
  private trackAlias(decl: Node): void {
    if (decl.id?.type !== 'Identifier') return;
    const init = unwrapAwait(decl.init);
    if (!init) return;
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

  private walkCall(call: Node): void {
    const raw = flattenChain(call);
    const chain = this.expand(raw);
    if (chain && this.frameworkCall(call, chain)) return;
    if (!chain && this.otherCall(call, raw)) return;
    if (chain) {
      this.c.unknown(call, nodeText(this.source, call), `${chainText(chain)} is not a call this frontend reads`, this.emitOptions(chain));
      return;
    }
    // Not the framework's: a helper may still receive the framework object.
    const callee = unwrap(call.callee);
    const passesObject = (call.arguments ?? []).some((a: Node) => this.isFrameworkObject(a));
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
      this.c.unknown(call, nodeText(this.source, call), `a function receives the ${this.objectName} object; what it runs cannot be read statically`, this.emitOptions());
      return;
    }
    // Plain code (Promise.all, .then callbacks, logging…): read what it contains.
    if (callee?.type === 'MemberExpression') this.walk(callee.object);
    else if (isFunction(callee)) this.walkFunctionBody(callee); // IIFE
    else this.walk(callee);
    for (const a of call.arguments ?? []) this.walkArgument(a);
  }

  /** A helper function declared in this file: read its body with the framework object bound to its parameters. */
  private readHelper(fn: FunctionNode, call: Node): void {
    const bound = new Map<string, Chain['links']>();
    fn.params.forEach((p: Node, i: number) => {
      const arg = unwrap(call.arguments?.[i]);
      const chain = arg && (arg.type === 'Identifier' || arg.type === 'MemberExpression') ? this.expand(flattenChain(arg)) : undefined;
      if (p.type === 'Identifier' && chain) bound.set(p.name, chain.links);
    });
    this.helperDepth++;
    try {
      this.withBinding(bound, [], undefined, () => this.walkFunctionBody(fn));
    } finally {
      this.helperDepth--;
    }
  }
}
