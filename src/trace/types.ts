import type { LockMode } from '../analysis/locks.js';
import type { TraceStep } from './plan.js';
import type { SeedOutcome } from './seed.js';

/** What kind of relation a lock is on, from `pg_class.relkind`. */
export const RELATION_KINDS: Record<string, string> = {
  r: 'table',
  p: 'partitioned table',
  i: 'index',
  I: 'partitioned index',
  S: 'sequence',
  v: 'view',
  m: 'materialized view',
  f: 'foreign table',
  c: 'composite type',
  t: 'toast table',
};

/** A relation as one catalog snapshot shows it. */
export interface RelationInfo {
  oid: string;
  schema: string;
  name: string;
  relkind: string;
  filenode: string;
  /** For an index: the table it belongs to. */
  parentOid: string | null;
  isPartition: boolean;
}

/** The locks one statement took on one relation. */
export interface ObservedLock {
  oid: string;
  schema: string;
  name: string;
  /** `users`, or `billing.users` outside the public schema. */
  relation: string;
  kind: string;
  /** For an index: the table it belongs to. */
  table?: string;
  /** Every mode taken on the relation, weakest first. */
  modes: LockMode[];
  /** The strongest of them. */
  mode: LockMode;
  blocksReads: boolean;
  blocksWrites: boolean;
  /** The relation did not exist before the statement (nobody else can be waiting for it). */
  createdByStatement: boolean;
  /** The relation existed before this migration file started (a table the file did not create). */
  existedBeforeMigration: boolean;
  /** Seen only as a request the statement was waiting for (watched on a real server). */
  waitedFor?: boolean;
}

export interface Rewrite {
  oid: string;
  relation: string;
  kind: string;
}

export type StepStatus = 'ok' | 'failed' | 'skipped';

/** How a step's locks were seen: read inside its transaction, sampled from another connection, or not at all. */
export type LockObservation = 'exact' | 'sampled' | 'not-observed' | 'partial';

export interface StepResult {
  step: TraceStep;
  status: StepStatus;
  observation: LockObservation;
  /** Why locks were not (fully) observed, or how they were sampled. */
  observationNote?: string;
  /** Whether trace ran the statement inside a transaction (it can only read locks inside one). */
  ranInTransaction: boolean;
  locks: ObservedLock[];
  /** In a rolled-back run: modes the transaction already held on the statement's tables before it ran. */
  alreadyHeld: { oid: string; relation: string; modes: LockMode[] }[];
  rewrites: Rewrite[];
  /**
   * Tables the statement read from end to end (sequential scans it started: validation, index builds,
   * rewrites), from the transaction's own scan counters; absent when not observed (outside a transaction).
   */
  scans?: string[];
  /** Wall-clock time of the statement. */
  ms?: number;
  /** How long the locks stay held in the tool's run: until the end of the transaction the statement is in. */
  heldMs?: number;
  /** Relations the statement's operations name that existed when it ran (`users`, `billing.invoices`). */
  targets: string[];
  /** Rows in the statement's tables just before it ran. */
  rowCounts: Record<string, number>;
  error?: { message: string; code?: string };
  notes: string[];
}

export interface MigrationTrace {
  file: string;
  format: string;
  /** How the tool runs the file with respect to transactions (from the IR). */
  transaction: 'wrapped' | 'none' | 'implicit';
  results: StepResult[];
  downgradeStatements: number;
}

export interface TraceReport {
  engine: 'pglite' | 'postgres';
  serverVersion: string;
  serverVersionNum: number;
  /**
   * `per-statement`: every statement in a transaction of its own, committed (PGlite, or a server
   * with --allow-commit); `rolled-back`: the whole run in one transaction, rolled back at the end.
   */
  mode: 'per-statement' | 'rolled-back';
  rows: number;
  setupFile?: string;
  setup: StepResult[];
  migrations: MigrationTrace[];
  seeding: SeedOutcome[];
  notes: string[];
}
