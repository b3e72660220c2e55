/**
 * Alembic revision files (`versions/*.py`) read statically: the revision metadata, and the bodies
 * of `upgrade()` and `downgrade()` walked statement by statement into IR operations. Never imports
 * or runs the file.
 */
import type {
  Direction,
  DowngradeInfo,
  FileDiagnostic,
  Migration,
  Operation,
  RevisionInfo,
  SourceSpan,
  UnknownOp,
} from '../../ir/types.js';
import { doubleQuoteQualified } from '../../ir/identifiers.js';
import { LineIndex } from '../../ir/source-text.js';
import { assignTransactions } from '../../ir/transactions.js';
import { createTableDraft, tableName } from '../ir-builder.js';
import { databaseTestedBy, engineOf } from '../database-names.js';
import { parseSql } from '../sql/parse-sql.js';
import type { ParseOptions, SourceFile } from '../types.js';
import { type BatchTable, enumDdl, executeSql, type OpSink, standIn, translateOpCall } from './operations.js';
import {
  children,
  dottedName,
  firstSyntaxError,
  parsePython,
  PythonTooComplex,
  type SyntaxNode,
  type Tree,
} from './python-tree.js';
import { importFor, unboundNames } from './unbound-names.js';
import { pythonComputedDefaults } from './sqlalchemy.js';
import {
  assign,
  evaluate,
  exactStr,
  lastName,
  nested,
  type PyCall,
  type PyValue,
  type Scope,
  sourceText,
  strList,
  TooDeeplyNested,
  unbindTargets,
} from './python-values.js';

/** Module-level `revision = …` and `down_revision = …`: what makes a .py file an Alembic revision. */
const REVISION_DECL = /^revision\s*(?::[^=\n]*)?=/m;
const DOWN_REVISION_DECL = /^down_revision\s*(?::[^=\n]*)?=/m;

export function looksLikeRevision(text: string): boolean {
  return REVISION_DECL.test(text) && DOWN_REVISION_DECL.test(text);
}

/** Calls that never issue SQL, ignored when they stand alone in upgrade()/downgrade(). */
const HARMLESS_ROOTS = new Set(['print', 'logging', 'logger', 'log', 'LOGGER', 'LOG', 'warnings', 'time', 'datetime']);
/** Methods of a connection or ORM session that send a statement to the database. */
const RUNS_SQL = new Set(['execute', 'exec_driver_sql', 'scalar', 'scalars', 'executemany']);

/** The call in a method chain (`session.execute(…).fetchall()`) that sends a statement, if any. */
function sqlCallIn(v: PyCall): PyCall | undefined {
  for (let c: PyValue | undefined = v; c?.kind === 'call'; c = c.receiver)
    // with its statement as argument: `result.scalars()` (no argument) only reads what was sent
    if (c.method !== undefined && RUNS_SQL.has(c.method) && c.args.length > 0) return c;
  return undefined;
}

/** Methods that only change a Python list, set or dict the revision built itself (`to_delete = []`). */
const COLLECTION_METHODS = new Set([
  'append',
  'extend',
  'insert',
  'add',
  'discard',
  'remove',
  'pop',
  'clear',
  'update',
  'setdefault',
]);

/**
 * A call on a logger the revision made (`log = logging.getLogger(__name__)`, then `log.info(…)`) or on
 * a list, set or dict literal it built: neither reaches the database. (A table object's `.update()`
 * is a statement: its receiver is a call, not a literal.)
 */
function harmlessMethodCall(receiver: PyValue, method: string): boolean {
  if (receiver.kind === 'call' && receiver.callee !== undefined) {
    const fn = lastName(receiver.callee);
    if (fn === 'getLogger' || fn === 'get_logger') return true;
    return (
      (fn === 'set' || fn === 'list' || fn === 'dict') &&
      !receiver.callee.includes('.') &&
      COLLECTION_METHODS.has(method)
    );
  }
  return (receiver.kind === 'seq' || receiver.kind === 'dict') && COLLECTION_METHODS.has(method);
}
/** How deep calls to helper functions defined in the revision file are followed. */
const MAX_HELPER_DEPTH = 4;
/** Loops over a literal list are unrolled up to this many items. */
const MAX_UNROLL = 64;

interface FileContext {
  file: string;
  lines: LineIndex;
  options: ParseOptions;
  opAliases: Set<string>;
  /** Functions defined at module level (helpers called from upgrade()). */
  functions: Map<string, SyntaxNode>;
  diagnostics: FileDiagnostic[];
  /** Code was left out because it runs only on other databases (the revision is not empty by accident). */
  otherDatabaseCode?: boolean;
}

interface BatchBlock {
  alias: string;
  table: BatchTable;
  /** Alembic applies batch operations when the block ends: they are queued until then. */
  queued: (() => void)[];
  /** `recreate="always"`: the table is copied into a new one even on PostgreSQL. */
  recreate: boolean;
  node: SyntaxNode;
}

interface WalkState {
  autocommit: boolean;
  /** The call being translated is a `batch_op.*` call. */
  batchCall?: boolean;
  batches: BatchBlock[];
  depth: number;
  /** Functions visible here (module level, plus functions defined inside the walked body). */
  functions: Map<string, SyntaxNode>;
}

// Thrown to unwind the walk at a `return`: a control-flow signal, so no Error (and no stack to capture).
// eslint-disable-next-line @typescript-eslint/no-extraneous-class
class Returned {}

/** Walks one of `upgrade()` / `downgrade()` into ops. */
class BodyWalker {
  readonly ops: Operation[] = [];
  readonly outsideTransaction = new Set<Operation>();
  private statementIndex = 0;

  constructor(
    private readonly ctx: FileContext,
    private readonly direction: Direction,
  ) {}

  private span(node: SyntaxNode): SourceSpan {
    return this.ctx.lines.span(this.ctx.file, node.startIndex, node.endIndex);
  }

  private push(ops: Operation[], state: WalkState): void {
    for (const op of ops) {
      if (state.batchCall) op.inBatch = true;
      if (state.autocommit) this.outsideTransaction.add(op);
      this.ops.push(op);
    }
  }

  unknownOp(node: SyntaxNode, reason: string, state: WalkState): void {
    const op: UnknownOp = {
      kind: 'unknown',
      call: sourceText({ kind: 'expr', node }, 100),
      reason,
      span: this.span(node),
      direction: this.direction,
      inTransaction: false,
      statementIndex: this.statementIndex++,
    };
    this.push([op], state);
  }

  private sink(node: SyntaxNode, state: WalkState): OpSink {
    const span = this.span(node);
    const index = this.statementIndex++;
    const { file } = this.ctx;
    return {
      sql: (statement, after) => {
        const result = parseSql(statement, { file, direction: this.direction, generated: true });
        if (result.diagnostics.length) {
          this.unknownOp(
            node,
            `could not read the statement built for this call (${result.diagnostics[0]!.message})`,
            state,
          );
          return;
        }
        for (const op of result.ops) {
          op.span = span;
          op.statementIndex = index;
          // This SQL is our rendering of a SQLAlchemy builder, not every clause of it: what the
          // statement reads and writes is not known for certain.
          if (op.kind === 'data-change') {
            delete op.reads;
            delete op.assigns;
            delete op.columnLists;
          }
        }
        pythonComputedDefaults(result.ops);
        after?.(result.ops);
        this.push(result.ops, state);
      },
      userSql: (text) => {
        const locate = (o: number) =>
          this.ctx.lines.position(text.offsets[Math.min(Math.max(o, 0), text.value.length)] ?? text.node.endIndex);
        const result = parseSql(text.value, { file, direction: this.direction, locate });
        if (result.diagnostics.length && text.placeholders.length) {
          this.unknownOp(node, `SQL built from ${text.placeholders.join(', ')} at run time could not be read`, state);
          return;
        }
        for (const op of result.ops) {
          op.statementIndex += index;
          // A field built at run time stands in the SQL as a quoted name: its length is not the value's.
          if (op.longIdentifiers && text.placeholders.length) {
            const kept = op.longIdentifiers.filter((l) => !text.placeholders.includes(l.text));
            if (kept.length) op.longIdentifiers = kept;
            else delete op.longIdentifiers;
          }
        }
        this.statementIndex = Math.max(this.statementIndex, index + result.statements);
        this.ctx.diagnostics.push(...result.diagnostics);
        this.push(result.ops, state);
      },
      op: (draft) => {
        const op = {
          ...draft,
          span,
          direction: this.direction,
          inTransaction: false,
          statementIndex: index,
        } as Operation;
        pythonComputedDefaults([op]);
        this.push([op], state);
      },
      unknown: (reason) => this.unknownOp(node, reason, state),
      spanOf: (part) => this.span(part),
    };
  }

  walkBlock(block: SyntaxNode, scope: Scope, state: WalkState): void {
    nested(block, () => {
      for (const statement of children(block)) this.walkStatement(statement, scope, state);
    });
  }

  /** One statement; one nested too deeply to read is reported where the limit was hit, and the walk goes on. */
  private walkStatement(statement: SyntaxNode, scope: Scope, state: WalkState): void {
    try {
      this.readStatement(statement, scope, state);
    } catch (e) {
      if (!(e instanceof TooDeeplyNested)) throw e;
      tooDeep(this.ctx, e);
    }
  }

  private readStatement(statement: SyntaxNode, scope: Scope, state: WalkState): void {
    switch (statement.type) {
      case 'expression_statement': {
        const inner = children(statement)[0];
        if (!inner) return;
        if (inner.type === 'call') this.call(inner, scope, state, true);
        else if (inner.type === 'assignment' || inner.type === 'augmented_assignment') {
          const right = inner.childForFieldName('right');
          if (right?.type === 'call') this.call(right, scope, state, false);
          if (inner.type === 'assignment') assign(inner, scope);
          else {
            const left = inner.childForFieldName('left');
            if (left) unbindTargets(left, scope);
          }
        } else if (inner.type === 'await') {
          const value = children(inner)[0];
          if (value?.type === 'call') this.call(value, scope, state, true);
        }
        return;
      }
      case 'with_statement':
        this.withStatement(statement, scope, state);
        return;
      case 'if_statement':
        this.ifStatement(statement, scope, state);
        return;
      case 'for_statement': {
        const left = statement.childForFieldName('left');
        const right = statement.childForFieldName('right');
        const body = statement.childForFieldName('body');
        if (!left || !body) return;
        const items = right ? evaluate(right, scope) : undefined;
        if (left.type === 'identifier' && items?.kind === 'seq' && items.items.length <= MAX_UNROLL) {
          for (const item of items.items) {
            scope.set(left.text, item);
            this.walkBlock(body, scope, state);
          }
        } else {
          unbindTargets(left, scope);
          this.walkBlock(body, scope, state);
        }
        return;
      }
      case 'while_statement': {
        const body = statement.childForFieldName('body');
        if (body) this.walkBlock(body, scope, state);
        return;
      }
      case 'try_statement':
        for (const part of children(statement)) {
          // The try body, `else:` and `finally:` run; `except` handlers only when something failed.
          if (part.type === 'block') this.walkBlock(part, scope, state);
          else if (part.type === 'else_clause' || part.type === 'finally_clause') {
            const body = part.childForFieldName('body') ?? children(part).find((c) => c.type === 'block');
            if (body) this.walkBlock(body, scope, state);
          }
        }
        return;
      case 'function_definition': {
        const name = statement.childForFieldName('name')?.text;
        if (name) state.functions.set(name, statement);
        return;
      }
      case 'decorated_definition': {
        const def = statement.childForFieldName('definition');
        const name = def?.childForFieldName('name')?.text;
        if (def?.type === 'function_definition' && name) state.functions.set(name, def);
        return;
      }
      case 'import_from_statement':
        collectOpAliases(statement, this.ctx.opAliases);
        return;
      case 'return_statement':
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- see Returned
        throw new Returned();
      default:
        return;
    }
  }

  private withStatement(statement: SyntaxNode, scope: Scope, state: WalkState): void {
    const body = statement.childForFieldName('body');
    if (!body) return;
    const clause = children(statement).find((c) => c.type === 'with_clause');
    let inner: WalkState = state;
    const opened: BatchBlock[] = [];
    for (const item of clause ? children(clause) : []) {
      let value = item.childForFieldName('value');
      let alias: SyntaxNode | undefined;
      if (value?.type === 'as_pattern') {
        alias = value.childForFieldName('alias') ?? undefined;
        value = children(value)[0] ?? null;
      }
      if (!value) continue;
      const v = evaluate(value, scope);
      const method = v.kind === 'call' ? (v.method ?? lastName(v.callee)) : undefined;
      if (v.kind === 'call' && method === 'autocommit_block') {
        inner = { ...inner, autocommit: true };
      } else if (
        v.kind === 'call' &&
        method === 'batch_alter_table' &&
        this.isOp(v.callee ? v.callee.split('.')[0] : undefined)
      ) {
        const tableName = exactStr(v.kwargs.get('table_name') ?? v.args[0]);
        const aliasName = alias ? (children(alias)[0]?.text ?? alias.text) : undefined;
        if (tableName === undefined || !aliasName) {
          this.unknownOp(value, 'batch_alter_table() with a table name not known statically', inner);
          if (alias) unbindTargets(alias, scope);
          continue;
        }
        const schema = exactStr(v.kwargs.get('schema') ?? v.args[1]);
        const table: BatchTable = schema ? { table: tableName, schema } : { table: tableName };
        const batch: BatchBlock = {
          alias: aliasName,
          table,
          queued: [],
          recreate: exactStr(v.kwargs.get('recreate')) === 'always',
          node: value,
        };
        opened.push(batch);
        inner = { ...inner, batches: [...inner.batches, batch] };
        scope.delete(aliasName);
      } else if (alias) {
        unbindTargets(alias, scope);
      }
    }
    try {
      this.walkBlock(body, scope, inner);
    } finally {
      for (const batch of opened.reverse()) this.flushBatch(batch, inner);
    }
  }

  /**
   * Alembic runs a batch block's operations when the block ends. With `recreate="always"` it copies
   * the table instead of altering it, on PostgreSQL too: create a new table, copy the rows, drop the
   * old table, rename the new one.
   */
  private flushBatch(batch: BatchBlock, inner: WalkState): void {
    if (batch.recreate) {
      const temp = `_alembic_tmp_${batch.table.table}`;
      const copy = tableName(temp, batch.table.schema);
      const original = tableName(batch.table.table, batch.table.schema);
      const sink = this.sink(batch.node, { ...inner, batchCall: true });
      sink.op(createTableDraft(copy, [], []));
      sink.sql(`INSERT INTO ${doubleQuoteQualified(copy)} SELECT * FROM ${doubleQuoteQualified(original)}`, standIn);
      sink.op({ kind: 'drop-table', tables: [original], ifExists: false, cascade: false });
      sink.op({ kind: 'rename-table', table: copy, newName: batch.table.table });
    }
    for (const run of batch.queued) run();
  }

  private ifStatement(statement: SyntaxNode, scope: Scope, state: WalkState): void {
    const branches: { condition?: SyntaxNode; body: SyntaxNode }[] = [];
    const first = statement.childForFieldName('consequence');
    const condition = statement.childForFieldName('condition');
    if (first) branches.push({ condition: condition ?? undefined, body: first });
    for (const alt of children(statement)) {
      if (alt.type === 'elif_clause') {
        const body = alt.childForFieldName('consequence');
        if (body) branches.push({ condition: alt.childForFieldName('condition') ?? undefined, body });
      } else if (alt.type === 'else_clause') {
        const body = alt.childForFieldName('body');
        if (body) branches.push({ body });
      }
    }
    // Branches on the database dialect are decided for the target dialect; others may all run.
    for (const [i, branch] of branches.entries()) {
      const decided = branch.condition ? this.condition(branch.condition, scope) : true;
      if (decided === false) {
        this.skippedForOtherDatabase(branch);
        continue;
      }
      if (decided === true) for (const later of branches.slice(i + 1)) this.skippedForOtherDatabase(later);
      try {
        this.walkBlock(branch.body, scope, state);
      } catch (e) {
        if (!(e instanceof Returned)) throw e;
        if (decided === true) throw e;
      }
      if (decided === true) return;
    }
  }

  /** Notes a branch left out by a decided condition, unless it is empty or the offline-mode branch. */
  private skippedForOtherDatabase(branch: { condition?: SyntaxNode; body: SyntaxNode }): void {
    const empty = children(branch.body).every((c) => c.type === 'pass_statement' || c.type === 'comment');
    if (!empty && !/is_offline_mode/.test(branch.condition?.text ?? '')) this.ctx.otherDatabaseCode = true;
  }

  /** Evaluates `…dialect.name == "postgresql"`, `context.is_offline_mode()` and their negations. */
  private condition(node: SyntaxNode, scope: Scope): boolean | undefined {
    return nested(node, () => this.conditionNode(node, scope));
  }

  private conditionNode(node: SyntaxNode, scope: Scope): boolean | undefined {
    switch (node.type) {
      case 'parenthesized_expression': {
        const inner = children(node)[0];
        return inner ? this.condition(inner, scope) : undefined;
      }
      case 'not_operator': {
        const arg = node.childForFieldName('argument');
        const v = arg ? this.condition(arg, scope) : undefined;
        return v === undefined ? undefined : !v;
      }
      case 'boolean_operator': {
        const l = node.childForFieldName('left');
        const r = node.childForFieldName('right');
        const a = l ? this.condition(l, scope) : undefined;
        const b = r ? this.condition(r, scope) : undefined;
        if (node.childForFieldName('operator')?.text === 'and')
          return a === false || b === false ? false : a && b ? true : undefined;
        return a === true || b === true ? true : a === false && b === false ? false : undefined;
      }
      case 'call': {
        const fn = node.childForFieldName('function');
        const name = dottedName(fn);
        // Linting is about what runs against the database: online mode.
        if (name && lastName(name) === 'is_offline_mode') return false;
        // `is_postgres()`, `utils.is_sqlite(bind)`: a helper named after the database it tests
        const tested = name ? databaseTestedBy(lastName(name)) : undefined;
        if (tested) return tested === this.ctx.options.dialect;
        // `str(bind.engine.url).startswith("mysql")`: the database URL begins with the dialect's name
        if (fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'startswith') {
          const object = fn.childForFieldName('object');
          const prefix = exactStr(evaluate(children(node.childForFieldName('arguments')!)[0] ?? node, scope));
          if (!object || prefix === undefined || !this.readsDatabaseUrl(object, scope)) return undefined;
          const engine = engineOf(prefix.split(/[+:]/)[0]!);
          return engine === undefined ? undefined : engine === this.ctx.options.dialect;
        }
        return undefined;
      }
      case 'comparison_operator': {
        const parts = children(node);
        const operators = node.children.filter((c) => c && !c.isNamed).map((c) => c!.text);
        if (parts.length !== 2 || operators.length === 0) return undefined;
        const op = operators.join(' ');
        const [a, b] = parts as [SyntaxNode, SyntaxNode];
        const isDialect = (n: SyntaxNode) => /(^|\.)(dialect|engine)\.name$/.test(this.boundText(n, scope));
        const other = isDialect(a) ? b : isDialect(b) ? a : undefined;
        if (!other) return undefined;
        const values = strList(evaluate(other, scope));
        if (!values) return undefined;
        const target = this.ctx.options.dialect;
        const hit = values.includes(target);
        if (op === '==' || op === 'in') return hit;
        if (op === '!=' || op === 'not in') return !hit;
        return undefined;
      }
      default:
        return undefined;
    }
  }

  /** A name's bound expression (`url = str(bind.engine.url)`), else the code itself, without spaces. */
  private boundText(n: SyntaxNode, scope: Scope): string {
    const bound = n.type === 'identifier' ? scope.get(n.text) : undefined;
    if (bound?.kind === 'ref') return bound.name;
    return (bound ? bound.node : n).text.replace(/\s+/g, '');
  }

  /** Whether the expression is the database URL (`bind.engine.url`, `str(…url)`, `url.drivername`). */
  private readsDatabaseUrl(n: SyntaxNode, scope: Scope): boolean {
    return /(^|[.(])(url|url\.drivername|url\.get_backend_name\(\)|engine\.url)\)?$/.test(this.boundText(n, scope));
  }

  private isOp(root: string | undefined): boolean {
    return root !== undefined && this.ctx.opAliases.has(root);
  }

  /** A call standing alone (`statement`) or assigned; only the former is reported when not understood. */
  private call(node: SyntaxNode, scope: Scope, state: WalkState, statement: boolean): void {
    const v = evaluate(node, scope);
    if (v.kind !== 'call') return;
    const { receiver, method } = v;
    const parts = v.callee?.split('.') ?? [];
    const root = parts[0];
    if (v.callee && parts.length === 2) {
      if (this.isOp(root) && !scope.has(root!)) {
        if (parts[1] === 'batch_alter_table') return;
        translateOpCall(parts[1]!, v, this.sink(node, state));
        return;
      }
      const batch = [...state.batches].reverse().find((b) => b.alias === root);
      // batch_op.execute() runs at once, through the migration context, not with the batch.
      if (batch && parts[1] === 'execute') {
        this.execute(v.args[0] ?? v.kwargs.get('sqltext'), node, state);
        return;
      }
      if (batch) {
        const queued = { ...state, batchCall: true };
        batch.queued.push(() => translateOpCall(parts[1]!, v, this.sink(node, queued), batch.table));
        return;
      }
      if (root === 'context' && parts[1] === 'execute') {
        this.execute(v.args[0], node, state);
        return;
      }
    }
    if (receiver && method) {
      if (RUNS_SQL.has(method) && this.isConnection(receiver)) {
        this.execute(v.args[0], node, state);
        return;
      }
      if (enumDdl(receiver, method, v, this.sink(node, state))) return;
    }
    if (v.callee && parts.length === 1) {
      const helper = state.functions.get(root!) ?? this.ctx.functions.get(root!);
      if (helper && !scope.has(root!)) {
        this.helper(helper, v, node, state);
        return;
      }
    }
    // `session.execute(…).fetchall()`: the call in the chain that sends the statement is the one to read;
    // kept in a variable (`rows = …`), it still runs.
    const sends = sqlCallIn(v);
    if (sends && sends !== v) {
      this.call(sends.node, scope, state, true);
      return;
    }
    if (!statement) {
      if (sends) this.unknownOp(node, helperReason(v, this.ctx), state);
      return;
    }
    if (root !== undefined && HARMLESS_ROOTS.has(root)) return;
    if (receiver && method && harmlessMethodCall(receiver, method)) return;
    if (v.callee && this.isOp(root) && parts.length > 2) return; // op.get_context().something chains
    this.unknownOp(node, helperReason(v, this.ctx), state);
  }

  private isConnection(v: PyValue): boolean {
    if (v.kind !== 'call') return false;
    const name = v.callee ?? '';
    if (this.isOp(name.split('.')[0]) && lastName(name) === 'get_bind') return true;
    // an ORM session on the migration's connection: `orm.Session(bind=op.get_bind())` sends SQL through it
    const bind = v.kwargs.get('bind');
    if (lastName(name) === 'Session' && bind) return this.isConnection(bind);
    // op.get_context().bind / .connection
    return false;
  }

  private execute(sql: PyValue | undefined, node: SyntaxNode, state: WalkState): void {
    const sink = this.sink(node, state);
    try {
      executeSql(sql, sink);
    } catch (e) {
      sink.unknown((e as Error).message);
    }
  }

  /** Follows a call to a function defined in the revision file, with its parameters bound to the arguments. */
  private helper(def: SyntaxNode, call: PyCall, node: SyntaxNode, state: WalkState): void {
    const body = def.childForFieldName('body');
    if (!body) return;
    if (state.depth >= MAX_HELPER_DEPTH) {
      this.unknownOp(node, 'helper functions nested too deeply to follow', state);
      return;
    }
    const scope: Scope = new Map(moduleScopes.get(this.ctx) ?? []);
    const params = def.childForFieldName('parameters');
    let position = 0;
    for (const p of params ? children(params) : []) {
      let name: string | undefined;
      let fallback: SyntaxNode | null = null;
      if (p.type === 'identifier') name = p.text;
      else if (p.type === 'typed_parameter') name = children(p).find((c) => c.type === 'identifier')?.text;
      else if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') {
        name = p.childForFieldName('name')?.text;
        fallback = p.childForFieldName('value');
      } else continue;
      if (!name) continue;
      const given = call.kwargs.get(name) ?? call.args[position];
      position++;
      if (given) scope.set(name, given);
      else if (fallback) scope.set(name, evaluate(fallback, scope));
      else scope.set(name, { kind: 'ref', name, node: p });
    }
    // The helper's own `op` parameter (def add_audit(op, table)) is the operations object.
    const aliases = this.ctx.opAliases;
    const added: string[] = [];
    for (const [name, value] of [...scope]) {
      if (value.kind !== 'ref' || !aliases.has(value.name)) continue;
      if (!aliases.has(name)) {
        aliases.add(name);
        added.push(name);
      }
      scope.delete(name);
    }
    try {
      this.walkBlock(body, scope, { ...state, depth: state.depth + 1, functions: new Map(state.functions) });
    } catch (e) {
      if (!(e instanceof Returned)) throw e;
    } finally {
      for (const name of added) aliases.delete(name);
    }
  }
}

function helperReason(v: PyCall, ctx: FileContext): string {
  if (v.callee && ctx.opAliases.has(v.callee.split('.')[0]!))
    return `${v.callee}() is not an operation this linter reads`;
  const passesOp = [...v.args, ...v.kwargs.values()].some((a) => a.kind === 'ref' && ctx.opAliases.has(a.name));
  if (passesOp) return 'a function defined outside this file is given `op`: the operations it runs are not read';
  return 'a call this linter does not read: if it changes the schema, those changes are not checked';
}

const moduleScopes = new WeakMap<FileContext, Scope>();

/** A statement nested too deeply to read: a parse-error where the limit was hit (once per position). */
function tooDeep(ctx: FileContext, e: TooDeeplyNested): void {
  const span = ctx.lines.span(ctx.file, e.node.startIndex, e.node.startIndex);
  if (
    ctx.diagnostics.some((d) => d.rule === 'parse-error' && d.span.line === span.line && d.span.column === span.column)
  )
    return;
  ctx.diagnostics.push({
    rule: 'parse-error',
    message: `This code is ${e.message}; the statement is skipped (the rest of the file is still read).`,
    span,
  });
}

function collectOpAliases(statement: SyntaxNode, aliases: Set<string>): void {
  const module = statement.childForFieldName('module_name')?.text;
  if (module !== 'alembic') return;
  for (const c of children(statement)) {
    if (c.type === 'aliased_import' && c.childForFieldName('name')?.text === 'op') {
      const alias = c.childForFieldName('alias')?.text;
      if (alias) aliases.add(alias);
    }
  }
}

/**
 * `from app.db.types import JSON [as J]`: a class imported from a module other than SQLAlchemy's or Alembic's is
 * known under its full path, so that a project's own `JSON` (a TypeDecorator) is not read as `sa.JSON`.
 */
function bindProjectTypes(statement: SyntaxNode, scope: Scope): void {
  const module = statement.childForFieldName('module_name')?.text;
  if (!module || /^(sqlalchemy|sqlmodel|alembic)(\.|$)/.test(module)) return;
  for (const c of statement.childrenForFieldName('name')) {
    if (!c) continue;
    const name = c.type === 'aliased_import' ? c.childForFieldName('name')?.text : c.text;
    const local = c.type === 'aliased_import' ? c.childForFieldName('alias')?.text : c.text;
    if (name && local && /^[A-Z]/.test(name) && !name.includes('.'))
      scope.set(local, { kind: 'ref', name: `${module}.${name}`, node: c });
  }
}

/** What a downgrade() body does: only `pass`, a docstring or `...` is empty; only a `raise` is irreversible. */
function downgradeState(def: SyntaxNode | undefined, span: SourceSpan, hasOps: boolean): DowngradeInfo {
  if (!def) return { state: 'absent', span };
  const body = def.childForFieldName('body');
  const statements = body ? children(body) : [];
  const trivial = (s: SyntaxNode) =>
    s.type === 'pass_statement' ||
    (s.type === 'expression_statement' &&
      children(s).every((c) => c.type === 'string' || c.type === 'concatenated_string' || c.type === 'ellipsis'));
  const meaningful = statements.filter((s) => !trivial(s));
  if (meaningful.length === 0) return { state: 'empty', span };
  if (!hasOps && meaningful.every((s) => s.type === 'raise_statement')) return { state: 'irreversible', span };
  return { state: 'present', span };
}

function parentsOf(v: PyValue | undefined): string[] | undefined {
  if (!v || v.kind === 'none') return [];
  if (v.kind === 'str' && v.value === '' && !v.placeholders.length) return [];
  return strList(v);
}

/** Lines too broken to parse that are blanked out so the rest of the file is read; past this, the file is not read. */
const MAX_BLANKED_LINES = 4;

const tooComplexMessage = (e: PythonTooComplex, rest: string) =>
  `Python line too complex to read: ${e.message}; ${rest}. Alembic cannot load this file either: fix the syntax error on this line.`;

/** A revision the Python parser gave up on: one parse-error at the line, nothing else read. */
function unreadable(file: SourceFile, e: PythonTooComplex): Migration {
  const lines = new LineIndex(file.text);
  return {
    file: file.path,
    format: 'alembic',
    ops: [],
    transaction: 'wrapped',
    diagnostics: [
      {
        rule: 'parse-error',
        message: tooComplexMessage(e, 'this file was not linted'),
        span: lines.span(file.path, e.start, e.start),
      },
    ],
    source: file.text,
  };
}

/**
 * Parses the file; a line too broken to parse (see `parsePython`) is blanked out (same length, so
 * every offset stays true) and the file parsed again, so its revision id and other statements are
 * still read. Returns the tree and the lines skipped.
 */
async function parseSkippingBrokenLines(
  file: SourceFile,
): Promise<{ tree: Tree; skipped: PythonTooComplex[] } | PythonTooComplex> {
  let text = file.text;
  const skipped: PythonTooComplex[] = [];
  for (;;) {
    try {
      return { tree: await parsePython(text), skipped };
    } catch (e) {
      if (!(e instanceof PythonTooComplex)) throw e;
      if (skipped.length >= MAX_BLANKED_LINES) return skipped[0] ?? e;
      skipped.push(e);
      text = text.slice(0, e.start) + ' '.repeat(e.end - e.start) + text.slice(e.end);
    }
  }
}

export async function parseRevisionFile(file: SourceFile, options: ParseOptions): Promise<Migration> {
  const parsed = await parseSkippingBrokenLines(file);
  if (parsed instanceof PythonTooComplex) return unreadable(file, parsed);
  const { tree, skipped } = parsed;
  try {
    const lines = new LineIndex(file.text);
    const ctx: FileContext = {
      file: file.path,
      lines,
      options,
      opAliases: new Set(['op']),
      functions: new Map(),
      diagnostics: [],
    };
    const migration: Migration = {
      file: file.path,
      format: 'alembic',
      ops: [],
      transaction: 'wrapped',
      diagnostics: ctx.diagnostics,
      source: file.text,
    };
    const root = tree.rootNode;
    for (const e of skipped) {
      ctx.diagnostics.push({
        rule: 'parse-error',
        message: tooComplexMessage(e, 'the line is skipped (the rest of the file is still read)'),
        span: lines.span(file.path, e.start, e.start),
      });
    }
    const syntaxError = firstSyntaxError(root);
    if (syntaxError) {
      ctx.diagnostics.push({
        rule: 'parse-error',
        message: `Python syntax error${syntaxError.isMissing ? `: missing ${syntaxError.type}` : ''}; Alembic cannot load this revision (the rest of the file is still read)`,
        span: lines.span(file.path, syntaxError.startIndex, syntaxError.endIndex),
      });
    }

    const scope: Scope = new Map();
    const declarations = new Map<string, SyntaxNode>();
    for (const statement of children(root)) {
      if (statement.type === 'expression_statement') {
        const inner = children(statement)[0];
        if (inner?.type === 'assignment') {
          const left = inner.childForFieldName('left');
          try {
            assign(inner, scope);
          } catch (e) {
            if (!(e instanceof TooDeeplyNested)) throw e;
            tooDeep(ctx, e);
            // The name is no longer known (a target nested too deeply binds nothing readable).
            if (left?.type === 'identifier') unbindTargets(left, scope);
          }
          if (left?.type === 'identifier') declarations.set(left.text, inner);
        }
      } else if (statement.type === 'function_definition' || statement.type === 'decorated_definition') {
        const def = statement.type === 'function_definition' ? statement : statement.childForFieldName('definition');
        const name = def?.childForFieldName('name')?.text;
        if (def?.type === 'function_definition' && name) ctx.functions.set(name, def);
      } else if (statement.type === 'import_from_statement') {
        collectOpAliases(statement, ctx.opAliases);
        bindProjectTypes(statement, scope);
      }
    }
    moduleScopes.set(ctx, scope);
    // A file with a syntax error is already reported: its tree cannot say which names are bound.
    if (!syntaxError) {
      const unbound = unboundNames(root).map((node) => {
        const suggestedImport = importFor(node.text);
        return {
          name: node.text,
          span: lines.span(file.path, node.startIndex, node.endIndex),
          ...(suggestedImport ? { suggestedImport } : {}),
        };
      });
      if (unbound.length) migration.unboundNames = unbound;
    }

    const fileStart = lines.span(file.path, 0, 0);
    const spanOf = (name: string) => {
      const node = declarations.get(name);
      return node ? lines.span(file.path, node.startIndex, node.endIndex) : undefined;
    };
    const revision = exactStr(scope.get('revision'));
    if (revision !== undefined) migration.revision = revision;
    else {
      ctx.diagnostics.push({
        rule: 'parse-error',
        message:
          'the revision id (`revision = "…"`) is not a string literal, so this revision cannot be placed in the revision graph',
        span: spanOf('revision') ?? fileStart,
      });
    }
    const parents = parentsOf(scope.get('down_revision'));
    if (parents !== undefined) migration.parents = parents;
    else {
      ctx.diagnostics.push({
        rule: 'parse-error',
        message:
          '`down_revision` is not None, a string or a tuple of strings, so this revision cannot be placed in the revision graph',
        span: spanOf('down_revision') ?? fileStart,
      });
    }
    const info: RevisionInfo = {
      span: spanOf('revision') ?? fileStart,
      dependsOn: parentsOf(scope.get('depends_on')) ?? [],
      branchLabels: parentsOf(scope.get('branch_labels')) ?? [],
    };
    const parentsSpan = spanOf('down_revision');
    if (parentsSpan) info.parentsSpan = parentsSpan;
    migration.revisionInfo = info;

    const outside = new Set<Operation>();
    for (const direction of ['upgrade', 'downgrade'] as Direction[]) {
      const def = ctx.functions.get(direction);
      const body = def?.childForFieldName('body');
      const walker = new BodyWalker(ctx, direction);
      if (body) {
        try {
          walker.walkBlock(body, new Map(scope), { autocommit: false, batches: [], depth: 0, functions: new Map() });
        } catch (e) {
          if (!(e instanceof Returned)) throw e;
        }
      }
      migration.ops.push(...walker.ops);
      // an upgrade made only of code for other databases is a no-op here by design, not an empty file
      if (direction === 'upgrade' && ctx.otherDatabaseCode) migration.otherDatabaseCode = true;
      for (const op of walker.outsideTransaction) outside.add(op);
      if (direction === 'downgrade') {
        const header = def?.childForFieldName('parameters') ?? def?.childForFieldName('name');
        const span = def ? lines.span(file.path, def.startIndex, header?.endIndex ?? def.startIndex) : fileStart;
        migration.downgrade = downgradeState(def, span, walker.ops.length > 0);
      }
    }
    // Alembic runs the migration run in one transaction on PostgreSQL; autocommit_block() leaves it.
    assignTransactions(migration.ops, 'wrapped');
    for (const op of outside) op.inTransaction = false;
    if (revision !== undefined) for (const op of migration.ops) op.revision = revision;
    return migration;
  } finally {
    tree.delete();
  }
}
