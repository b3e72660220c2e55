/**
 * The rule engine: walks each migration's ops in order, gives every enabled rule a context with what
 * the migration set has shown so far (tables created, column types, validated NOT NULL checks), and
 * collects findings.
 */
import type {
  ColumnDef,
  Direction,
  Migration,
  MigrationEdit,
  Operation,
  QualifiedName,
  SourceSpan,
} from '../ir/types.js';
import type { ColumnFacts, Finding, ReportOptions, Rule, RuleContext, Severity, Visitor } from './types.js';

export interface LintOptions {
  pgVersion: number;
  /** Target database; default PostgreSQL. */
  dialect?: 'postgresql' | 'sqlite';
  checkDowngrade: boolean;
  /** Enabled rules with their effective severity. */
  rules: { rule: Rule; severity: Severity }[];
  /** Migration files changed since the `--since` base (for edited-migration). */
  edits?: readonly MigrationEdit[];
  /** How messages name files and directories (RunContext.displayPath); default: as given. */
  displayPath?: (path: string) => string;
}

export function tableKey(t: QualifiedName): string {
  return `${t.schema ?? 'public'}.${t.name}`;
}

/** Index → the table it is on, with the reverse so that dropping or renaming a table costs its own indexes, not all of them. */
class IndexTables {
  private readonly table = new Map<string, QualifiedName>();
  private readonly byTable = new Map<string, Set<string>>();

  get(ix: string): QualifiedName | undefined {
    return this.table.get(ix);
  }

  set(ix: string, table: QualifiedName): void {
    this.delete(ix);
    this.table.set(ix, table);
    const k = tableKey(table);
    let set = this.byTable.get(k);
    if (!set) this.byTable.set(k, (set = new Set()));
    set.add(ix);
  }

  delete(ix: string): void {
    const table = this.table.get(ix);
    if (!table) return;
    this.table.delete(ix);
    this.byTable.get(tableKey(table))?.delete(ix);
  }

  /** Forgets the indexes of a table (dropped, or created anew). */
  dropTable(t: QualifiedName): void {
    const k = tableKey(t);
    for (const ix of this.byTable.get(k) ?? []) this.table.delete(ix);
    this.byTable.delete(k);
  }

  /** The indexes of a renamed table stay on it under its new name. */
  renameTable(t: QualifiedName, renamed: QualifiedName): void {
    for (const ix of [...(this.byTable.get(tableKey(t)) ?? [])]) this.set(ix, renamed);
  }
}

/**
 * What earlier migrations of the set established (and earlier ops of this migration); updated as
 * upgrade ops are walked. One per migration set: unrelated directories never share it.
 */
class SchemaState {
  readonly columns = new Map<string, Map<string, ColumnFacts>>();
  /** table → columns proven NOT NULL by a validated CHECK (col IS NOT NULL) */
  readonly notNullChecks = new Map<string, Map<string, string>>();
  /** table → constraint name → column, for NOT VALID checks waiting for VALIDATE */
  readonly pendingChecks = new Map<string, Map<string, string>>();
  /** index (schema-qualified like its table) → the table it is on */
  readonly indexes = new IndexTables();

  private cols(t: QualifiedName): Map<string, ColumnFacts> {
    const k = tableKey(t);
    let m = this.columns.get(k);
    if (!m) this.columns.set(k, (m = new Map<string, ColumnFacts>()));
    return m;
  }

  private addCheck(t: QualifiedName, name: string | undefined, column: string, valid: boolean): void {
    const target = valid ? this.notNullChecks : this.pendingChecks;
    const k = tableKey(t);
    if (!target.has(k)) target.set(k, new Map());
    target.get(k)!.set(name ?? `(unnamed ${column})`, column);
  }

  /** After SET/DROP NOT NULL the column's nullability is known, even when its creation was not seen. */
  private setNotNull(t: QualifiedName, column: string, notNull: boolean): void {
    const m = this.cols(t);
    const c = m.get(column);
    if (c) c.notNull = notNull;
    else m.set(column, { notNull });
  }

  apply(op: Operation): void {
    switch (op.kind) {
      case 'create-table': {
        const m = this.cols(op.table);
        m.clear();
        this.indexes.dropTable(op.table);
        const primary = new Set(op.constraints.filter((c) => c.type === 'primary-key').flatMap((c) => c.columns));
        for (const c of op.columns) m.set(c.name, columnFacts(c, primary.has(c.name)));
        for (const c of op.constraints)
          if (c.checksNotNullOf) this.addCheck(op.table, c.name, c.checksNotNullOf, !c.notValid);
        break;
      }
      case 'add-column':
        this.cols(op.table).set(op.column.name, columnFacts(op.column, false));
        break;
      case 'alter-column-type': {
        const c = this.cols(op.table).get(op.column);
        if (c) c.type = op.newType;
        else this.cols(op.table).set(op.column, { type: op.newType });
        break;
      }
      case 'set-not-null':
        this.setNotNull(op.table, op.column, true);
        break;
      case 'drop-not-null':
        this.setNotNull(op.table, op.column, false);
        break;
      case 'rename-column': {
        const m = this.cols(op.table);
        const t = m.get(op.column);
        m.delete(op.column);
        if (t) m.set(op.newName, t);
        // Postgres renames the column inside its CHECK constraints too.
        for (const checks of [this.notNullChecks, this.pendingChecks]) {
          const byName = checks.get(tableKey(op.table));
          for (const [name, col] of byName ?? []) if (col === op.column) byName!.set(name, op.newName);
        }
        break;
      }
      case 'drop-column':
        this.cols(op.table).delete(op.column);
        // Dropping a column drops the constraints on it: a column re-added under that name is unproven.
        for (const checks of [this.notNullChecks, this.pendingChecks]) {
          const byName = checks.get(tableKey(op.table));
          for (const [name, col] of byName ?? []) if (col === op.column) byName!.delete(name);
        }
        break;
      case 'rename-table': {
        const from = tableKey(op.table);
        const renamed = { schema: op.table.schema, name: op.newName };
        const to = tableKey(renamed);
        for (const map of [this.columns, this.notNullChecks, this.pendingChecks]) {
          const v = map.get(from);
          map.delete(from);
          if (v) (map as Map<string, unknown>).set(to, v);
        }
        this.indexes.renameTable(op.table, renamed);
        break;
      }
      case 'drop-table':
        for (const t of op.tables) {
          this.columns.delete(tableKey(t));
          this.notNullChecks.delete(tableKey(t));
          this.pendingChecks.delete(tableKey(t));
          this.indexes.dropTable(t);
        }
        break;
      case 'add-constraint': {
        // PG 18's `ADD CONSTRAINT … NOT NULL col [NOT VALID]` proves the column like a CHECK (col IS NOT NULL).
        const provenColumn =
          op.constraint.checksNotNullOf ?? (op.constraint.type === 'not-null' ? op.constraint.columns[0] : undefined);
        if (provenColumn) this.addCheck(op.table, op.constraint.name, provenColumn, !op.constraint.notValid);
        // A primary key, and a valid NOT NULL constraint, mark their columns NOT NULL.
        if (op.constraint.type === 'primary-key' || (op.constraint.type === 'not-null' && !op.constraint.notValid)) {
          for (const c of op.constraint.columns) this.setNotNull(op.table, c, true);
        }
        break;
      }
      case 'validate-constraint': {
        const pending = this.pendingChecks.get(tableKey(op.table));
        const col = pending?.get(op.name);
        if (col !== undefined) {
          pending!.delete(op.name);
          this.addCheck(op.table, op.name, col, true);
        }
        break;
      }
      case 'drop-constraint':
        this.notNullChecks.get(tableKey(op.table))?.delete(op.name);
        this.pendingChecks.get(tableKey(op.table))?.delete(op.name);
        break;
      case 'create-index':
        // An index lives in its table's schema.
        if (op.name) this.indexes.set(tableKey({ schema: op.table.schema, name: op.name }), op.table);
        break;
      case 'drop-index':
        for (const ix of op.indexes) this.indexes.delete(tableKey(ix));
        break;
      default:
        break;
    }
  }

  column(t: QualifiedName, column: string): ColumnFacts | undefined {
    return this.columns.get(tableKey(t))?.get(column);
  }

  hasValidNotNullCheck(t: QualifiedName, column: string): boolean {
    for (const col of this.notNullChecks.get(tableKey(t))?.values() ?? []) if (col === column) return true;
    return false;
  }
}

function columnFacts(c: ColumnDef, inPrimaryKey: boolean): ColumnFacts {
  const facts: ColumnFacts = { type: c.type, notNull: c.notNull || c.primaryKey || inPrimaryKey };
  if (c.generated) facts.generated = c.generated;
  return facts;
}

/** The one place a finding is built: from a rule's report, a run-level report or a parser diagnostic. */
function finding(
  rule: string,
  severity: Severity,
  span: SourceSpan,
  message: string,
  direction: Direction,
  extra: { help?: string; lock?: string; revision?: string } = {},
): Finding {
  const f: Finding = {
    rule,
    severity,
    file: span.file,
    line: span.line,
    column: span.column,
    endLine: span.endLine,
    endColumn: span.endColumn,
    message,
    direction,
  };
  if (extra.help) f.help = extra.help;
  if (extra.lock) f.lock = extra.lock;
  if (extra.revision) f.revision = extra.revision;
  return f;
}

/**
 * Relations this migration created, while they are still new: empty, or filled but not yet committed
 * (no other session can see them). A table filled from a query or COPY stops being new once that
 * fill is committed: its rows are real, and later constraints and indexes work through all of them.
 */
class CreatedRelations {
  private readonly fresh = new Set<string>();
  /** New tables holding rows copied in by INSERT … SELECT, COPY or CREATE TABLE … AS */
  private readonly filled = new Set<string>();
  private readonly uncommitted = new Set<string>();

  isNew(t: QualifiedName): boolean {
    return this.fresh.has(tableKey(t));
  }

  holdsCopiedRows(t: QualifiedName): boolean {
    return this.filled.has(tableKey(t));
  }

  private fill(key: string, inTransaction: boolean): void {
    this.filled.add(key);
    if (inTransaction) this.uncommitted.add(key);
    else this.fresh.delete(key);
  }

  apply(op: Operation): void {
    switch (op.kind) {
      case 'create-table': {
        const key = tableKey(op.table);
        this.fresh.add(key);
        this.filled.delete(key);
        if (op.asSelect) this.fill(key, op.inTransaction);
        break;
      }
      case 'other':
        // A view or materialized view made here: an index or refresh on it blocks no one yet.
        if (op.createsRelation && op.table) this.fresh.add(tableKey(op.table));
        break;
      case 'data-change':
        if (op.rowsFromQuery && op.table && this.fresh.has(tableKey(op.table)))
          this.fill(tableKey(op.table), op.inTransaction);
        break;
      case 'transaction':
        if (op.action === 'commit') {
          for (const key of this.uncommitted) this.fresh.delete(key);
          this.uncommitted.clear();
        }
        break;
      case 'rename-table': {
        const from = tableKey(op.table);
        const to = tableKey({ schema: op.table.schema, name: op.newName });
        for (const set of [this.fresh, this.filled, this.uncommitted]) if (set.has(from)) set.add(to);
        break;
      }
      default:
        break;
    }
  }
}

function lintDirection(
  migration: Migration,
  direction: Direction,
  state: SchemaState,
  options: LintOptions,
  findings: Finding[],
): void {
  const ops = migration.ops.filter((op) => op.direction === direction);
  if (ops.length === 0 && !migration.downgrade) return;
  const created = new CreatedRelations();
  /** `schema.table.column` of columns added by this migration so far */
  const newColumns = new Set<string>();
  // One context for all rules of this migration; `report` files the finding under the rule whose
  // visitor is running (set by the dispatch below), so no per-rule context objects are built.
  type Active = { rule: Rule; severity: Severity; visitor: Visitor };
  let current: Active | undefined;
  const context: RuleContext = {
    pgVersion: options.pgVersion,
    dialect: options.dialect ?? 'postgresql',
    migration,
    direction,
    ops,
    isNewTable: (t) => created.isNew(t),
    holdsCopiedRows: (t) => created.holdsCopiedRows(t),
    isNewColumn: (t, c) => created.isNew(t) || newColumns.has(`${tableKey(t)}.${c}`),
    columnType: (t, c) => state.column(t, c)?.type,
    column: (t, c) => state.column(t, c),
    indexTable: (ix) => state.indexes.get(tableKey(ix)),
    hasValidNotNullCheck: (t, c) => state.hasValidNotNullCheck(t, c),
    report(op: Operation, message: string, extra: ReportOptions = {}) {
      if (!current) throw new Error('report() called outside a rule visitor');
      const { help, lock } = extra;
      // An op under a condition the parser could not decide: the finding holds only when it does.
      const text = op.conditional ? `${message} (only when ${op.conditional.reason})` : message;
      findings.push(
        finding(current.rule.meta.id, extra.severity ?? current.severity, extra.span ?? op.span, text, op.direction, {
          help,
          lock,
          revision: op.revision,
        }),
      );
    },
    reportAt(span: SourceSpan, message: string, extra: Omit<ReportOptions, 'span'> = {}) {
      if (!current) throw new Error('reportAt() called outside a rule visitor');
      const { help, lock } = extra;
      findings.push(
        finding(current.rule.meta.id, extra.severity ?? current.severity, span, message, direction, {
          help,
          lock,
          revision: migration.revision,
        }),
      );
    },
  };
  const active: Active[] = [];
  for (const { rule, severity } of options.rules) {
    if (!rule.create) continue; // run-level rules (checkRun) need no per-migration context
    current = { rule, severity, visitor: {} };
    current.visitor = rule.create(context);
    active.push(current);
  }
  // The visitors of each op kind, gathered once per migration: an op reaches only the rules that handle its kind.
  const byKind = new Map<string, Active[]>();
  for (const a of active) {
    for (const kind in a.visitor) {
      if (kind === 'end' || typeof a.visitor[kind as keyof Visitor] !== 'function') continue;
      let list = byKind.get(kind);
      if (!list) byKind.set(kind, (list = []));
      list.push(a);
    }
  }
  for (const op of ops) {
    const handling = byKind.get(op.kind);
    if (handling) {
      for (const a of handling) {
        current = a;
        (a.visitor[op.kind] as (o: Operation) => void)(op);
      }
    }
    // What an op that may not run establishes is not known: later ops are judged without it.
    if (op.conditional) continue;
    created.apply(op);
    if (op.kind === 'add-column') newColumns.add(`${tableKey(op.table)}.${op.column.name}`);
    state.apply(op);
  }
  for (const a of active) {
    if (!a.visitor.end) continue;
    current = a;
    a.visitor.end();
  }
  current = undefined;
}

/** The set a migration belongs to: as its format's parser stamped it, else its format and directory. */
export function migrationSetOf(migration: Migration): string {
  if (migration.migrationSet) return migration.migrationSet;
  const slash = Math.max(migration.file.lastIndexOf('/'), migration.file.lastIndexOf('\\'));
  return `${migration.format}:${slash === -1 ? '.' : migration.file.slice(0, slash)}`;
}

/** Lints migrations in the order given (the order the tool runs them). */
export function lintMigrations(migrations: Migration[], options: LintOptions): Finding[] {
  const findings: Finding[] = [];
  // Schema state flows only within one migration set: unrelated directories linted together
  // (a monorepo's services) never see each other's tables.
  const states = new Map<string, SchemaState>();
  for (const migration of migrations) {
    const set = migrationSetOf(migration);
    let state = states.get(set);
    if (!state) states.set(set, (state = new SchemaState()));
    for (const d of migration.diagnostics) {
      findings.push(finding(d.rule, 'error', d.span, d.message, 'upgrade'));
    }
    lintDirection(migration, 'upgrade', state, options, findings);
    // Downgrades are checked on their own: their ops undo the upgrade and must not feed the schema state.
    if (options.checkDowngrade) lintDirection(migration, 'downgrade', new SchemaState(), options, findings);
  }
  for (const { rule, severity } of options.rules) {
    if (!rule.checkRun) continue;
    rule.checkRun({
      pgVersion: options.pgVersion,
      migrations,
      edits: options.edits ?? [],
      displayPath: options.displayPath ?? ((path) => path),
      report(span, message, extra = {}) {
        findings.push(finding(rule.meta.id, extra.severity ?? severity, span, message, 'upgrade', extra));
      },
    });
  }
  return findings;
}
