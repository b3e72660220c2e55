/**
 * The operation IR: every frontend (SQL, TypeScript/JavaScript ORMs, Alembic) translates a migration
 * file into a `Migration` — an ordered list of `Operation`s. Rules only ever see this IR, never a
 * framework's syntax or an SQL AST.
 */

/** 1-based line and column (columns count UTF-16 code units, as editors and SARIF do). */
export interface Position {
  line: number;
  column: number;
}

export interface SourceSpan {
  /** Path as given to the linter (reporters relativise it). */
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export type Direction = 'upgrade' | 'downgrade';

/** A table (or index, type…) name, schema-qualified when the source qualifies it. */
export interface QualifiedName {
  schema?: string;
  name: string;
}

/**
 * A column type, normalised to Postgres's internal names where the SQL parser knows them
 * (`int4`, `int8`, `varchar`, `bpchar`, `timestamptz`, `serial`…), with its modifiers.
 */
export interface TypeRef {
  /** Lower-case base name, e.g. `varchar`, `int4`, `text`, `timestamptz`, `serial`, `my_enum`. */
  name: string;
  schema?: string;
  /** Numeric type modifiers, e.g. `[255]` for varchar(255), `[10, 2]` for numeric(10,2). */
  modifiers: number[];
  /** Array dimensions: `int[]` → 1. */
  arrayDims: number;
  /** The type as the source wrote it, for messages. */
  text: string;
}

/** Whether evaluating a default expression can differ per row (forcing a table rewrite on ADD COLUMN). */
export type Volatility = 'immutable' | 'stable' | 'volatile' | 'unknown';

export interface DefaultValue {
  /** Source text of the expression (SQL, or the framework's literal rendered as SQL). */
  text: string;
  volatility: Volatility;
  /** Function names that made the volatility `unknown` or `volatile` (for messages). */
  functions?: string[];
  /**
   * Set when the migration's own code (JavaScript, Python) computes the value when it runs: the tool
   * sends Postgres the result, once, so it is a constant for every row (`immutable`) — unless the
   * framework pastes it into the SQL as text (TypeORM's `default`), when its volatility is `unknown`.
   * `text` is then that code's source, not SQL.
   */
  computedIn?: HostLanguage;
  /** `DEFAULT NULL` (possibly cast): the same as no default. */
  isNull?: boolean;
}

/** The language a migration file is written in, when it is not SQL. */
export type HostLanguage = 'JavaScript' | 'Python';

export interface ForeignKeyTarget {
  table: QualifiedName;
  columns: string[];
}

export type ConstraintType = 'foreign-key' | 'check' | 'unique' | 'primary-key' | 'exclusion' | 'not-null';

export interface ConstraintDef {
  type: ConstraintType;
  /** Explicit name; undefined when the engine will generate one. */
  name?: string;
  columns: string[];
  /** `NOT VALID`: existing rows are not checked now. */
  notValid: boolean;
  /** `UNIQUE/PRIMARY KEY USING INDEX idx`. */
  usingIndex?: string;
  references?: ForeignKeyTarget;
  /** CHECK expression source text. */
  expression?: string;
  /** For `CHECK (col IS NOT NULL)`: the column it proves not null. */
  checksNotNullOf?: string;
  /** Where the constraint is written, when the frontend knows (findings about it point there). */
  span?: SourceSpan;
}

export interface ColumnDef {
  name: string;
  type: TypeRef;
  /** NOT NULL (explicit, or implied by PRIMARY KEY). */
  notNull: boolean;
  default?: DefaultValue;
  primaryKey: boolean;
  unique: boolean;
  /** `GENERATED ALWAYS AS (…) STORED` or an identity column. */
  generated?: 'stored' | 'identity';
  /** Inline constraints that are not plain NOT NULL/DEFAULT (REFERENCES, CHECK, UNIQUE, PRIMARY KEY). */
  constraints: ConstraintDef[];
  /** Where the column is defined (its line in a CREATE TABLE or builder callback), when the frontend knows. */
  span?: SourceSpan;
}

/** A column named in a list where Postgres allows each column once (see `ColumnList`). */
export interface ListedColumn {
  /** The name as Postgres folds it; for a query's output column without an alias, the name Postgres infers. */
  name: string;
  /** Assigns a field or an element of the column (`SET a.x = …`, `a[1] = …`), not the whole column. */
  part?: boolean;
  span?: SourceSpan;
}

/**
 * The columns of one clause, in order and with repeats kept: the `SET` list of an UPDATE, of an
 * `ON CONFLICT DO UPDATE` or of a MERGE action (`set`); the column list of an INSERT (`insert`); the
 * column names a view, `CREATE TABLE … AS` or `SELECT … INTO` defines, from its own list or else from
 * the query's output columns (`output`).
 */
export interface ColumnList {
  clause: 'set' | 'insert' | 'output';
  columns: ListedColumn[];
}

export interface OpBase {
  /** The op's own source: the statement or call, or its sub-command when one statement gives several ops. */
  span: SourceSpan;
  /** The whole source statement, when it is wider than `span` (a clause of a multi-clause ALTER TABLE). */
  statementSpan?: SourceSpan;
  direction: Direction;
  /**
   * Whether the operation runs inside a transaction block: an explicit BEGIN in the file, or the
   * migration tool wrapping the file/run in one (see `Migration.transaction`). Filled in by
   * `assignTransactions` once a frontend has produced the ops.
   */
  inTransaction: boolean;
  /** Ops produced by one source statement/call share this index (an ALTER TABLE with several actions). */
  statementIndex: number;
  /** Revision this op belongs to when known (Alembic offline SQL). */
  revision?: string;
  /**
   * On SQLite the tool applies it without an ALTER SQLite lacks: by recreating the table (create,
   * copy, drop, rename — Alembic's `batch_alter_table`, Knex's SQLite dialect), or inside the CREATE
   * TABLE of a table it is building. On PostgreSQL it runs as the plain ALTER.
   */
  inBatch?: boolean;
  /**
   * Identifiers in the source longer than Postgres's 63-byte limit, which Postgres truncates (the SQL
   * parser already did, so the op's names are the truncated ones). Frontends that pass names to the
   * database as strings keep them whole in the op and need not fill this.
   */
  longIdentifiers?: LongIdentifier[];
  /**
   * Runs only when a condition the linter cannot decide holds (`if (await knex.schema.hasColumn(…))`,
   * a check of which database runs it that names no known one); `reason` is that condition, as
   * written. Conditions on the target database itself are decided by the frontends: dead branches
   * produce no ops at all.
   */
  conditional?: {
    reason: string;
    /** The undecided conditions the reason joins, each as said in it: an op under all of another's runs only when that one ran. */
    conditions?: string[];
  };
}

export interface LongIdentifier {
  /** The identifier as written (unquoted). */
  text: string;
  /** What Postgres keeps: the first 63 bytes, cut at a character boundary. */
  truncated: string;
  span: SourceSpan;
}

export interface CreateTableOp extends OpBase {
  kind: 'create-table';
  table: QualifiedName;
  columns: ColumnDef[];
  constraints: ConstraintDef[];
  ifNotExists: boolean;
  /** CREATE TABLE … AS / SELECT INTO: filled from a query. */
  asSelect: boolean;
  partitioned: boolean;
  /** `PARTITION BY …`: the partition key's columns, when every key element is a plain column. */
  partitionColumns?: string[];
  temporary: boolean;
  /** `CREATE TABLE … PARTITION OF parent`: the parent (locked ACCESS EXCLUSIVE while the partition is added). */
  partitionOf?: QualifiedName;
  /** The frontend could not read every column (an `unknown` op says which): `columns` lists those it read. */
  partial?: boolean;
  /** `CREATE TABLE … AS` / `SELECT … INTO`: the column names it defines, when the frontend read them. */
  columnLists?: ColumnList[];
}
export interface DropTableOp extends OpBase {
  kind: 'drop-table';
  tables: QualifiedName[];
  ifExists: boolean;
  cascade: boolean;
}
export interface RenameTableOp extends OpBase {
  kind: 'rename-table';
  table: QualifiedName;
  newName: string;
}
export interface AddColumnOp extends OpBase {
  kind: 'add-column';
  table: QualifiedName;
  column: ColumnDef;
  ifNotExists: boolean;
}
export interface DropColumnOp extends OpBase {
  kind: 'drop-column';
  table: QualifiedName;
  column: string;
  ifExists: boolean;
  cascade: boolean;
}
export interface RenameColumnOp extends OpBase {
  kind: 'rename-column';
  table: QualifiedName;
  column: string;
  newName: string;
}
export interface AlterColumnTypeOp extends OpBase {
  kind: 'alter-column-type';
  table: QualifiedName;
  column: string;
  newType: TypeRef;
  /** `COLLATE "C"` on the new type: the collation name (schema-qualified names keep only the name). */
  collation?: string;
  /** Old type when the source states it (Alembic `existing_type`); rules also look at earlier migrations. */
  oldType?: TypeRef;
  using?: string;
}
export interface SetNotNullOp extends OpBase {
  kind: 'set-not-null';
  table: QualifiedName;
  column: string;
}
export interface DropNotNullOp extends OpBase {
  kind: 'drop-not-null';
  table: QualifiedName;
  column: string;
}
export interface SetDefaultOp extends OpBase {
  kind: 'set-default';
  table: QualifiedName;
  column: string;
  /** undefined = DROP DEFAULT */
  default?: DefaultValue;
}
export interface AddConstraintOp extends OpBase {
  kind: 'add-constraint';
  table: QualifiedName;
  constraint: ConstraintDef;
}
export interface DropConstraintOp extends OpBase {
  kind: 'drop-constraint';
  table: QualifiedName;
  name: string;
  ifExists: boolean;
  cascade: boolean;
}
export interface ValidateConstraintOp extends OpBase {
  kind: 'validate-constraint';
  table: QualifiedName;
  name: string;
}
export interface CreateIndexOp extends OpBase {
  kind: 'create-index';
  table: QualifiedName;
  name?: string;
  columns: string[];
  unique: boolean;
  concurrently: boolean;
  ifNotExists: boolean;
  /** Partial index predicate text. */
  where?: string;
}
export interface DropIndexOp extends OpBase {
  kind: 'drop-index';
  indexes: QualifiedName[];
  concurrently: boolean;
  ifExists: boolean;
  cascade: boolean;
}
export interface ReindexOp extends OpBase {
  kind: 'reindex';
  target: 'index' | 'table' | 'schema' | 'database' | 'system';
  name: QualifiedName;
  concurrently: boolean;
}
export interface AddEnumValueOp extends OpBase {
  kind: 'add-enum-value';
  type: QualifiedName;
  value: string;
  /** `BEFORE 'x'` / `AFTER 'x'`: where the value goes in the enum's sort order; absent = appended last. */
  position?: { before?: string; after?: string };
  /** `ADD VALUE IF NOT EXISTS`. */
  ifNotExists?: boolean;
}
/** CREATE DOMAIN, with the constraints (CHECK, NOT NULL) declared on it. */
export interface CreateDomainOp extends OpBase {
  kind: 'create-domain';
  name: QualifiedName;
  baseType: TypeRef;
  constraints: ConstraintDef[];
}
/** ALTER DOMAIN: one action on an existing domain. */
export interface AlterDomainOp extends OpBase {
  kind: 'alter-domain';
  name: QualifiedName;
  action:
    | 'add-constraint'
    | 'drop-constraint'
    | 'validate-constraint'
    | 'set-not-null'
    | 'drop-not-null'
    | 'set-default'
    | 'drop-default';
  /** The constraint added, for `add-constraint`. */
  constraint?: ConstraintDef;
}
/** ALTER TABLE parent DETACH PARTITION child [CONCURRENTLY | FINALIZE]. */
export interface DetachPartitionOp extends OpBase {
  kind: 'detach-partition';
  table: QualifiedName;
  partition: QualifiedName;
  /** `blocking` (no option), `concurrently` (PG 14+, two transactions), `finalize` (ends an interrupted concurrent detach). */
  mode: 'blocking' | 'concurrently' | 'finalize';
}
/** The bound an attached partition takes: `FOR VALUES FROM (…) TO (…)`, `IN (…)`, `WITH (MODULUS …)`, `DEFAULT`. */
export interface PartitionBound {
  strategy: 'range' | 'list' | 'hash' | 'default';
  /**
   * The bound's values as SQL: for `range` the lower then the upper datums (`'2024-01-01'`, `MINVALUE`), for `list`
   * the listed values, for `hash` the modulus and the remainder; none for `default`.
   */
  values: string[];
  /** The bound as SQL, for messages and fixes: `FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')`, `DEFAULT`. */
  text: string;
}
/** ALTER TABLE parent ATTACH PARTITION child FOR VALUES … | DEFAULT. */
export interface AttachPartitionOp extends OpBase {
  kind: 'attach-partition';
  table: QualifiedName;
  partition: QualifiedName;
  bound: PartitionBound;
}
export interface TruncateOp extends OpBase {
  kind: 'truncate';
  tables: QualifiedName[];
  cascade: boolean;
}
/** DROP SCHEMA [IF EXISTS] a, b [CASCADE]. */
export interface DropSchemaOp extends OpBase {
  kind: 'drop-schema';
  schemas: string[];
  ifExists: boolean;
  cascade: boolean;
}
/** ALTER SCHEMA a RENAME TO b. */
export interface RenameSchemaOp extends OpBase {
  kind: 'rename-schema';
  schema: string;
  newName: string;
}
export interface DropDatabaseOp extends OpBase {
  kind: 'drop-database';
  name: string;
}
/** SET [LOCAL] lock_timeout / statement_timeout / any other setting. */
export interface SetSettingOp extends OpBase {
  kind: 'set-setting';
  name: string;
  /** Value as text, e.g. `'2s'`, `0`; undefined for RESET / SET … TO DEFAULT. */
  value?: string;
  local: boolean;
  /**
   * For a duration setting (`lock_timeout`, `statement_timeout`, any `*_timeout`): the value in milliseconds, as
   * Postgres reads it (`'2s'` → 2000, `5000` → 5000, `'1min'` → 60000; 0 = no limit). Absent when it is not a
   * literal duration (RESET, DEFAULT, an expression).
   */
  durationMs?: number;
}
export type TransactionAction = 'begin' | 'commit' | 'rollback' | 'savepoint' | 'release' | 'rollback-to' | 'prepare';
export interface TransactionOp extends OpBase {
  kind: 'transaction';
  action: TransactionAction;
}
/** INSERT/UPDATE/DELETE/COPY/SELECT… — data changes and queries rules may care about (backfills). */
export interface DataChangeOp extends OpBase {
  kind: 'data-change';
  statementType: string;
  table?: QualifiedName;
  /** The statement's SQL when the frontend had it as SQL (filled by the SQL parser); trace runs it. */
  sql?: string;
  /** Rows come from a query or a file (`INSERT … SELECT`, `COPY … FROM`): as many as the source holds. */
  rowsFromQuery?: boolean;
  /** Columns the statement writes (`UPDATE … SET a = …`, `INSERT INTO t (a, …)`), when the frontend read them. */
  assigns?: string[];
  /** Each clause that lists columns (`SET`, an INSERT's column list), with positions and repeats, when the frontend read them. */
  columnLists?: ColumnList[];
  /** Columns the statement reads anywhere (values, `WHERE`, sub-queries), when the frontend read them. */
  reads?: string[];
  /** Tables the statement reads or writes (its target, `FROM`, `USING`, sub-queries), when the frontend read them. */
  sources?: QualifiedName[];
  /**
   * Which rows an UPDATE/DELETE (or INSERT … SELECT) touches, as its WHERE clause shows: `all` (no WHERE,
   * or one that is always true), `single-row` (the WHERE requires a column to equal a constant or one of a
   * list of constants — see `keyColumns`), `filtered` (any other WHERE), `unknown` (the frontend could not
   * see). INSERT … VALUES is `single-row` (a fixed list of rows). Absent when the frontend does not say.
   */
  rowScope?: DataChangeRowScope;
  /** For `single-row`: the columns the WHERE compares with constants (`WHERE id = 1` → `['id']`). */
  keyColumns?: string[];
  /** INSERT … SELECT … FROM (rows produced by a query over tables, not a VALUES list). */
  fromQuery?: boolean;
}
export type DataChangeRowScope = 'all' | 'filtered' | 'single-row' | 'unknown';
/** A statement the IR has no dedicated kind for; carried so that nothing is dropped silently. */
export interface OtherOp extends OpBase {
  kind: 'other';
  /** The parser's statement type, e.g. `CreateFunctionStmt`, `GrantStmt`, `VacuumStmt`. */
  statementType: string;
  table?: QualifiedName;
  /** Lock-relevant detail for statements such as VACUUM FULL, CLUSTER, REFRESH MATERIALIZED VIEW. */
  detail?: string;
  /** The object is created in the session's own schema (`pg_temp.f`): it is gone when the session ends. */
  temporary?: boolean;
  /** The statement creates this relation (`table`): a view or a materialized view. */
  createsRelation?: 'view' | 'materialized-view';
  /** For a created view or materialized view: the column names it defines, when the frontend read them. */
  columnLists?: ColumnList[];
  /** `ALTER TABLE parent ATTACH PARTITION child`: the table attached (`table` is the parent). */
  partition?: QualifiedName;
  /** `ALTER TABLE child INHERIT parent` / `NO INHERIT parent`: the parent. */
  parent?: QualifiedName;
  /** `ALTER TABLE t RENAME CONSTRAINT name TO newName` (`table` is t). */
  renamesConstraint?: { name: string; newName: string };
  /** The statement's SQL when the frontend had it as SQL (filled by the SQL parser); trace runs it. */
  sql?: string;
}
/** A framework call the frontend could not interpret (dynamic names, imported helpers…). */
export interface UnknownOp extends OpBase {
  kind: 'unknown';
  /** Short description of what was seen, e.g. `knex.schema.alterTable(tableName, …)`. */
  call: string;
  reason: string;
}

export type Operation =
  | CreateTableOp
  | DropTableOp
  | RenameTableOp
  | AddColumnOp
  | DropColumnOp
  | RenameColumnOp
  | AlterColumnTypeOp
  | SetNotNullOp
  | DropNotNullOp
  | SetDefaultOp
  | AddConstraintOp
  | DropConstraintOp
  | ValidateConstraintOp
  | CreateIndexOp
  | DropIndexOp
  | ReindexOp
  | AddEnumValueOp
  | CreateDomainOp
  | AlterDomainOp
  | AttachPartitionOp
  | DetachPartitionOp
  | TruncateOp
  | DropSchemaOp
  | RenameSchemaOp
  | DropDatabaseOp
  | SetSettingOp
  | TransactionOp
  | DataChangeOp
  | OtherOp
  | UnknownOp;

export type OperationKind = Operation['kind'];
export type OpOfKind<K extends OperationKind> = Extract<Operation, { kind: K }>;

/** How the migration tool runs a file with respect to transactions. */
export type TransactionMode =
  /** The tool wraps each file (or the whole run) in BEGIN … COMMIT. */
  | 'wrapped'
  /** The tool runs the file outside any transaction (only explicit BEGIN/COMMIT in the file count). */
  | 'none'
  /**
   * The tool sends the whole file as one multi-statement query (golang-migrate, Prisma): Postgres runs
   * it as one implicit transaction, so CONCURRENTLY only works as the file's single statement.
   */
  | 'implicit';

/**
 * The format ids, one key per frontend: each format's own module adds its id
 * (`declare module '../../ir/types.js' { interface MigrationFormats { knex: true } }`), so the union
 * grows with the parsers listed in src/parsers/registry.ts and no other file names them.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface MigrationFormats {}

export type MigrationFormat = Extract<keyof MigrationFormats, string>;

/** A problem with the file itself (parse error, unreadable, not text). Reported as a finding. */
export interface FileDiagnostic {
  rule: 'parse-error' | 'io-error';
  message: string;
  span: SourceSpan;
  /** Set when the error is in the downgrade's code (SQL of a `down`); absent: the upgrade or the whole file. */
  direction?: Direction;
}

/** A facts a frontend states about a migration's downgrade that rules (empty-downgrade) judge. */
export interface DowngradeInfo {
  /** `present` with ops; `empty` when the function exists but does nothing; `absent` when not defined. */
  state: 'present' | 'empty' | 'absent' | 'irreversible';
  /** Where the downgrade function is (or the file start when absent). */
  span?: SourceSpan;
  /** Framework behaviour when absent, e.g. node-pg-migrate reverses `up` automatically. */
  note?: string;
  /** The framework cannot reverse this migration automatically (e.g. `pgm.sql` in up with no down). */
  autoReversible?: boolean;
}

/** A revision's declarations beyond its id and parents (Alembic `branch_labels`, `depends_on`). */
export interface RevisionInfo {
  /** The `revision = …` declaration. */
  span: SourceSpan;
  /** The `down_revision = …` declaration. */
  parentsSpan?: SourceSpan;
  /** Revisions (or branch labels) that must run first without being parents (`depends_on`). */
  dependsOn: string[];
  branchLabels: string[];
}

/** How a migration tool's transaction can be explained and left, for one way it runs files. */
export interface TransactionHelp {
  /** Why a statement runs in a transaction block, as a sentence fragment. */
  reason: string;
  /** How to get a statement out of it, in this tool's own terms. */
  fix: string;
}

/** What the frontend knows about its tool's transactions, per `TransactionMode` that puts ops in one. */
export interface TransactionFacts {
  wrapped?: TransactionHelp;
  implicit?: TransactionHelp;
}

/**
 * How a format's tool does what rules recommend, in its own terms, so a fix reads right for each
 * framework while rules stay framework-free.
 */
export interface FormatHelp {
  /** How to run `CREATE INDEX CONCURRENTLY` with this tool (outside its transaction): a sentence that follows the SQL. */
  concurrentIndex?: string;
  /** How to make, with this tool, a change SQLite's `ALTER TABLE` cannot make (the table must be recreated). */
  sqliteRebuild?: string;
}

export interface Migration {
  file: string;
  format: MigrationFormat;
  ops: Operation[];
  transaction: TransactionMode;
  /**
   * Modes of directions that differ from `transaction` (dbmate's `-- migrate:up transaction:false` runs
   * that section as one multi-statement query while the other section is wrapped).
   */
  transactionByDirection?: Partial<Record<Direction, TransactionMode>>;
  /** Revision id (Alembic) or version (Flyway, golang-migrate) when known. */
  revision?: string;
  /** Parent revisions (Alembic `down_revision`). */
  parents?: string[];
  /** Where the migration declares its place in a revision graph, and its other graph edges (Alembic). */
  revisionInfo?: RevisionInfo;
  /** Downgrade facts for frontends that have an explicit up/down pair. */
  downgrade?: DowngradeInfo;
  /**
   * Some of the file's code runs only on databases other than the target (`--dialect`): branches on
   * the database were decided and left out. Nothing left is then a choice, not an empty file.
   */
  otherDatabaseCode?: boolean;
  /** Set when the file is only one direction of a migration kept in separate files (golang-migrate `*.down.sql`, Flyway `U…` undo). */
  fileDirection?: Direction;
  diagnostics: FileDiagnostic[];
  /** The full source text (for code frames and suppressions). */
  source: string;
  /** Set from the format's parser: how its tool's transactions read in messages (rules stay framework-free). */
  transactionFacts?: TransactionFacts;
  /**
   * How the tool recognises a migration it has applied: by its file name (the default: Flyway, Knex,
   * Prisma, golang-migrate…) or by an id declared in the file (Alembic's revision, a TypeORM class name),
   * which survives a rename. Set from the format's parser.
   */
  identifiedBy?: MigrationIdentity;
  /**
   * The migration set this migration belongs to (one directory of one format, one Alembic versions
   * tree): schema state flows only between migrations of one set. Stamped by the registry.
   */
  migrationSet?: string;
  /**
   * Names the migration's code uses but never defines or imports (a Python revision using `sqlmodel.` with no
   * `import sqlmodel`): running it stops with a NameError at the first use. Filled by frontends of languages
   * where that can happen.
   */
  unboundNames?: UnboundName[];
  /** Set from the format's parser: how its tool does what rules recommend. */
  formatHelp?: FormatHelp;
}

export interface UnboundName {
  name: string;
  /** The first use. */
  span: SourceSpan;
  /** The import statement that defines the name, when the frontend knows it (`import sqlalchemy as sa`). */
  suggestedImport?: string;
}

/**
 * A migration file that already existed at the `--since` base and was changed since: already-applied
 * migrations must not change (databases that ran the old version silently diverge).
 */
export type MigrationIdentity = 'file-name' | 'declared-id';

export interface MigrationEdit {
  /** The file as it is now (the old path for a deleted file). */
  file: string;
  status: 'modified' | 'renamed' | 'deleted';
  /** The path at the base, for a rename. */
  previousFile?: string;
  /** The git ref the change is measured from, as the user gave it. */
  since: string;
  /** Where the first operation that differs from the base version is (file start when none or deleted). */
  span: SourceSpan;
  /**
   * Whether what the migration does changed: its operations (ignoring positions), downgrade and parse
   * results. False for edits of comments, whitespace or formatting only.
   */
  changesOperations: boolean;
  /** How the migration's tool recognises it once applied (a rename matters only when by file name). */
  identifiedBy: MigrationIdentity;
}
