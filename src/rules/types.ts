import type {
  Direction,
  Migration,
  MigrationEdit,
  Operation,
  OperationKind,
  OpOfKind,
  QualifiedName,
  SourceSpan,
  TypeRef,
} from '../ir/types.js';
import type { ColumnFacts, ConstraintFacts } from '../analysis/schema-state.js';
import type { LockMode } from '../analysis/locks.js';

export type Severity = 'error' | 'warning' | 'info';

export interface RuleDocs {
  /** What the rule flags. Markdown. */
  what: string;
  /** Why it is dangerous: the lock, what it blocks, rewrite or scan, from which version. Markdown. */
  why: string;
  /** The safe alternative, with exact SQL. Markdown. */
  instead: string;
}

/** A lock claim in a rule's docs, checked against real Postgres by the trace tests. */
export interface LockClaim {
  mode: LockMode;
  /** SQL that sets up the objects the example needs. */
  setup: string;
  /** The flagged statement, which must take `mode` on `relation`. */
  statement: string;
  relation: string;
}

export interface RuleMeta {
  id: string;
  severity: Severity;
  /** One line. */
  summary: string;
  docs: RuleDocs;
  lock?: LockClaim;
  /** True when Squawk has a rule with the same id and meaning. */
  squawk?: boolean;
  /**
   * Off unless the config turns it on (`"rules": { "<id>": "warning" }`): a team policy rather than a
   * hazard every project has. `offByDefault` says why, for the docs.
   */
  offByDefault?: string;
  /** Other ids that name this rule in suppression comments and the config (Squawk's spellings). */
  aliases?: readonly string[];
}

export interface ReportOptions {
  help?: string;
  lock?: string;
  /** Defaults to the op's span. */
  span?: SourceSpan;
  severity?: Severity;
  /** Other places the finding is about (the other half of a pair), each with what it is. */
  related?: readonly { span: SourceSpan; message: string }[];
}

export interface RuleContext {
  readonly pgVersion: number;
  /** Target database (`--dialect`): PostgreSQL, or SQLite for projects that also run their migrations there. */
  readonly dialect: 'postgresql' | 'sqlite';
  readonly migration: Migration;
  readonly direction: Direction;
  /** All ops of this migration in this direction, in order. */
  readonly ops: readonly Operation[];
  /**
   * The relation (table, view, materialized view) was created earlier in this same migration and no
   * other session can have used it yet: still empty, or filled from a query but not yet committed.
   */
  isNewTable(table: QualifiedName): boolean;
  /** The table was created in this migration and filled from a query or COPY (`INSERT … SELECT`, `CREATE TABLE … AS`). */
  holdsCopiedRows(table: QualifiedName): boolean;
  /** The column was added (or its table created) earlier in this same migration: it holds no existing data. */
  isNewColumn(table: QualifiedName, column: string): boolean;
  /** A column's type as earlier ops in this migration set show it (create table, add column, alter type). */
  columnType(table: QualifiedName, column: string): TypeRef | undefined;
  /** What earlier ops of this migration set show about a column: type, NOT NULL, generated. */
  column(table: QualifiedName, column: string): Readonly<ColumnFacts> | undefined;
  /** The table an index is on, when earlier ops of this migration set created it. */
  indexTable(index: QualifiedName): QualifiedName | undefined;
  /** A validated `CHECK (column IS NOT NULL)` exists per the migrations seen so far. */
  hasValidNotNullCheck(table: QualifiedName, column: string): boolean;
  /**
   * The constraints earlier ops of this migration set show on a table, by name (`(unnamed n)` for those
   * created without one): what they are and whether they are validated.
   */
  constraints(table: QualifiedName): ReadonlyMap<string, Readonly<ConstraintFacts>>;
  /** The name a constraint had before an earlier `RENAME CONSTRAINT` of this migration set, even when its creation was not seen. */
  formerConstraintName(table: QualifiedName, name: string): string | undefined;
  /** Unique indexes without a WHERE that earlier ops of this migration set built on a table: each element a column or an expression's text. */
  uniqueIndexes(table: QualifiedName): readonly { name: string; columns: readonly string[] }[];
  /** The partition key's columns of a partitioned table, when earlier ops of this migration set created it. */
  partitionColumns(table: QualifiedName): readonly string[] | undefined;
  report(op: Operation, message: string, options?: ReportOptions): void;
  /** Reports a fact about the migration file itself (no op), at `span`, in this direction. */
  reportAt(span: SourceSpan, message: string, options?: Omit<ReportOptions, 'span'>): void;
}

export type Visitor = { [K in OperationKind]?: (op: OpOfKind<K>) => void } & {
  /** Called after the last op of the migration (for rules that look at the whole migration). */
  end?: () => void;
};

/** For rules that judge the migration set as a whole (Alembic's revision graph, several heads…). */
export interface RunContext {
  readonly pgVersion: number;
  /** Every parsed migration of the run, in run order. */
  readonly migrations: readonly Migration[];
  /** Migration files changed since the `--since` base that existed there (empty without `--since`). */
  readonly edits: readonly MigrationEdit[];
  /** A file or directory as messages name it: relative to the working directory, never a machine's absolute path. */
  displayPath(path: string): string;
  report(span: SourceSpan, message: string, options?: Omit<ReportOptions, 'span'> & { revision?: string }): void;
}

/**
 * A kind of finding, with the documentation `explain`, the docs and SARIF show. Every rule is one; so
 * are the findings the pipeline files itself, which visit nothing: `parse-error` and `io-error` (from
 * parser diagnostics), `unused-suppression` and `suppression-missing-reason` (the suppression step),
 * and trace's observed-lock findings. They are configured and suppressed like rules.
 */
export interface FindingKind {
  meta: RuleMeta;
}

interface RuleHooks extends FindingKind {
  /**
   * `checkRun` judges each migration on its own (it needs the run only to see a file whole, both
   * directions at once): its findings are per-file ones, which `--since` reports for changed files only.
   */
  checkRunPerFile?: boolean;
}

/** A rule that visits the ops of each migration: `create` returns the visitors (ESLint's shape). */
export interface OpRule extends RuleHooks {
  create(context: RuleContext): Visitor;
  checkRun?(context: RunContext): void;
}

/** A rule that sees the whole migration set once (revision graph, several heads, edited files…). */
export interface RunRule extends RuleHooks {
  create?: undefined;
  checkRun(context: RunContext): void;
}

/** A rule: metadata plus `create`, `checkRun` or both. */
export type Rule = OpRule | RunRule;

/** Whether a finding kind is a rule the engine runs (rather than one the pipeline files itself). */
export function isRule(kind: FindingKind): kind is Rule {
  return (
    typeof (kind as Partial<OpRule>).create === 'function' || typeof (kind as Partial<RunRule>).checkRun === 'function'
  );
}
