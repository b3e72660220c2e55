/**
 * TypeORM migrations: a class implementing `MigrationInterface` whose `up(queryRunner)` runs SQL
 * (`queryRunner.query(\`…\`)`, what `migration:generate` writes) or the QueryRunner API
 * (`addColumn(table, new TableColumn({…}))`, `createIndex(table, new TableIndex({…}))`…).
 *
 * What the Postgres driver of TypeORM 0.3 sends for the API calls (PostgresQueryRunner):
 * - `TableColumn.isNullable` defaults to false: every column is NOT NULL unless it says otherwise;
 *   `default` is raw SQL text.
 * - `changeColumn` with a different `type` or `length` (or array-ness) drops the column and adds it
 *   again — the data is lost. With the old column given by name, TypeORM compares against the type
 *   Postgres reports (`character varying`, `integer`…), so a type written any other way (`varchar`,
 *   `int`) is always "different".
 * - `TableIndex({ isConcurrent: true })` builds/drops the index CONCURRENTLY.
 * - Constraint and index names without an explicit name come from the default naming strategy
 *   (`PK_`/`UQ_`/`FK_`/`IDX_` + a SHA-1 of table and columns), reproduced here.
 *
 * Transactions: `migrationsTransactionMode` "all" (the default) runs every pending migration in one
 * transaction; a class with `transaction = false` runs outside one (TypeORM refuses that under
 * "all" with ForbiddenTransactionModeOverrideError, and honours it under "each").
 * `queryRunner.commitTransaction()` / `startTransaction()` inside `up` end and reopen it.
 */
import { sha1 } from '@noble/hashes/legacy.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type {
  ColumnDef,
  ConstraintDef,
  DefaultValue,
  Direction,
  DowngradeInfo,
  QualifiedName,
  TransactionAction,
  TransactionMode,
} from '../../ir/types.js';
import type { OpDraft } from '../sql/translate.js';
import {
  type Chain,
  flattenChain,
  type FunctionNode,
  isFunction,
  type Node,
  nodeText,
  unwrap,
  unwrapAwait,
} from './ast.js';
import type { EmitOptions } from './collector.js';
import { bindPlaceholders, type EmbeddedSql, embeddedSql, PLACEHOLDER_MARK } from './embedded-sql.js';
import { downgradeFacts, type FrameworkSpec, frameworkParser, type ReadInput } from './frontend.js';
import { type FrameworkChain, FrameworkReader } from './reader.js';
import { builderAssigns, builderRowScope, objectProperties, type StaticValue, UNKNOWN } from './scope.js';
import * as ir from '../ir-builder.js';
import { doubleQuote } from '../../ir/identifiers.js';

declare module '../../ir/types.js' {
  interface MigrationFormats {
    typeorm: true;
  }
}

/** TypeORM's DefaultNamingStrategy: prefix + SHA-1 of `table_sortedColumns[_where]`. */
function typeormName(
  prefix: 'PK' | 'UQ' | 'FK' | 'IDX' | 'CHK',
  table: QualifiedName,
  parts: string[],
  where?: string,
): string {
  const key =
    prefix === 'CHK'
      ? `${table.name}_${parts[0] ?? ''}`
      : `${table.name}_${[...parts].sort().join('_')}${where ? `_${where}` : ''}`;
  // @noble/hashes, not node:crypto: the same frontend runs in the browser playground.
  const hash = bytesToHex(sha1(utf8ToBytes(key)));
  return `${prefix}_${hash.slice(0, prefix === 'IDX' || prefix === 'CHK' ? 26 : 27)}`;
}

/** Types as Postgres reports them in information_schema (what TypeORM loads an existing column as). */
const REPORTED_TYPES = new Set([
  'character varying',
  'character',
  'text',
  'integer',
  'bigint',
  'smallint',
  'boolean',
  'uuid',
  'json',
  'jsonb',
  'date',
  'numeric',
  'real',
  'double precision',
  'timestamp without time zone',
  'timestamp with time zone',
  'time without time zone',
  'time with time zone',
  'bytea',
  'inet',
  'cidr',
  'macaddr',
  'interval',
  'money',
  'point',
  'tsvector',
  'xml',
  'citext',
  'enum',
  'array',
]);

interface ColumnSpec {
  name?: string;
  type?: string;
  length?: string;
  precision?: number;
  scale?: number;
  isNullable: boolean;
  isPrimary: boolean;
  isUnique: boolean;
  isGenerated: boolean;
  generationStrategy?: string;
  defaultSql?: string;
  /** `default` is there but its text is computed when the migration runs. */
  defaultComputed?: Node;
  isArray: boolean;
  enumName?: string;
  enumValues?: string[];
  generatedType?: string;
  asExpression?: string;
  node: Node;
  /** Where the column is written when that is not all of `node` (n8n's `.withTimestamps`). */
  at?: [number, number];
}

/** A value n8n fixes for a run, standing where the name was destructured. */
function literalAt(value: string | boolean, at: Node): Node {
  // A node made here, not parsed: the parser's AST_NODE_TYPES enum is not loaded by the frontends (type imports only).
  // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment
  return { type: 'Literal', value, raw: JSON.stringify(value), range: [at.range[0], at.range[0]], loc: at.loc } as Node;
}

class TypeOrmReader extends FrameworkReader {
  protected readonly objectName = 'queryRunner';
  /** Transaction depth as TypeORM counts it: 1 inside the migration's own transaction. */
  private depth: number;

  /** The class's `transaction` member when it is `cond ? false : undefined`: the condition and the branch that disables it. */
  private readonly transactionSwitch: { test: string; offWhen: boolean } | undefined;

  constructor(input: ReadInput, wrapped: boolean) {
    super(input.collector, input.scope, input.source);
    this.depth = wrapped ? 1 : 0;
    const member = unwrap(input.shape.members.get('transaction'));
    if (member?.type === 'ConditionalExpression') {
      const off = (n: Node) => this.scope.known(n) === false;
      if (off(member.consequent) !== off(member.alternate))
        this.transactionSwitch = { test: this.testText(member.test), offWhen: off(member.consequent) };
    }
  }

  /** A condition's text through `const` bindings (`concurrently` → `isConcurrentIndexMigrationEnabled()`). */
  private testText(test: Node): string {
    const n = unwrap(this.scope.resolve(test));
    return n ? nodeText(this.source, n, 200) : '';
  }

  /**
   * Misskey's `transaction = isConcurrentIndexMigrationEnabled() ? false : undefined` with
   * `if (concurrently) { … CREATE INDEX CONCURRENTLY … }`: TypeORM runs that branch without a
   * transaction (migrationsTransactionMode "each"), the other one in the migration's.
   */
  protected override branchTransaction(test: Node, branch: boolean): boolean | undefined {
    const sw = this.transactionSwitch;
    if (!sw) return undefined;
    const t = unwrap(test);
    const negated = t?.type === 'UnaryExpression' && t.operator === '!';
    const text = this.testText(negated ? t.argument : test);
    if (text !== sw.test) return undefined;
    return (branch !== negated) === sw.offWhen ? false : undefined;
  }

  // ------------------------------------------------------------------ n8n's MigrationContext

  /**
   * n8n wraps each TypeORM migration so `up`/`down` receive a MigrationContext instead of the
   * QueryRunner: `{ queryRunner, runQuery, escape, tablePrefix, isPostgres, schemaBuilder, … }`,
   * usually destructured in the parameter list.
   */
  protected override bindParameters(fn: FunctionNode): void {
    const first = fn.params[0];
    if (first?.type === 'ObjectPattern')
      this.bindDestructured(this.patternAliases(first, []), this.unbind, (name, links) => this.bindRoot(name, links));
    else super.bindParameters(fn);
  }

  /**
   * The context's fixed members, read for the target database: `isPostgres`/`isSqlite`/`isMysql`,
   * and `tablePrefix` as n8n's default, no prefix (a configured prefix only renames every table).
   */
  protected override contextValue(links: Chain['links'], at: Node): Node | undefined {
    if (links.length !== 1) return undefined;
    switch (links[0]!.name) {
      case 'isPostgres':
        return literalAt(this.scope.dialect === 'postgresql', at);
      case 'isSqlite':
        return literalAt(this.scope.dialect === 'sqlite', at);
      case 'isMysql':
        return literalAt(false, at);
      case 'tablePrefix':
        return literalAt('', at);
      default:
        return undefined;
    }
  }

  /** n8n's `createTable(…)…withTimestamps` ends in a property read: the whole chain is the statement. */
  protected override walk(node: Node | null | undefined): void {
    const n = unwrap(node);
    if (n?.type === 'MemberExpression' || n?.type === 'CallExpression') {
      const chain = this.expand(flattenChain(n));
      const links = chain ? contextLinks(chain.links) : [];
      if (links[0]?.name === 'schemaBuilder' && links[1]?.name === 'createTable' && links[1].args) {
        this.frameworkCall(n, { ...chain!, links });
        return;
      }
    }
    super.walk(node);
  }

  override read(fn: FunctionNode, direction: Direction): void {
    const saved = this.scope.frameworkValue;
    this.scope.frameworkValue = (node) => this.contextRead(node);
    try {
      super.read(fn, direction);
    } finally {
      this.scope.frameworkValue = saved;
    }
  }

  /**
   * n8n's `escape.tableName('t')` / `columnName` / `indexName` (the name as its driver quotes it),
   * and the context's fixed members read through it (`context.isMysql`, `context.dbType`).
   */
  private contextRead(node: Node): StaticValue | typeof UNKNOWN {
    const chain = this.expand(flattenChain(node));
    const links = chain ? contextLinks(chain.links) : [];
    if (node.type === 'MemberExpression') {
      if (links.length !== 1 || links[0]!.args) return UNKNOWN;
      if (links[0]!.name === 'dbType') return this.scope.dialect === 'sqlite' ? 'sqlite' : 'postgresdb';
      const fixed = this.contextValue(links, node);
      return fixed?.type === 'Literal' ? (fixed.value as StaticValue) : UNKNOWN;
    }
    const [escape, method] = links;
    if (links.length !== 2 || escape?.name !== 'escape' || escape.args || !method?.args) return UNKNOWN;
    const name = this.scope.string(method.args[0]);
    if (name === undefined) return UNKNOWN;
    if (method.name === 'tableName' || method.name === 'columnName') return doubleQuote(name);
    if (method.name === 'indexName') return doubleQuote(`IDX_${name}`);
    return UNKNOWN;
  }

  /** What n8n's context offers besides the QueryRunner; undefined for a QueryRunner call. */
  private contextCall(call: Node, links: Chain['links'], opts: EmitOptions): boolean | undefined {
    const [first] = links;
    if (!first) return undefined;
    const what = nodeText(this.source, call);
    switch (first.name) {
      case 'runQuery': {
        if (!first.args) return undefined;
        // With named parameters n8n has TypeORM replace `:name` by a bind parameter.
        const transform = first.args[1] ? (e: EmbeddedSql) => bindPlaceholders(e, { named: ':' }) : undefined;
        if (!this.c.sql(first.args[0], { what, ...opts, ...(transform ? { transform } : {}) }))
          this.c.unknown(call, what, 'the SQL passed to runQuery() is not text written in this file', opts);
        return true;
      }
      case 'runInBatches': {
        if (!first.args) return undefined;
        // A SELECT read page by page; the callback runs once per page.
        this.c.sql(first.args[0], { what, ...opts });
        const fn = unwrap(first.args[1]);
        if (isFunction(fn)) this.c.underCondition('for each batch of rows', () => this.walkFunctionBody(fn), fn);
        return true;
      }
      case 'escape':
      case 'logger':
      case 'parseJson':
      case 'loadSurveyFromDisk':
        return true;
      case 'copyTable':
        this.c.unknown(call, what, "n8n's copyTable() copies rows with SQL built when the migration runs", opts);
        return true;
      case 'schemaBuilder':
        this.schemaBuilderCall(call, links, opts);
        return true;
      default:
        return undefined;
    }
  }

  // ------------------------------------------------------------------ arguments

  /** A table argument: `'users'`, `'public.users'`, `new Table({ name })`, or a `const t = await queryRunner.getTable('users')`. */
  private table(node: Node | undefined): QualifiedName | undefined {
    const n = this.scope.resolve(unwrapAwait(node));
    const v = this.scope.string(n);
    if (v !== undefined) return ir.relationName(v);
    const inner = unwrapAwait(n);
    if (inner?.type === 'NewExpression' && inner.callee.type === 'Identifier' && inner.callee.name === 'Table')
      return this.table(objectProperties(this.scope, inner.arguments[0])?.props.get('name'));
    if (inner?.type === 'CallExpression') {
      const chain = this.expand(flattenChain(inner));
      const last = chain?.links[chain.links.length - 1];
      if (last?.name === 'getTable') return this.table(last.args?.[0]);
    }
    return undefined;
  }

  /** The options object of `new TableColumn({…})` / `new TableIndex({…})` / a plain object. */
  private options(node: Node | undefined): Map<string, Node> | undefined {
    const n = unwrap(this.scope.resolve(node));
    const obj = n?.type === 'NewExpression' ? n.arguments[0] : n;
    return objectProperties(this.scope, obj)?.props;
  }

  private column(node: Node | undefined): ColumnSpec | undefined {
    const props = this.options(node);
    if (!props) return undefined;
    // isNullable decides verdicts (NOT NULL by default): a run-time value is not read as either.
    if (props.has('isNullable') && this.scope.value(props.get('isNullable')) === UNKNOWN) return undefined;
    const get = (k: string): StaticValue => this.scope.known(props.get(k));
    const str = (k: string) => {
      const v = get(k);
      return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
    };
    const spec: ColumnSpec = {
      isNullable: get('isNullable') === true,
      isPrimary: get('isPrimary') === true,
      isUnique: get('isUnique') === true,
      isGenerated: get('isGenerated') === true,
      isArray: get('isArray') === true,
      node: node!,
    };
    const name = str('name');
    if (name !== undefined) spec.name = name;
    const type = str('type');
    if (type !== undefined) spec.type = type;
    const length = str('length');
    if (length !== undefined && length !== '') spec.length = length;
    const precision = get('precision');
    if (typeof precision === 'number') spec.precision = precision;
    const scale = get('scale');
    if (typeof scale === 'number') spec.scale = scale;
    const strategy = str('generationStrategy');
    if (strategy !== undefined) spec.generationStrategy = strategy;
    const enumName = str('enumName');
    if (enumName !== undefined) spec.enumName = enumName;
    const values = this.scope.stringList(props.get('enum'));
    if (values) spec.enumValues = values;
    const genType = str('generatedType');
    if (genType !== undefined) spec.generatedType = genType;
    const expr = str('asExpression');
    if (expr !== undefined) spec.asExpression = expr;
    if (props.has('default')) {
      const d = get('default');
      // TypeORM pastes `default` into the SQL as written: `"'active'"`, `'now()'`, `0`.
      if (typeof d === 'string' || typeof d === 'number' || typeof d === 'boolean') spec.defaultSql = String(d);
      else if (d !== null) spec.defaultComputed = props.get('default')!;
    }
    return spec;
  }

  /**
   * A `default` whose text the migration computes in JavaScript: TypeORM pastes it into the SQL, so
   * it is SQL of unknown volatility — unless its readable parts make it a quoted literal
   * (`\`'${Status.Active}'\``), a constant.
   */
  private computedDefault(node: Node): DefaultValue {
    const text = nodeText(this.source, node);
    const e = embeddedSql(node, this.scope, this.source);
    if (e && !e.text.replace(/'(?:[^']|'')*'/g, "''").includes(PLACEHOLDER_MARK)) {
      const d = ir.sqlDefault(e.text);
      if (d.volatility !== 'unknown') return { text, volatility: d.volatility, computedIn: 'JavaScript' };
    }
    return { text, volatility: 'unknown', computedIn: 'JavaScript' };
  }

  /** The SQL type TypeORM's postgres driver writes for a column (`createFullType`). */
  private typeSql(t: QualifiedName, c: ColumnSpec): string {
    const type = c.type ?? 'text';
    if (c.isGenerated && c.generationStrategy !== 'uuid' && c.generationStrategy !== 'identity') {
      if (type === 'bigint' || type === 'int8') return 'bigserial';
      if (type === 'smallint' || type === 'int2') return 'smallserial';
      return 'serial';
    }
    if (type === 'enum' || type === 'simple-enum')
      return `${doubleQuote(c.enumName ?? `${t.name}_${(c.name ?? '').toLowerCase()}_enum`)}${c.isArray ? '[]' : ''}`;
    let full = type;
    if (c.length) full += `(${c.length})`;
    else if (c.precision !== undefined && c.scale !== undefined) full += `(${c.precision},${c.scale})`;
    else if (c.precision !== undefined) full += `(${c.precision})`;
    if (c.isArray) full += '[]';
    return full;
  }

  private columnDef(t: QualifiedName, c: ColumnSpec): ColumnDef {
    const def = ir.columnDef(c.name ?? '?', this.typeSql(t, c), { notNull: !c.isNullable });
    if (c.isGenerated && c.generationStrategy === 'identity') def.generated = 'identity';
    if (c.generatedType === 'STORED' && c.asExpression) def.generated = 'stored';
    if (c.defaultSql !== undefined) def.default = ir.sqlDefault(c.defaultSql);
    else if (c.defaultComputed !== undefined) def.default = this.computedDefault(c.defaultComputed);
    else if (c.isGenerated && c.generationStrategy === 'uuid') def.default = ir.sqlDefault('uuid_generate_v4()');
    return def;
  }

  // ------------------------------------------------------------------ calls

  protected frameworkCall(call: Node, chain: FrameworkChain): boolean {
    const before = this.c.ops.length;
    const handled = this.queryRunnerCall(call, chain);
    // On SQLite TypeORM's QueryRunner makes every schema change by recreating the table (or inside
    // the CREATE TABLE it builds); only SQL passed to query() runs as written.
    const method = chain.links.find((l) => l.args)?.name;
    if (method !== 'query' && method !== 'runQuery')
      for (const op of this.c.ops.slice(before))
        if (op.kind !== 'unknown' && op.kind !== 'transaction') op.inBatch = true;
    return handled;
  }

  private queryRunnerCall(call: Node, chain: FrameworkChain): boolean {
    const links = contextLinks(chain.links);
    const context = this.contextCall(call, links, this.emitOptions(chain));
    if (context !== undefined) return context;
    let i = 0;
    // queryRunner.manager.query / queryRunner.connection.query run on the same connection.
    while (i < links.length - 1 && (links[i]!.name === 'manager' || links[i]!.name === 'connection') && !links[i]!.args)
      i++;
    const link = links[i];
    if (!link || !link.args) return false;
    const args = link.args;
    const opts = this.emitOptions(chain);
    if (link.name === 'createQueryBuilder') return this.queryBuilder(call, links.slice(i + 1), opts);
    const what = nodeText(this.source, call);
    const emit = (draft: OpDraft, statement?: number) =>
      this.c.emit(draft, call, statement === undefined ? opts : { ...opts, statement });
    const needTable = (): QualifiedName | undefined => {
      const t = this.table(args[0]);
      if (!t)
        this.c.unknown(
          call,
          what,
          'the table is not a constant name, a Table written here, or a getTable() of one',
          opts,
        );
      return t;
    };
    switch (link.name) {
      case 'query':
        if (!this.c.sql(args[0], { what, ...opts }))
          this.c.unknown(call, what, 'the SQL passed to query() is not text written in this file', opts);
        return true;
      case 'startTransaction':
        this.transaction(call, this.depth >= 1 ? 'savepoint' : 'begin');
        this.depth++;
        return true;
      case 'commitTransaction':
        this.transaction(call, this.depth > 1 ? 'release' : 'commit');
        this.depth = Math.max(0, this.depth - 1);
        return true;
      case 'rollbackTransaction':
        this.transaction(call, this.depth > 1 ? 'rollback-to' : 'rollback');
        this.depth = Math.max(0, this.depth - 1);
        return true;
      case 'getTable':
      case 'getTables':
      case 'hasTable':
      case 'hasColumn':
      case 'hasSchema':
      case 'hasDatabase':
      case 'getCurrentSchema':
      case 'getCurrentDatabase':
      case 'connect':
      case 'release':
      case 'clearSqlMemory':
        return true;
      case 'createTable':
        this.createTable(call, args, opts);
        return true;
      case 'dropTable': {
        const t = needTable();
        if (t) emit({ kind: 'drop-table', tables: [t], ifExists: this.scope.known(args[1]) === true, cascade: false });
        return true;
      }
      case 'renameTable': {
        const t = needTable();
        const to = this.table(args[1]);
        if (t && to) emit({ kind: 'rename-table', table: t, newName: to.name });
        else if (t) this.c.unknown(call, what, 'the new table name is not a constant', opts);
        return true;
      }
      case 'clearTable': {
        const t = needTable();
        if (t) emit({ kind: 'truncate', tables: [t], cascade: false });
        return true;
      }
      case 'addColumn':
      case 'addColumns': {
        const t = needTable();
        if (!t) return true;
        const list = link.name === 'addColumns' ? this.arrayItems(args[1]) : [args[1]];
        if (!list) return (this.c.unknown(call, what, 'the columns are not written here', opts), true);
        // Several columns in one call: each is positioned at its own TableColumn.
        for (const item of list)
          this.addColumn(list.length > 1 && item ? item : call, t, item, { ...opts, within: call });
        return true;
      }
      case 'dropColumn':
      case 'dropColumns': {
        const t = needTable();
        if (!t) return true;
        const list = link.name === 'dropColumns' ? this.arrayItems(args[1]) : [args[1]];
        for (const item of list ?? [undefined]) {
          const name = this.scope.string(item) ?? this.column(item)?.name;
          if (name === undefined)
            this.c.unknown(call, what, 'the column is not a constant name or a TableColumn written here', opts);
          else emit({ kind: 'drop-column', table: t, column: name, ifExists: false, cascade: false });
        }
        return true;
      }
      case 'renameColumn': {
        const t = needTable();
        if (!t) return true;
        const from = this.scope.string(args[1]) ?? this.column(args[1])?.name;
        const to = this.scope.string(args[2]) ?? this.column(args[2])?.name;
        if (from === undefined || to === undefined) this.c.unknown(call, what, 'a column name is not a constant', opts);
        else emit({ kind: 'rename-column', table: t, column: from, newName: to });
        return true;
      }
      case 'changeColumn':
        this.changeColumn(call, args[0], args[1], args[2], opts);
        return true;
      case 'changeColumns': {
        const items = this.arrayItems(args[1]);
        if (!items) return (this.c.unknown(call, what, 'the column changes are not written here', opts), true);
        for (const item of items) {
          const p = objectProperties(this.scope, item)?.props;
          this.changeColumn(call, args[0], p?.get('oldColumn'), p?.get('newColumn'), opts);
        }
        return true;
      }
      case 'createIndex':
      case 'createIndices': {
        const t = needTable();
        if (!t) return true;
        const list = link.name === 'createIndices' ? this.arrayItems(args[1]) : [args[1]];
        for (const item of list ?? [undefined]) {
          const p = this.options(item);
          const columns = this.scope.stringList(p?.get('columnNames'));
          if (!p || !columns) {
            this.c.unknown(call, what, 'the index is not a TableIndex written here', opts);
            continue;
          }
          emit(this.tableIndex(t, p, columns));
        }
        return true;
      }
      case 'dropIndex':
      case 'dropIndices': {
        const t = needTable();
        if (!t) return true;
        const list = link.name === 'dropIndices' ? this.arrayItems(args[1]) : [args[1]];
        for (const item of list ?? [undefined]) {
          const name = this.scope.string(item) ?? this.scope.string(this.options(item)?.get('name'));
          if (name === undefined) {
            this.c.unknown(call, what, 'the index name is not a constant', opts);
            continue;
          }
          const concurrently = this.scope.known(this.options(item)?.get('isConcurrent')) === true;
          emit({
            kind: 'drop-index',
            indexes: [t.schema ? { schema: t.schema, name } : { name }],
            concurrently,
            ifExists: false,
            cascade: false,
          });
        }
        return true;
      }
      case 'createForeignKey':
      case 'createForeignKeys':
      case 'createUniqueConstraint':
      case 'createUniqueConstraints':
      case 'createCheckConstraint':
      case 'createCheckConstraints':
      case 'createPrimaryKey': {
        const t = needTable();
        if (!t) return true;
        if (link.name === 'createPrimaryKey') {
          const columns = this.scope.stringList(args[1]);
          if (!columns) return (this.c.unknown(call, what, 'the primary key columns are not constants', opts), true);
          emit(
            ir.addConstraintDraft(
              t,
              ir.constraint('primary-key', columns, {
                name: this.scope.string(args[2]) ?? typeormName('PK', t, columns),
              }),
            ),
          );
          return true;
        }
        const plural = link.name.endsWith('s');
        const list = plural ? this.arrayItems(args[1]) : [args[1]];
        for (const item of list ?? [undefined]) {
          const def = this.constraintOf(link.name.replace(/^create|s$/g, ''), t, item);
          if (def) emit(ir.addConstraintDraft(t, def));
          else this.c.unknown(call, what, 'the constraint is not written here', opts);
        }
        return true;
      }
      case 'dropForeignKey':
      case 'dropForeignKeys':
      case 'dropUniqueConstraint':
      case 'dropUniqueConstraints':
      case 'dropCheckConstraint':
      case 'dropCheckConstraints':
      case 'dropPrimaryKey': {
        const t = needTable();
        if (!t) return true;
        const list = link.name.endsWith('s') ? this.arrayItems(args[1]) : [args[1]];
        for (const item of list ?? [undefined]) {
          const name =
            link.name === 'dropPrimaryKey'
              ? this.scope.string(args[1])
              : (this.scope.string(item) ?? this.scope.string(this.options(item)?.get('name')));
          if (name === undefined) this.c.unknown(call, what, 'the constraint name is not a constant', opts);
          else emit(ir.dropConstraintDraft(t, name));
        }
        return true;
      }
      case 'createSchema':
      case 'dropSchema':
      case 'createView':
      case 'dropView':
      case 'createDatabase':
        emit({ kind: 'other', statementType: `queryRunner.${link.name}`, detail: this.scope.string(args[0]) });
        return true;
      case 'dropDatabase': {
        const name = this.scope.string(args[0]);
        if (name === undefined) this.c.unknown(call, what, 'the database name is not a constant', opts);
        else emit({ kind: 'drop-database', name });
        return true;
      }
      default:
        return false;
    }
  }

  /**
   * `queryRunner.manager.createQueryBuilder().update('t').set({…}).where(…).execute()` (and
   * `.delete().from('t')`, `.insert().into('t').values(…)`): the statement it sends when executed. A
   * builder that only reads (`getMany()`, `getRawOne()`…) changes nothing.
   */
  private queryBuilder(call: Node, links: Chain['links'], opts: EmitOptions): boolean {
    const what = nodeText(this.source, call);
    const last = links[links.length - 1];
    if (last && /^get(?:Many|One|OneOrFail|RawMany|RawOne|Count|ManyAndCount|Exists)$|^stream$/.test(last.name))
      return true;
    const verb = links.find((l) => l.name === 'update' || l.name === 'delete' || l.name === 'insert');
    if (last?.name !== 'execute' || !verb) {
      this.c.unknown(call, what, 'this query builder chain is not one this frontend reads', opts);
      return true;
    }
    const target =
      verb.name === 'update'
        ? verb.args?.[0]
        : links.find((l) => l.name === (verb.name === 'delete' ? 'from' : 'into'))?.args?.[0];
    // The target may be an entity class, whose table this file does not show.
    const name = this.scope.string(target);
    const table = name === undefined ? undefined : ir.relationName(name);
    const statementType = verb.name === 'update' ? 'UpdateStmt' : verb.name === 'delete' ? 'DeleteStmt' : 'InsertStmt';
    const change: OpDraft = table
      ? { kind: 'data-change', statementType, table }
      : { kind: 'data-change', statementType };
    this.c.emit(
      verb.name === 'update'
        ? { ...change, ...builderRowScope(this.scope, links), ...builderAssigns(this.scope, links, 'set') }
        : verb.name === 'delete'
          ? { ...change, ...builderRowScope(this.scope, links) }
          : change,
      call,
      opts,
    );
    return true;
  }

  private transaction(call: Node, action: TransactionAction): void {
    this.c.emit({ kind: 'transaction', action }, call);
  }

  private arrayItems(node: Node | undefined): Node[] | undefined {
    const n = this.scope.resolve(node);
    if (n?.type !== 'ArrayExpression' || n.elements.some((e: Node | null) => !e || e.type === 'SpreadElement'))
      return undefined;
    return n.elements as Node[];
  }

  /** A `new TableIndex({ name, columnNames, isUnique, isConcurrent, where })`, named as TypeORM names it. */
  private tableIndex(t: QualifiedName, p: Map<string, Node>, columns: string[]): OpDraft {
    const where = this.scope.string(p.get('where'));
    return ir.indexDraft(t, columns, {
      name: this.scope.string(p.get('name')) ?? typeormName('IDX', t, columns, where),
      unique: this.scope.known(p.get('isUnique')) === true,
      concurrently: this.scope.known(p.get('isConcurrent')) === true,
      where,
    });
  }

  private constraintOf(kind: string, t: QualifiedName, node: Node | undefined): ConstraintDef | undefined {
    const p = this.options(node);
    if (!p) return undefined;
    const name = this.scope.string(p.get('name'));
    if (kind === 'ForeignKey') {
      const columns = this.scope.stringList(p.get('columnNames'));
      const refTable = this.scope.string(p.get('referencedTableName'));
      const refColumns = this.scope.stringList(p.get('referencedColumnNames'));
      if (!columns || !refTable || !refColumns) return undefined;
      const refSchema = this.scope.string(p.get('referencedSchema'));
      return ir.constraint('foreign-key', columns, {
        name: name ?? typeormName('FK', t, columns),
        references: { table: ir.relationName(refTable, refSchema), columns: refColumns },
      });
    }
    if (kind === 'UniqueConstraint') {
      const columns = this.scope.stringList(p.get('columnNames'));
      if (!columns) return undefined;
      return ir.constraint('unique', columns, { name: name ?? typeormName('UQ', t, columns) });
    }
    if (kind === 'CheckConstraint') {
      const expression = this.scope.string(p.get('expression'));
      if (expression === undefined) return undefined;
      return ir.checkConstraint(expression, name ?? typeormName('CHK', t, [expression]));
    }
    return undefined;
  }

  private enumType(
    call: Node,
    t: QualifiedName,
    c: ColumnSpec,
    opts: ReturnType<FrameworkReader['emitOptions']>,
  ): void {
    if (c.type !== 'enum' && c.type !== 'simple-enum') return;
    const name = c.enumName ?? `${t.name}_${(c.name ?? '').toLowerCase()}_enum`;
    this.c.emit(ir.createEnumDraft(t.schema ? { schema: t.schema, name } : { name }, c.enumValues ?? []), call, opts);
  }

  private addColumn(
    call: Node,
    t: QualifiedName,
    item: Node | undefined,
    opts: ReturnType<FrameworkReader['emitOptions']>,
  ): void {
    const c = this.column(item);
    if (!c || c.name === undefined) {
      this.c.unknown(call, nodeText(this.source, call), 'the column is not a TableColumn written here', opts);
      return;
    }
    this.addColumnSpec(call, t, { ...c, name: c.name }, opts);
  }

  private addColumnSpec(
    call: Node,
    t: QualifiedName,
    c: ColumnSpec & { name: string },
    opts: ReturnType<FrameworkReader['emitOptions']>,
  ): void {
    this.enumType(call, t, c, opts);
    this.c.emit({ kind: 'add-column', table: t, column: this.columnDef(t, c), ifNotExists: false }, call, opts);
    if (c.isPrimary)
      this.c.emit(
        ir.addConstraintDraft(t, ir.constraint('primary-key', [c.name], { name: typeormName('PK', t, [c.name]) })),
        call,
        opts,
      );
    if (c.isUnique)
      this.c.emit(
        ir.addConstraintDraft(t, ir.constraint('unique', [c.name], { name: typeormName('UQ', t, [c.name]) })),
        call,
        opts,
      );
  }

  private createTable(call: Node, args: Node[], opts: ReturnType<FrameworkReader['emitOptions']>): void {
    const what = nodeText(this.source, call);
    const p = this.options(args[0]);
    const t = this.table(p?.get('name'));
    const columns = this.arrayItems(p?.get('columns'));
    // A table whose columns cannot all be read is still created here: later ops on it touch a new table.
    const partly = (reason: string) => {
      if (t) this.c.emit(ir.partialCreateTableDraft(t, this.scope.known(args[1]) === true), call, opts);
      this.c.unknown(call, what, reason, opts);
    };
    if (!p || !t || !columns) return partly('the table is not a new Table({ name, columns }) written here');
    const ifNotExists = this.scope.known(args[1]) === true;
    const createForeignKeys = this.scope.known(args[2]) !== false;
    const createIndices = this.scope.known(args[3]) !== false;
    const specs = columns.map((item) => this.column(item));
    if (specs.some((s) => !s || s.name === undefined)) return partly('a column is not a TableColumn written here');
    const listed: ConstraintDef[] = [];
    const lists: [string, string][] = [
      ['uniques', 'UniqueConstraint'],
      ['checks', 'CheckConstraint'],
      ...(createForeignKeys ? [['foreignKeys', 'ForeignKey'] as [string, string]] : []),
    ];
    for (const [key, kind] of lists) {
      for (const item of this.arrayItems(p.get(key)) ?? []) {
        const def = this.constraintOf(kind, t, item);
        if (def) listed.push(this.c.placed(def, item));
      }
    }
    const indexes: OpDraft[] = [];
    if (createIndices) {
      for (const item of this.arrayItems(p.get('indices')) ?? []) {
        const ip = this.options(item);
        const columnsOf = this.scope.stringList(ip?.get('columnNames'));
        if (ip && columnsOf) indexes.push(this.tableIndex(t, ip, columnsOf));
      }
    }
    this.emitCreateTable(call, t, specs as ColumnSpec[], listed, indexes, ifNotExists, opts);
  }

  /**
   * The statements PostgresQueryRunner.createTable sends: CREATE TABLE with the columns, their
   * unique constraints, the listed constraints and the primary key, then each index.
   */
  private emitCreateTable(
    call: Node,
    t: QualifiedName,
    cols: ColumnSpec[],
    listed: ConstraintDef[],
    indexes: OpDraft[],
    ifNotExists: boolean,
    opts: ReturnType<FrameworkReader['emitOptions']>,
  ): void {
    for (const c of cols) this.enumType(call, t, c, opts);
    // Each constraint is placed where it is written: its TableUnique/TableCheck/TableForeignKey, or the column.
    const constraints: ConstraintDef[] = [];
    for (const c of cols)
      if (c.isUnique)
        constraints.push(
          this.c.placed(ir.constraint('unique', [c.name!], { name: typeormName('UQ', t, [c.name!]) }), c.at ?? c.node),
        );
    constraints.push(...listed);
    const primary = cols.filter((c) => c.isPrimary).map((c) => c.name!);
    // Placed on the first primary column (a composite key is stated on each of its columns).
    const firstPrimary = cols.find((c) => c.isPrimary);
    if (firstPrimary)
      constraints.push(
        this.c.placed(
          ir.constraint('primary-key', primary, { name: typeormName('PK', t, primary) }),
          firstPrimary.at ?? firstPrimary.node,
        ),
      );
    const columnDefs = cols.map((c) => this.c.placed(this.columnDef(t, c), c.at ?? c.node));
    this.c.emit(ir.createTableDraft(t, columnDefs, constraints, { ifNotExists }), call, opts);
    for (const index of indexes) this.c.emit(index, call, opts);
  }

  // ------------------------------------------------------------------ n8n's schemaBuilder

  /**
   * n8n's `column('id').varchar(36).primary.notNull`: the TableColumnOptions its Column.toOptions
   * gives the Postgres driver (nullable unless `notNull`, `primary` or generated; `timestamp()` is
   * timestamptz(3); a `NOW()` default on a timestamp is CURRENT_TIMESTAMP(3)).
   */
  private schemaColumn(node: Node | undefined): (ColumnSpec & { name: string }) | undefined {
    const n = unwrap(this.scope.resolve(node));
    if (n?.type !== 'CallExpression' && n?.type !== 'MemberExpression') return undefined;
    const raw = flattenChain(n);
    const root = unwrap(raw.root);
    let name: string | undefined;
    let parts: Chain['links'];
    // `new Column('createdAt')…`: n8n's Column class imported from its dsl, what column() returns
    if (
      root?.type === 'NewExpression' &&
      root.callee.type === 'Identifier' &&
      root.callee.name === 'Column' &&
      this.scope.imports.get('Column') !== 'typeorm'
    ) {
      name = this.scope.string(root.arguments[0]);
      parts = raw.links;
    } else {
      const chain = this.expand(raw);
      const links = chain ? contextLinks(chain.links) : [];
      if (links[0]?.name !== 'schemaBuilder' || links[1]?.name !== 'column') return undefined;
      name = this.scope.string(links[1].args?.[0]);
      parts = links.slice(2);
    }
    if (name === undefined) return undefined;
    const spec: ColumnSpec & { name: string } = {
      name,
      isNullable: true,
      isPrimary: false,
      isUnique: false,
      isGenerated: false,
      isArray: false,
      node: n,
    };
    let notNull = false;
    let generation: string | undefined;
    let defaultNode: Node | undefined;
    const simple: Record<string, string> = {
      bool: 'boolean',
      int: 'int',
      bigint: 'bigint',
      smallint: 'smallint',
      double: 'double precision',
      text: 'text',
      json: 'json',
      uuid: 'uuid',
      binary: 'bytea',
    };
    for (const link of parts) {
      const arg = link.args?.[0];
      if (!link.args && Object.hasOwn(simple, link.name)) spec.type = simple[link.name];
      else if (link.name === 'varchar' && link.args) {
        spec.type = 'varchar';
        const length = this.scope.known(arg);
        if (typeof length === 'number') spec.length = String(length);
        else if (length !== undefined) return undefined;
      } else if (
        link.args &&
        (link.name === 'timestamp' || link.name === 'timestampTimezone' || link.name === 'timestampNoTimezone')
      ) {
        spec.type = link.name === 'timestampNoTimezone' ? 'timestamp' : 'timestamptz';
        const precision = arg ? this.scope.known(arg) : 3;
        if (typeof precision !== 'number') return undefined;
        spec.length = String(precision);
      } else if (link.name === 'primary' && !link.args) spec.isPrimary = true;
      else if (link.name === 'primaryWithName' && link.args) spec.isPrimary = true;
      else if (link.name === 'notNull' && !link.args) notNull = true;
      else if (link.name === 'autoGenerate' && !link.args) generation = 'increment';
      else if (link.name === 'autoGenerate2' && !link.args) generation = 'identity';
      else if (link.name === 'default' && link.args) defaultNode = arg;
      else if ((link.name === 'comment' || link.name === 'withEnumCheck') && link.args) continue;
      else return undefined;
    }
    if (generation) {
      spec.isGenerated = true;
      spec.generationStrategy = spec.type === 'uuid' ? 'uuid' : generation;
    }
    spec.isNullable = !(notNull || spec.isPrimary || spec.isGenerated);
    if (defaultNode) {
      const d = this.scope.known(defaultNode);
      const timestamp = spec.type === 'timestamptz' || spec.type === 'timestamp';
      if (timestamp && d === 'NOW()') spec.defaultSql = 'CURRENT_TIMESTAMP(3)';
      else if (typeof d === 'string' || typeof d === 'number' || typeof d === 'boolean') spec.defaultSql = String(d);
      else if (d !== null && d !== undefined) spec.defaultComputed = defaultNode;
      else if (this.scope.value(defaultNode) !== null && this.scope.value(defaultNode) !== undefined)
        spec.defaultComputed = defaultNode;
    }
    return spec;
  }

  /** The default name n8n gives an index of its schemaBuilder (not TypeORM's hash). */
  private static schemaIndexName(t: QualifiedName, columns: string[]): string {
    return ['IDX', t.name, ...columns].join('_');
  }

  /** `schemaBuilder.addColumns(…)`, `createIndex(…)`…: the QueryRunner calls n8n's table operations make. */
  private schemaBuilderCall(call: Node, links: Chain['links'], opts: EmitOptions): void {
    const what = nodeText(this.source, call);
    const op = links[1];
    const args = op?.args;
    if (!op || !args) {
      this.c.unknown(call, what, "this use of n8n's schemaBuilder is not read", opts);
      return;
    }
    if (op.name === 'column') return;
    if (op.name === 'createTable') return this.schemaCreateTable(call, op, links.slice(2), opts);
    const t = this.table(args[0]);
    if (!t) {
      this.c.unknown(call, what, 'the table is not a constant name', opts);
      return;
    }
    const emit = (draft: OpDraft) => this.c.emit(draft, call, opts);
    const columns = this.scope.stringList(args[1]);
    switch (op.name) {
      case 'dropTable':
        emit({ kind: 'drop-table', tables: [t], ifExists: true, cascade: false });
        return;
      case 'addColumns': {
        const items = this.arrayItems(args[1]);
        const specs = items?.map((item) => this.schemaColumn(item));
        if (!items || !specs || specs.some((c) => !c)) {
          this.c.unknown(call, what, 'a column is not an n8n column(…) written here', opts);
          return;
        }
        specs.forEach((c, i) =>
          this.addColumnSpec(items.length > 1 ? items[i]! : call, t, c!, { ...opts, within: call }),
        );
        return;
      }
      case 'dropColumns':
        if (!columns) break;
        for (const column of columns) emit({ kind: 'drop-column', table: t, column, ifExists: false, cascade: false });
        return;
      case 'createIndex': {
        if (!columns) break;
        const where = args[4] ? this.scope.string(args[4]) : undefined;
        if (args[4] && where === undefined) break;
        emit(
          ir.indexDraft(t, columns, {
            name: this.scope.string(args[3]) ?? TypeOrmReader.schemaIndexName(t, columns),
            unique: this.scope.known(args[2]) === true,
            ...(where ? { where } : {}),
          }),
        );
        return;
      }
      case 'dropIndex': {
        if (!columns) break;
        const o = args[2] ? objectProperties(this.scope, args[2])?.props : new Map<string, Node>();
        if (!o) break;
        const name = this.scope.string(o.get('customIndexName')) ?? TypeOrmReader.schemaIndexName(t, columns);
        // skipIfMissing: the "not found" error TypeORM raises is swallowed, as IF EXISTS would.
        const ifExists = this.scope.known(o.get('skipIfMissing')) === true;
        emit({
          kind: 'drop-index',
          indexes: [t.schema ? { schema: t.schema, name } : { name }],
          concurrently: false,
          ifExists,
          cascade: false,
        });
        return;
      }
      case 'addForeignKey':
      case 'dropForeignKey': {
        const column = this.scope.string(args[1]);
        const [refTable, refColumn] = this.scope.stringList(args[2]) ?? [];
        if (column === undefined || refTable === undefined || refColumn === undefined) break;
        const name = this.scope.string(args[3]) ?? typeormName('FK', t, [column]);
        emit(
          op.name === 'dropForeignKey'
            ? ir.dropConstraintDraft(t, name)
            : ir.addConstraintDraft(
                t,
                ir.constraint('foreign-key', [column], {
                  name,
                  references: { table: ir.relationName(refTable), columns: [refColumn] },
                }),
              ),
        );
        return;
      }
      case 'addNotNull':
      case 'dropNotNull': {
        // A clone of the column as the database has it, only its nullability changed: SET/DROP NOT NULL.
        const column = this.scope.string(args[1]);
        if (column === undefined) break;
        emit({ kind: op.name === 'addNotNull' ? 'set-not-null' : 'drop-not-null', table: t, column });
        return;
      }
      default:
        this.c.unknown(call, what, `n8n's schemaBuilder.${op.name}() is not a call this frontend reads`, opts);
        return;
    }
    this.c.unknown(
      call,
      what,
      `the arguments of n8n's schemaBuilder.${op.name}() are not constants written here`,
      opts,
    );
  }

  /**
   * `createTable('t').withColumns(…).withIndexOn(…).withForeignKey(…).withTimestamps`: n8n's
   * CreateTable runs queryRunner.createTable(new Table({…}), true) with those parts.
   */
  private schemaCreateTable(call: Node, op: Chain['links'][number], rest: Chain['links'], opts: EmitOptions): void {
    const what = nodeText(this.source, call);
    const t = this.table(op.args?.[0]);
    const unread = (reason: string) => {
      if (t) this.c.emit(ir.partialCreateTableDraft(t, true), call, opts);
      this.c.unknown(call, what, reason, opts);
    };
    if (!t) return unread('the table is not a constant name');
    const cols: ColumnSpec[] = [];
    const listed: ConstraintDef[] = [];
    const indexes: OpDraft[] = [];
    for (const link of rest) {
      const args = link.args ?? [];
      const columns = this.scope.stringList(args[0]);
      switch (link.name) {
        case 'withColumns':
          for (const item of args) {
            const c = this.schemaColumn(item);
            if (!c) return unread('a column is not an n8n column(…) written here');
            cols.push(c);
          }
          break;
        case 'withTimestamps':
          if (link.args) return unread('withTimestamps is not called');
          for (const name of ['createdAt', 'updatedAt'])
            cols.push({
              name,
              type: 'timestamptz',
              length: '3',
              isNullable: false,
              isPrimary: false,
              isUnique: false,
              isGenerated: false,
              isArray: false,
              defaultSql: 'CURRENT_TIMESTAMP(3)',
              node: link.node,
              at: link.at,
            });
          break;
        case 'withIndexOn':
          if (!columns) return unread('the indexed columns are not constants');
          indexes.push(
            ir.indexDraft(t, columns, {
              name: typeormName('IDX', t, columns),
              unique: this.scope.known(args[1]) === true,
            }),
          );
          break;
        case 'withUniqueConstraintOn':
          if (!columns) return unread('the unique columns are not constants');
          listed.push(
            this.c.placed(ir.constraint('unique', columns, { name: typeormName('UQ', t, columns) }), link.at),
          );
          break;
        case 'withForeignKey': {
          const column = this.scope.string(args[0]);
          const ref = objectProperties(this.scope, args[1])?.props;
          const refTable = this.scope.string(ref?.get('tableName'));
          const refColumn = this.scope.string(ref?.get('columnName'));
          if (column === undefined || refTable === undefined || refColumn === undefined)
            return unread('the foreign key is not written here');
          listed.push(
            this.c.placed(
              ir.constraint('foreign-key', [column], {
                name: this.scope.string(ref?.get('name')) ?? typeormName('FK', t, [column]),
                references: { table: ir.relationName(refTable), columns: [refColumn] },
              }),
              link.at,
            ),
          );
          break;
        }
        default:
          return unread(`createTable(…).${link.name} is not a part this frontend reads`);
      }
    }
    this.emitCreateTable(call, t, cols, listed, indexes, true, opts);
  }

  /**
   * `changeColumn(table, old, new)` as PostgresQueryRunner runs it: a different type, length or
   * array-ness recreates the column (DROP COLUMN + ADD COLUMN); otherwise rename, SET/DROP NOT NULL,
   * SET/DROP DEFAULT, precision/scale as ALTER TYPE, and unique/primary constraint changes.
   */
  private changeColumn(
    call: Node,
    tableNode: Node | undefined,
    oldNode: Node | undefined,
    newNode: Node | undefined,
    opts: ReturnType<FrameworkReader['emitOptions']>,
  ): void {
    const what = nodeText(this.source, call);
    const t = this.table(tableNode);
    const next = this.column(newNode);
    if (!t || !next || next.name === undefined) {
      this.c.unknown(call, what, 'the table or the new TableColumn is not written here', opts);
      return;
    }
    const oldName = this.scope.string(oldNode) ?? this.findColumnByName(oldNode);
    const old = oldName === undefined ? this.column(oldNode) : undefined;
    const recreate = (fromName: string) => {
      this.c.emit({ kind: 'drop-column', table: t, column: fromName, ifExists: false, cascade: false }, call, opts);
      this.addColumn(call, t, newNode, opts);
    };
    if (oldName !== undefined) {
      // The old column comes from the database: Postgres reports `character varying`, `integer`…
      const type = (next.type ?? '').toLowerCase();
      if (!REPORTED_TYPES.has(type) || next.isArray) {
        recreate(oldName);
        return;
      }
      this.c.unknown(
        call,
        what,
        `TypeORM compares the new column with "${oldName}" as loaded from the database and drops and re-adds it (losing its data) if the type or length differ; pass the old column as a TableColumn so this can be checked`,
        opts,
      );
      return;
    }
    if (!old || old.name === undefined) {
      this.c.unknown(call, what, 'the old column is not a name or a TableColumn written here', opts);
      return;
    }
    if (
      old.type !== next.type ||
      (old.length ?? '') !== (next.length ?? '') ||
      old.isArray !== next.isArray ||
      (!old.generatedType && next.generatedType === 'STORED') ||
      (old.asExpression !== next.asExpression && next.generatedType === 'STORED')
    ) {
      recreate(old.name);
      return;
    }
    let name = old.name;
    if (old.name !== next.name) {
      this.c.emit({ kind: 'rename-column', table: t, column: old.name, newName: next.name }, call, opts);
      name = next.name;
    }
    if (old.precision !== next.precision || old.scale !== next.scale) {
      this.c.emit(
        {
          kind: 'alter-column-type',
          table: t,
          column: name,
          newType: this.columnDef(t, next).type,
          oldType: this.columnDef(t, old).type,
        },
        call,
        opts,
      );
    }
    if (old.isNullable !== next.isNullable)
      this.c.emit({ kind: next.isNullable ? 'drop-not-null' : 'set-not-null', table: t, column: name }, call, opts);
    const computedText = (s: ColumnSpec) => (s.defaultComputed ? nodeText(this.source, s.defaultComputed) : undefined);
    if (old.defaultSql !== next.defaultSql || computedText(old) !== computedText(next)) {
      const d = this.columnDef(t, next).default;
      this.c.emit(
        d
          ? { kind: 'set-default', table: t, column: name, default: d }
          : { kind: 'set-default', table: t, column: name },
        call,
        opts,
      );
    }
    if (old.isUnique !== next.isUnique) {
      const uq = typeormName('UQ', t, [name]);
      this.c.emit(
        next.isUnique
          ? ir.addConstraintDraft(t, ir.constraint('unique', [name], { name: uq }))
          : ir.dropConstraintDraft(t, uq),
        call,
        opts,
      );
    }
    if (old.isPrimary !== next.isPrimary) {
      const pk = typeormName('PK', t, [name]);
      this.c.emit(
        next.isPrimary
          ? ir.addConstraintDraft(t, ir.constraint('primary-key', [name], { name: pk }))
          : ir.dropConstraintDraft(t, pk),
        call,
        opts,
      );
    }
  }

  /** `table.findColumnByName('x')` on a loaded table: the column comes from the database, like a name. */
  private findColumnByName(node: Node | undefined): string | undefined {
    const n = unwrapAwait(this.scope.resolve(node));
    if (n?.type !== 'CallExpression') return undefined;
    const chain = flattenChain(n);
    const last = chain.links[chain.links.length - 1];
    return last?.name === 'findColumnByName' ? this.scope.string(last.args?.[0]) : undefined;
  }
}

/** An n8n MigrationContext's `queryRunner` member is the QueryRunner itself. */
function contextLinks(links: Chain['links']): Chain['links'] {
  return links[0]?.name === 'queryRunner' && !links[0].args ? links.slice(1) : links;
}

function typeormTransaction(input: ReadInput): TransactionMode {
  const member = input.shape.members.get('transaction');
  return input.scope.known(member) === false ? 'none' : 'wrapped';
}

export const typeormSpec: FrameworkSpec = {
  format: 'typeorm',
  signals: [
    [/\bimplements\s+MigrationInterface\b/, 30],
    // n8n's own migration interfaces over TypeORM (its MigrationContext wrapper)
    [/\bimplements\s+(?:Reversible|Irreversible)Migration\b|\bMigrationContext\b/, 30],
    [/from\s+['"]typeorm['"]|require\(\s*['"]typeorm['"]\s*\)/, 15],
    [/\bqueryRunner\s*[.:,)]/, 10],
    [/\bQueryRunner\b/, 5],
  ],
  upParameter: 'queryRunner',
  declaredBy: { packages: ['typeorm'] },
  transactionFacts: {
    wrapped: {
      reason: 'TypeORM runs migrations in a transaction',
      fix: 'set `transaction = false` on this migration class (with migrationsTransactionMode "each")',
    },
  },
  formatHelp: {
    concurrentIndex:
      'With TypeORM: await queryRunner.query(…) with that statement, in a migration class with `transaction = false` (migrationsTransactionMode "each"; "all" refuses the override)',
    sqliteRebuild:
      'With TypeORM, make the change with the QueryRunner API (queryRunner.addColumn, changeColumn, createForeignKey…): on SQLite TypeORM recreates the table itself',
  },
  name: 'TypeORM',
  // The migrations table records the class's name (with its timestamp), not the file's.
  identifiedBy: 'declared-id',
  read(input) {
    const mode = typeormTransaction(input);
    if (input.shape.up) new TypeOrmReader(input, mode === 'wrapped').read(input.shape.up, 'upgrade');
    if (input.shape.down) new TypeOrmReader(input, mode === 'wrapped').read(input.shape.down, 'downgrade');
    let downgrade: DowngradeInfo = downgradeFacts(input, {
      note: 'TypeORM calls down() on revert; a class without one fails to revert',
    });
    // n8n: a class that `implements IrreversibleMigration` (no down) says so on purpose.
    const declared = input.shape.classNode?.implements.some(
      (i) => i.expression.type === 'Identifier' && i.expression.name === 'IrreversibleMigration',
    );
    if (downgrade.state === 'absent' && declared)
      downgrade = { ...downgrade, state: 'irreversible', note: "the class implements n8n's IrreversibleMigration" };
    return { transaction: { upgrade: mode, downgrade: mode }, downgrade };
  },
};

export const typeorm = frameworkParser(typeormSpec);
