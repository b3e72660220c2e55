/**
 * Which SQL trace runs, in which order: the upgrade statements of every migration, in the order the
 * migration set is given (the order the tool runs it). SQL migrations run their original statement
 * text (sliced from the source by the op spans); other frontends run the IR rendered as SQL, or the
 * SQL they embed when the op's span holds exactly that SQL.
 */
import { parseSync } from 'libpg-query';
import type { Migration, Operation, SourceSpan } from '../ir/types.js';
import { LineIndex } from '../ir/source-text.js';
import { translateStatement } from '../parsers/sql/translate.js';
import { refusedSql } from './refusals.js';
import { renderStatement } from './render-sql.js';

/** Where a step's SQL comes from. */
export type StepOrigin = 'source' | 'rendered' | 'embedded';

export interface TraceStep {
  file: string;
  span: SourceSpan;
  /** The SQL to run; absent when the step is skipped. */
  sql?: string;
  origin: StepOrigin;
  ops: Operation[];
  /** Whether the migration tool runs this statement inside a transaction (from the IR). */
  inTransaction: boolean;
  /** The tool's transaction this statement belongs to within its file; -1 when it runs on its own. */
  group: number;
  /** Why the step is not run. `quiet` steps (transaction control) are left out of the text table. */
  skip?: { reason: string; quiet?: boolean };
  revision?: string;
}

export interface PlannedMigration {
  migration: Migration;
  steps: TraceStep[];
  /** Downgrade statements in the file, which trace does not run. */
  downgradeStatements: number;
}

const SQL_FORMATS = new Set([
  'sql',
  'dbmate',
  'golang-migrate',
  'sqlx',
  'flyway',
  'prisma',
  'drizzle',
  'alembic-sql',
  'node-pg-migrate-sql',
]);

export function isSqlMigration(m: Migration): boolean {
  return SQL_FORMATS.has(m.format) || m.file.toLowerCase().endsWith('.sql');
}

function sliceSpan(index: LineIndex, span: SourceSpan): string {
  const start = index.lineStart(span.line) + span.column - 1;
  const end = index.lineStart(span.endLine) + span.endColumn - 1;
  return index.text.slice(start, Math.max(start, end));
}

/** The whole source statement of an op (its own span may be one clause of it). */
function statementSpan(op: Operation): SourceSpan {
  return op.statementSpan ?? op.span;
}

/** Groups ops by source statement, keeping their order. */
function byStatement(ops: Operation[]): Operation[][] {
  const groups: Operation[][] = [];
  let last: number | undefined;
  for (const op of ops) {
    if (groups.length && op.statementIndex === last) groups[groups.length - 1]!.push(op);
    else groups.push([op]);
    last = op.statementIndex;
  }
  return groups;
}

/** The span's text when it is SQL that translates to the same op kinds (raw SQL inside a TS/Python migration). */
function embeddedSql(index: LineIndex, ops: Operation[]): string | undefined {
  const text = sliceSpan(index, statementSpan(ops[0]!)).trim();
  if (!text) return undefined;
  const kinds = kindsOf(text);
  return kinds && kinds.length === ops.length && kinds.every((k, i) => k === ops[i]!.kind) ? text : undefined;
}

function parses(sql: string): string | undefined {
  try {
    parseSync(sql);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

function stepBase(ops: Operation[]): Omit<TraceStep, 'origin'> {
  const first = ops[0]!;
  const step: Omit<TraceStep, 'origin'> = {
    file: first.span.file,
    span: statementSpan(first),
    ops,
    inTransaction: first.inTransaction,
    group: -1,
  };
  if (first.revision !== undefined) step.revision = first.revision;
  return step;
}

function stepsOf(migration: Migration): TraceStep[] {
  const upgrade = migration.ops.filter((op) => op.direction === 'upgrade');
  const index = new LineIndex(migration.source);
  const sqlSource = isSqlMigration(migration);
  const steps: TraceStep[] = [];
  for (const ops of byStatement(upgrade)) {
    const base = stepBase(ops);
    if (ops.every((op) => op.kind === 'transaction')) {
      const text = sqlSource ? { sql: sliceSpan(index, base.span) } : {};
      steps.push({
        ...base,
        ...text,
        origin: 'source',
        skip: { reason: 'transaction control: trace runs each statement in a transaction of its own', quiet: true },
      });
      continue;
    }
    if (sqlSource) {
      steps.push({ ...base, origin: 'source', sql: sliceSpan(index, base.span) });
      continue;
    }
    const embedded = embeddedSql(index, ops);
    if (embedded) {
      steps.push({ ...base, origin: 'embedded', sql: embedded });
      continue;
    }
    steps.push(...renderedSteps(ops));
  }
  assignGroups(steps);
  return steps.map(withRefusal);
}

/** The step, skipped when its SQL reaches outside the traced database (refusals.ts). */
function withRefusal(step: TraceStep): TraceStep {
  if (step.skip || step.sql === undefined) return step;
  const refused = refusedSql(step.sql, step.span.line);
  return refused ? { ...step, skip: { reason: refused } } : step;
}

/** The SQL text the parser kept for an op the IR does not describe (`other`, `data-change`). */
function keptSql(op: Operation): string | undefined {
  return op.kind === 'other' || op.kind === 'data-change' ? op.sql : undefined;
}

/** The op kinds an SQL text translates to, or undefined when it does not parse. */
function kindsOf(sql: string): string[] | undefined {
  try {
    const stmts = parseSync(sql).stmts ?? [];
    return stmts.flatMap((st) => translateStatement(st.stmt).map((d) => d.kind));
  } catch {
    return undefined;
  }
}

/**
 * Steps for the ops of one framework call. An op the IR does not describe may carry the text of the
 * SQL statement it came from (raw SQL in code, or SQL the frontend generated, such as Alembic's
 * CREATE TYPE for an enum column): that statement runs as is, together with the ops it also
 * produced (found by translating the text again). Everything else is rendered from the IR.
 */
function renderedSteps(ops: Operation[]): TraceStep[] {
  // start index → [end index, text] of ops covered by a kept statement text
  const kept = new Map<number, [number, string]>();
  const covered = new Set<number>();
  for (let k = 0; k < ops.length; k++) {
    const text = keptSql(ops[k]!);
    if (text === undefined || covered.has(k)) continue;
    const kinds = kindsOf(text);
    let window: [number, number] = [k, k + 1];
    if (kinds && kinds.length > 0) {
      for (let start = Math.max(0, k - kinds.length + 1); start <= k; start++) {
        const end = start + kinds.length;
        if (end > ops.length) continue;
        const fits = kinds.every((kind, i) => ops[start + i]!.kind === kind && !covered.has(start + i));
        if (fits) {
          window = [start, end];
          break;
        }
      }
    }
    for (let i = window[0]; i < window[1]; i++) covered.add(i);
    kept.set(window[0], [window[1], text]);
  }
  const steps: TraceStep[] = [];
  const pending: Operation[] = [];
  const flushRendered = () => {
    if (pending.length === 0) return;
    for (const part of renderStatement(pending.splice(0))) {
      const partBase = stepBase(part.ops);
      if ('skip' in part.rendered) {
        steps.push({ ...partBase, origin: 'rendered', skip: { reason: `not run: ${part.rendered.skip}` } });
        continue;
      }
      const invalid = parses(part.rendered.sql);
      if (invalid)
        steps.push({
          ...partBase,
          origin: 'rendered',
          sql: part.rendered.sql,
          skip: { reason: `not run: the SQL rendered from the IR does not parse (${invalid})` },
        });
      else steps.push({ ...partBase, origin: 'rendered', sql: part.rendered.sql });
    }
  };
  for (let i = 0; i < ops.length;) {
    const hit = kept.get(i);
    if (hit) {
      flushRendered();
      steps.push({ ...stepBase(ops.slice(i, hit[0])), origin: 'embedded', sql: hit[1] });
      i = hit[0];
    } else if (covered.has(i)) {
      i++;
    } else {
      pending.push(ops[i]!);
      i++;
    }
  }
  flushRendered();
  return steps;
}

/**
 * Numbers the transactions the tool runs the file in: a wrapped file is one transaction, explicit
 * BEGIN … COMMIT blocks are one each, autocommitted statements get -1. Locks taken by a statement
 * in a transaction are held until that transaction ends.
 */
function assignGroups(steps: TraceStep[]): void {
  let next = 0;
  let current = -1;
  for (const step of steps) {
    const tx = step.ops.find((op) => op.kind === 'transaction');
    if (tx) {
      if (tx.action === 'begin' && current === -1) current = next++;
      step.group = current;
      if (tx.action === 'commit' || tx.action === 'rollback' || tx.action === 'prepare') current = -1;
      continue;
    }
    if (step.inTransaction) {
      if (current === -1) current = next++;
      step.group = current;
    } else {
      current = -1;
      step.group = -1;
    }
  }
}

/** The steps of every migration, in the order given. */
export function planMigrations(migrations: readonly Migration[]): PlannedMigration[] {
  return migrations.map((migration) => {
    const downgrade = new Set(
      migration.ops.filter((op) => op.direction === 'downgrade').map((op) => op.statementIndex),
    );
    return { migration, steps: stepsOf(migration), downgradeStatements: downgrade.size };
  });
}
