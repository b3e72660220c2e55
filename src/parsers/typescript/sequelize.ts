/**
 * Sequelize migrations (sequelize-cli / umzug): `module.exports = { async up(queryInterface, Sequelize) { … } }`.
 *
 * Mapped to what Sequelize 6's Postgres query generator sends: `allowNull` defaults to true,
 * `DataTypes.STRING` = VARCHAR(255), `DATE` = TIMESTAMP WITH TIME ZONE, `autoIncrement` INTEGER =
 * SERIAL; `defaultValue: Sequelize.fn(…)`/`Sequelize.literal(…)` are server defaults, while
 * `DataTypes.NOW`/`UUIDV4` are filled in by Sequelize in JavaScript (no server default: existing
 * rows get NULL). `changeColumn` always sends SET/DROP NOT NULL and SET/DROP DEFAULT and TYPE, so a
 * column loses NOT NULL and its default unless `allowNull: false` and `defaultValue` are repeated.
 *
 * Transactions: Sequelize runs a migration without a transaction. A call runs inside one only when
 * it passes `{ transaction: t }` (from `queryInterface.sequelize.transaction()`); without that option
 * it runs outside, even inside a transaction callback.
 */
import type { ColumnDef, ConstraintDef, DefaultValue, QualifiedName, TypeRef } from '../../ir/types.js';
import type { OpDraft } from '../sql/translate.js';
import type { FunctionNode } from './ast.js';
import { type Chain, type ChainLink, flattenChain, isFunction, type Node, nodeText, unwrap } from './ast.js';
import { bindPlaceholders, type EmbeddedSql } from './embedded-sql.js';
import { downgradeFacts, type FrameworkSpec, frameworkParser, type ReadInput } from './frontend.js';
import { type FrameworkChain, FrameworkReader } from './reader.js';
import { joinStatic, objectProperties, staticText, UNKNOWN } from './scope.js';
import * as ir from '../ir-builder.js';
import { doubleQuote, doubleQuoteQualified } from '../../ir/identifiers.js';
import { parseSql } from '../sql/parse-sql.js';
import { staticDefault, unreadDefault } from './columns.js';

declare module '../../ir/types.js' {
  interface MigrationFormats {
    sequelize: true;
  }
}

/** Sequelize DataTypes → the SQL its Postgres dialect writes (`args` are the type's call arguments). */
function sequelizeType(name: string, args: (string | number | undefined)[]): string | undefined {
  const n = (i: number) => (typeof args[i] === 'number' ? args[i] : undefined);
  switch (name) {
    case 'STRING':
      return `VARCHAR(${n(0) ?? 255})`;
    case 'CHAR':
      return `CHAR(${n(0) ?? 255})`;
    case 'TEXT':
      return 'TEXT';
    case 'CITEXT':
      return 'CITEXT';
    case 'INTEGER':
    case 'MEDIUMINT':
      return 'INTEGER';
    case 'BIGINT':
      return 'BIGINT';
    case 'SMALLINT':
    case 'TINYINT':
      return 'SMALLINT';
    case 'FLOAT':
      return 'FLOAT';
    case 'REAL':
      return 'REAL';
    case 'DOUBLE':
      return 'DOUBLE PRECISION';
    case 'DECIMAL':
    case 'NUMERIC':
      return n(0) !== undefined ? `DECIMAL(${n(0)},${n(1) ?? 0})` : 'DECIMAL';
    case 'BOOLEAN':
      return 'BOOLEAN';
    case 'DATE':
      // The Postgres dialect drops DATE(n)'s precision: always TIMESTAMP WITH TIME ZONE.
      return 'TIMESTAMP WITH TIME ZONE';
    case 'DATEONLY':
      return 'DATE';
    case 'TIME':
      return 'TIME';
    case 'UUID':
      return 'UUID';
    case 'JSON':
      return 'JSON';
    case 'JSONB':
      return 'JSONB';
    case 'BLOB':
      return 'BYTEA';
    case 'INET':
    case 'CIDR':
    case 'MACADDR':
    case 'TSVECTOR':
    case 'HSTORE':
    case 'GEOMETRY':
    case 'GEOGRAPHY':
      return name;
    default:
      return undefined;
  }
}

/** The range type Sequelize's Postgres dialect writes for `RANGE(subtype)` (a bare `RANGE` is of INTEGER). */
const RANGE_OF: Record<string, string> = {
  INTEGER: 'int4range',
  BIGINT: 'int8range',
  DECIMAL: 'numrange',
  'TIMESTAMP WITH TIME ZONE': 'tstzrange',
  DATE: 'daterange',
};

/** Sequelize's generated index names go through inflection's `underscore`: `Users_firstName` → `users_first_name`. */
function underscore(s: string): string {
  return s
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/([a-z\d])([A-Z])/g, '$1_$2')
    .replace(/-/g, '_')
    .toLowerCase();
}

interface Attribute {
  type?: string;
  /** ENUM values → a type named enum_<table>_<column>. */
  enumValues?: string[];
  /** `ARRAY(ENUM(…))`: the column is an array of that enum type. */
  enumArray?: boolean;
  allowNull: boolean;
  defaultValue?: DefaultValue;
  /** A JavaScript-side default (DataTypes.NOW, UUIDV4): no server default. */
  clientDefault?: boolean;
  primaryKey: boolean;
  autoIncrement: boolean;
  unique: boolean;
  references?: { table: QualifiedName; columns: string[] };
}

class SequelizeReader extends FrameworkReader {
  protected readonly objectName = 'queryInterface';
  /** Names the Sequelize class / DataTypes are bound to (the second `up` parameter, imports). */
  private readonly typeRoots = new Set<string>(['Sequelize', 'DataTypes']);

  constructor(input: ReadInput) {
    super(input.collector, input.scope, input.source);
    for (const [local, from] of input.scope.imports)
      if (from === 'sequelize' || from === 'sequelize-typescript') this.typeRoots.add(local);
  }

  protected override bindParameters(fn: FunctionNode): void {
    super.bindParameters(fn);
    const second = fn.params[1];
    if (second?.type === 'Identifier') this.typeRoots.add(second.name);
  }

  private table(node: Node | undefined): QualifiedName | undefined {
    const s = this.scope.string(node);
    if (s !== undefined) return ir.relationName(s);
    const p = objectProperties(this.scope, node)?.props;
    const name = this.scope.string(p?.get('tableName'));
    if (name === undefined) return undefined;
    const schema = this.scope.string(p?.get('schema'));
    return schema ? { schema, name } : { name };
  }

  /** `Sequelize.STRING(100)`, `DataTypes.ENUM('a', 'b')`, `Sequelize.ARRAY(Sequelize.TEXT)`, `'varchar(12)'`. */
  private type(
    node: Node | undefined,
  ): { sql?: string; enumValues?: string[]; enumArray?: boolean; clientDefault?: boolean } | undefined {
    const s = this.scope.string(node);
    if (s !== undefined) return { sql: s };
    const n = unwrap(this.scope.resolve(node));
    if (!n) return undefined;
    const chain = flattenChain(n);
    if (chain.root.type !== 'Identifier' || !this.typeRoots.has(chain.root.name)) return undefined;
    const links = chain.links.filter(
      (l) => l.name !== 'DataTypes' && l.name !== 'UNSIGNED' && l.name !== 'ZEROFILL' && l.name !== 'BINARY',
    );
    const head = links[0];
    if (!head) return undefined;
    if (head.name === 'ARRAY') {
      const inner = this.type(head.args?.[0]);
      // ARRAY(ENUM(…)): Sequelize creates the enum type and declares the column as an array of it.
      if (inner?.enumValues && !inner.enumArray) return { enumValues: inner.enumValues, enumArray: true };
      return inner?.sql ? { sql: `${inner.sql}[]` } : undefined;
    }
    if (head.name === 'RANGE') {
      const subtype = head.args?.[0] ? this.type(head.args[0])?.sql : 'INTEGER';
      const range = subtype === undefined ? undefined : RANGE_OF[subtype.replace(/\(.*\)$/, '')];
      return range ? { sql: range } : undefined;
    }
    if (head.name === 'ENUM') {
      const first = head.args?.[0];
      const fromObject = objectProperties(this.scope, first)?.props.get('values');
      const values = fromObject ? this.scope.stringList(fromObject) : head.args?.map((a) => this.scope.string(a));
      return values && values.every((v) => v !== undefined) ? { enumValues: values } : { enumValues: [] };
    }
    const args = (head.args ?? []).map((a) => {
      const v = this.scope.value(a);
      return typeof v === 'number' || typeof v === 'string' ? v : undefined;
    });
    const sql = sequelizeType(head.name, args);
    return sql ? { sql } : undefined;
  }

  private defaultValue(node: Node | undefined): { value?: DefaultValue; client?: boolean } {
    const n = unwrap(this.scope.resolve(node));
    if (!n) return {};
    if (n.type === 'CallExpression' || n.type === 'MemberExpression') {
      const chain = flattenChain(n);
      const last = chain.links[chain.links.length - 1];
      if (chain.root.type === 'Identifier' && this.typeRoots.has(chain.root.name) && last) {
        if (last.name === 'fn') {
          const fname = this.scope.string(last.args?.[0]);
          return fname
            ? {
                value: ir.sqlDefault(
                  `${fname}(${(last.args ?? [])
                    .slice(1)
                    .map((a) => nodeText(this.source, a))
                    .join(', ')})`,
                ),
              }
            : { value: { text: nodeText(this.source, n), volatility: 'unknown' } };
        }
        if (last.name === 'literal') {
          const text = this.scope.string(last.args?.[0]);
          return text !== undefined
            ? { value: ir.sqlDefault(text) }
            : { value: { text: nodeText(this.source, n), volatility: 'unknown' } };
        }
        // DataTypes.NOW / UUIDV4 / UUIDV1: Sequelize computes them in JavaScript.
        if (['NOW', 'UUIDV4', 'UUIDV1'].includes(last.name)) return { client: true };
      }
    }
    const v = this.scope.value(n);
    if (v === UNKNOWN)
      return {
        value: unreadDefault(
          n,
          this.source,
          this.scope,
          (x) => x.type === 'Identifier' && (this.typeRoots.has(x.name) || this.isFrameworkObject(x)),
        ),
      };
    if (v === null || v === undefined) return {};
    const d = staticDefault(v);
    return d ? { value: d } : {};
  }

  /** An attribute object (`{ type, allowNull, defaultValue, … }`) or a bare type. */
  private attribute(node: Node | undefined): Attribute | string {
    const attr: Attribute = { allowNull: true, primaryKey: false, autoIncrement: false, unique: false };
    const props = objectProperties(this.scope, node)?.props;
    const typeNode = props ? props.get('type') : node;
    const t = this.type(typeNode);
    if (!t)
      return props
        ? 'the column type is not a Sequelize data type written here'
        : 'the column is not an attribute object or data type written here';
    if (t.sql) attr.type = t.sql;
    if (t.enumValues) attr.enumValues = t.enumValues;
    if (t.enumArray) attr.enumArray = true;
    if (!props) return attr;
    const known = (k: string) => this.scope.known(props.get(k));
    // Nullability decides verdicts: a value only known at run time is not assumed either way.
    if (props.has('allowNull') && this.scope.value(props.get('allowNull')) === UNKNOWN)
      return 'allowNull is not a constant, so whether the column is NOT NULL cannot be read';
    if (known('allowNull') === false) attr.allowNull = false;
    attr.primaryKey = known('primaryKey') === true;
    attr.autoIncrement = known('autoIncrement') === true;
    attr.unique = known('unique') === true || (typeof known('unique') === 'string' && known('unique') !== '');
    if (props.has('defaultValue')) {
      const d = this.defaultValue(props.get('defaultValue'));
      if (d.value) attr.defaultValue = d.value;
      if (d.client) attr.clientDefault = true;
    }
    const refs = objectProperties(this.scope, props.get('references'))?.props;
    if (refs) {
      const model = this.table(refs.get('model'));
      const key = this.scope.string(refs.get('key')) ?? 'id';
      if (!model) return 'the referenced model is not a constant';
      attr.references = { table: model, columns: [key] };
    }
    return attr;
  }

  private typeSql(table: QualifiedName, column: string, a: Attribute): string {
    if (a.enumValues)
      return (
        doubleQuoteQualified({ schema: table.schema ?? 'public', name: `enum_${table.name}_${column}` }) +
        (a.enumArray ? '[]' : '')
      );
    let sql = a.type ?? 'TEXT';
    if (a.autoIncrement) sql = /BIGINT/i.test(sql) ? 'BIGSERIAL' : /SMALLINT/i.test(sql) ? 'SMALLSERIAL' : 'SERIAL';
    return sql;
  }

  private column(table: QualifiedName, name: string, a: Attribute, inlinePrimaryKey: boolean): ColumnDef {
    // Sequelize drops NOT NULL from a SERIAL column (the sequence default fills it).
    const col = ir.columnDef(name, this.typeSql(table, name, a), { notNull: !a.allowNull && !a.autoIncrement });
    if (a.defaultValue) col.default = a.defaultValue;
    if (a.unique) ir.markUnique(col);
    if (a.primaryKey && inlinePrimaryKey) ir.markPrimaryKey(col);
    if (a.references) ir.addColumnReference(col, a.references);
    return col;
  }

  /** The options argument passes `{ transaction: t }`: the call runs in that transaction. */
  private inTransaction(options: Node | undefined): boolean | undefined {
    const p = objectProperties(this.scope, options)?.props;
    const t = unwrap(p?.get('transaction'));
    if (!t) return undefined;
    return (
      !(t.type === 'Literal' && (t.value === null || t.value === false)) &&
      !(t.type === 'Identifier' && t.name === 'undefined')
    );
  }

  private enumType(
    call: Node,
    table: QualifiedName,
    column: string,
    a: Attribute,
    opts: ReturnType<FrameworkReader['emitOptions']>,
  ): void {
    if (!a.enumValues) return;
    this.c.emit(
      ir.createEnumDraft({ schema: table.schema ?? 'public', name: `enum_${table.name}_${column}` }, a.enumValues),
      call,
      opts,
    );
  }

  protected override otherCall(_call: Node, chain: Chain): boolean {
    // Sequelize.fn / DataTypes.* as statements are values, not calls that run SQL.
    return chain.root.type === 'Identifier' && this.typeRoots.has(chain.root.name);
  }

  /** `const qi = sequelize.getQueryInterface()` (Umzug passes the Sequelize instance as context). */
  protected override aliasFromCall(chain: FrameworkChain) {
    const last = chain.links[chain.links.length - 1];
    return last?.name === 'getQueryInterface' && chain.links.every((l, k) => k === chain.links.length - 1 || !l.args)
      ? { links: [] }
      : undefined;
  }

  protected frameworkCall(call: Node, chain: FrameworkChain): boolean {
    const before = this.c.ops.length;
    const handled = this.queryInterfaceCall(call, chain);
    // On SQLite Sequelize's QueryInterface recreates the table for these (and a new table takes its
    // keys in its CREATE TABLE); addColumn runs a plain ADD COLUMN and query() runs as written.
    const method = chain.links.find((l) => l.args && l.name !== 'getQueryInterface')?.name ?? '';
    if (SQLITE_REBUILDS.has(method))
      for (const op of this.c.ops.slice(before))
        if (op.kind !== 'unknown' && op.kind !== 'transaction') op.inBatch = true;
    return handled;
  }

  private queryInterfaceCall(call: Node, chain: FrameworkChain): boolean {
    let links = chain.links;
    // sequelize.getQueryInterface().addColumn(…) — the same calls as on queryInterface.
    if (links[0]?.name === 'getQueryInterface' && links[0].args) {
      links = links.slice(1);
      if (!links.length) return true; // just obtaining it
    }
    // queryInterface.sequelize.query(…), or query()/transaction() on a Sequelize instance (Umzug's context).
    if (links[0]?.name === 'sequelize' && !links[0].args) return this.sequelizeInstanceCall(call, chain, links[1]);
    if ((links[0]?.name === 'query' || links[0]?.name === 'transaction') && links[0].args)
      return this.sequelizeInstanceCall(call, chain, links[0]);
    const link = links[0];
    if (!link?.args) return false;
    const args = link.args;
    const what = nodeText(this.source, call);
    const optsFor = (index: number) => {
      const tx = this.inTransaction(args[index]);
      return this.emitOptions(chain, tx === undefined ? {} : { inTransaction: tx });
    };
    const needTable = (opts: ReturnType<FrameworkReader['emitOptions']>) => {
      const t = this.table(args[0]);
      if (!t) this.c.unknown(call, what, 'the table name is not a constant', opts);
      return t;
    };
    switch (link.name) {
      case 'addColumn': {
        const opts = optsFor(3);
        const t = needTable(opts);
        const name = this.scope.string(args[1]);
        if (!t) return true;
        const a = this.attribute(args[2]);
        if (name === undefined) return (this.c.unknown(call, what, 'the column name is not a constant', opts), true);
        if (typeof a === 'string') return (this.c.unknown(call, what, a, opts), true);
        // An ENUM column is sent as CREATE TYPE + ALTER TABLE in one query: one implicit transaction.
        const o = a.enumValues ? { inTransaction: true, ...opts } : opts;
        this.enumType(call, t, name, a, o);
        this.c.emit(
          { kind: 'add-column', table: t, column: this.column(t, name, a, true), ifNotExists: false },
          call,
          o,
        );
        return true;
      }
      case 'removeColumn': {
        const opts = optsFor(2);
        const t = needTable(opts);
        const name = this.scope.string(args[1]);
        if (t && name !== undefined)
          this.c.emit({ kind: 'drop-column', table: t, column: name, ifExists: false, cascade: false }, call, opts);
        else if (t) this.c.unknown(call, what, 'the column name is not a constant', opts);
        return true;
      }
      case 'renameColumn': {
        const opts = optsFor(3);
        const t = needTable(opts);
        const from = this.scope.string(args[1]);
        const to = this.scope.string(args[2]);
        if (t && from !== undefined && to !== undefined)
          this.c.emit({ kind: 'rename-column', table: t, column: from, newName: to }, call, opts);
        else if (t) this.c.unknown(call, what, 'a column name is not a constant', opts);
        return true;
      }
      case 'changeColumn':
        this.changeColumn(call, args, optsFor(3));
        return true;
      case 'addIndex':
        this.addIndex(call, args, chain);
        return true;
      case 'removeIndex': {
        const opts = optsFor(2);
        const t = needTable(opts);
        if (!t) return true;
        const nameOrFields = this.scope.value(args[1]);
        const name =
          typeof nameOrFields === 'string'
            ? nameOrFields
            : Array.isArray(nameOrFields)
              ? underscore(`${t.name}_${joinStatic(nameOrFields, '_')}`)
              : undefined;
        if (name === undefined) return (this.c.unknown(call, what, 'the index name is not a constant', opts), true);
        const concurrently =
          this.scope.known(objectProperties(this.scope, args[2])?.props.get('concurrently')) === true;
        this.c.emit(
          {
            kind: 'drop-index',
            indexes: [t.schema ? { schema: t.schema, name } : { name }],
            concurrently,
            ifExists: true,
            cascade: false,
          },
          call,
          opts,
        );
        return true;
      }
      case 'addConstraint': {
        // Sequelize 5 and older also take the fields first: addConstraint(table, ['col'], { type, … }).
        const fieldsFirst = unwrap(this.scope.resolve(args[1]))?.type === 'ArrayExpression';
        const opts = optsFor(fieldsFirst ? 2 : 1);
        const t = needTable(opts);
        if (!t) return true;
        const def = this.constraintOptions(t, fieldsFirst ? args[2] : args[1], fieldsFirst ? args[1] : undefined);
        if (!def)
          return (this.c.unknown(call, what, 'the constraint options are not written with constants', opts), true);
        this.c.emit(ir.addConstraintDraft(t, def), call, opts);
        return true;
      }
      case 'removeConstraint': {
        const opts = optsFor(2);
        const t = needTable(opts);
        const name = this.scope.string(args[1]);
        if (t && name !== undefined) this.c.emit(ir.dropConstraintDraft(t, name), call, opts);
        else if (t) this.c.unknown(call, what, 'the constraint name is not a constant', opts);
        return true;
      }
      case 'createTable':
        this.createTable(call, args, optsFor(2));
        return true;
      case 'dropTable': {
        const opts = optsFor(1);
        const t = needTable(opts);
        if (t)
          this.c.emit(
            {
              kind: 'drop-table',
              tables: [t],
              ifExists: true,
              cascade: this.scope.known(objectProperties(this.scope, args[1])?.props.get('cascade')) === true,
            },
            call,
            opts,
          );
        return true;
      }
      case 'renameTable': {
        const opts = optsFor(2);
        const t = needTable(opts);
        const to = this.table(args[1]);
        if (t && to) this.c.emit({ kind: 'rename-table', table: t, newName: to.name }, call, opts);
        else if (t) this.c.unknown(call, what, 'the new table name is not a constant', opts);
        return true;
      }
      case 'bulkInsert':
      case 'bulkUpdate':
      case 'bulkDelete':
      case 'upsert':
      case 'insert':
      case 'delete':
      case 'update': {
        const index = link.name === 'bulkInsert' || link.name === 'bulkDelete' ? 2 : 3;
        const opts = optsFor(index);
        const t = this.table(args[0]);
        const statementType =
          link.name.toLowerCase().includes('insert') || link.name === 'upsert'
            ? 'InsertStmt'
            : link.name.toLowerCase().includes('delete')
              ? 'DeleteStmt'
              : 'UpdateStmt';
        this.c.emit(
          t ? { kind: 'data-change', statementType, table: t } : { kind: 'data-change', statementType },
          call,
          opts,
        );
        return true;
      }
      case 'describeTable':
      case 'showAllTables':
      case 'tableExists':
      case 'showIndex':
      case 'getForeignKeysForTables':
      case 'getForeignKeyReferencesForTable':
      case 'select':
      case 'rawSelect':
        return true;
      case 'createSchema':
      case 'dropSchema':
      case 'createFunction':
      case 'dropFunction':
      case 'createTrigger':
      case 'dropTrigger':
      case 'dropEnum':
      case 'dropAllTables':
      case 'dropAllEnums':
        this.c.emit(
          { kind: 'other', statementType: `queryInterface.${link.name}`, detail: this.scope.string(args[0]) },
          call,
          optsFor(1),
        );
        return true;
      default:
        return false;
    }
  }

  /** `queryInterface.sequelize.query/transaction(…)`, or the same on a Sequelize instance. */
  private sequelizeInstanceCall(call: Node, chain: FrameworkChain, link: ChainLink | undefined): boolean {
    if (!link?.args) return false;
    const args = link.args;
    const what = nodeText(this.source, call);
    const optsFor = (index: number) => {
      const tx = this.inTransaction(args[index]);
      return this.emitOptions(chain, tx === undefined ? {} : { inTransaction: tx });
    };
    switch (link.name) {
      case 'query': {
        const opts = optsFor(1);
        // `{ replacements }` fills `:name` (an object) or `?` (an array); `{ bind }` fills `$1`/`$name`: placeholders, not syntax.
        const options = objectProperties(this.scope, args[1])?.props;
        const replacements = options?.get('replacements');
        const given = unwrap(this.scope.resolve(replacements))?.type;
        const kinds = replacements
          ? given === 'ArrayExpression'
            ? { positional: true }
            : given === 'ObjectExpression'
              ? { named: ':' as const }
              : { named: ':' as const, positional: true }
          : options?.has('bind')
            ? { named: '$' as const }
            : undefined;
        const transform = kinds ? (e: EmbeddedSql) => bindPlaceholders(e, kinds) : undefined;
        if (!this.c.sql(args[0], { what, ...opts, ...(transform ? { transform } : {}) }))
          this.c.unknown(call, what, 'the SQL passed to query() is not text written in this file', opts);
        return true;
      }
      case 'transaction': {
        // Managed transaction: Sequelize sends START TRANSACTION, runs the callback and commits.
        // Only the calls passing { transaction: t } run in it; the others use another connection.
        const fn = unwrap(args.find((a) => isFunction(unwrap(a))));
        // Unmanaged (`const t = await sequelize.transaction()`): the calls passing { transaction: t } are in it.
        if (!isFunction(fn)) return true;
        this.c.emit({ kind: 'transaction', action: 'begin' }, call);
        const saved = this.forcedTransaction;
        this.forcedTransaction = false;
        try {
          this.walkFunctionBody(fn);
        } finally {
          this.forcedTransaction = saved;
        }
        this.c.emit({ kind: 'transaction', action: 'commit' }, [call.range[1], call.range[1]]);
        return true;
      }
      default:
        return false;
    }
  }

  private changeColumn(call: Node, args: Node[], opts: ReturnType<FrameworkReader['emitOptions']>): void {
    const what = nodeText(this.source, call);
    const t = this.table(args[0]);
    const name = this.scope.string(args[1]);
    const a = this.attribute(args[2]);
    if (!t || name === undefined || typeof a === 'string') {
      this.c.unknown(
        call,
        what,
        !t
          ? 'the table name is not a constant'
          : name === undefined
            ? 'the column name is not a constant'
            : (a as string),
        opts,
      );
      return;
    }
    // Postgres query generator: NOT NULL, DEFAULT, [ENUM], [UNIQUE], then TYPE or ADD FOREIGN KEY. Sent
    // as one query: with several statements, Postgres runs them as one implicit transaction.
    const drafts: OpDraft[] = [];
    if (!a.allowNull) drafts.push({ kind: 'set-not-null', table: t, column: name });
    else if (!a.references) drafts.push({ kind: 'drop-not-null', table: t, column: name });
    if (a.defaultValue) drafts.push({ kind: 'set-default', table: t, column: name, default: a.defaultValue });
    else if (!a.references) drafts.push({ kind: 'set-default', table: t, column: name });
    if (a.enumValues)
      drafts.push(ir.createEnumDraft({ schema: t.schema ?? 'public', name: `enum_${t.name}_${name}` }, a.enumValues));
    if (a.unique) drafts.push(ir.addConstraintDraft(t, ir.constraint('unique', [name])));
    if (a.references)
      drafts.push(ir.addConstraintDraft(t, ir.constraint('foreign-key', [name], { references: a.references })));
    else {
      const typeSql = this.typeSql(t, name, a);
      drafts.push({
        kind: 'alter-column-type',
        table: t,
        column: name,
        ...(this.typeWithUsing(name, typeSql) ?? { newType: ir.typeRef(typeSql) }),
      });
    }
    const o = drafts.length > 1 ? { inTransaction: true, ...opts } : opts;
    for (const d of drafts) this.c.emit(d, call, o);
  }

  /**
   * A type given as SQL text with a USING clause (`type: 'UUID USING CAST("ref" AS UUID)'`): Sequelize
   * writes the text after TYPE as it is, so the new type and the conversion are read from that clause.
   */
  private typeWithUsing(column: string, typeSql: string): { newType: TypeRef; using?: string } | undefined {
    if (!/\busing\b/i.test(typeSql)) return undefined;
    const result = parseSql(`ALTER TABLE t ALTER COLUMN ${doubleQuote(column)} TYPE ${typeSql}`, {
      file: '',
      direction: 'upgrade',
      generated: true,
    });
    const op = result.ops[0];
    if (result.statements !== 1 || result.diagnostics.length || op?.kind !== 'alter-column-type') return undefined;
    return op.using === undefined ? { newType: op.newType } : { newType: op.newType, using: op.using };
  }

  private addIndex(call: Node, args: Node[], chain: FrameworkChain): void {
    const what = nodeText(this.source, call);
    // addIndex(table, ['a', 'b'], { name, unique, concurrently, where }) or addIndex(table, { fields, … })
    const second = objectProperties(this.scope, args[1]);
    const optionsNode = second ? args[1] : args[2];
    const props = objectProperties(this.scope, optionsNode)?.props;
    const tx = this.inTransaction(optionsNode);
    const opts = this.emitOptions(chain, tx === undefined ? {} : { inTransaction: tx });
    const t = this.table(args[0]);
    const fieldsNode = second ? second.props.get('fields') : args[1];
    const fieldsValue = this.scope.value(fieldsNode);
    const fields = Array.isArray(fieldsValue)
      ? fieldsValue.map((f) =>
          typeof f === 'string'
            ? f
            : f && typeof f === 'object' && !Array.isArray(f) && typeof (f as Record<string, unknown>).name === 'string'
              ? ((f as Record<string, unknown>).name as string)
              : undefined,
        )
      : undefined;
    if (!t || !fields || fields.some((f) => f === undefined)) {
      this.c.unknown(call, what, 'the table or the index fields are not constants', opts);
      return;
    }
    const cols = fields as string[];
    const known = (k: string) => this.scope.known(props?.get(k));
    const unique = known('unique') === true || known('type') === 'UNIQUE';
    const name =
      typeof known('name') === 'string' ? (known('name') as string) : underscore(`${t.name}_${cols.join('_')}`);
    const where = props?.has('where') ? nodeText(this.source, props.get('where')!) : undefined;
    this.c.emit(
      ir.indexDraft(t, cols, { name, unique, concurrently: known('concurrently') === true, where }),
      call,
      opts,
    );
  }

  /** addConstraint options (and the fields, when given before them) → the constraint, with Sequelize's generated names. */
  private constraintOptions(t: QualifiedName, node: Node | undefined, fieldsNode?: Node): ConstraintDef | undefined {
    const p = objectProperties(this.scope, node)?.props;
    if (!p) return undefined;
    const type = staticText(this.scope.known(p.get('type')) ?? '').toLowerCase();
    const fields = this.scope.stringList(fieldsNode ?? p.get('fields'));
    const name = this.scope.string(p.get('name'));
    if (!fields) return undefined;
    switch (type) {
      case 'unique':
        return ir.constraint('unique', fields, { name: name ?? `${t.name}_${fields.join('_')}_uk` });
      case 'primary key':
        return ir.constraint('primary-key', fields, { name: name ?? `${t.name}_${fields.join('_')}_pk` });
      case 'foreign key': {
        const refs = objectProperties(this.scope, p.get('references'))?.props;
        const table = this.table(refs?.get('table'));
        const field = this.scope.stringList(refs?.get('field') ?? refs?.get('fields'));
        if (!table || !field) return undefined;
        return ir.constraint('foreign-key', fields, {
          name: name ?? `${t.name}_${fields.join('_')}_${table.name}_fk`,
          references: { table, columns: field },
        });
      }
      case 'check': {
        // `where` is a Sequelize where-object; its SQL is not rebuilt here, only the constraint's existence and name.
        const def = ir.checkConstraint('true', name ?? `${t.name}_${fields.join('_')}_ck`);
        def.columns = fields;
        def.expression = nodeText(this.source, p.get('where') ?? node!);
        return def;
      }
      default:
        return undefined;
    }
  }

  private createTable(call: Node, args: Node[], opts: ReturnType<FrameworkReader['emitOptions']>): void {
    const what = nodeText(this.source, call);
    const t = this.table(args[0]);
    const attrs = objectProperties(this.scope, args[1]);
    // A table whose columns cannot all be read is still created here: later ops on it touch a new table.
    const partly = (reason: string) => {
      if (t) this.c.emit(ir.partialCreateTableDraft(t, true), call, opts);
      this.c.unknown(call, what, reason, opts);
    };
    if (!t || !attrs || attrs.spread) return partly('the table name or its attributes are not written here');
    const columns: ColumnDef[] = [];
    const parsed: [string, Attribute, Node][] = [];
    for (const [name, node] of attrs.props) {
      const a = this.attribute(node);
      if (typeof a === 'string') return partly(`column ${name}: ${a}`);
      parsed.push([name, a, node]);
    }
    // Sequelize writes the primary key as a table constraint: PRIMARY KEY ("id").
    const primary = parsed.filter(([, a]) => a.primaryKey).map(([n]) => n);
    for (const [name, a, node] of parsed) {
      this.enumType(call, t, name, a, opts);
      columns.push(this.c.placed(this.column(t, name, a, false), node));
    }
    const firstPrimary = parsed.find(([, a]) => a.primaryKey)?.[2];
    const constraints: ConstraintDef[] = firstPrimary
      ? [this.c.placed(ir.constraint('primary-key', primary), firstPrimary)]
      : [];
    this.c.emit(
      {
        kind: 'create-table',
        table: t,
        columns,
        constraints,
        ifNotExists: true,
        asSelect: false,
        partitioned: false,
        temporary: false,
      },
      call,
      opts,
    );
  }
}

/** QueryInterface methods whose changes Sequelize's SQLite dialect makes without an ALTER SQLite lacks. */
const SQLITE_REBUILDS = new Set([
  'changeColumn',
  'removeColumn',
  'renameColumn',
  'addConstraint',
  'removeConstraint',
  'createTable',
]);

export const sequelizeSpec: FrameworkSpec = {
  format: 'sequelize',
  signals: [
    [/from\s+['"]sequelize(?:-typescript)?['"]|require\(\s*['"]sequelize['"]\s*\)/, 20],
    [/\bqueryInterface\s*\./, 20],
    [/\bQueryInterface\b/, 10],
    [/\bSequelize\s*\.\s*[A-Z]/, 5],
  ],
  upParameter: 'queryInterface',
  declaredBy: { packages: ['sequelize', 'sequelize-cli'], files: ['.sequelizerc'] },
  name: 'Sequelize',
  formatHelp: {
    concurrentIndex:
      'With Sequelize: queryInterface.addIndex(table, fields, { name, concurrently: true }) (or that statement in queryInterface.sequelize.query()), not inside a transaction (no `transaction` option, not in sequelize.transaction())',
    sqliteRebuild:
      'With Sequelize, make the change with the queryInterface API (changeColumn, removeColumn, addConstraint, removeConstraint): on SQLite Sequelize recreates the table itself; a column with a non-constant default must be added without it',
  },
  read(input) {
    if (input.shape.up) new SequelizeReader(input).read(input.shape.up, 'upgrade');
    if (input.shape.down) new SequelizeReader(input).read(input.shape.down, 'downgrade');
    return {
      transaction: { upgrade: 'none', downgrade: 'none' },
      downgrade: downgradeFacts(input, {
        autoReversible: false,
        note: 'sequelize-cli and Umzug cannot undo a migration without down()',
      }),
    };
  },
};

export const sequelize = frameworkParser(sequelizeSpec);
