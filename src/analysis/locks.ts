/**
 * The lock model: for every IR operation, the table-level locks Postgres takes — mode, relation,
 * whether it reads every row (scan) or writes a new copy of the relation (rewrite: a new
 * `relfilenode`), and from which version a fact holds. Rules, `require-lock-timeout` and trace read
 * it; nothing else holds lock facts. test/analysis/locks.test.ts runs a statement for every entry on
 * PGlite (and on a real server in CI) and checks each fact against `pg_locks`, `relfilenode` and the
 * transaction's scan counters.
 *
 * Sources: PostgreSQL's "Explicit Locking" chapter, ALTER TABLE's per-subcommand notes, and
 * `AlterTableGetLockLevel` in tablecmds.c — with every entry checked by the test above.
 */
import type { AlterTableType } from 'libpg-query';
import type { AlterColumnTypeOp, Operation, OpOfKind, OperationKind, QualifiedName, TypeRef } from '../ir/types.js';

/** Postgres table-level lock modes, weakest to strongest, as `pg_locks.mode` names them. */
export type LockMode =
  | 'AccessShareLock'
  | 'RowShareLock'
  | 'RowExclusiveLock'
  | 'ShareUpdateExclusiveLock'
  | 'ShareLock'
  | 'ShareRowExclusiveLock'
  | 'ExclusiveLock'
  | 'AccessExclusiveLock';

/** Weakest to strongest, in Postgres's own numbering (AccessShareLock = 1 … AccessExclusiveLock = 8). */
export const LOCK_MODES: readonly LockMode[] = [
  'AccessShareLock',
  'RowShareLock',
  'RowExclusiveLock',
  'ShareUpdateExclusiveLock',
  'ShareLock',
  'ShareRowExclusiveLock',
  'ExclusiveLock',
  'AccessExclusiveLock',
];

/** Postgres's conflict table (lock.c, "Table-Level Lock Modes"): the modes each mode has to wait for. */
const CONFLICTS: Record<LockMode, readonly LockMode[]> = {
  AccessShareLock: ['AccessExclusiveLock'],
  RowShareLock: ['ExclusiveLock', 'AccessExclusiveLock'],
  RowExclusiveLock: ['ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'],
  ShareUpdateExclusiveLock: [
    'ShareUpdateExclusiveLock',
    'ShareLock',
    'ShareRowExclusiveLock',
    'ExclusiveLock',
    'AccessExclusiveLock',
  ],
  ShareLock: [
    'RowExclusiveLock',
    'ShareUpdateExclusiveLock',
    'ShareRowExclusiveLock',
    'ExclusiveLock',
    'AccessExclusiveLock',
  ],
  ShareRowExclusiveLock: [
    'RowExclusiveLock',
    'ShareUpdateExclusiveLock',
    'ShareLock',
    'ShareRowExclusiveLock',
    'ExclusiveLock',
    'AccessExclusiveLock',
  ],
  ExclusiveLock: [
    'RowShareLock',
    'RowExclusiveLock',
    'ShareUpdateExclusiveLock',
    'ShareLock',
    'ShareRowExclusiveLock',
    'ExclusiveLock',
    'AccessExclusiveLock',
  ],
  AccessExclusiveLock: LOCK_MODES,
};

const LOCK_SQL: Record<LockMode, string> = {
  AccessShareLock: 'ACCESS SHARE',
  RowShareLock: 'ROW SHARE',
  RowExclusiveLock: 'ROW EXCLUSIVE',
  ShareUpdateExclusiveLock: 'SHARE UPDATE EXCLUSIVE',
  ShareLock: 'SHARE',
  ShareRowExclusiveLock: 'SHARE ROW EXCLUSIVE',
  ExclusiveLock: 'EXCLUSIVE',
  AccessExclusiveLock: 'ACCESS EXCLUSIVE',
};

export function isLockMode(s: string): s is LockMode {
  return (LOCK_MODES as readonly string[]).includes(s);
}

export function lockStrength(mode: LockMode): number {
  return LOCK_MODES.indexOf(mode) + 1;
}

export function strongestMode(modes: Iterable<LockMode>): LockMode | undefined {
  let best: LockMode | undefined;
  for (const m of modes) if (!best || lockStrength(m) > lockStrength(best)) best = m;
  return best;
}

export function lockConflicts(a: LockMode, b: LockMode): boolean {
  return CONFLICTS[a].includes(b);
}

/** A plain SELECT (ACCESS SHARE) has to wait for this lock. */
export function blocksReads(mode: LockMode): boolean {
  return lockConflicts(mode, 'AccessShareLock');
}

/** INSERT, UPDATE and DELETE (ROW EXCLUSIVE) have to wait for this lock. */
export function blocksWrites(mode: LockMode): boolean {
  return lockConflicts(mode, 'RowExclusiveLock');
}

/** The mode as SQL writes it: `ACCESS EXCLUSIVE`. */
export function lockSql(mode: LockMode): string {
  return LOCK_SQL[mode];
}

/** `an ACCESS EXCLUSIVE lock` / `a SHARE lock`. */
export function aLock(mode: LockMode): string {
  return `${/^[AEIOU]/.test(LOCK_SQL[mode]) ? 'an' : 'a'} ${LOCK_SQL[mode]} lock`;
}

/** What a lock mode blocks, for messages: only ACCESS EXCLUSIVE blocks plain reads. */
export function lockBlocks(mode: LockMode): string {
  if (blocksReads(mode)) return 'blocks reads and writes';
  if (blocksWrites(mode)) return 'blocks writes';
  return 'blocks other schema changes';
}

/** `ACCESS EXCLUSIVE on users (blocks reads and writes)`, for a relation already written as SQL. */
export function describeLockOn(mode: LockMode, relation: string): string {
  return `${LOCK_SQL[mode]} on ${relation} (${lockBlocks(mode)})`;
}

/** `reads, writes` / `writes` / `-` for the trace table. */
export function blocksLabel(mode: LockMode): string {
  if (blocksReads(mode)) return 'reads, writes';
  if (blocksWrites(mode)) return 'writes';
  return '-';
}

/** One lock an operation takes on one relation. */
export interface TableLock {
  mode: LockMode;
  /**
   * The relation locked (a table, view, materialized view, index or sequence), or a description when
   * the operation does not name it (`the table of index users_email_idx`, `every table of schema app`).
   */
  table: QualifiedName | string;
  /** Reads every row of the relation while holding the lock (validation, index build); undefined: not known. */
  scans?: boolean;
  /** Writes a new copy of the relation (a new relfilenode) while holding the lock; undefined: not known. */
  rewrites?: boolean;
  /** The relation is an index (its table's lock is listed too). */
  index?: true;
  /** Rebuilds the relation's indexes (each gets a new relfilenode) without rewriting the table. */
  rebuildsIndexes?: boolean;
  /** Why the scan/rewrite facts are what they are, when it depends on the statement or the version. */
  note?: string;
}

/** What the migration set shows that some facts depend on; every member is optional except the version. */
export interface LockFacts {
  readonly pgVersion: number;
  /** The table an index is on, when known. */
  indexTable?(index: QualifiedName): QualifiedName | undefined;
  /** A column's current type, when known. */
  columnType?(table: QualifiedName, column: string): TypeRef | undefined;
  /** A validated `CHECK (column IS NOT NULL)` exists. */
  hasValidNotNullCheck?(table: QualifiedName, column: string): boolean;
}

export function tableText(t: QualifiedName | string): string {
  if (typeof t === 'string') return t;
  return t.schema ? `${t.schema}.${t.name}` : t.name;
}

// ---------------------------------------------------------------------------------------------
// Rewrites of ALTER COLUMN … TYPE

/** Types whose only modifier is a length or precision that can grow without touching stored values. */
const GROWABLE = new Set(['varchar', 'varbit', 'timestamp', 'timestamptz', 'time', 'timetz']);

export type TypeChangeVerdict =
  /** Binary-coercible: catalog change only. */
  | 'no-rewrite'
  /** timestamp ↔ timestamptz on PG 12+: no table rewrite when the session TimeZone is UTC; indexes are rebuilt anyway. */
  | 'utc-only'
  | 'rewrite';

function sameBase(a: TypeRef, b: TypeRef): boolean {
  return a.name === b.name && (a.schema ?? '') === (b.schema ?? '') && a.arrayDims === b.arrayDims;
}

/** numeric(p) means numeric(p, 0); unbounded numeric has no modifiers. */
function numericMods(t: TypeRef): [number, number] | undefined {
  const [p, s] = t.modifiers;
  return p === undefined ? undefined : [p, s ?? 0];
}

/** Whether Postgres can change `from` to `to` without rewriting the table (checked with relfilenode). */
export function typeChangeVerdict(from: TypeRef, to: TypeRef, pgVersion: number): TypeChangeVerdict {
  if (sameBase(from, to) && from.modifiers.join(',') === to.modifiers.join(',')) return 'no-rewrite';
  // Arrays are converted element by element: any change rewrites.
  if (from.arrayDims > 0 || to.arrayDims > 0 || from.schema || to.schema) return 'rewrite';
  const f = from.name;
  const t = to.name;
  if (f === 'varchar' && t === 'text') return 'no-rewrite';
  if (f === 'text' && t === 'varchar' && to.modifiers.length === 0) return 'no-rewrite';
  if (f === 'cidr' && t === 'inet') return 'no-rewrite';
  const [fromMod] = from.modifiers;
  const [toMod] = to.modifiers;
  if (f === t && GROWABLE.has(f)) {
    if (toMod === undefined) return 'no-rewrite';
    if (fromMod === undefined) return 'rewrite';
    return toMod >= fromMod ? 'no-rewrite' : 'rewrite';
  }
  if (f === 'numeric' && t === 'numeric') {
    const a = numericMods(from);
    const b = numericMods(to);
    if (!b) return 'no-rewrite';
    if (!a) return 'rewrite';
    return b[1] === a[1] && b[0] >= a[0] ? 'no-rewrite' : 'rewrite';
  }
  if (((f === 'timestamp' && t === 'timestamptz') || (f === 'timestamptz' && t === 'timestamp')) && pgVersion >= 12) {
    const keepsPrecision = toMod === undefined || (fromMod !== undefined && toMod >= fromMod);
    return keepsPrecision ? 'utc-only' : 'rewrite';
  }
  return 'rewrite';
}

/** A USING that only restates the column (or casts it to the new type) adds no per-row work. */
export function trivialUsing(op: AlterColumnTypeOp): boolean {
  if (!op.using) return true;
  const u = op.using.replace(/\s+/g, '');
  return u === op.column || u === `${op.column}::${op.newType.text.replace(/\s+/g, '')}`;
}

function alterTypeLock(op: AlterColumnTypeOp, facts: LockFacts): TableLock {
  const lock: TableLock = { mode: 'AccessExclusiveLock', table: op.table };
  if (!trivialUsing(op))
    return { ...lock, scans: true, rewrites: true, note: `USING ${op.using ?? ''} computes every row` };
  const old = op.oldType ?? facts.columnType?.(op.table, op.column);
  if (!old) return { ...lock, note: 'rewrites unless the change is binary-coercible (the old type is not known)' };
  const verdict = typeChangeVerdict(old, op.newType, facts.pgVersion);
  if (verdict === 'rewrite') return { ...lock, scans: true, rewrites: true };
  if (verdict === 'utc-only')
    return { ...lock, rebuildsIndexes: true, note: 'no table rewrite only when the session TimeZone is UTC (12+)' };
  // A new collation changes every index's order: they are rebuilt (reading the table), the table is not rewritten.
  if (op.collation)
    return {
      ...lock,
      rewrites: false,
      rebuildsIndexes: true,
      note: 'each index on the column is built anew, reading the table',
    };
  return { ...lock, scans: false, rewrites: false };
}

// ---------------------------------------------------------------------------------------------
// Per operation kind

type KindLocks = { [K in OperationKind]: (op: OpOfKind<K>, facts: LockFacts) => TableLock[] };

const AEL = 'AccessExclusiveLock';
const none = (): TableLock[] => [];

function indexTableOf(index: QualifiedName, facts: LockFacts): QualifiedName | string {
  return facts.indexTable?.(index) ?? `the table of ${tableText(index)}`;
}

/**
 * ATTACH PARTITION: the parent SHARE UPDATE EXCLUSIVE since 12 (ACCESS EXCLUSIVE before); the table
 * attached ACCESS EXCLUSIVE, and a scan to prove its rows fit the bound unless a valid CHECK already
 * does (attach-partition-without-check judges that from the schema state).
 */
function attachPartitionLocks(
  parent: QualifiedName | undefined,
  partition: QualifiedName | string,
  facts: LockFacts,
): TableLock[] {
  const locks: TableLock[] = [];
  if (parent)
    locks.push({
      mode: facts.pgVersion >= 12 ? 'ShareUpdateExclusiveLock' : AEL,
      table: parent,
      scans: false,
      rewrites: false,
    });
  locks.push({
    mode: AEL,
    table: partition,
    // the usual case; a valid CHECK implying the bound skips the scan (the schema state knows, not the model)
    scans: true,
    rewrites: false,
    note: 'scans the partition unless a valid CHECK constraint implies the partition bounds',
  });
  return locks;
}
const KIND_LOCKS: KindLocks = {
  'create-table': (op) => {
    // The new table itself is invisible to others until commit; what others wait on are the tables
    // its foreign keys reference (SHARE ROW EXCLUSIVE, to add the FK triggers) and a partition's parent.
    const locks: TableLock[] = [];
    for (const c of [...op.constraints, ...op.columns.flatMap((col) => col.constraints)])
      if (c.references) locks.push({ mode: 'ShareRowExclusiveLock', table: c.references.table, scans: false });
    if (op.partitionOf) locks.push({ mode: AEL, table: op.partitionOf, scans: false, rewrites: false });
    return locks;
  },
  'drop-table': (op) => op.tables.map((table) => ({ mode: AEL, table })),
  'rename-table': (op) => [{ mode: AEL, table: op.table, scans: false, rewrites: false }],
  'add-column': (op, facts) => {
    const c = op.column;
    const lock: TableLock = { mode: AEL, table: op.table };
    const locks: TableLock[] = [lock];
    for (const k of c.constraints)
      if (k.references) locks.push({ mode: 'ShareRowExclusiveLock', table: k.references.table });
    const volatileDefault = c.default !== undefined && c.default.volatility === 'volatile';
    const serial = /^(small|big)?serial[248]?$/.test(c.type.name);
    if (volatileDefault || serial || c.generated === 'stored' || c.generated === 'identity') {
      lock.rewrites = true;
      lock.note = 'a value computed per row (volatile default, serial, identity or stored generated column)';
    } else if (c.default?.volatility === 'unknown') {
      lock.note = 'rewrites the table if the default is volatile';
    } else if (c.default && !c.default.isNull && facts.pgVersion < 11) {
      lock.rewrites = true;
      lock.note = 'before PostgreSQL 11 every non-null default rewrites the table';
    } else {
      lock.rewrites = false;
      // Checking a new NOT NULL column without a default, or an inline CHECK/UNIQUE/PRIMARY KEY, reads every row.
      const checks = c.constraints.some((k) => k.type === 'check' && !k.notValid);
      const indexes = c.unique || c.primaryKey;
      lock.scans = checks || indexes || (c.notNull && !c.default);
    }
    return locks;
  },
  'drop-column': (op) => [{ mode: AEL, table: op.table, scans: false, rewrites: false }],
  'rename-column': (op) => [{ mode: AEL, table: op.table, scans: false, rewrites: false }],
  'alter-column-type': (op, facts) => [alterTypeLock(op, facts)],
  'set-not-null': (op, facts) => {
    // Since 12 a validated CHECK (col IS NOT NULL) proves it without reading the table.
    const proven = facts.pgVersion >= 12 && facts.hasValidNotNullCheck?.(op.table, op.column) === true;
    return [{ mode: AEL, table: op.table, scans: !proven, rewrites: false }];
  },
  'drop-not-null': (op) => [{ mode: AEL, table: op.table, scans: false, rewrites: false }],
  'set-default': (op) => [{ mode: AEL, table: op.table, scans: false, rewrites: false }],
  'add-constraint': (op) => {
    const c = op.constraint;
    if (c.type === 'foreign-key') {
      const locks: TableLock[] = [
        { mode: 'ShareRowExclusiveLock', table: op.table, scans: !c.notValid, rewrites: false },
      ];
      if (c.references) locks.push({ mode: 'ShareRowExclusiveLock', table: c.references.table, rewrites: false });
      return locks;
    }
    if (c.usingIndex) return [{ mode: AEL, table: op.table, rewrites: false }];
    return [{ mode: AEL, table: op.table, scans: !c.notValid, rewrites: false }];
  },
  'drop-constraint': (op) => [{ mode: AEL, table: op.table, scans: false, rewrites: false }],
  'validate-constraint': (op) => [{ mode: 'ShareUpdateExclusiveLock', table: op.table, scans: true, rewrites: false }],
  'create-index': (op) => [
    { mode: op.concurrently ? 'ShareUpdateExclusiveLock' : 'ShareLock', table: op.table, scans: true, rewrites: false },
  ],
  'drop-index': (op, facts) => {
    // CONCURRENTLY: SHARE UPDATE EXCLUSIVE on the table and the index, waiting out every transaction using it.
    const mode: LockMode = op.concurrently ? 'ShareUpdateExclusiveLock' : AEL;
    return op.indexes.flatMap((index) => [
      { mode, table: indexTableOf(index, facts), scans: false, rewrites: false },
      { mode, table: index, index: true as const },
    ]);
  },
  reindex: (op, facts) => {
    const mode: LockMode = op.concurrently ? 'ShareUpdateExclusiveLock' : 'ShareLock';
    switch (op.target) {
      case 'table':
        return [{ mode, table: op.name, scans: true, rewrites: false, rebuildsIndexes: true }];
      case 'index':
        return [
          { mode, table: indexTableOf(op.name, facts), scans: true, rewrites: false },
          { mode: op.concurrently ? 'ShareUpdateExclusiveLock' : AEL, table: op.name, index: true },
        ];
      default:
        return [
          { mode, table: `every table of ${op.target} ${tableText(op.name)}`, scans: true, rebuildsIndexes: true },
        ];
    }
  },
  // The enum's pg_type row is locked, no relation: tables using the type go on being read and written.
  'add-enum-value': none,
  'create-domain': none,
  'alter-domain': (op) => {
    // Checking existing values locks every table that has a column of the domain (SHARE) while it scans them.
    const validates =
      (op.action === 'add-constraint' && op.constraint?.notValid !== true) ||
      op.action === 'set-not-null' ||
      op.action === 'validate-constraint';
    return validates
      ? [{ mode: 'ShareLock', table: `every table with a column of domain ${tableText(op.name)}`, scans: true }]
      : [];
  },
  'attach-partition': (op, facts) => attachPartitionLocks(op.table, op.partition, facts),
  'detach-partition': (op) =>
    op.mode === 'blocking'
      ? [
          { mode: AEL, table: op.table, scans: false, rewrites: false },
          { mode: AEL, table: op.partition, scans: false, rewrites: false },
        ]
      : // CONCURRENTLY (14+) and FINALIZE: SHARE UPDATE EXCLUSIVE on parent and partition.
        [
          { mode: 'ShareUpdateExclusiveLock', table: op.table, scans: false, rewrites: false },
          { mode: 'ShareUpdateExclusiveLock', table: op.partition, scans: false, rewrites: false },
        ],
  // TRUNCATE gives each table and index a new, empty file: a rewrite in relfilenode terms, without
  // reading a row (rebuilding the empty indexes starts a scan of the empty table, which Postgres counts).
  truncate: (op) => op.tables.map((table) => ({ mode: AEL, table, rewrites: true, rebuildsIndexes: true })),
  'drop-schema': (op) => op.schemas.map((s) => ({ mode: AEL, table: `every relation of schema ${s}` })),
  'rename-schema': none,
  'drop-database': none,
  'set-setting': none,
  transaction: none,
  'data-change': (op) => {
    if (!op.table) return [];
    switch (op.statementType) {
      case 'SelectStmt':
        return [{ mode: 'AccessShareLock', table: op.table }];
      case 'CopyStmt':
        return [{ mode: op.rowsFromQuery ? 'RowExclusiveLock' : 'AccessShareLock', table: op.table, rewrites: false }];
      default: {
        const lock: TableLock = { mode: 'RowExclusiveLock', table: op.table, rewrites: false };
        if (op.rowScope === 'all' && op.statementType !== 'InsertStmt') lock.scans = true;
        return [lock];
      }
    }
  },
  other: (op, facts) => otherLocks(op, facts),
  // A framework call the frontend could not read: what it locks is not known.
  unknown: none,
};

// ---------------------------------------------------------------------------------------------
// ALTER TABLE sub-commands that have no op kind of their own (`other` ops, `AlterTableStmt:AT_…`)

type OtherOp = OpOfKind<'other'>;
type OtherLocks = (op: OtherOp, facts: LockFacts) => TableLock[];

const on =
  (mode: LockMode, extra: Omit<TableLock, 'mode' | 'table'> = {}): OtherLocks =>
  (op) =>
    op.table ? [{ mode, table: op.table, ...extra }] : [];
const catalogOnly = { scans: false, rewrites: false };

/** Sub-commands only Postgres itself generates (no SQL spells them): the frontend never produces them. */
export const INTERNAL_ALTER_TABLE: ReadonlySet<AlterTableType> = new Set<AlterTableType>([
  'AT_CookedColumnDefault',
  'AT_ReAddIndex',
  'AT_ReAddConstraint',
  'AT_ReAddDomainConstraint',
  'AT_ReAddComment',
  'AT_ReAddStatistics',
  'AT_AddIndex',
  'AT_AddIndexConstraint',
  'AT_ReplaceRelOptions',
  'AT_AddColumnToView',
]);

/**
 * Every ALTER TABLE sub-command. Those with an op kind of their own (add-column, set-not-null…) are
 * judged there; this table holds the rest and, for the internal ones, Postgres's own level.
 */
const ALTER_TABLE_LOCKS: Record<AlterTableType, OtherLocks> = {
  AT_AddColumn: on(AEL),
  AT_AddColumnToView: on(AEL),
  AT_ColumnDefault: on(AEL, catalogOnly),
  AT_CookedColumnDefault: on(AEL),
  AT_DropNotNull: on(AEL, catalogOnly),
  AT_SetNotNull: on(AEL),
  // PG 17: ALTER COLUMN … SET EXPRESSION recomputes the stored column: a rewrite.
  AT_SetExpression: on(AEL, { scans: true, rewrites: true }),
  AT_DropExpression: on(AEL, catalogOnly),
  AT_SetStatistics: on('ShareUpdateExclusiveLock', catalogOnly),
  AT_SetOptions: on('ShareUpdateExclusiveLock', catalogOnly),
  AT_ResetOptions: on('ShareUpdateExclusiveLock', catalogOnly),
  AT_SetStorage: on(AEL, catalogOnly),
  AT_SetCompression: on(AEL, catalogOnly),
  AT_DropColumn: on(AEL, catalogOnly),
  AT_AddIndex: on('ShareLock'),
  AT_ReAddIndex: on('ShareLock'),
  AT_AddConstraint: on(AEL),
  AT_ReAddConstraint: on(AEL),
  AT_ReAddDomainConstraint: on(AEL),
  AT_AlterConstraint: on(AEL, catalogOnly),
  AT_ValidateConstraint: on('ShareUpdateExclusiveLock', { scans: true, rewrites: false }),
  AT_AddIndexConstraint: on(AEL),
  AT_DropConstraint: on(AEL, catalogOnly),
  AT_ReAddComment: on(AEL),
  AT_AlterColumnType: on(AEL),
  AT_AlterColumnGenericOptions: on(AEL, catalogOnly),
  AT_ChangeOwner: on(AEL, catalogOnly),
  AT_ClusterOn: on('ShareUpdateExclusiveLock', catalogOnly),
  AT_DropCluster: on('ShareUpdateExclusiveLock', catalogOnly),
  // Switching WAL-logging writes the table anew.
  AT_SetLogged: on(AEL, { scans: true, rewrites: true }),
  AT_SetUnLogged: on(AEL, { scans: true, rewrites: true }),
  AT_DropOids: on(AEL, catalogOnly),
  // Rewrites the table into the new access method (nothing to do when it already uses it).
  AT_SetAccessMethod: on(AEL),
  // Moving to another tablespace copies the files (no-op when it already is there).
  AT_SetTableSpace: on(AEL),
  AT_SetRelOptions: on('ShareUpdateExclusiveLock', catalogOnly),
  AT_ResetRelOptions: on('ShareUpdateExclusiveLock', catalogOnly),
  AT_ReplaceRelOptions: on(AEL),
  AT_EnableTrig: on('ShareRowExclusiveLock', catalogOnly),
  AT_EnableAlwaysTrig: on('ShareRowExclusiveLock', catalogOnly),
  AT_EnableReplicaTrig: on('ShareRowExclusiveLock', catalogOnly),
  AT_DisableTrig: on('ShareRowExclusiveLock', catalogOnly),
  AT_EnableTrigAll: on('ShareRowExclusiveLock', catalogOnly),
  AT_DisableTrigAll: on('ShareRowExclusiveLock', catalogOnly),
  AT_EnableTrigUser: on('ShareRowExclusiveLock', catalogOnly),
  AT_DisableTrigUser: on('ShareRowExclusiveLock', catalogOnly),
  AT_EnableRule: on(AEL, catalogOnly),
  AT_EnableAlwaysRule: on(AEL, catalogOnly),
  AT_EnableReplicaRule: on(AEL, catalogOnly),
  AT_DisableRule: on(AEL, catalogOnly),
  // The parent: SHARE UPDATE EXCLUSIVE, so that no one changes it while the child joins.
  AT_AddInherit: (op, facts) => [
    ...on(AEL, catalogOnly)(op, facts),
    ...(op.parent ? [{ mode: 'ShareUpdateExclusiveLock' as const, table: op.parent, ...catalogOnly }] : []),
  ],
  AT_DropInherit: on(AEL, catalogOnly),
  AT_AddOf: on(AEL, catalogOnly),
  AT_DropOf: on(AEL, catalogOnly),
  AT_ReplicaIdentity: on(AEL, catalogOnly),
  AT_EnableRowSecurity: on(AEL, catalogOnly),
  AT_DisableRowSecurity: on(AEL, catalogOnly),
  AT_ForceRowSecurity: on(AEL, catalogOnly),
  AT_NoForceRowSecurity: on(AEL, catalogOnly),
  AT_GenericOptions: on(AEL, catalogOnly),
  // Judged by the attach-partition op kind (ALTER_TABLE_OP_KIND); kept for a frontend that leaves it generic.
  AT_AttachPartition: (op, facts) =>
    attachPartitionLocks(
      op.table,
      op.partition ?? `the partition attached to ${op.table ? tableText(op.table) : 'the table'}`,
      facts,
    ),
  AT_DetachPartition: on(AEL, catalogOnly),
  AT_DetachPartitionFinalize: on('ShareUpdateExclusiveLock', catalogOnly),
  AT_AddIdentity: on(AEL, catalogOnly),
  // The identity's sequence is altered (SHARE ROW EXCLUSIVE, as ALTER SEQUENCE) or dropped (ACCESS EXCLUSIVE).
  AT_SetIdentity: (op) => identityLocks(op, 'ShareRowExclusiveLock'),
  AT_DropIdentity: (op) => identityLocks(op, AEL),
  AT_ReAddStatistics: on('ShareUpdateExclusiveLock'),
};

function identityLocks(op: OtherOp, sequenceMode: LockMode): TableLock[] {
  if (!op.table) return [];
  return [
    { mode: AEL, table: op.table, ...catalogOnly },
    { mode: sequenceMode, table: `the identity sequence of ${tableText(op.table)}.${op.detail ?? 'its column'}` },
  ];
}

/** Statements without an op kind of their own, by `statementType`. */
const OTHER_LOCKS: Record<string, OtherLocks> = {
  // ALTER VIEW / MATERIALIZED VIEW / INDEX / SEQUENCE / composite TYPE (the frontend keeps only the object type).
  'AlterTableStmt:OBJECT_VIEW': on(AEL, catalogOnly),
  'AlterTableStmt:OBJECT_MATVIEW': (op, facts) => bySubcommand(op, facts),
  'AlterTableStmt:OBJECT_INDEX': (op, facts) => bySubcommand(op, facts),
  'AlterTableStmt:OBJECT_SEQUENCE': on(AEL, catalogOnly),
  'AlterTableStmt:OBJECT_TYPE': on(AEL, catalogOnly),
  // Triggers: SHARE ROW EXCLUSIVE to add one (writes wait, reads go on), ACCESS EXCLUSIVE to drop one.
  CreateTrigStmt: on('ShareRowExclusiveLock', catalogOnly),
  'DropStmt:OBJECT_TRIGGER': on(AEL, catalogOnly),
  'RenameStmt:OBJECT_TRIGGER': on(AEL, catalogOnly),
  // Rules and policies change how the table is read: ACCESS EXCLUSIVE.
  RuleStmt: on(AEL, catalogOnly),
  'DropStmt:OBJECT_RULE': on(AEL, catalogOnly),
  CreatePolicyStmt: on(AEL, catalogOnly),
  AlterPolicyStmt: on(AEL, catalogOnly),
  'DropStmt:OBJECT_POLICY': on(AEL, catalogOnly),
  // Views: a new view only reads its tables' definitions; replacing, renaming or dropping one locks it.
  ViewStmt: (op) =>
    op.detail === 'CREATE OR REPLACE VIEW' && op.table ? [{ mode: AEL, table: op.table, ...catalogOnly }] : [],
  CreateMaterializedViewStmt: none,
  'DropStmt:OBJECT_VIEW': on(AEL, catalogOnly),
  'DropStmt:OBJECT_MATVIEW': on(AEL, catalogOnly),
  'RenameStmt:OBJECT_VIEW': on(AEL, catalogOnly),
  'RenameStmt:OBJECT_MATVIEW': on(AEL, catalogOnly),
  'RenameStmt:OBJECT_TABCONSTRAINT': on(AEL, catalogOnly),
  'RenameStmt:OBJECT_SEQUENCE': on(AEL, catalogOnly),
  // Renaming an index takes SHARE UPDATE EXCLUSIVE since 12 (ACCESS EXCLUSIVE before).
  'RenameStmt:OBJECT_INDEX': (op, facts) =>
    op.table
      ? [{ mode: facts.pgVersion >= 12 ? 'ShareUpdateExclusiveLock' : AEL, table: op.table, ...catalogOnly }]
      : [],
  // REFRESH rebuilds the materialized view into a new file under ACCESS EXCLUSIVE; CONCURRENTLY (needs a
  // unique index) diffs it in place under EXCLUSIVE, which lets reads through.
  RefreshMatViewStmt: (op) =>
    op.table
      ? op.detail === 'REFRESH MATERIALIZED VIEW CONCURRENTLY'
        ? [{ mode: 'ExclusiveLock', table: op.table, rewrites: false }]
        : [{ mode: AEL, table: op.table, rewrites: true }]
      : [],
  // VACUUM FULL and CLUSTER write a new copy of the table and its indexes.
  VacuumStmt: (op) => {
    const table = op.table ?? 'every table of the database';
    return op.detail === 'VACUUM FULL'
      ? [{ mode: AEL, table, rewrites: true }]
      : [{ mode: 'ShareUpdateExclusiveLock', table, rewrites: false }];
  },
  AnalyzeStmt: on('ShareUpdateExclusiveLock', { rewrites: false }),
  // LOCK TABLE t IN … MODE: the mode it names (the frontend puts it in `detail`), held until COMMIT.
  LockStmt: (op) =>
    op.table && op.detail && isLockMode(op.detail) ? [{ mode: op.detail, table: op.table, ...catalogOnly }] : [],
  ClusterStmt: (op) => [{ mode: AEL, table: op.table ?? 'every table clustered before', rewrites: true }],
  // COMMENT ON TABLE/COLUMN/CONSTRAINT… takes SHARE UPDATE EXCLUSIVE on the table.
  CommentStmt: on('ShareUpdateExclusiveLock', catalogOnly),
  CreateStatsStmt: on('ShareUpdateExclusiveLock', catalogOnly),
  // Sequences: ALTER SEQUENCE takes SHARE ROW EXCLUSIVE on the sequence; dropping it ACCESS EXCLUSIVE.
  CreateSeqStmt: none,
  AlterSeqStmt: on('ShareRowExclusiveLock', catalogOnly),
  'DropStmt:OBJECT_SEQUENCE': on(AEL, catalogOnly),
  // Types, enums, domains: catalog rows, no relation lock (a composite type's relation is new).
  CreateEnumStmt: none,
  AlterEnumStmt: none,
  CompositeTypeStmt: none,
  'DropStmt:OBJECT_TYPE': none,
  'DropStmt:OBJECT_DOMAIN': none,
  'RenameStmt:OBJECT_TYPE': none,
  'RenameStmt:OBJECT_DOMAIN': none,
  // Functions, extensions, schemas, grants: no table lock.
  CreateFunctionStmt: none,
  'DropStmt:OBJECT_FUNCTION': none,
  CreateExtensionStmt: none,
  'DropStmt:OBJECT_EXTENSION': none,
  CreateSchemaStmt: none,
  GrantStmt: none,
  DoStmt: none,
};

/** ALTER MATERIALIZED VIEW / ALTER INDEX: the sub-command's level, as for a table (`detail` names it). */
function bySubcommand(op: OtherOp, facts: LockFacts): TableLock[] {
  const sub = op.detail as AlterTableType | undefined;
  return sub && sub in ALTER_TABLE_LOCKS ? ALTER_TABLE_LOCKS[sub](op, facts) : on(AEL)(op, facts);
}

/**
 * ALTER TABLE sub-commands the frontend turns into an op kind of their own: judged by that kind's
 * entry (their row in the sub-command table is never reached).
 */
export const ALTER_TABLE_OP_KIND: Partial<Record<AlterTableType, OperationKind>> = {
  AT_AddColumn: 'add-column',
  AT_ColumnDefault: 'set-default',
  AT_DropNotNull: 'drop-not-null',
  AT_SetNotNull: 'set-not-null',
  AT_DropColumn: 'drop-column',
  AT_AddConstraint: 'add-constraint',
  AT_ValidateConstraint: 'validate-constraint',
  AT_DropConstraint: 'drop-constraint',
  AT_AlterColumnType: 'alter-column-type',
  AT_AttachPartition: 'attach-partition',
  AT_DetachPartition: 'detach-partition',
  AT_DetachPartitionFinalize: 'detach-partition',
};

/** The key of the model's entry an op is judged by: its kind, or for an `other` op its statement. */
export function lockEntryKey(op: Operation): string {
  if (op.kind !== 'other') return op.kind;
  const sub = alterTableSubcommand(op);
  if (sub) return `AlterTableStmt:${sub}`;
  return op.statementType in OTHER_LOCKS ? op.statementType : 'other';
}

function alterTableSubcommand(op: OtherOp): AlterTableType | undefined {
  const sub = /^AlterTableStmt:(AT_\w+)$/.exec(op.statementType)?.[1];
  return sub !== undefined && sub in ALTER_TABLE_LOCKS ? (sub as AlterTableType) : undefined;
}

function otherLocks(op: OtherOp, facts: LockFacts): TableLock[] {
  const sub = alterTableSubcommand(op);
  if (sub) return ALTER_TABLE_LOCKS[sub](op, facts);
  return OTHER_LOCKS[op.statementType]?.(op, facts) ?? [];
}

/** Every entry of the model: op kinds (but `other`), ALTER TABLE sub-commands, other statements. */
export function lockEntryKeys(): { key: string; internal: boolean }[] {
  return [
    ...(Object.keys(KIND_LOCKS) as OperationKind[])
      .filter((k) => k !== 'other')
      .map((key) => ({ key, internal: false })),
    ...(Object.keys(ALTER_TABLE_LOCKS) as AlterTableType[]).map((sub) => ({
      key: `AlterTableStmt:${sub}`,
      internal: INTERNAL_ALTER_TABLE.has(sub),
    })),
    ...Object.keys(OTHER_LOCKS).map((key) => ({ key, internal: false })),
  ];
}

/** Every op kind, in the IR's order. */
export const OPERATION_KINDS = Object.keys(KIND_LOCKS) as OperationKind[];

/** The locks an operation takes, strongest first. */
export function locksOf(op: Operation, facts: LockFacts): TableLock[] {
  const locks = (KIND_LOCKS[op.kind] as (op: Operation, facts: LockFacts) => TableLock[])(op, facts);
  return locks.length > 1 ? locks.sort((a, b) => lockStrength(b.mode) - lockStrength(a.mode)) : locks;
}

/** The strongest lock an operation takes (ties: the first the operation names), if any. */
export function strongestLock(op: Operation, facts: LockFacts): TableLock | undefined {
  return locksOf(op, facts)[0];
}
