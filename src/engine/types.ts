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
import type { LockMode } from '../analysis/locks.js';

export type Severity = 'error' | 'warning' | 'info';

/** One reported problem. Lines and columns are 1-based. */
export interface Finding {
  rule: string;
  severity: Severity;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
  /** How to fix it (the safe alternative). */
  help?: string;
  /** The Postgres lock the statement takes and what it blocks, when that is the danger. */
  lock?: string;
  direction: Direction;
  revision?: string;
}

/** Postgres table-level lock modes (defined by the lock model). */
export type { LockMode } from '../analysis/locks.js';

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
  report(op: Operation, message: string, options?: ReportOptions): void;
  /** Reports a fact about the migration file itself (no op), at `span`, in this direction. */
  reportAt(span: SourceSpan, message: string, options?: Omit<ReportOptions, 'span'>): void;
}

/** What the migration set has shown about one column so far. */
export interface ColumnFacts {
  /** Undefined when no op seen states it (the column's creation was not seen). */
  type?: TypeRef;
  /**
   * NOT NULL per the ops seen: created NOT NULL or in a primary key, SET NOT NULL, a valid NOT NULL
   * constraint; false after DROP NOT NULL or created nullable; undefined when no op seen states it.
   */
  notNull?: boolean;
  generated?: 'stored' | 'identity';
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
 * A rule: metadata plus a function of a context (ESLint's shape). `create` returns visitors called
 * per op of each migration; `checkRun` sees the whole migration set once.
 */
export interface Rule {
  meta: RuleMeta;
  create?(context: RuleContext): Visitor;
  checkRun?(context: RunContext): void;
  /**
   * `checkRun` judges each migration on its own (it needs the run only to see a file whole, both
   * directions at once): its findings are per-file ones, which `--since` reports for changed files only.
   */
  checkRunPerFile?: boolean;
}
