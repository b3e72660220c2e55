/**
 * The rule engine: walks each migration's ops in order, gives every enabled rule a context with what
 * the migration set has shown so far (tables created, column types, validated NOT NULL checks), and
 * collects findings.
 */
import type { Direction, Migration, Operation, QualifiedName, SourceSpan, TypeRef } from '../ir/types.js';
import type { Finding, ReportOptions, Rule, RuleContext, Severity, Visitor } from './types.js';

export interface LintOptions {
  pgVersion: number;
  /** Target database; default PostgreSQL. */
  dialect?: 'postgresql' | 'sqlite';
  checkDowngrade: boolean;
  /** Enabled rules with their effective severity. */
  rules: { rule: Rule; severity: Severity }[];
}

export function tableKey(t: QualifiedName): string {
  return `${t.schema ?? 'public'}.${t.name}`;
}

/** What earlier migrations of the run established; updated as upgrade ops are walked. */
class SchemaState {
  readonly columns = new Map<string, Map<string, TypeRef>>();
  /** table → columns proven NOT NULL by a validated CHECK (col IS NOT NULL) */
  readonly notNullChecks = new Map<string, Map<string, string>>();
  /** table → constraint name → column, for NOT VALID checks waiting for VALIDATE */
  readonly pendingChecks = new Map<string, Map<string, string>>();

  private cols(t: QualifiedName): Map<string, TypeRef> {
    const k = tableKey(t);
    let m = this.columns.get(k);
    if (!m) this.columns.set(k, (m = new Map()));
    return m;
  }

  private addCheck(t: QualifiedName, name: string | undefined, column: string, valid: boolean): void {
    const target = valid ? this.notNullChecks : this.pendingChecks;
    const k = tableKey(t);
    if (!target.has(k)) target.set(k, new Map());
    target.get(k)!.set(name ?? `(unnamed ${column})`, column);
  }

  apply(op: Operation): void {
    switch (op.kind) {
      case 'create-table': {
        const m = this.cols(op.table);
        m.clear();
        for (const c of op.columns) m.set(c.name, c.type);
        for (const c of op.constraints) if (c.checksNotNullOf) this.addCheck(op.table, c.name, c.checksNotNullOf, !c.notValid);
        break;
      }
      case 'add-column':
        this.cols(op.table).set(op.column.name, op.column.type);
        break;
      case 'alter-column-type':
        this.cols(op.table).set(op.column, op.newType);
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
        const to = tableKey({ schema: op.table.schema, name: op.newName });
        for (const map of [this.columns, this.notNullChecks, this.pendingChecks]) {
          const v = map.get(from);
          map.delete(from);
          if (v) (map as Map<string, unknown>).set(to, v);
        }
        break;
      }
      case 'drop-table':
        for (const t of op.tables) {
          this.columns.delete(tableKey(t));
          this.notNullChecks.delete(tableKey(t));
          this.pendingChecks.delete(tableKey(t));
        }
        break;
      case 'add-constraint': {
        // PG 18's `ADD CONSTRAINT … NOT NULL col [NOT VALID]` proves the column like a CHECK (col IS NOT NULL).
        const provenColumn = op.constraint.checksNotNullOf ?? (op.constraint.type === 'not-null' ? op.constraint.columns[0] : undefined);
        if (provenColumn) this.addCheck(op.table, op.constraint.name, provenColumn, !op.constraint.notValid);
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
      default:
        break;
    }
  }

  columnType(t: QualifiedName, column: string): TypeRef | undefined {
    return this.columns.get(tableKey(t))?.get(column);
  }

  hasValidNotNullCheck(t: QualifiedName, column: string): boolean {
    for (const col of this.notNullChecks.get(tableKey(t))?.values() ?? []) if (col === column) return true;
    return false;
  }
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
  const f: Finding = { rule, severity, file: span.file, line: span.line, column: span.column, endLine: span.endLine, endColumn: span.endColumn, message, direction };
  if (extra.help) f.help = extra.help;
  if (extra.lock) f.lock = extra.lock;
  if (extra.revision) f.revision = extra.revision;
  return f;
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
  const newTables = new Set<string>();
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
    isNewTable: (t) => newTables.has(tableKey(t)),
    isNewColumn: (t, c) => newTables.has(tableKey(t)) || newColumns.has(`${tableKey(t)}.${c}`),
    columnType: (t, c) => state.columnType(t, c),
    hasValidNotNullCheck: (t, c) => state.hasValidNotNullCheck(t, c),
    report(op: Operation, message: string, extra: ReportOptions = {}) {
      if (!current) throw new Error('report() called outside a rule visitor');
      const { help, lock } = extra;
      // An op under a condition the parser could not decide: the finding holds only when it does.
      const text = op.conditional ? `${message} (only when ${op.conditional.reason})` : message;
      findings.push(finding(current.rule.meta.id, extra.severity ?? current.severity, extra.span ?? op.span, text, op.direction, { help, lock, revision: op.revision }));
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
    if (op.kind === 'create-table') newTables.add(tableKey(op.table));
    else if (op.kind === 'add-column') newColumns.add(`${tableKey(op.table)}.${op.column.name}`);
    if (op.kind === 'rename-table' && newTables.has(tableKey(op.table))) newTables.add(tableKey({ schema: op.table.schema, name: op.newName }));
    state.apply(op);
  }
  for (const a of active) {
    if (!a.visitor.end) continue;
    current = a;
    a.visitor.end();
  }
  current = undefined;
}

/** Lints migrations in the order given (the order the tool runs them). */
export function lintMigrations(migrations: Migration[], options: LintOptions): Finding[] {
  const findings: Finding[] = [];
  const state = new SchemaState();
  for (const migration of migrations) {
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
      report(span, message, extra = {}) {
        findings.push(finding(rule.meta.id, extra.severity ?? severity, span, message, 'upgrade', extra));
      },
    });
  }
  return findings;
}
