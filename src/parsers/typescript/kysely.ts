/**
 * Kysely migrations: `export async function up(db: Kysely<any>)` with schema builder chains ending in
 * `.execute()` (`db.schema.alterTable('t').addColumn('c', 'text', (col) => col.notNull()).execute()`)
 * and raw SQL (``sql`…`.execute(db)``). Kysely passes data types through as SQL, so a type is read as
 * written; a chain that never reaches `.execute()` runs nothing.
 *
 * Transactions: Kysely's Migrator runs all pending migrations in one transaction on dialects with
 * transactional DDL (Postgres); the only opt-out is global (`disableTransactions`), so every file is
 * `wrapped`. `createIndex` has no CONCURRENTLY option: an index on an existing table built through
 * the builder always blocks writes; a CONCURRENTLY index in raw SQL fails inside the transaction.
 */
import type { ColumnDef, ConstraintDef, QualifiedName } from '../../ir/types.js';
import type { OpDraft } from '../sql/translate.js';
import {
  type Chain,
  type ChainLink,
  flattenChain,
  type FunctionNode,
  isFunction,
  type Node,
  nodeText,
  unwrap,
} from './ast.js';
import { embeddedSql } from './embedded-sql.js';
import { downgradeFacts, type FrameworkSpec, frameworkParser, type ReadInput } from './frontend.js';
import { type FrameworkChain, FrameworkReader } from './reader.js';
import { builderAssigns, builderRowScope, UNKNOWN } from './scope.js';
import * as ir from '../ir-builder.js';
import { staticDefault, unreadDefault } from './columns.js';

declare module '../../ir/types.js' {
  interface MigrationFormats {
    kysely: true;
  }
}

const EXECUTE = new Set(['execute', 'executeTakeFirst', 'executeTakeFirstOrThrow']);

/** alterTable() calls that become actions of its one ALTER TABLE statement. */
const ALTER_ACTIONS = new Set([
  'addColumn',
  'dropColumn',
  'renameColumn',
  'alterColumn',
  'modifyColumn',
  'renameTo',
  'setSchema',
  'addPrimaryKeyConstraint',
  'addUniqueConstraint',
  'addForeignKeyConstraint',
  'addCheckConstraint',
  'dropConstraint',
  'renameConstraint',
  'addIndex',
  'dropIndex',
]);

class KyselyReader extends FrameworkReader {
  protected readonly objectName = 'db';
  /** Schema builders whose chain never reaches `.execute()`: they run nothing. */
  readonly notExecuted: Node[] = [];

  constructor(input: ReadInput) {
    super(input.collector, input.scope, input.source);
  }

  /** Is `node` Kysely's `sql` template tag (or `sql.raw`)? */
  private isSqlTag(node: Node | undefined): boolean {
    const n = unwrap(node);
    if (n?.type !== 'Identifier') return false;
    const from = this.scope.imports.get(n.name);
    return from === 'kysely' || (n.name === 'sql' && from === undefined);
  }

  /** SQL text of `sql\`…\`` / `sql.raw('…')` / a string, when written here without dynamic parts. */
  private sqlText(node: Node | undefined): string | undefined {
    const n = unwrap(node);
    if (!n) return undefined;
    if (n.type === 'TaggedTemplateExpression' && this.isSqlTag(n.tag)) {
      const e = embeddedSql(n.quasi, this.scope, this.source, 'parameter');
      return e && e.placeholders === 0 ? e.text : undefined;
    }
    if (n.type === 'CallExpression') {
      const chain = flattenChain(n);
      if (
        this.isSqlTag(chain.root) &&
        chain.links.length === 1 &&
        (chain.links[0]!.name === 'raw' || chain.links[0]!.name === 'lit')
      ) {
        return this.scope.string(chain.links[0]!.args?.[0]);
      }
    }
    return this.scope.string(n);
  }

  private defaultOf(node: Node | undefined): ColumnDef['default'] {
    const raw = this.sqlText(node);
    const n = unwrap(node);
    if (raw !== undefined && n?.type !== 'Literal' && n?.type !== 'TemplateLiteral') return ir.sqlDefault(raw);
    const v = this.scope.value(node);
    if (v === UNKNOWN)
      return unreadDefault(
        node!,
        this.source,
        this.scope,
        (x) => this.isSqlTag(x) || (x.type === 'Identifier' && this.isFrameworkObject(x)),
      );
    return staticDefault(v);
  }

  protected override otherCall(call: Node, chain: Chain): boolean {
    // sql`…`.execute(db) / sql.raw('…').execute(db)
    const last = chain.links[chain.links.length - 1];
    if (!last || !EXECUTE.has(last.name)) return false;
    const viaDb = this.isFrameworkObject(last.args?.[0]);
    if (chain.root.type === 'TaggedTemplateExpression' && this.isSqlTag(chain.root.tag) && chain.links.length === 1) {
      const expanded = viaDb ? this.expand(flattenChain(unwrap(last.args![0])!)) : undefined;
      const opts = this.emitOptions(expanded);
      if (!this.c.sql(chain.root.quasi, { what: nodeText(this.source, call), style: 'parameter', ...opts }))
        this.c.unknown(call, nodeText(this.source, call), 'the SQL is not readable', opts);
      return true;
    }
    if (this.isSqlTag(chain.root) && chain.links.length === 2 && chain.links[0]!.name === 'raw') {
      const opts = this.emitOptions();
      if (!this.c.sql(chain.links[0]!.args?.[0], { what: nodeText(this.source, call), ...opts }))
        this.c.unknown(
          call,
          nodeText(this.source, call),
          'the SQL passed to sql.raw() is not text written in this file',
          opts,
        );
      return true;
    }
    return false;
  }

  protected frameworkCall(call: Node, chain: FrameworkChain): boolean {
    const links = chain.links;
    const first = links[0];
    if (!first) return false;
    const opts = this.emitOptions(chain);
    const what = nodeText(this.source, call);
    if (first.name === 'transaction' || first.name === 'connection') {
      // db.transaction().execute(async (trx) => …)
      const exec = links.find((l) => EXECUTE.has(l.name));
      const fn = unwrap(exec?.args?.[0]);
      if (isFunction(fn)) {
        const param = fn.params[0]?.type === 'Identifier' ? [fn.params[0].name] : [];
        this.withBinding(param, [], first.name === 'transaction' ? true : undefined, () => this.walkFunctionBody(fn));
        return true;
      }
      return false;
    }
    if (['insertInto', 'replaceInto', 'updateTable', 'deleteFrom', 'mergeInto'].includes(first.name)) {
      if (!links.some((l) => EXECUTE.has(l.name))) return true;
      const table = this.scope.string(first.args?.[0]);
      const statementType =
        first.name === 'updateTable'
          ? 'UpdateStmt'
          : first.name === 'deleteFrom'
            ? 'DeleteStmt'
            : first.name === 'mergeInto'
              ? 'MergeStmt'
              : 'InsertStmt';
      const change = table
        ? { kind: 'data-change' as const, statementType, table: ir.relationName(table) }
        : { kind: 'data-change' as const, statementType };
      // Which rows an update/delete touches, as its where() links say.
      this.c.emit(
        statementType === 'UpdateStmt'
          ? { ...change, ...builderRowScope(this.scope, links), ...builderAssigns(this.scope, links, 'set') }
          : statementType === 'DeleteStmt'
            ? { ...change, ...builderRowScope(this.scope, links) }
            : change,
        call,
        opts,
      );
      return true;
    }
    if (['selectFrom', 'selectNoFrom', 'with', 'fn', 'dynamic', 'introspection', 'destroy'].includes(first.name))
      return true;
    if (first.name !== 'schema') return false;

    let i = 1;
    let schema: string | undefined;
    if (links[i]?.name === 'withSchema') {
      schema = this.scope.string(links[i]!.args?.[0]);
      i++;
    }
    const builder = links[i];
    if (!builder?.args) return false;
    const rest = links.slice(i + 1);
    if (!rest.some((l) => EXECUTE.has(l.name))) {
      // Kysely builders are not promises: one never executed sends nothing to the database.
      if (this.isKept(call))
        this.c.unknown(
          call,
          what,
          'the schema builder is kept in a variable; where it is executed cannot be read statically',
          opts,
        );
      else this.notExecuted.push(call);
      return true;
    }
    const name = this.scope.string(builder.args[0]);
    if (name === undefined && builder.name !== 'createIndex' && builder.name !== 'dropIndex') {
      this.c.unknown(call, what, 'the name given to the builder is not a constant', opts);
      return true;
    }
    switch (builder.name) {
      case 'createTable':
        this.createTable(call, ir.relationName(name!, schema), rest, opts);
        return true;
      case 'alterTable':
        this.alterTable(ir.relationName(name!, schema), rest, opts);
        return true;
      case 'dropTable':
        this.c.emit(
          {
            kind: 'drop-table',
            tables: [ir.relationName(name!, schema)],
            ifExists: has(rest, 'ifExists'),
            cascade: has(rest, 'cascade'),
          },
          call,
          opts,
        );
        return true;
      case 'createIndex':
        this.createIndex(call, name, schema, rest, opts);
        return true;
      case 'dropIndex': {
        if (name === undefined) {
          this.c.unknown(call, what, 'the index name is not a constant', opts);
          return true;
        }
        this.c.emit(
          {
            kind: 'drop-index',
            indexes: [ir.relationName(name, schema)],
            concurrently: false,
            ifExists: has(rest, 'ifExists'),
            cascade: has(rest, 'cascade'),
          },
          call,
          opts,
        );
        return true;
      }
      case 'createType':
      case 'dropType':
      case 'createView':
      case 'dropView':
      case 'createSchema':
      case 'dropSchema':
      case 'refreshMaterializedView':
        this.c.emit({ kind: 'other', statementType: `db.schema.${builder.name}`, detail: name }, call, opts);
        return true;
      default:
        return false;
    }
  }

  /** `(col) => col.notNull().defaultTo(0).references('t.id')` → the column's facts. */
  private column(name: string, typeNode: Node | undefined, build: Node | undefined): ColumnDef | string {
    const typeSql = this.sqlText(typeNode);
    if (typeSql === undefined) return 'the data type is not a constant';
    const col = ir.columnDef(name, typeSql);
    const fn = unwrap(build);
    if (!fn) return col;
    if (!isFunction(fn)) return 'the column builder is not a function written here';
    const body =
      fn.body.type === 'BlockStatement'
        ? fn.body.body.find((s: Node) => s.type === 'ReturnStatement')?.argument
        : fn.body;
    const expr = unwrap(body);
    if (!expr) return col;
    const chain = flattenChain(expr);
    const param = fn.params[0]?.type === 'Identifier' ? fn.params[0].name : undefined;
    if (chain.root.type !== 'Identifier' || chain.root.name !== param)
      return 'the column builder does not return a chain on its parameter';
    for (const l of chain.links) {
      const a = l.args ?? [];
      switch (l.name) {
        case 'notNull':
          col.notNull = true;
          break;
        case 'defaultTo': {
          const d = this.defaultOf(a[0]);
          if (d) col.default = d;
          break;
        }
        case 'primaryKey':
          ir.markPrimaryKey(col);
          break;
        case 'unique':
          ir.markUnique(col);
          break;
        case 'references': {
          const ref = this.scope.string(a[0]);
          if (!ref) return 'the referenced column is not a constant';
          // Kysely takes the last dot as the column: 'users.id', 'auth.users.id'.
          const target = ir.referenceTarget(ref) ?? { table: { name: '' }, columns: [ref] };
          ir.addColumnReference(col, target);
          break;
        }
        case 'check':
          ir.addColumnCheck(col, this.sqlText(a[0]) ?? '…');
          break;
        case 'generatedAlwaysAsIdentity':
        case 'generatedByDefaultAsIdentity':
        case 'identity':
          col.generated = 'identity';
          col.notNull = true;
          break;
        case 'generatedAlwaysAs':
          col.generated = 'stored';
          break;
        case 'stored':
        case 'onDelete':
        case 'onUpdate':
        case 'unsigned':
        case 'nullsNotDistinct':
        case 'modifyEnd':
        case 'modifyFront':
          break;
        case 'autoIncrement':
          // Not Postgres syntax; Kysely writes it as is and Postgres rejects it.
          return 'autoIncrement() is not Postgres syntax';
        default:
          return `.${l.name}() on a column is not a call this frontend reads`;
      }
    }
    return col;
  }

  private tableConstraint(l: ChainLink): ConstraintDef | undefined {
    const a = l.args ?? [];
    const name = this.scope.string(a[0]);
    switch (l.name) {
      case 'addPrimaryKeyConstraint': {
        const cols = this.scope.stringList(a[1]);
        return cols ? ir.constraint('primary-key', cols, { name }) : undefined;
      }
      case 'addUniqueConstraint': {
        const cols = this.scope.stringList(a[1]);
        return cols ? ir.constraint('unique', cols, { name }) : undefined;
      }
      case 'addForeignKeyConstraint': {
        const cols = this.scope.stringList(a[1]);
        const table = this.scope.string(a[2]);
        const refs = this.scope.stringList(a[3]);
        return cols && table && refs
          ? ir.constraint('foreign-key', cols, { name, references: { table: ir.relationName(table), columns: refs } })
          : undefined;
      }
      case 'addCheckConstraint': {
        const text = this.sqlText(a[1]);
        return text ? ir.checkConstraint(text, name) : undefined;
      }
      default:
        return undefined;
    }
  }

  private createTable(
    call: Node,
    table: QualifiedName,
    rest: ChainLink[],
    opts: ReturnType<FrameworkReader['emitOptions']>,
  ): void {
    const columns: ColumnDef[] = [];
    const constraints: ConstraintDef[] = [];
    for (const l of rest) {
      if (EXECUTE.has(l.name)) break;
      if (l.name === 'addColumn') {
        const name = this.scope.string(l.args?.[0]);
        const col =
          name === undefined ? 'the column name is not a constant' : this.column(name, l.args?.[1], l.args?.[2]);
        if (typeof col === 'string') {
          this.c.unknown(l.node, nodeText(this.source, l.node), col, opts);
          return;
        }
        columns.push(this.c.placed(col, l.at));
      } else if (l.name.startsWith('add') && l.name.endsWith('Constraint')) {
        const def = this.tableConstraint(l);
        if (!def)
          return void this.c.unknown(
            l.node,
            nodeText(this.source, l.node),
            'the constraint is not written with constants',
            opts,
          );
        constraints.push(this.c.placed(def, l.at));
      } else if (
        ![
          'ifNotExists',
          'temporary',
          'onCommit',
          'modifyFront',
          'modifyEnd',
          'onDelete',
          'onUpdate',
          'deferrable',
          'initiallyDeferred',
          'initiallyImmediate',
          'notDeferrable',
        ].includes(l.name)
      ) {
        return void this.c.unknown(
          l.node,
          nodeText(this.source, l.node),
          `.${l.name}() on createTable is not a call this frontend reads`,
          opts,
        );
      }
    }
    const flags = {
      ifNotExists: has(rest, 'ifNotExists'),
      asSelect: has(rest, 'as'),
      temporary: has(rest, 'temporary'),
    };
    this.c.emit(ir.createTableDraft(table, columns, constraints, flags), call, opts);
  }

  /** Every action of one alterTable chain is one ALTER TABLE statement. */
  private alterTable(table: QualifiedName, rest: ChainLink[], opts: ReturnType<FrameworkReader['emitOptions']>): void {
    const actions = rest.filter((l) => ALTER_ACTIONS.has(l.name));
    const rename = actions.find((l) => l.name === 'renameColumn' || l.name === 'renameTo');
    if (rename && actions.length > 1) {
      // Kysely writes them into one ALTER TABLE, which Postgres rejects: RENAME cannot be combined.
      this.c.diagnostics.push({
        rule: 'parse-error',
        message: `Kysely sends this chain as one ALTER TABLE with ${rename.name}() among other actions, which Postgres rejects (syntax error at or near "rename"): split the rename into its own alterTable().`,
        span: this.c.span(rename.at),
      });
    }
    const statement = this.c.newStatement();
    const emit = (draft: OpDraft, at: Node | [number, number]) => this.c.emit(draft, at, { ...opts, statement });
    for (let k = 0; k < rest.length; k++) {
      const l = rest[k]!;
      if (EXECUTE.has(l.name)) break;
      const a = l.args ?? [];
      const at = l.at;
      const text = nodeText(this.source, l.node).replace(/^.*?\.(?=\w+\()/, '');
      switch (l.name) {
        case 'addColumn': {
          const name = this.scope.string(a[0]);
          const col = name === undefined ? 'the column name is not a constant' : this.column(name, a[1], a[2]);
          if (typeof col === 'string') this.c.unknown(at, text, col, opts);
          else emit({ kind: 'add-column', table, column: col, ifNotExists: false }, at);
          break;
        }
        case 'dropColumn': {
          const name = this.scope.string(a[0]);
          if (name === undefined) this.c.unknown(at, text, 'the column name is not a constant', opts);
          else emit({ kind: 'drop-column', table, column: name, ifExists: false, cascade: false }, at);
          break;
        }
        case 'renameColumn': {
          const from = this.scope.string(a[0]);
          const to = this.scope.string(a[1]);
          if (from === undefined || to === undefined) this.c.unknown(at, text, 'a column name is not a constant', opts);
          else emit({ kind: 'rename-column', table, column: from, newName: to }, at);
          break;
        }
        case 'alterColumn': {
          const name = this.scope.string(a[0]);
          const fn = unwrap(a[1]);
          const body = isFunction(fn)
            ? unwrap(
                fn.body.type === 'BlockStatement'
                  ? fn.body.body.find((s: Node) => s.type === 'ReturnStatement')?.argument
                  : fn.body,
              )
            : undefined;
          const inner = body?.type === 'CallExpression' ? flattenChain(body).links[0] : undefined;
          if (name === undefined || !inner) {
            this.c.unknown(at, text, 'the altered column is not written with constants', opts);
            break;
          }
          const ia = inner.args ?? [];
          switch (inner.name) {
            case 'setDataType': {
              const t = this.sqlText(ia[0]);
              if (t === undefined) this.c.unknown(at, text, 'the data type is not a constant', opts);
              else emit({ kind: 'alter-column-type', table, column: name, newType: ir.typeRef(t) }, at);
              break;
            }
            case 'setDefault': {
              const d = this.defaultOf(ia[0]);
              emit(
                d
                  ? { kind: 'set-default', table, column: name, default: d }
                  : { kind: 'set-default', table, column: name },
                at,
              );
              break;
            }
            case 'dropDefault':
              emit({ kind: 'set-default', table, column: name }, at);
              break;
            case 'setNotNull':
              emit({ kind: 'set-not-null', table, column: name }, at);
              break;
            case 'dropNotNull':
              emit({ kind: 'drop-not-null', table, column: name }, at);
              break;
            default:
              this.c.unknown(at, text, `.${inner.name}() in alterColumn is not a call this frontend reads`, opts);
          }
          break;
        }
        case 'addPrimaryKeyConstraint':
        case 'addUniqueConstraint':
        case 'addForeignKeyConstraint':
        case 'addCheckConstraint': {
          const def = this.tableConstraint(l);
          if (def) emit({ kind: 'add-constraint', table, constraint: def }, at);
          else this.c.unknown(at, text, 'the constraint is not written with constants', opts);
          break;
        }
        case 'dropConstraint': {
          const name = this.scope.string(a[0]);
          if (name === undefined) this.c.unknown(at, text, 'the constraint name is not a constant', opts);
          else
            emit(
              {
                kind: 'drop-constraint',
                table,
                name,
                ifExists: rest.slice(k + 1).some((x) => x.name === 'ifExists'),
                cascade: rest.slice(k + 1).some((x) => x.name === 'cascade'),
              },
              at,
            );
          break;
        }
        case 'renameTo': {
          const to = this.scope.string(a[0]);
          if (to === undefined) this.c.unknown(at, text, 'the new table name is not a constant', opts);
          else emit({ kind: 'rename-table', table, newName: to }, at);
          break;
        }
        case 'addIndex':
        case 'dropIndex':
        case 'modifyColumn':
          this.c.unknown(at, text, `alterTable().${l.name}() is MySQL syntax that Postgres rejects`, opts);
          break;
        case 'onDelete':
        case 'onUpdate':
        case 'ifExists':
        case 'cascade':
        case 'deferrable':
        case 'initiallyDeferred':
        case 'initiallyImmediate':
        case 'notDeferrable':
        case 'nullsNotDistinct':
          break;
        default:
          this.c.unknown(at, text, `alterTable().${l.name}() is not a call this frontend reads`, opts);
      }
    }
  }

  private createIndex(
    call: Node,
    name: string | undefined,
    schema: string | undefined,
    rest: ChainLink[],
    opts: ReturnType<FrameworkReader['emitOptions']>,
  ): void {
    let table: QualifiedName | undefined;
    const columns: string[] = [];
    let where: string | undefined;
    for (const l of rest) {
      const a = l.args ?? [];
      if (l.name === 'on') {
        const t = this.scope.string(a[0]);
        if (t !== undefined) table = ir.relationName(t, schema);
      } else if (l.name === 'column') {
        const c = this.scope.string(a[0]);
        if (c !== undefined) columns.push(c);
      } else if (l.name === 'columns') columns.push(...(this.scope.stringList(a[0]) ?? []));
      else if (l.name === 'expression') columns.push(this.sqlText(a[0]) ?? '…');
      else if (l.name === 'where') where = a.map((x) => nodeText(this.source, x)).join(' ');
    }
    if (!table) {
      this.c.unknown(call, nodeText(this.source, call), 'the indexed table is not a constant', opts);
      return;
    }
    this.c.emit(
      ir.indexDraft(table, columns, {
        name,
        unique: has(rest, 'unique'),
        ifNotExists: has(rest, 'ifNotExists'),
        where,
      }),
      call,
      opts,
    );
  }
}

function has(links: ChainLink[], name: string): boolean {
  return links.some((l) => l.name === name);
}

export const kyselySpec: FrameworkSpec = {
  format: 'kysely',
  signals: [
    [/from\s+['"]kysely['"]|require\(\s*['"]kysely['"]\s*\)/, 30],
    [/\bKysely\s*</, 10],
    [
      /\.schema\s*\.\s*(?:createTable|alterTable|createIndex|dropTable|dropIndex|createType)\s*\(\s*['"`][^'"`]*['"`]\s*\)/,
      8,
    ],
    [/\.execute\(\s*\)/, 3],
  ],
  declaredBy: { packages: ['kysely'] },
  transactionFacts: {
    wrapped: {
      reason: "Kysely's Migrator runs each migration in a transaction on Postgres",
      fix: 'run this migration with a Migrator created with `disableTransactions: true`',
    },
  },
  formatHelp: {
    concurrentIndex:
      "With Kysely (its createIndex builder has no CONCURRENTLY): await sql`…`.execute(db) with that statement, outside the Migrator's transaction (a Migrator created with `disableTransactions: true`)",
    sqliteRebuild:
      'With Kysely, recreate the table by hand: CREATE TABLE with the new definition, INSERT INTO it SELECT … FROM the old table, DROP the old table, ALTER TABLE … RENAME TO the old name, each with sql`…`.execute(db)',
  },
  name: 'Kysely',
  read(input) {
    if (input.shape.up) new KyselyReader(input).read(input.shape.up, 'upgrade');
    const down = input.shape.down ? new KyselyReader(input) : undefined;
    if (down) down.read(input.shape.down as FunctionNode, 'downgrade');
    const downgrade = downgradeFacts(input, {
      autoReversible: false,
      note: "Kysely's Migrator skips a migration without down() when migrating down: it stays applied",
    });
    const idle = down?.notExecuted[0];
    if (downgrade.state === 'empty' && idle) {
      downgrade.note = `its schema builders never call .execute(), so they send nothing: ${nodeText(input.source, idle, 50)} (line ${input.collector.span(idle).line})`;
    }
    return { transaction: { upgrade: 'wrapped', downgrade: 'wrapped' }, downgrade };
  },
};

export const kysely = frameworkParser(kyselySpec);
