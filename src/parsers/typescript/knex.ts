/**
 * Knex migrations (`exports.up = (knex) => knex.schema…`, `export async function up(knex: Knex)`).
 *
 * The schema builder is mapped to the SQL Knex's `pg` client generates (checked against knex itself
 * in test/typescript/knex-differential.test.ts): `string` = varchar(255), `timestamp`/`dateTime` =
 * timestamptz, `increments` = serial primary key, columns nullable unless `.notNullable()`,
 * `.unique()` = ADD CONSTRAINT … UNIQUE, `.index()` = CREATE INDEX (never concurrently: the builder
 * has no such option), `.references()` = a separate ADD CONSTRAINT … FOREIGN KEY, and `.alter()` =
 * DROP DEFAULT + DROP NOT NULL + TYPE (+ SET DEFAULT / SET NOT NULL when stated again).
 *
 * Transactions: Knex runs a batch of migrations in one transaction unless the file exports
 * `config = { transaction: false }`.
 */
import type { ColumnDef, ConstraintDef, Operation, QualifiedName, TransactionMode } from '../../ir/types.js';
import type { OpDraft } from '../sql/translate.js';
import { type ChainLink, flattenChain, isFunction, type Node, nodeText, unwrap } from './ast.js';
import type { EmbeddedSql } from './embedded-sql.js';
import { downgradeFacts, type FrameworkSpec, frameworkParser, type ReadInput } from './frontend.js';
import { type FrameworkChain, FrameworkReader } from './reader.js';
import {
  builderAssigns,
  builderRowScope,
  objectProperties,
  type Scope,
  type StaticValue,
  staticText,
  UNKNOWN,
} from './scope.js';
import * as ir from '../ir-builder.js';
import { doubleQuote, quoteLiteral } from '../../ir/identifiers.js';
import { staticDefault, unreadDefault } from './columns.js';

declare module '../../ir/types.js' {
  interface MigrationFormats {
    knex: true;
  }
}

/** Column methods of Knex's table builder → the SQL type its pg client emits. */
function knexColumnType(method: string, args: Node[], scope: Scope): { sql: string; primaryKey?: boolean } | undefined {
  const num = (i: number, fallback: number): number | null => {
    const v = scope.known(args[i]);
    if (v === null) return null;
    return typeof v === 'number' ? v : fallback;
  };
  const opts = (i: number): Record<string, StaticValue> => {
    const v = scope.known(args[i]);
    return v && typeof v === 'object' && !Array.isArray(v) ? v : {};
  };
  switch (method) {
    case 'increments':
      return { sql: 'serial', primaryKey: opts(1).primaryKey !== false };
    case 'bigIncrements':
    case 'bigincrements':
      return { sql: 'bigserial', primaryKey: opts(1).primaryKey !== false };
    case 'integer':
    case 'mediumint':
      return { sql: 'integer' };
    case 'bigInteger':
    case 'biginteger':
    case 'bigint':
      return { sql: 'bigint' };
    case 'smallint':
    case 'tinyint':
      return { sql: 'smallint' };
    case 'string':
    case 'varchar':
      return { sql: `varchar(${num(1, 255) ?? 255})` };
    case 'text':
      return { sql: 'text' };
    case 'float':
      return { sql: 'real' };
    case 'double':
      return { sql: 'double precision' };
    case 'decimal': {
      const p = num(1, 8);
      return { sql: p === null ? 'decimal' : `decimal(${p}, ${num(2, 2) ?? 2})` };
    }
    case 'boolean':
    case 'bool':
      return { sql: 'boolean' };
    case 'date':
      return { sql: 'date' };
    case 'time':
      return { sql: 'time' };
    case 'timestamp':
    case 'dateTime':
    case 'datetime': {
      // Knex's pg client: time zone unless `{ useTz: false }` or a `true` "without time zone" flag.
      const raw = scope.known(args[1]);
      let useTz = true;
      let precision: StaticValue = scope.known(args[2]);
      if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
        const o = raw as Record<string, StaticValue>;
        if (typeof o.useTz === 'boolean') useTz = o.useTz;
        precision = o.precision;
      } else if (raw === true) useTz = false;
      return { sql: `${useTz ? 'timestamptz' : 'timestamp'}${typeof precision === 'number' ? `(${precision})` : ''}` };
    }
    case 'binary':
      return { sql: 'bytea' };
    case 'json':
      return { sql: 'json' };
    case 'jsonb':
      return { sql: 'jsonb' };
    case 'uuid':
      return { sql: 'uuid', primaryKey: opts(1).primaryKey === true };
    case 'geometry':
    case 'geography':
    case 'point':
      return { sql: method };
    case 'specificType': {
      const t = scope.string(args[1]);
      return t ? { sql: t } : undefined;
    }
    default:
      return undefined;
  }
}

const COLUMN_METHODS = new Set([
  'increments',
  'bigIncrements',
  'bigincrements',
  'integer',
  'mediumint',
  'bigInteger',
  'biginteger',
  'bigint',
  'smallint',
  'tinyint',
  'string',
  'varchar',
  'text',
  'float',
  'double',
  'decimal',
  'boolean',
  'bool',
  'date',
  'time',
  'timestamp',
  'dateTime',
  'datetime',
  'binary',
  'json',
  'jsonb',
  'uuid',
  'geometry',
  'geography',
  'point',
  'specificType',
  'enu',
  'enum',
]);

/** Knex's generated index/constraint names: `${table}_${columns}_${kind}`, lower-cased. */
function knexName(table: QualifiedName, columns: string[], kind: string): string {
  return `${table.name.replace(/\.|-/g, '_')}_${columns.join('_')}_${kind}`.toLowerCase();
}

/**
 * Marks what Knex's SQLite dialect does without an ALTER SQLite lacks: in createTable, keys go into
 * the CREATE TABLE itself; in alterTable, `.alter()`, foreign and primary keys, nullability and
 * dropped columns make Knex recreate the table (its SQLite DDL helper), and a unique key is a
 * CREATE UNIQUE INDEX.
 */
function rebuiltOnSqlite(op: Operation, mode: 'create' | 'alter'): void {
  const rebuilt =
    op.kind === 'add-constraint'
      ? mode === 'create' || op.constraint.type !== 'check'
      : [
          'alter-column-type',
          'set-not-null',
          'drop-not-null',
          'set-default',
          'drop-column',
          'drop-constraint',
        ].includes(op.kind);
  if (rebuilt) op.inBatch = true;
}

interface PendingOp {
  draft: OpDraft;
  node: Node;
  /** Ops with the same group are one SQL statement (`DROP COLUMN a, DROP COLUMN b`). */
  group?: object;
}

interface TableBuilder {
  table: QualifiedName;
  mode: 'create' | 'alter';
  /** createTable: the table's columns; alterTable: the columns added (one ALTER TABLE … ADD COLUMN, …). */
  columns: { def: ColumnDef; node: Node }[];
  /** createTable: constraints written inline (CHECKs). */
  inlineConstraints: ConstraintDef[];
  /** Statements Knex sends before the table's own (CREATE TYPE of a native enum). */
  before: PendingOp[];
  /** `.alter()` statements, which Knex sends after the added columns. */
  alters: PendingOp[];
  /** Every other statement, in call order. */
  later: PendingOp[];
}

class KnexReader extends FrameworkReader {
  protected readonly objectName = 'knex';
  private readonly builders = new Map<string, TableBuilder>();
  private builderHelperDepth = 0;

  constructor(
    input: ReadInput,
    private readonly wrapped: boolean,
  ) {
    super(input.collector, input.scope, input.source);
  }

  // ------------------------------------------------------------------ values

  /** `knex.raw('now()')`, `knex.fn.now()`, `knex.fn.uuid()` → SQL text; undefined otherwise. */
  private rawSql(node: Node | undefined): string | undefined {
    const n = unwrap(node);
    if (n?.type !== 'CallExpression') return undefined;
    const chain = this.expand(flattenChain(n));
    if (!chain) return undefined;
    const names = chain.links.map((l) => l.name).join('.');
    if (names === 'fn.now') return 'CURRENT_TIMESTAMP';
    if (names === 'fn.uuid') return 'gen_random_uuid()';
    if (names === 'raw' || names === 'schema.raw') {
      const args = chain.links[chain.links.length - 1]!.args ?? [];
      const text = this.scope.string(args[0]);
      if (text === undefined) return undefined;
      const bindings = this.scope.value(args[1]);
      return Array.isArray(bindings) ? substituteBindings(text, bindings) : text;
    }
    return undefined;
  }

  private tableName(node: Node | undefined, schema: string | undefined): QualifiedName | undefined {
    const name = this.scope.string(node);
    return name === undefined ? undefined : ir.relationName(name, schema);
  }

  // ------------------------------------------------------------------ calls on knex

  protected override aliasFromCall(chain: FrameworkChain) {
    // const trx = await knex.transaction();
    if (chain.links.length === 1 && chain.links[0]!.name === 'transaction' && !(chain.links[0]!.args ?? []).length)
      return { links: [], inTransaction: true };
    return undefined;
  }

  protected frameworkCall(call: Node, chain: FrameworkChain): boolean {
    const links = chain.links;
    const first = links[0];
    if (!first) return false;
    switch (first.name) {
      case 'schema':
        return this.schemaChain(call, chain, 1);
      case 'raw':
        this.raw(call, first, chain);
        this.afterwards(links, 1);
        return true;
      case 'transaction': {
        const fn = unwrap(first.args?.[0]);
        if (isFunction(fn)) {
          // Outside the migration's transaction Knex opens one; inside it, a savepoint.
          const param = fn.params[0]?.type === 'Identifier' ? [fn.params[0].name] : [];
          this.c.emit({ kind: 'transaction', action: this.wrapped ? 'savepoint' : 'begin' }, call);
          this.withBinding(param, [], true, () => this.walkFunctionBody(fn));
          this.c.emit({ kind: 'transaction', action: this.wrapped ? 'release' : 'commit' }, [
            call.range[1],
            call.range[1],
          ]);
          this.afterwards(links, 1);
          return true;
        }
        return !first.args?.length; // `knex.transaction()` as a statement: opens one (bound by aliasFromCall)
      }
      case 'commit':
      case 'rollback':
        return true;
      case 'fn':
        return true;
      case '()':
      case 'from':
      case 'table':
      case 'into':
      case 'insert':
      case 'update':
      case 'del':
      case 'delete':
      case 'select':
      case 'where':
        this.queryBuilder(call, chain);
        return true;
      default:
        return false;
    }
  }

  /** `.then(cb)`, `.catch(cb)`, `.finally(cb)` after a builder: their callbacks run too. */
  private afterwards(links: ChainLink[], from: number): void {
    for (const link of links.slice(from)) {
      if (link.name === 'then' || link.name === 'catch' || link.name === 'finally') {
        for (const a of link.args ?? []) {
          const fn = unwrap(a);
          if (isFunction(fn)) this.walkFunctionBody(fn);
        }
      }
    }
  }

  private raw(call: Node, link: ChainLink, chain: FrameworkChain): void {
    const args = link.args ?? [];
    const bindingsNode = args[1];
    const bindings = bindingsNode ? this.scope.value(bindingsNode) : undefined;
    const transform = bindingsNode ? (e: EmbeddedSql) => applyBindings(e, bindings) : undefined;
    const ok = this.c.sql(args[0], {
      what: nodeText(this.source, call),
      ...this.emitOptions(chain),
      ...(transform ? { transform } : {}),
    });
    if (!ok)
      this.c.unknown(
        link.node,
        nodeText(this.source, call),
        'the SQL passed to raw() is not text written in this file',
        this.emitOptions(chain),
      );
  }

  /** `knex('users').where(…).update(…)` and friends: data changes (reads produce no op). */
  private queryBuilder(call: Node, chain: FrameworkChain): void {
    const names = chain.links.map((l) => l.name);
    let table: QualifiedName | undefined;
    for (const l of chain.links) {
      if ((l.name === '()' || l.name === 'from' || l.name === 'table' || l.name === 'into') && l.args?.length)
        table = this.tableName(l.args[0], undefined) ?? table;
      if (l.name === 'withSchema' && table)
        table = { ...table, schema: this.scope.string(l.args?.[0]) ?? table.schema };
    }
    const write = names.find((n) =>
      ['insert', 'update', 'del', 'delete', 'upsert', 'truncate', 'increment', 'decrement'].includes(n),
    );
    if (!write) {
      this.afterwards(chain.links, 0);
      return;
    }
    if (write === 'truncate') {
      this.c.emit({ kind: 'truncate', tables: table ? [table] : [], cascade: false }, call, this.emitOptions(chain));
    } else {
      const statementType =
        write === 'insert' || write === 'upsert'
          ? 'InsertStmt'
          : write === 'del' || write === 'delete'
            ? 'DeleteStmt'
            : 'UpdateStmt';
      const change = table
        ? { kind: 'data-change' as const, statementType, table }
        : { kind: 'data-change' as const, statementType };
      // Which rows an update/delete touches, as its where…() links say.
      this.c.emit(
        statementType === 'InsertStmt'
          ? change
          : statementType === 'UpdateStmt'
            ? {
                ...change,
                ...builderRowScope(this.scope, chain.links),
                ...builderAssigns(this.scope, chain.links, 'update'),
              }
            : { ...change, ...builderRowScope(this.scope, chain.links) },
        call,
        this.emitOptions(chain),
      );
    }
    this.afterwards(chain.links, 0);
  }

  private schemaChain(call: Node, chain: FrameworkChain, from: number): boolean {
    let schema: string | undefined;
    for (let i = from; i < chain.links.length; i++) {
      const link = chain.links[i]!;
      const args = link.args ?? [];
      const what = nodeText(this.source, link.node);
      switch (link.name) {
        case 'withSchema':
          schema = this.scope.string(args[0]);
          if (schema === undefined) {
            this.c.unknown(link.node, what, 'the schema name is not a constant', this.emitOptions(chain));
            return true;
          }
          break;
        case 'createTable':
        case 'createTableIfNotExists':
        case 'alterTable':
        case 'table': {
          const table = this.tableName(args[0], schema);
          const fn = unwrap(args[1]);
          if (!table) {
            this.c.unknown(link.node, what, 'the table name is not a constant', this.emitOptions(chain));
            break;
          }
          if (!isFunction(fn)) {
            if (link.name === 'createTable' && !fn)
              this.c.emit(ir.createTableDraft(table, [], []), link.node, this.emitOptions(chain));
            else
              this.c.unknown(
                link.node,
                what,
                'the table callback is not a function written here',
                this.emitOptions(chain),
              );
            break;
          }
          this.tableCallback(
            link,
            chain,
            table,
            link.name.startsWith('create') ? 'create' : 'alter',
            fn,
            link.name === 'createTableIfNotExists',
          );
          break;
        }
        case 'dropTable':
        case 'dropTableIfExists': {
          const table = this.tableName(args[0], schema);
          if (!table) this.c.unknown(link.node, what, 'the table name is not a constant', this.emitOptions(chain));
          else
            this.c.emit(
              { kind: 'drop-table', tables: [table], ifExists: link.name === 'dropTableIfExists', cascade: false },
              link.node,
              this.emitOptions(chain),
            );
          break;
        }
        case 'renameTable': {
          const table = this.tableName(args[0], schema);
          const to = this.scope.string(args[1]);
          if (!table || to === undefined)
            this.c.unknown(link.node, what, 'a table name is not a constant', this.emitOptions(chain));
          else this.c.emit({ kind: 'rename-table', table, newName: to }, link.node, this.emitOptions(chain));
          break;
        }
        case 'raw':
          this.raw(call, link, chain);
          break;
        case 'hasTable':
        case 'hasColumn':
          // Reads: they run a query but change nothing.
          break;
        case 'createSchema':
        case 'createSchemaIfNotExists':
        case 'dropSchema':
        case 'dropSchemaIfExists':
        case 'createExtension':
        case 'createExtensionIfNotExists':
        case 'dropExtension':
        case 'dropExtensionIfExists':
        case 'createView':
        case 'createViewOrReplace':
        case 'createMaterializedView':
        case 'dropView':
        case 'dropViewIfExists':
        case 'dropMaterializedView':
        case 'refreshMaterializedView':
        case 'renameView':
        case 'alterView': {
          const op: OpDraft = {
            kind: 'other',
            statementType: `knex.schema.${link.name}`,
            detail: this.scope.string(args[0]),
          };
          const created = CREATES_RELATION[link.name];
          const name = created ? this.tableName(args[0], schema) : undefined;
          if (created && name) Object.assign(op, { table: name, createsRelation: created });
          this.c.emit(op, link.node, this.emitOptions(chain));
          break;
        }
        case 'then':
        case 'catch':
        case 'finally':
          this.afterwards(chain.links, i);
          return true;
        case 'toSQL':
        case 'toString':
        case 'toQuery':
          // Only compiles the SQL: nothing runs.
          return true;
        default:
          this.c.unknown(
            link.node,
            what,
            `knex.schema.${link.name}() is not a call this frontend reads`,
            this.emitOptions(chain),
          );
      }
    }
    return true;
  }

  // ------------------------------------------------------------------ table builder callbacks

  private tableCallback(
    link: ChainLink,
    chain: FrameworkChain,
    table: QualifiedName,
    mode: 'create' | 'alter',
    fn: Node,
    ifNotExists: boolean,
  ): void {
    const first = isFunction(fn) ? fn.params[0] : undefined;
    const param = first?.type === 'Identifier' ? first.name : undefined;
    const builder: TableBuilder = {
      table,
      mode,
      columns: [],
      inlineConstraints: [],
      before: [],
      alters: [],
      later: [],
    };
    if (param) this.builders.set(param, builder);
    try {
      this.walkFunctionBody(fn as never);
    } finally {
      if (param) this.builders.delete(param);
    }
    const opts = this.emitOptions(chain);
    for (const p of builder.before) this.c.emit(p.draft, p.node, opts);
    if (mode === 'create') {
      this.c.emit(
        ir.createTableDraft(
          table,
          builder.columns.map((c) => this.c.placed(c.def, c.node)),
          builder.inlineConstraints,
          { ifNotExists },
        ),
        link.node,
        opts,
      );
    } else if (builder.columns.length) {
      const statement = this.c.newStatement();
      for (const c of builder.columns)
        this.c.emit({ kind: 'add-column', table, column: c.def, ifNotExists: false }, c.node, { ...opts, statement });
    }
    for (const a of builder.alters) rebuiltOnSqlite(this.c.emit(a.draft, a.node, opts), mode);
    const groups = new Map<object, number>();
    for (const p of builder.later) {
      let statement: number | undefined;
      if (p.group) {
        statement = groups.get(p.group) ?? this.c.newStatement();
        groups.set(p.group, statement);
      }
      rebuiltOnSqlite(this.c.emit(p.draft, p.node, statement === undefined ? opts : { ...opts, statement }), mode);
    }
  }

  protected override otherCall(call: Node, chain: FrameworkChain): boolean {
    if (chain.root.type !== 'Identifier') return false;
    const builder = this.builders.get(chain.root.name);
    if (builder && chain.links.length) {
      this.tableBuilderCall(builder, call, chain.links);
      return true;
    }
    // A helper given the table builder (`addTimestamps(table)`): read it when it is declared here.
    const args: Node[] = call.type === 'CallExpression' ? call.arguments : [];
    const builderName = (a: Node | undefined) => {
      const u = unwrap(a);
      return u?.type === 'Identifier' && this.builders.has(u.name) ? u.name : undefined;
    };
    const given = args.findIndex((a) => builderName(a) !== undefined);
    if (given === -1 || chain.links.length !== 1 || chain.links[0]!.name !== '()') return false;
    const target = this.builders.get(builderName(args[given])!)!;
    const local = this.scope.localFunction(chain.root.name);
    const param = local?.params[given];
    if (!local || param?.type !== 'Identifier' || this.builderHelperDepth > 3) {
      const from = this.scope.imports.get(chain.root.name);
      this.unknownIn(
        target,
        call,
        `a helper${from ? ` imported from '${from}'` : ''} receives the table builder; the columns it adds cannot be read from this file`,
      );
      return true;
    }
    const saved = this.builders.get(param.name);
    this.builders.set(param.name, target);
    this.builderHelperDepth++;
    // Parameters that receive the knex object stand for it inside the helper too.
    const objects = new Map<string, ChainLink[]>();
    local.params.forEach((p: Node, i: number) => {
      const arg = unwrap(args[i]);
      const bound =
        arg && (arg.type === 'Identifier' || arg.type === 'MemberExpression')
          ? this.expand(flattenChain(arg))
          : undefined;
      if (p.type === 'Identifier' && bound) objects.set(p.name, bound.links);
    });
    try {
      this.withBinding(objects, [], undefined, () => this.walkFunctionBody(local));
    } finally {
      this.builderHelperDepth--;
      if (saved) this.builders.set(param.name, saved);
      else this.builders.delete(param.name);
    }
    return true;
  }

  private unknownIn(builder: TableBuilder, node: Node, reason: string): void {
    builder.later.push({ draft: { kind: 'unknown', call: nodeText(this.source, node), reason }, node });
  }

  private tableBuilderCall(b: TableBuilder, call: Node, links: ChainLink[]): void {
    const first = links[0]!;
    const args = first.args ?? [];
    const t = b.table;
    const cols = (node: Node | undefined) => this.scope.stringList(node);
    if (COLUMN_METHODS.has(first.name)) {
      this.columnBuilder(b, call, links);
      return;
    }
    switch (first.name) {
      case 'timestamps': {
        const o = this.scope.value(args[0]);
        const obj = o && typeof o === 'object' && !Array.isArray(o) ? (o as Record<string, StaticValue>) : undefined;
        const useTimestamps = obj ? obj.useTimestamps : o;
        const defaultToNow = obj ? obj.defaultToNow : this.scope.value(args[1]);
        const camel = obj ? obj.useCamelCase : this.scope.value(args[2]);
        const typeSql = useTimestamps === true ? 'timestamptz' : 'timestamptz';
        for (const name of camel === true ? ['createdAt', 'updatedAt'] : ['created_at', 'updated_at']) {
          const def = ir.columnDef(
            name,
            typeSql,
            defaultToNow === true ? { notNull: true, default: ir.sqlDefault('CURRENT_TIMESTAMP') } : {},
          );
          b.columns.push({ def, node: call });
        }
        return;
      }
      case 'dropColumn':
      case 'dropColumns': {
        const names = args.flatMap((a) => cols(a) ?? [undefined]);
        if (names.some((n) => n === undefined)) return this.unknownIn(b, call, 'a column name is not a constant');
        const group = {};
        names.forEach((name) =>
          b.later.push({
            draft: { kind: 'drop-column', table: t, column: name!, ifExists: false, cascade: false },
            node: call,
            group,
          }),
        );
        return;
      }
      case 'dropTimestamps': {
        const camel = this.scope.value(args[0]) === true;
        const group = {};
        for (const name of camel ? ['createdAt', 'updatedAt'] : ['created_at', 'updated_at'])
          b.later.push({
            draft: { kind: 'drop-column', table: t, column: name, ifExists: false, cascade: false },
            node: call,
            group,
          });
        return;
      }
      case 'renameColumn': {
        const from = this.scope.string(args[0]);
        const to = this.scope.string(args[1]);
        if (from === undefined || to === undefined) return this.unknownIn(b, call, 'a column name is not a constant');
        b.later.push({ draft: { kind: 'rename-column', table: t, column: from, newName: to }, node: call });
        return;
      }
      case 'setNullable':
      case 'dropNullable': {
        const column = this.scope.string(args[0]);
        if (column === undefined) return this.unknownIn(b, call, 'the column name is not a constant');
        b.later.push({
          draft: { kind: first.name === 'setNullable' ? 'drop-not-null' : 'set-not-null', table: t, column },
          node: call,
        });
        return;
      }
      case 'index':
      case 'unique':
      case 'primary':
      case 'foreign':
      case 'dropIndex':
      case 'dropUnique':
      case 'dropForeign':
      case 'dropPrimary':
      case 'check':
        this.tableIndexCall(b, call, first.name, args, links.slice(1));
        return;
      case 'comment':
      case 'engine':
      case 'charset':
      case 'collate':
      case 'inherits':
        return;
      default:
        this.unknownIn(b, call, `table.${first.name}() is not a call this frontend reads`);
    }
  }

  /** Table-level index/constraint calls; column modifiers `.index()`, `.unique()`, `.primary()` land here too. */
  private tableIndexCall(b: TableBuilder, node: Node, method: string, args: Node[], rest: ChainLink[]): void {
    const t = b.table;
    const columns = this.scope.stringList(args[0]);
    const isCreate = b.mode === 'create';
    const second = this.scope.known(args[1]);
    const option = (node: Node | undefined, key: string): StaticValue =>
      this.scope.known(objectProperties(this.scope, node)?.props.get(key));
    switch (method) {
      case 'index': {
        if (!columns) return this.unknownIn(b, node, 'the index columns are not constants');
        // index(columns, name?, options?) or index(columns, options)
        const optionsNode = typeof second === 'string' || args[1] === undefined ? args[2] : args[1];
        const given = typeof second === 'string' ? second : option(optionsNode, 'indexName');
        const name = typeof given === 'string' ? given : knexName(t, columns, 'index');
        b.later.push({ draft: ir.indexDraft(t, columns, { name, where: this.predicate(optionsNode) }), node });
        return;
      }
      case 'unique': {
        if (!columns) return this.unknownIn(b, node, 'the unique columns are not constants');
        const given = typeof second === 'string' ? second : option(args[1], 'indexName');
        const name = typeof given === 'string' ? given : knexName(t, columns, 'unique');
        const predicate = this.predicate(args[1]);
        const draft =
          option(args[1], 'useConstraint') === false || predicate
            ? ir.indexDraft(t, columns, { name, unique: true, where: predicate })
            : ir.addConstraintDraft(t, ir.constraint('unique', columns, { name }));
        b.later.push({ draft, node });
        return;
      }
      case 'primary': {
        if (!columns) return this.unknownIn(b, node, 'the primary key columns are not constants');
        const given = typeof second === 'string' ? second : option(args[1], 'constraintName');
        const name = typeof given === 'string' ? given : `${t.name}_pkey`;
        const pk = ir.constraint('primary-key', columns, { name });
        // createTable: Knex writes the primary key into CREATE TABLE (the first one stated wins).
        if (isCreate) {
          if (!b.inlineConstraints.some((c) => c.type === 'primary-key'))
            b.inlineConstraints.push(this.c.placed(pk, node));
        } else b.later.push({ draft: ir.addConstraintDraft(t, pk), node });
        return;
      }
      case 'foreign': {
        if (!columns) return this.unknownIn(b, node, 'the foreign key columns are not constants');
        const name = typeof second === 'string' ? second : knexName(t, columns, 'foreign');
        const target = this.references(rest);
        if (!target) return this.unknownIn(b, node, 'the referenced table is not a constant');
        b.later.push({
          draft: ir.addConstraintDraft(t, ir.constraint('foreign-key', columns, { name, references: target })),
          node,
        });
        return;
      }
      case 'dropIndex': {
        const name = typeof second === 'string' ? second : columns ? knexName(t, columns, 'index') : undefined;
        if (!name) return this.unknownIn(b, node, 'the index name is not a constant');
        b.later.push({
          draft: {
            kind: 'drop-index',
            indexes: [t.schema ? { schema: t.schema, name } : { name }],
            concurrently: false,
            ifExists: false,
            cascade: false,
          },
          node,
        });
        return;
      }
      case 'dropUnique':
      case 'dropForeign': {
        const kind = method === 'dropUnique' ? 'unique' : 'foreign';
        const name = typeof second === 'string' ? second : columns?.length ? knexName(t, columns, kind) : undefined;
        if (!name) return this.unknownIn(b, node, 'the constraint name is not a constant');
        b.later.push({ draft: ir.dropConstraintDraft(t, name), node });
        return;
      }
      case 'dropPrimary': {
        const name = this.scope.string(args[0]) ?? `${t.name}_pkey`;
        b.later.push({ draft: ir.dropConstraintDraft(t, name), node });
        return;
      }
      case 'check': {
        const expr = this.scope.string(args[0]);
        if (expr === undefined) return this.unknownIn(b, node, 'the check expression is not a constant');
        const bindings = this.scope.value(args[1]);
        const def = ir.checkConstraint(
          Array.isArray(bindings) ? substituteBindings(expr, bindings) : expr,
          this.scope.string(args[2]),
        );
        if (isCreate) b.inlineConstraints.push(this.c.placed(def, node));
        else b.later.push({ draft: ir.addConstraintDraft(t, def), node });
        return;
      }
    }
  }

  /** `{ predicate: knex.whereNotNull('email') }` → `email IS NOT NULL`; other predicates are kept as their source text. */
  private predicate(optionsNode: Node | undefined): string | undefined {
    const obj = objectProperties(this.scope, optionsNode);
    const p = unwrap(obj?.props.get('predicate'));
    if (!p) return undefined;
    if (p.type === 'CallExpression') {
      const chain = flattenChain(p);
      const last = chain.links[chain.links.length - 1];
      const col = this.scope.string(last?.args?.[0]);
      if (last?.name === 'whereNotNull' && col) return `${col} IS NOT NULL`;
      if (last?.name === 'whereNull' && col) return `${col} IS NULL`;
    }
    return nodeText(this.source, p);
  }

  /** `.references('id').inTable('users')` / `.references('users.id')` → the FK target. */
  private references(links: ChainLink[]): { table: QualifiedName; columns: string[] } | undefined {
    let columns: string[] | undefined;
    let table: QualifiedName | undefined;
    for (const l of links) {
      if (l.name === 'references') {
        const refs = this.scope.stringList(l.args?.[0]);
        if (!refs) return undefined;
        const target = refs.length === 1 ? ir.referenceTarget(refs[0]!) : undefined;
        if (target) ({ table, columns } = target);
        else columns = refs;
      } else if (l.name === 'inTable') {
        const name = this.scope.string(l.args?.[0]);
        if (name === undefined) return undefined;
        table = ir.relationName(name);
      }
    }
    return table && columns ? { table, columns } : undefined;
  }

  private columnBuilder(b: TableBuilder, call: Node, links: ChainLink[]): void {
    const first = links[0]!;
    const args = first.args ?? [];
    const name =
      this.scope.string(args[0]) ??
      (first.name === 'increments' || first.name.toLowerCase() === 'bigincrements' ? 'id' : undefined);
    if (name === undefined) return this.unknownIn(b, call, 'the column name is not a constant');
    const t = b.table;
    let type = knexColumnType(first.name, args, this.scope);
    const checks: ConstraintDef[] = [];
    let nativeEnum: { name: string; values: string[] } | undefined;
    if (first.name === 'enu' || first.name === 'enum') {
      const values = this.scope.stringList(args[1]);
      const o = this.scope.value(args[2]);
      const opts = o && typeof o === 'object' && !Array.isArray(o) ? (o as Record<string, StaticValue>) : {};
      if (opts.useNative === true && typeof opts.enumName === 'string') {
        type = { sql: doubleQuote(opts.enumName) };
        if (opts.existingType !== true && values) nativeEnum = { name: opts.enumName, values };
      } else {
        type = { sql: 'text' };
        if (values) {
          const check = ir.checkConstraint(`${doubleQuote(name)} IN (${values.map(quoteLiteral).join(', ')})`);
          check.columns = [name]; // a column constraint
          checks.push(check);
        }
      }
    }
    if (!type) return this.unknownIn(b, call, `the column type of ${first.name}() is not known`);
    const increments = first.name.toLowerCase().includes('increments');

    let notNull: boolean | undefined;
    let def: ColumnDef['default'];
    let hasDefault = false;
    let alter: { nullable: boolean; type: boolean } | undefined;
    const later: PendingOp[] = [];
    const fkLinks: ChainLink[] = [];
    let fkName: string | undefined;
    const primaryKey = Boolean(type.primaryKey);
    for (const l of links.slice(1)) {
      const a = l.args ?? [];
      switch (l.name) {
        case 'notNullable':
        case 'notNull':
          notNull = true;
          break;
        case 'nullable':
          notNull = false;
          break;
        case 'defaultTo':
        case 'default':
        case 'defaultsTo': {
          hasDefault = true;
          const raw = this.rawSql(a[0]);
          if (raw !== undefined) def = ir.sqlDefault(raw);
          else {
            const v = this.scope.value(a[0]);
            // defaultTo(null) is written as DEFAULT NULL.
            def =
              v === UNKNOWN
                ? unreadDefault(
                    a[0]!,
                    this.source,
                    this.scope,
                    (n) => n.type === 'Identifier' && this.isFrameworkObject(n),
                  )
                : staticDefault(v);
          }
          break;
        }
        case 'primary':
          if (!increments) this.tableIndexCall(b, l.node, 'primary', [args[0]!, ...a], []);
          break;
        case 'unique':
        case 'index':
          if (!increments) this.tableIndexCall(b, l.node, l.name, [args[0]!, ...a], []);
          break;
        case 'references':
        case 'inTable':
          fkLinks.push(l);
          break;
        case 'withKeyName':
          fkName = this.scope.string(a[0]);
          break;
        case 'alter': {
          const o = this.scope.value(a[0]);
          const opts = o && typeof o === 'object' && !Array.isArray(o) ? (o as Record<string, StaticValue>) : {};
          alter = { nullable: opts.alterNullable !== false, type: opts.alterType !== false };
          break;
        }
        case 'checkPositive':
        case 'checkNegative':
        case 'checkIn':
        case 'checkNotIn':
        case 'checkBetween':
        case 'checkLength':
        case 'checkRegex':
        case 'check':
          checks.push(
            ir.constraint('check', [name], { name: this.scope.string(a[a.length - 1]), expression: `${l.name}(…)` }),
          );
          break;
        case 'unsigned':
        case 'comment':
        case 'collate':
        case 'first':
        case 'after':
        case 'onDelete':
        case 'onUpdate':
        case 'deferrable':
          break;
        default:
          later.push({
            draft: {
              kind: 'unknown',
              call: nodeText(this.source, l.node),
              reason: `.${l.name}() on a column is not a call this frontend reads`,
            },
            node: call,
          });
      }
    }
    if (fkLinks.length) {
      const target = this.references(fkLinks);
      if (!target)
        later.push({
          draft: {
            kind: 'unknown',
            call: nodeText(this.source, call),
            reason: 'the referenced table is not a constant',
          },
          node: call,
        });
      else
        later.push({
          draft: ir.addConstraintDraft(
            t,
            ir.constraint('foreign-key', [name], {
              name: fkName ?? knexName(t, [name], 'foreign'),
              references: target,
            }),
          ),
          node: call,
        });
    }

    if (alter) {
      // Knex's pg client: DROP DEFAULT, DROP NOT NULL, TYPE, then SET DEFAULT / SET NOT NULL when stated.
      b.alters.push({ draft: { kind: 'set-default', table: t, column: name }, node: call });
      if (alter.nullable) b.alters.push({ draft: { kind: 'drop-not-null', table: t, column: name }, node: call });
      if (alter.type)
        b.alters.push({
          draft: {
            kind: 'alter-column-type',
            table: t,
            column: name,
            newType: ir.typeRef(type.sql),
            using: `${name}::${type.sql}`,
          },
          node: call,
        });
      if (hasDefault && def)
        b.alters.push({ draft: { kind: 'set-default', table: t, column: name, default: def }, node: call });
      if (alter.nullable && notNull === true)
        b.alters.push({ draft: { kind: 'set-not-null', table: t, column: name }, node: call });
      b.later.push(...later);
      return;
    }
    const column = ir.columnDef(name, type.sql, { notNull: notNull === true, primaryKey, constraints: checks });
    if (primaryKey) column.constraints.unshift(ir.constraint('primary-key', [name]));
    if (def) column.default = def;
    if (nativeEnum) {
      b.before.push({ draft: ir.createEnumDraft({ name: nativeEnum.name }, nativeEnum.values), node: call });
    }
    b.columns.push({ def: column, node: call });
    b.later.push(...later);
  }
}

/** Knex schema calls that create a view or a materialized view. */
const CREATES_RELATION: Record<string, 'view' | 'materialized-view'> = {
  createView: 'view',
  createViewOrReplace: 'view',
  createMaterializedView: 'materialized-view',
};

function sqlLiteral(v: StaticValue): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return quoteLiteral(v);
  return quoteLiteral(JSON.stringify(v));
}

function sqlIdentifier(v: StaticValue): string {
  return staticText(v).split('.').map(doubleQuote).join('.');
}

/** Knex positional bindings in plain text: `??` → identifier, `?` → value, `\\?` → a literal `?`. */
export function substituteBindings(text: string, bindings: StaticValue[]): string {
  let i = 0;
  return text.replace(/\\\?|\?\?|\?/g, (m) => {
    if (m === '\\?') return '?';
    const v = bindings[i++];
    return m === '??' ? sqlIdentifier(v) : sqlLiteral(v);
  });
}

/** The same substitution on SQL read from the file, keeping every character's file offset. */
function applyBindings(e: EmbeddedSql, bindings: StaticValue | typeof UNKNOWN): EmbeddedSql {
  const values = Array.isArray(bindings) ? bindings : undefined;
  let text = '';
  const offsets: number[] = [];
  let placeholders = e.placeholders;
  let k = 0;
  for (let i = 0; i < e.text.length; i++) {
    const c = e.text[i]!;
    const at = e.offsets[i]!;
    if (c === '\\' && e.text[i + 1] === '?') {
      text += '?';
      offsets.push(at);
      i++;
      continue;
    }
    if (c !== '?') {
      text += c;
      offsets.push(at);
      continue;
    }
    const ident = e.text[i + 1] === '?';
    if (ident) i++;
    let piece: string;
    if (values && k < values.length) piece = ident ? sqlIdentifier(values[k]) : sqlLiteral(values[k]);
    else {
      placeholders++;
      piece = ident ? `"\${binding ${k + 1}}"` : `$${k + 1}`;
    }
    k++;
    text += piece;
    for (let j = 0; j < piece.length; j++) offsets.push(at);
  }
  offsets.push(e.offsets[e.text.length]!);
  return { text, offsets, placeholders, node: e.node };
}

function knexTransaction(input: ReadInput): TransactionMode {
  const config = objectProperties(input.scope, input.shape.exports.get('config'));
  const tx = config ? input.scope.value(config.props.get('transaction')) : undefined;
  return tx === false ? 'none' : 'wrapped';
}

export const knexSpec: FrameworkSpec = {
  format: 'knex',
  signals: [
    [/from\s+['"]knex['"]|require\(\s*['"]knex['"]\s*\)/, 20],
    [/\bKnex\b/, 5],
    [/\bknex\s*\.\s*(?:schema|raw|fn)\b/, 20],
    [
      /\.schema\s*(?:\.\s*withSchema\([^)]*\)\s*)?\.\s*(?:createTable|alterTable|table)\s*\(\s*[^,()]+,\s*(?:async\s*)?(?:function\b|\(?\s*\w+\s*\)?\s*=>)/,
      10,
    ],
  ],
  upParameter: 'knex',
  declaredBy: { packages: ['knex'], files: ['knexfile.js', 'knexfile.ts'] },
  transactionFacts: {
    wrapped: {
      reason: 'knex runs each migration in a transaction',
      fix: 'export `config = { transaction: false }` from this migration',
    },
  },
  formatHelp: {
    concurrentIndex:
      'With Knex (its index builder has no CONCURRENTLY): await knex.raw(…) with that statement, in a migration that exports `config = { transaction: false }` (exports.config in CommonJS)',
    sqliteRebuild:
      'With Knex, use the schema builder where its SQLite dialect recreates the table itself (.alter(), foreign and primary keys, setNullable/dropNullable, dropColumn); for anything else (a CHECK, a column with a non-constant default) recreate the table: createTable the new one, insert the rows with INSERT … SELECT, dropTable the old one, renameTable',
  },
  name: 'Knex',
  read(input) {
    const { shape } = input;
    const mode = knexTransaction(input);
    if (shape.up) new KnexReader(input, mode === 'wrapped').read(shape.up, 'upgrade');
    if (shape.down) new KnexReader(input, mode === 'wrapped').read(shape.down, 'downgrade');
    return {
      transaction: { upgrade: mode, downgrade: mode },
      downgrade: downgradeFacts(input, {
        autoReversible: false,
        note: 'Knex refuses to run a migration file without both up and down ("Invalid migration: … must have both an up and down function")',
      }),
    };
  },
};

export const knex = frameworkParser(knexSpec);
