/**
 * The rule engine: walks each migration's ops in order, gives every enabled rule a context with what
 * the migration set has shown so far (tables created, column types, validated NOT NULL checks), and
 * collects findings.
 */
import type { Direction, Migration, MigrationEdit, Operation, SourceSpan } from '../ir/types.js';
import { CreatedRelations, NO_CONSTRAINTS, SchemaState, tableKey } from '../analysis/schema-state.js';
import {
  type FindingKind,
  isRule,
  type ReportOptions,
  type Rule,
  type RuleContext,
  type Severity,
  type Visitor,
} from '../rules/types.js';
import type { Finding } from './types.js';
import { migrationSetOf } from '../ir/migration-set.js';

export { migrationSetOf };

export interface LintOptions {
  pgVersion: number;
  /** Target database; default PostgreSQL. */
  dialect?: 'postgresql' | 'sqlite';
  checkDowngrade: boolean;
  /** Enabled rules with their effective severity (finding kinds that are not rules are passed over). */
  rules: { rule: FindingKind; severity: Severity }[];
  /** Migration files changed since the `--since` base (for edited-migration). */
  edits?: readonly MigrationEdit[];
  /** How messages name files and directories (RunContext.displayPath); default: as given. */
  displayPath?: (path: string) => string;
  /**
   * Files read for context only (their per-file findings are not wanted: `--since`, or the files of a set
   * besides the one an editor shows): their ops feed the schema state, but no per-migration rule runs on
   * them. Their parser diagnostics and run-level checks are still produced.
   */
  contextOnly?: ReadonlySet<string>;
}

/**
 * A finding's message, help and lock are strings its rule assembled (`a${b}c` makes a tree of string
 * pieces): made flat here, while young, they do not stay as piece trees in the old generation until the
 * reporter reads them — V8 flattens an old string into a new old-generation copy, and on the bench
 * corpus the JSON report added ~20 MB of them. Help and lock texts repeat (the same advice for each
 * table: 33,635 helps, 16,613 distinct), so one copy of each is kept: `texts` maps a text to its copy.
 */
function flat(s: string): string {
  // ToNumber reads the characters in one piece: V8 flattens the string in place first.
  void Number(s);
  return s;
}

function shared(texts: Map<string, string>, s: string): string {
  const copy = texts.get(s);
  if (copy !== undefined) return copy;
  texts.set(s, s);
  return s;
}

/** The one place a finding is built: from a rule's report, a run-level report or a parser diagnostic. */
function finding(
  texts: Map<string, string>,
  rule: string,
  severity: Severity,
  span: SourceSpan,
  message: string,
  direction: Direction,
  extra: Pick<ReportOptions, 'help' | 'lock' | 'related'> & { revision?: string | undefined } = {},
): Finding {
  const { file, line, column, endLine, endColumn } = span;
  message = flat(message);
  const help = extra.help ? shared(texts, flat(extra.help)) : undefined;
  const lock = extra.lock ? shared(texts, flat(extra.lock)) : undefined;
  // One literal per combination of the usual optional fields, in the order they have always been set:
  // the object is made with all its fields in place (fields added later go to a separate property store).
  const f: Finding =
    help !== undefined
      ? lock !== undefined
        ? { rule, severity, file, line, column, endLine, endColumn, message, direction, help, lock }
        : { rule, severity, file, line, column, endLine, endColumn, message, direction, help }
      : lock !== undefined
        ? { rule, severity, file, line, column, endLine, endColumn, message, direction, lock }
        : { rule, severity, file, line, column, endLine, endColumn, message, direction };
  if (extra.revision) f.revision = extra.revision;
  if (extra.related?.length)
    f.related = extra.related.map(({ span, message: m }) => ({
      file: span.file,
      line: span.line,
      column: span.column,
      endLine: span.endLine,
      endColumn: span.endColumn,
      message: m,
    }));
  return f;
}

/** A rule that visits ops, with the visitor it made for the migration being linted. */
type Active = { rule: Rule; severity: Severity; visitor: Visitor };

/**
 * What the engine keeps from one migration to the next, so that linting one allocates only what the
 * rules themselves make: one `Active` per op-visiting rule, and per op kind the rules that handle it
 * with their handlers (parallel arrays, refilled for each migration).
 */
class Dispatch {
  readonly active: Active[] = [];
  private readonly byKind = new Map<string, { rules: Active[]; handlers: ((op: Operation) => void)[] }>();

  constructor(rules: LintOptions['rules']) {
    for (const { rule, severity } of rules) {
      // run-level rules (checkRun) need no per-migration context
      if (isRule(rule) && rule.create) this.active.push({ rule, severity, visitor: {} });
    }
  }

  /** Gathers the handlers of each op kind from the visitors just made: an op reaches only the rules that handle its kind. */
  gather(): void {
    for (const list of this.byKind.values()) {
      list.rules.length = 0;
      list.handlers.length = 0;
    }
    for (const a of this.active) {
      for (const kind in a.visitor) {
        const handler = a.visitor[kind as keyof Visitor];
        if (kind === 'end' || typeof handler !== 'function') continue;
        let list = this.byKind.get(kind);
        if (!list) this.byKind.set(kind, (list = { rules: [], handlers: [] }));
        list.rules.push(a);
        list.handlers.push(handler as (op: Operation) => void);
      }
    }
  }

  handling(kind: string): { rules: Active[]; handlers: ((op: Operation) => void)[] } | undefined {
    return this.byKind.get(kind);
  }
}

function lintDirection(
  migration: Migration,
  direction: Direction,
  state: SchemaState,
  options: LintOptions,
  dispatch: Dispatch,
  findings: Finding[],
  texts: Map<string, string>,
): void {
  const ops = migration.ops.filter((op) => op.direction === direction);
  if (ops.length === 0 && !migration.downgrade) return;
  const created = new CreatedRelations();
  /** `schema.table.column` of columns added by this migration so far */
  const newColumns = new Set<string>();
  /**
   * What ops that run only under a condition created, per condition: an op under the same condition
   * (or that one and more) runs only after them — `if (!(await hasTable('t'))) { createTable('t');
   * addIndex('t', …) }` indexes a new table. Other ops are judged without them.
   */
  const createdUnder = new Map<string, ConditionalCreations>();
  /** The op whose handlers are running: isNewTable/isNewColumn answer for its condition. */
  let judged: Operation | undefined;
  const sameBranch = (): ConditionalCreations[] => {
    const conditional = judged?.conditional;
    if (conditional === undefined || createdUnder.size === 0) return [];
    const mine = new Set(conditionsOf(conditional));
    return [...createdUnder.values()].filter((u) => u.conjuncts.every((c) => mine.has(c)));
  };
  // One context for all rules of this migration; `report` files the finding under the rule whose
  // visitor is running (set by the dispatch below), so no per-rule context objects are built.
  let current: Active | undefined;
  const context: RuleContext = {
    pgVersion: options.pgVersion,
    dialect: options.dialect ?? 'postgresql',
    migration,
    direction,
    ops,
    isNewTable: (t) => created.isNew(t) || sameBranch().some((u) => u.created.isNew(t)),
    holdsCopiedRows: (t) => created.holdsCopiedRows(t),
    isNewColumn: (t, c) =>
      created.isNew(t) ||
      newColumns.has(`${tableKey(t)}.${c}`) ||
      sameBranch().some((u) => u.created.isNew(t) || u.columns.has(`${tableKey(t)}.${c}`)),
    columnType: (t, c) => state.column(t, c)?.type,
    column: (t, c) => state.column(t, c),
    indexTable: (ix) => state.indexes.get(tableKey(ix)),
    hasValidNotNullCheck: (t, c) => state.hasValidNotNullCheck(t, c),
    constraints: (t) => state.constraints.get(tableKey(t)) ?? NO_CONSTRAINTS,
    formerConstraintName: (t, name) => state.formerConstraintNames.get(tableKey(t))?.get(name),
    uniqueIndexes: (t) => state.indexes.uniqueOnTable(t),
    partitionColumns: (t) => state.partitionKeys.get(tableKey(t)),
    report(op: Operation, message: string, extra: ReportOptions = {}) {
      if (!current) throw new Error('report() called outside a rule visitor');
      const { help, lock, related } = extra;
      // An op under a condition the parser could not decide: the finding holds only when it does.
      const text = op.conditional ? `${message} (only when ${op.conditional.reason})` : message;
      findings.push(
        finding(
          texts,
          current.rule.meta.id,
          extra.severity ?? current.severity,
          extra.span ?? op.span,
          text,
          op.direction,
          {
            help,
            lock,
            related,
            revision: op.revision,
          },
        ),
      );
    },
    reportAt(span: SourceSpan, message: string, extra: Omit<ReportOptions, 'span'> = {}) {
      if (!current) throw new Error('reportAt() called outside a rule visitor');
      const { help, lock, related } = extra;
      findings.push(
        finding(texts, current.rule.meta.id, extra.severity ?? current.severity, span, message, direction, {
          help,
          lock,
          related,
          revision: migration.revision,
        }),
      );
    },
  };
  for (const a of dispatch.active) {
    current = a;
    a.visitor = (a.rule.create as (context: RuleContext) => Visitor)(context);
  }
  dispatch.gather();
  for (const op of ops) {
    const handling = dispatch.handling(op.kind);
    if (handling) {
      judged = op;
      const { rules, handlers } = handling;
      for (let i = 0; i < handlers.length; i++) {
        current = rules[i];
        (handlers[i] as (op: Operation) => void)(op);
      }
      judged = undefined;
    }
    // What an op that may not run establishes is not known: later ops are judged without it,
    // except those under the same condition.
    if (op.conditional) {
      const reason = op.conditional.reason;
      let under = createdUnder.get(reason);
      if (!under)
        createdUnder.set(
          reason,
          (under = { conjuncts: conditionsOf(op.conditional), created: new CreatedRelations(), columns: new Set() }),
        );
      under.created.apply(op);
      if (op.kind === 'add-column') under.columns.add(`${tableKey(op.table)}.${op.column.name}`);
      continue;
    }
    created.apply(op);
    for (const under of createdUnder.values()) under.created.apply(op);
    if (op.kind === 'add-column') newColumns.add(`${tableKey(op.table)}.${op.column.name}`);
    state.apply(op);
  }
  for (const a of dispatch.active) {
    if (!a.visitor.end) continue;
    current = a;
    a.visitor.end();
  }
  current = undefined;
}

interface ConditionalCreations {
  conjuncts: string[];
  created: CreatedRelations;
  /** `schema.table.column` of columns added under the condition */
  columns: Set<string>;
}

/** The conditions an op runs under (a migration cached before they were recorded: its reason as one). */
function conditionsOf(conditional: NonNullable<Operation['conditional']>): string[] {
  return conditional.conditions ?? [conditional.reason];
}

/** What a migration's upgrade establishes, as lintDirection applies it, without running any rule. */
function applyToState(migration: Migration, state: SchemaState): void {
  for (const op of migration.ops) if (op.direction === 'upgrade' && !op.conditional) state.apply(op);
}

/**
 * Whether none of a migration's findings could be wanted: its own file, the file its downgrade is in
 * (golang-migrate's `.down.sql` beside the `.up.sql`) and the files of its ops are all context.
 */
function onlyContext(migration: Migration, contextOnly: ReadonlySet<string>): boolean {
  return (
    contextOnly.has(migration.file) &&
    (migration.downgrade?.span === undefined || contextOnly.has(migration.downgrade.span.file)) &&
    migration.ops.every((op) => contextOnly.has(op.span.file))
  );
}

/** Lints migrations in the order given (the order the tool runs them). */
export function lintMigrations(migrations: Migration[], options: LintOptions): Finding[] {
  const findings: Finding[] = [];
  /** The help and lock texts of this run's findings, one copy each (see `finding`). */
  const texts = new Map<string, string>();
  // Schema state flows only within one migration set: unrelated directories linted together
  // (a monorepo's services) never see each other's tables.
  const states = new Map<string, SchemaState>();
  const dispatch = new Dispatch(options.rules);
  for (const migration of migrations) {
    const set = migrationSetOf(migration);
    let state = states.get(set);
    if (!state) states.set(set, (state = new SchemaState()));
    for (const d of migration.diagnostics) {
      findings.push(finding(texts, d.rule, 'error', d.span, d.message, d.direction ?? 'upgrade'));
    }
    if (options.contextOnly && onlyContext(migration, options.contextOnly)) {
      applyToState(migration, state);
      continue;
    }
    lintDirection(migration, 'upgrade', state, options, dispatch, findings, texts);
    // Downgrades are checked on their own: their ops undo the upgrade and must not feed the schema state.
    if (options.checkDowngrade)
      lintDirection(migration, 'downgrade', new SchemaState(), options, dispatch, findings, texts);
  }
  for (const { rule, severity } of options.rules) {
    if (!isRule(rule) || !rule.checkRun) continue;
    rule.checkRun({
      pgVersion: options.pgVersion,
      migrations,
      edits: options.edits ?? [],
      displayPath: options.displayPath ?? ((path) => path),
      report(span, message, extra = {}) {
        findings.push(finding(texts, rule.meta.id, extra.severity ?? severity, span, message, 'upgrade', extra));
      },
    });
  }
  return findings;
}
