/**
 * node-pg-migrate migrations: `exports.up = (pgm) => { pgm.addColumns(…) }` /
 * `export async function up(pgm: MigrationBuilder)`. Column definitions are read with the file's
 * `shorthands` export and node-pg-migrate's own ones (`id` = serial primary key) and type adapters
 * (`string` = text, `int` = integer, `datetime` = timestamp…); defaults are literals or `pgm.func()`.
 *
 * Transactions: each file runs in its own transaction unless it calls `pgm.noTransaction()` (per
 * direction). Without a `down` export node-pg-migrate reverses `up` automatically, which it cannot
 * do for `pgm.sql()` and the other non-reversible operations (drops, alterColumn…): rollback then
 * fails with "Impossible to automatically infer down migration". `exports.down = false` declares
 * the migration irreversible.
 */
import type { ColumnDef, ConstraintDef, Direction, QualifiedName, TransactionMode } from '../../ir/types.js';
import { parseSql } from '../sql/parse-sql.js';
import type { OpDraft } from '../sql/translate.js';
import { flattenChain, isNode, type Node, nodeText, unwrap } from './ast.js';
import type { EmbeddedSql } from './embedded-sql.js';
import { downgradeFacts, type FrameworkSpec, frameworkParser, type ReadInput } from './frontend.js';
import { type FrameworkChain, FrameworkReader } from './reader.js';
import { objectProperties, type StaticValue, staticText, UNKNOWN } from './scope.js';
import * as ir from '../ir-builder.js';
import { doubleQuote } from '../../ir/identifiers.js';
import { staticDefault, unreadDefault } from './columns.js';

declare module '../../ir/types.js' {
  interface MigrationFormats {
    'node-pg-migrate': true;
  }
}

const TYPE_ADAPTERS: Record<string, string> = {
  int: 'integer',
  string: 'text',
  float: 'real',
  double: 'double precision',
  datetime: 'timestamp',
  bool: 'boolean',
};

/** Operations node-pg-migrate knows how to reverse when a migration has no `down`. */
const REVERSIBLE = new Set([
  'createTable',
  'addColumns',
  'addColumn',
  'renameColumn',
  'renameTable',
  'renameConstraint',
  'createIndex',
  'addIndex',
  'addConstraint',
  'createConstraint',
  'createType',
  'addType',
  'renameType',
  'renameTypeAttribute',
  'renameTypeValue',
  'addTypeAttribute',
  'createExtension',
  'addExtension',
  'createFunction',
  'renameFunction',
  'createTrigger',
  'renameTrigger',
  'createView',
  'renameView',
  'createMaterializedView',
  'renameMaterializedView',
  'renameMaterializedViewColumn',
  'refreshMaterializedView',
  'createSchema',
  'renameSchema',
  'createSequence',
  'renameSequence',
  'createPolicy',
  'renamePolicy',
  'createRole',
  'renameRole',
  'createDomain',
  'renameDomain',
  'createCast',
  'createOperator',
  'createOperatorClass',
  'renameOperatorClass',
  'createOperatorFamily',
  'renameOperatorFamily',
  'addToOperatorFamily',
  'grantRoles',
  'grantOnSchemas',
  'grantOnTables',
  'noTransaction',
  'func',
]);

/** Column options as node-pg-migrate reads them after shorthands. */
type ColumnOptions = Map<string, Node | StaticValue>;

class PgmReader extends FrameworkReader {
  protected readonly objectName = 'pgm';
  noTransaction = false;
  /** Calls node-pg-migrate could not reverse automatically, for the downgrade facts. */
  readonly irreversible: string[] = [];
  private readonly shorthands = new Map<string, Node>();

  constructor(input: ReadInput) {
    super(input.collector, input.scope, input.source);
    const sh = objectProperties(input.scope, input.shape.exports.get('shorthands'));
    if (sh) for (const [k, v] of sh.props) this.shorthands.set(k, v);
  }

  private table(node: Node | undefined): QualifiedName | undefined {
    const s = this.scope.string(node);
    if (s !== undefined) return { name: s };
    const obj = objectProperties(this.scope, node);
    const name = this.scope.string(obj?.props.get('name'));
    if (name === undefined) return undefined;
    const schema = this.scope.string(obj?.props.get('schema'));
    return schema ? { schema, name } : { name };
  }

  /** `pgm.func('now()')` / `PgLiteral.create('now()')` → SQL text. */
  private funcSql(node: Node | undefined): string | undefined {
    const n = unwrap(node);
    if (n?.type === 'NewExpression' && n.callee.type === 'Identifier' && n.callee.name === 'PgLiteral')
      return this.scope.string(n.arguments[0]);
    if (n?.type !== 'CallExpression') return undefined;
    const chain = flattenChain(n);
    const last = chain.links[chain.links.length - 1];
    if (!last) return undefined;
    if (
      (last.name === 'func' && this.expand(chain)) ||
      (last.name === 'create' && chain.root.type === 'Identifier' && chain.root.name === 'PgLiteral')
    ) {
      return this.scope.string(last.args?.[0]);
    }
    return undefined;
  }

  /** A column definition (`'text'`, a shorthand name, or an options object) with shorthands applied. */
  private columnOptions(node: Node | undefined, depth = 0): ColumnOptions | undefined {
    const out: ColumnOptions = new Map();
    const typeName = this.scope.string(node);
    let props: Map<string, Node> | undefined;
    if (typeName !== undefined) out.set('type', typeName);
    else {
      const obj = objectProperties(this.scope, node);
      if (!obj || obj.spread) return undefined;
      props = obj.props;
      for (const [k, v] of props) out.set(k, v);
      const t = this.scope.string(props.get('type'));
      if (t !== undefined) out.set('type', t);
    }
    const type = out.get('type');
    if (typeof type === 'string' && depth < 10) {
      // The file's shorthands win over node-pg-migrate's own `id` (serial primary key).
      const short = this.shorthands.get(type);
      let base: ColumnOptions | undefined;
      if (short) base = this.columnOptions(short, depth + 1);
      else if (type === 'id')
        base = new Map<string, Node | StaticValue>([
          ['type', 'serial'],
          ['primaryKey', true],
        ]);
      if (base) {
        for (const [k, v] of out) if (k !== 'type') base.set(k, v);
        return base;
      }
      out.set('type', TYPE_ADAPTERS[type] ?? type);
    }
    return out;
  }

  private opt(o: ColumnOptions, key: string): StaticValue {
    const n = this.node(o, key);
    return n ? this.scope.known(n) : (o.get(key) as StaticValue);
  }

  private node(o: ColumnOptions, key: string): Node | undefined {
    const v = o.get(key);
    return v && typeof v === 'object' && 'range' in v && isNode(v) ? v : undefined;
  }

  private defaultOf(o: ColumnOptions): ColumnDef['default'] | null | undefined {
    if (!o.has('default')) return undefined;
    const n = this.node(o, 'default');
    const fn = this.funcSql(n);
    if (fn !== undefined) return ir.sqlDefault(fn);
    const v = n ? this.scope.value(n) : (o.get('default') as StaticValue);
    if (v === UNKNOWN)
      return unreadDefault(
        n!,
        this.source,
        this.scope,
        (x) => x.type === 'Identifier' && (x.name === 'PgLiteral' || this.isFrameworkObject(x)),
      );
    if (v === null) return null;
    return staticDefault(v);
  }

  private references(o: ColumnOptions, column: string): ConstraintDef | undefined {
    const refNode = this.node(o, 'references');
    const ref = this.scope.string(refNode) ?? (refNode ? undefined : (o.get('references') as string | undefined));
    let target: { table: QualifiedName; columns: string[] } | undefined;
    if (typeof ref === 'string') {
      const m = /^\s*("?[^"(]+"?(?:\."?[^"(]+"?)?)\s*(?:\(([^)]*)\))?\s*$/.exec(ref);
      const name = (m?.[1] ?? ref).replace(/"/g, '');
      target = {
        table: ir.relationName(name),
        columns: m?.[2] ? m[2].split(',').map((s) => s.trim().replace(/"/g, '')) : [],
      };
    } else {
      const t = this.table(refNode);
      if (t) target = { table: t, columns: [] };
    }
    if (!target) return undefined;
    const name = this.scope.string(this.node(o, 'referencesConstraintName'));
    return ir.constraint('foreign-key', [column], { ...(name ? { name } : {}), references: target });
  }

  /** One column of createTable/addColumns; `inlinePrimaryKey` false when several columns share the primary key. */
  private column(name: string, o: ColumnOptions, inlinePrimaryKey: boolean): ColumnDef | string {
    const type = o.get('type');
    if (typeof type !== 'string') return 'the column type is not a constant';
    const notNullNode = this.node(o, 'notNull');
    if (notNullNode && this.scope.value(notNullNode) === UNKNOWN)
      return `notNull of column ${name} is not a constant, so whether it is NOT NULL cannot be read`;
    const col = ir.columnDef(name, type);
    const d = this.defaultOf(o);
    if (d) col.default = d;
    if (this.opt(o, 'unique') === true) ir.markUnique(col);
    if (this.opt(o, 'primaryKey') === true && inlinePrimaryKey) ir.markPrimaryKey(col);
    if (this.opt(o, 'notNull') === true) col.notNull = true;
    const check = this.opt(o, 'check');
    if (typeof check === 'string') ir.addColumnCheck(col, check);
    if (o.has('references')) {
      const fk = this.references(o, name);
      if (!fk) return 'the referenced table is not a constant';
      col.constraints.push(fk);
    }
    if (this.opt(o, 'sequenceGenerated')) {
      col.generated = 'identity';
      col.notNull = true;
    }
    if (typeof this.opt(o, 'expressionGenerated') === 'string') col.generated = 'stored';
    return col;
  }

  private columns(node: Node | undefined): { name: string; options: ColumnOptions; node: Node }[] | string {
    const obj = objectProperties(this.scope, node);
    if (!obj || obj.spread) return 'the column definitions are not an object written here';
    const out: { name: string; options: ColumnOptions; node: Node }[] = [];
    for (const [name, value] of obj.props) {
      const options = this.columnOptions(value);
      if (!options) return `the definition of column ${name} is not written with constants`;
      out.push({ name, options, node: value });
    }
    return out;
  }

  /** A constraint written as SQL text (`'CHECK (x > 0) NOT VALID'`). */
  private constraintFromSql(text: string, name: string | undefined): ConstraintDef | undefined {
    const result = parseSql(`ALTER TABLE t ADD ${name ? `CONSTRAINT ${doubleQuote(name)} ` : ''}${text}`, {
      file: '',
      direction: 'upgrade',
      generated: true,
    });
    const op = result.ops[0];
    return op?.kind === 'add-constraint' ? op.constraint : undefined;
  }

  /** addConstraint's options object → constraints with node-pg-migrate's default names. */
  private constraintsFromOptions(
    t: QualifiedName,
    name: string | undefined,
    node: Node | undefined,
  ): ConstraintDef[] | undefined {
    const obj = objectProperties(this.scope, node);
    if (!obj) return undefined;
    const out: ConstraintDef[] = [];
    const p = obj.props;
    const check = this.scope.value(p.get('check'));
    if (typeof check === 'string') out.push(ir.checkConstraint(check, name ?? `${t.name}_chck`));
    else if (Array.isArray(check))
      check.forEach((c, i) => out.push(ir.checkConstraint(staticText(c), name ?? `${t.name}_chck_${i + 1}`)));
    const unique = this.scope.value(p.get('unique'));
    if (unique !== UNKNOWN && unique !== undefined) {
      const groups = (Array.isArray(unique) ? unique : [unique]).map((u) =>
        Array.isArray(u) ? u.map(staticText) : [staticText(u)],
      );
      const nested = Array.isArray(unique) && unique.some((u) => Array.isArray(u));
      for (const cols of nested ? groups : [groups.flat()])
        out.push(ir.constraint('unique', cols, { name: name ?? `${t.name}_uniq_${cols.join('_')}` }));
    }
    const pk = this.scope.stringList(p.get('primaryKey'));
    if (pk) out.push(ir.constraint('primary-key', pk, { name: name ?? `${t.name}_pkey` }));
    const fkNode = this.scope.resolve(p.get('foreignKeys'));
    const fks = fkNode?.type === 'ArrayExpression' ? fkNode.elements : fkNode ? [fkNode] : [];
    for (const fk of fks) {
      const fp = objectProperties(this.scope, fk)?.props;
      const cols = this.scope.stringList(fp?.get('columns'));
      if (!fp || !cols) return undefined;
      const opts = new Map<string, Node | StaticValue>(fp);
      const ref = this.references(opts, cols[0]!);
      if (!ref) return undefined;
      ref.columns = cols;
      ref.name = this.scope.string(fp.get('referencesConstraintName')) ?? name ?? `${t.name}_fk_${cols.join('_')}`;
      out.push(ref);
    }
    if (p.has('exclude')) out.push(ir.constraint('exclusion', [], { name: name ?? `${t.name}_excl` }));
    return out;
  }

  private indexName(t: QualifiedName, columns: string[], unique: boolean): string {
    return `${t.name}_${columns.join('_')}${unique ? '_unique' : ''}_index`;
  }

  private indexColumns(node: Node | undefined): string[] | undefined {
    const list = this.scope.value(node);
    if (list === UNKNOWN) return undefined;
    const items = Array.isArray(list) ? list : [list];
    const out: string[] = [];
    for (const item of items) {
      if (typeof item === 'string') out.push(item);
      else if (
        item &&
        typeof item === 'object' &&
        !Array.isArray(item) &&
        typeof (item as Record<string, StaticValue>).name === 'string'
      )
        out.push((item as Record<string, StaticValue>).name as string);
      else return undefined;
    }
    return out;
  }

  protected frameworkCall(call: Node, chain: FrameworkChain): boolean {
    const links = chain.links;
    const link = links[0];
    if (!link) return false;
    const opts = this.emitOptions(chain);
    const what = nodeText(this.source, call);
    // pgm.db.query('…') / pgm.db.select('…') run SQL right away on the migration's connection.
    if (link.name === 'db' && links[1] && (links[1].name === 'query' || links[1].name === 'select')) {
      if (!this.c.sql(links[1].args?.[0], { what, ...opts }))
        this.c.unknown(call, what, 'the SQL passed to pgm.db is not text written in this file', opts);
      this.irreversible.push('pgm.db');
      return true;
    }
    if (!link.args) return false;
    const args = link.args;
    const name = link.name;
    if (!REVERSIBLE.has(name)) this.irreversible.push(`pgm.${name}()`);
    const t = () => {
      const table = this.table(args[0]);
      if (!table) this.c.unknown(call, what, 'the table name is not a constant', opts);
      return table;
    };
    const emit = (draft: OpDraft, statement?: number) =>
      this.c.emit(draft, call, statement === undefined ? opts : { ...opts, statement });
    switch (name) {
      case 'noTransaction':
        this.noTransaction = true;
        return true;
      case 'sql': {
        const values = objectProperties(this.scope, args[1]);
        const transform = values ? (e: EmbeddedSql) => this.substitute(e, values.props) : undefined;
        if (!this.c.sql(args[0], { what, ...opts, ...(transform ? { transform } : {}) }))
          this.c.unknown(call, what, 'the SQL passed to pgm.sql() is not text written in this file', opts);
        return true;
      }
      case 'func':
        return true;
      case 'createTable': {
        const table = t();
        if (!table) return true;
        // A table whose columns cannot all be read is still created here: later ops on it touch a new table.
        const partly = (reason: string) => {
          this.c.emit(ir.partialCreateTableDraft(table, false), call, opts);
          this.c.unknown(call, what, reason, opts);
          return true;
        };
        const cols = this.columns(args[1]);
        if (typeof cols === 'string') return partly(cols);
        const primary = cols.filter((c) => this.opt(c.options, 'primaryKey') === true).map((c) => c.name);
        const columns: ColumnDef[] = [];
        for (const c of cols) {
          const col = this.column(c.name, c.options, primary.length <= 1);
          if (typeof col === 'string') return partly(col);
          columns.push(this.c.placed(col, c.node));
        }
        const o = objectProperties(this.scope, args[2])?.props;
        const constraints: ConstraintDef[] = [];
        // A key over several columns is stated on each of them: placed on the first.
        const firstPrimary = cols.find((c) => this.opt(c.options, 'primaryKey') === true);
        if (primary.length > 1 && firstPrimary)
          constraints.push(
            this.c.placed(ir.constraint('primary-key', primary, { name: `${table.name}_pkey` }), firstPrimary.node),
          );
        const options = o?.get('constraints');
        if (options)
          for (const def of this.constraintsFromOptions(table, undefined, options) ?? [])
            constraints.push(this.c.placed(def, options));
        emit(
          ir.createTableDraft(table, columns, constraints, {
            ifNotExists: this.scope.known(o?.get('ifNotExists')) === true,
            partitioned: Boolean(o?.has('partition')),
            temporary: this.scope.known(o?.get('temporary')) === true,
          }),
        );
        return true;
      }
      case 'dropTable': {
        const table = t();
        const o = objectProperties(this.scope, args[1])?.props;
        if (table)
          emit({
            kind: 'drop-table',
            tables: [table],
            ifExists: this.scope.known(o?.get('ifExists')) === true,
            cascade: this.scope.known(o?.get('cascade')) === true,
          });
        return true;
      }
      case 'renameTable': {
        const table = t();
        const to = this.scope.string(args[1]);
        if (table && to !== undefined) emit({ kind: 'rename-table', table, newName: to });
        else if (table) this.c.unknown(call, what, 'the new table name is not a constant', opts);
        return true;
      }
      case 'addColumns':
      case 'addColumn': {
        const table = t();
        if (!table) return true;
        const cols = this.columns(args[1]);
        if (typeof cols === 'string') return (this.c.unknown(call, what, cols, opts), true);
        const ifNotExists = this.scope.known(objectProperties(this.scope, args[2])?.props.get('ifNotExists')) === true;
        const statement = this.c.newStatement();
        for (const c of cols) {
          const col = this.column(c.name, c.options, true);
          if (typeof col === 'string') this.c.unknown(call, what, col, opts);
          // Several columns in one call: each is positioned at its own definition.
          else
            this.c.emit({ kind: 'add-column', table, column: col, ifNotExists }, cols.length > 1 ? c.node : call, {
              ...opts,
              statement,
              within: call,
            });
        }
        return true;
      }
      case 'dropColumns':
      case 'dropColumn': {
        const table = t();
        if (!table) return true;
        const v = this.scope.value(args[1]);
        const names =
          typeof v === 'string'
            ? [v]
            : Array.isArray(v)
              ? v.map(String)
              : v && typeof v === 'object'
                ? Object.keys(v)
                : undefined;
        if (!names) return (this.c.unknown(call, what, 'the column names are not constants', opts), true);
        const o = objectProperties(this.scope, args[2])?.props;
        const statement = this.c.newStatement();
        for (const column of names)
          emit(
            {
              kind: 'drop-column',
              table,
              column,
              ifExists: this.scope.known(o?.get('ifExists')) === true,
              cascade: this.scope.known(o?.get('cascade')) === true,
            },
            statement,
          );
        return true;
      }
      case 'renameColumn': {
        const table = t();
        const from = this.scope.string(args[1]);
        const to = this.scope.string(args[2]);
        if (table && from !== undefined && to !== undefined)
          emit({ kind: 'rename-column', table, column: from, newName: to });
        else if (table) this.c.unknown(call, what, 'a column name is not a constant', opts);
        return true;
      }
      case 'alterColumn': {
        const table = t();
        const column = this.scope.string(args[1]);
        const o = objectProperties(this.scope, args[2]);
        if (!table) return true;
        if (column === undefined || !o)
          return (this.c.unknown(call, what, 'the column or its options are not written with constants', opts), true);
        const p = o.props;
        const statement = this.c.newStatement();
        if (p.has('default')) {
          const d = this.defaultOf(new Map(p));
          emit(
            d ? { kind: 'set-default', table, column, default: d } : { kind: 'set-default', table, column },
            statement,
          );
        }
        const type = this.scope.string(p.get('type'));
        if (type !== undefined) {
          const draft: OpDraft = {
            kind: 'alter-column-type',
            table,
            column,
            newType: ir.typeRef(TYPE_ADAPTERS[type] ?? type),
          };
          const using = this.scope.string(p.get('using'));
          if (using) draft.using = using;
          emit(draft, statement);
        } else if (p.has('type')) this.c.unknown(call, what, 'the new type is not a constant', opts);
        const notNull = this.scope.known(p.get('notNull'));
        if (notNull === true) emit({ kind: 'set-not-null', table, column }, statement);
        else if (notNull === false || this.scope.known(p.get('allowNull')) === true)
          emit({ kind: 'drop-not-null', table, column }, statement);
        return true;
      }
      case 'addConstraint':
      case 'createConstraint': {
        const table = t();
        if (!table) return true;
        const cname = this.scope.string(args[1]);
        const text = this.scope.string(args[2]);
        const defs =
          text !== undefined
            ? [this.constraintFromSql(text, cname)].filter((d): d is ConstraintDef => Boolean(d))
            : this.constraintsFromOptions(table, cname, args[2]);
        if (!defs || !defs.length)
          return (this.c.unknown(call, what, 'the constraint is not written with constants', opts), true);
        if (text !== undefined) this.irreversible.push('pgm.addConstraint() with SQL text');
        if (cname === undefined && text === undefined) this.irreversible.push('pgm.addConstraint() without a name');
        const statement = this.c.newStatement();
        for (const def of defs) emit(ir.addConstraintDraft(table, def), statement);
        return true;
      }
      case 'dropConstraint': {
        const table = t();
        const cname = this.scope.string(args[1]);
        const o = objectProperties(this.scope, args[2])?.props;
        if (table && cname !== undefined)
          emit({
            kind: 'drop-constraint',
            table,
            name: cname,
            ifExists: this.scope.known(o?.get('ifExists')) === true,
            cascade: this.scope.known(o?.get('cascade')) === true,
          });
        else if (table) this.c.unknown(call, what, 'the constraint name is not a constant', opts);
        return true;
      }
      case 'createIndex':
      case 'addIndex':
      case 'dropIndex': {
        const table = t();
        if (!table) return true;
        const columns = this.indexColumns(args[1]);
        const o = objectProperties(this.scope, args[2])?.props;
        if (!columns) return (this.c.unknown(call, what, 'the index columns are not constants', opts), true);
        const unique = this.scope.known(o?.get('unique')) === true;
        const iname = this.scope.string(o?.get('name')) ?? this.indexName(table, columns, unique);
        const concurrently = this.scope.known(o?.get('concurrently')) === true;
        const ifx = this.scope.known(o?.get(name === 'dropIndex' ? 'ifExists' : 'ifNotExists')) === true;
        if (name === 'dropIndex') {
          emit({
            kind: 'drop-index',
            indexes: [table.schema ? { schema: table.schema, name: iname } : { name: iname }],
            concurrently,
            ifExists: ifx,
            cascade: this.scope.known(o?.get('cascade')) === true,
          });
        } else {
          const where = this.scope.string(o?.get('where'));
          emit(ir.indexDraft(table, columns, { name: iname, unique, concurrently, ifNotExists: ifx, where }));
        }
        return true;
      }
      case 'addTypeValue': {
        const type = this.table(args[0]);
        const value = this.scope.string(args[1]);
        if (type && value !== undefined) emit({ kind: 'add-enum-value', type, value });
        else this.c.unknown(call, what, 'the type or value is not a constant', opts);
        return true;
      }
      default:
        if (/^(create|drop|rename|alter|add|set|refresh|grant|revoke)/.test(name)) {
          emit({ kind: 'other', statementType: `pgm.${name}`, detail: this.scope.string(args[0]) });
          return true;
        }
        return false;
    }
  }

  /** pgm.sql('… {table} …', { table: 'users' }): node-pg-migrate replaces `{key}` with the value. */
  private substitute(e: EmbeddedSql, values: Map<string, Node>): EmbeddedSql {
    let text = '';
    const offsets: number[] = [];
    let placeholders = e.placeholders;
    for (let i = 0; i < e.text.length; i++) {
      const m = /^\{(\w+)\}/.exec(e.text.slice(i, i + 64));
      const key = m?.[1];
      if (key !== undefined && values.has(key)) {
        const v = this.scope.value(values.get(key));
        const piece = typeof v === 'string' || typeof v === 'number' ? String(v) : (placeholders++, `"\${${key}}"`);
        text += piece;
        for (let k = 0; k < piece.length; k++) offsets.push(e.offsets[i]!);
        i += m![0].length - 1;
        continue;
      }
      text += e.text[i]!;
      offsets.push(e.offsets[i]!);
    }
    offsets.push(e.offsets[e.text.length]!);
    return { text, offsets, placeholders, node: e.node };
  }
}

export const nodePgMigrateSpec: FrameworkSpec = {
  format: 'node-pg-migrate',
  signals: [
    [/from\s+['"]node-pg-migrate['"]|require\(\s*['"]node-pg-migrate['"]\s*\)/, 30],
    [/\bMigrationBuilder\b/, 15],
    [/\bpgm\s*\./, 15],
    [/\bexports\.shorthands\b|\bexport\s+const\s+shorthands\b/, 10],
  ],
  upParameter: 'pgm',
  declaredBy: { packages: ['node-pg-migrate'] },
  transactionFacts: {
    wrapped: {
      reason: 'node-pg-migrate runs each migration in a transaction',
      fix: 'call pgm.noTransaction() in this migration and keep the statement out of any other transaction',
    },
  },
  formatHelp: {
    concurrentIndex:
      'With node-pg-migrate: pgm.createIndex(table, columns, { name, concurrently: true }) (or the SQL in pgm.sql()), in a migration that calls pgm.noTransaction() first',
  },
  name: 'node-pg-migrate',
  read(input) {
    const modes: Record<Direction, TransactionMode> = { upgrade: 'wrapped', downgrade: 'wrapped' };
    let irreversible: string[] = [];
    if (input.shape.up) {
      const r = new PgmReader(input);
      r.read(input.shape.up, 'upgrade');
      if (r.noTransaction) modes.upgrade = 'none';
      irreversible = r.irreversible;
      if (input.collector.ops.some((op) => op.kind === 'unknown'))
        irreversible.push('calls this frontend could not read');
    }
    if (input.shape.down) {
      const r = new PgmReader(input);
      r.read(input.shape.down, 'downgrade');
      if (r.noTransaction) modes.downgrade = 'none';
    } else if (input.shape.down === undefined && !irreversible.length) {
      // Reversed automatically: the downgrade runs in the same transaction mode.
      modes.downgrade = modes.upgrade;
    }
    const downgrade = downgradeFacts(
      input,
      irreversible.length
        ? {
            autoReversible: false,
            note: `node-pg-migrate cannot reverse ${[...new Set(irreversible)].slice(0, 3).join(', ')} automatically: rolling back fails with "Impossible to automatically infer down migration"`,
          }
        : { autoReversible: true, note: 'node-pg-migrate reverses up() automatically' },
    );
    return { transaction: modes, downgrade };
  },
};

export const nodePgMigrate = frameworkParser(nodePgMigrateSpec);
