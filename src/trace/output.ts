/**
 * Trace output: a per-statement table for people and the same data as JSON. Findings go through
 * the normal reporters; these functions only render the observations.
 */
import { displayPath } from '../files/display-path.js';
import { formatMs } from './findings.js';
import { blocksLabel, strongestMode } from '../analysis/locks.js';
import type { ObservedLock, StepResult, TraceReport } from './types.js';

/** Marks a row whose third cell is a message running across the remaining columns. */
const SPAN = '\u0000span';

/** Relation kinds the table lists; indexes only appear when their table does not. */
const TABLE_LIKE = new Set(['table', 'partitioned table', 'materialized view', 'view', 'foreign table', 'sequence']);

/** The locks worth a row in the text table: relations that existed before the statement. */
export function displayedLocks(r: StepResult): ObservedLock[] {
  const existing = r.locks.filter((l) => !l.createdByStatement);
  const shownTables = new Set(existing.filter((l) => TABLE_LIKE.has(l.kind)).map((l) => l.relation));
  return existing.filter((l) => TABLE_LIKE.has(l.kind) || !(l.table && shownTables.has(l.table)));
}

function oneLine(sql: string, max: number): string {
  const flat = sql
    .replace(/--[^\n]*\n/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > max ? flat.slice(0, max - 1) + '…' : flat;
}

function rewriteCell(r: StepResult, lock: Pick<ObservedLock, 'oid' | 'relation'>): string {
  if (r.rewrites.some((w) => w.oid === lock.oid)) return 'yes';
  // Indexes of the table rebuilt without the table itself (ALTER COLUMN TYPE with a binary-compatible type, REINDEX).
  const rebuilt = r.rewrites.filter(
    (w) => w.kind === 'index' && r.locks.some((l) => l.oid === w.oid && l.table === lock.relation),
  );
  return rebuilt.length ? `${rebuilt.length} index${rebuilt.length === 1 ? '' : 'es'}` : '-';
}

function engineLine(report: TraceReport): string {
  const where =
    report.engine === 'pglite'
      ? `PGlite (PostgreSQL ${report.serverVersion}, embedded, in memory)`
      : `PostgreSQL ${report.serverVersion} server`;
  const how =
    report.mode === 'per-statement'
      ? report.engine === 'pglite'
        ? 'each statement in a transaction of its own'
        : 'each statement in a transaction of its own, COMMITTED (--allow-commit)'
      : 'the whole run in one transaction, ROLLED BACK at the end';
  const rows =
    report.rows > 0
      ? `; tables seeded with ${report.rows.toLocaleString('en-US')} rows`
      : '; tables are empty (--rows N seeds them)';
  return `migration-lint trace on ${where}: ${how}${rows}`;
}

/** The per-statement table and the run notes, as text. */
export function traceTable(report: TraceReport, cwd: string): string {
  const header = ['LOCATION', 'STATEMENT', 'RELATION', 'LOCK', 'BLOCKS', 'REWRITE', 'MS', 'HELD'];
  const rows: string[][] = [];
  const all = [...report.migrations.flatMap((m) => m.results)];
  for (const r of all) {
    if (r.step.skip?.quiet) continue;
    const where = `${displayPath(r.step.file, cwd)}:${r.step.span.line}`;
    const statement =
      r.step.sql !== undefined ? oneLine(r.step.sql, 44) : oneLine(r.step.ops.map((o) => o.kind).join(', '), 44);
    const ms = r.ms !== undefined ? formatMs(r.ms).replace(/ ms$/, '') : '-';
    const held =
      r.heldMs !== undefined && r.ms !== undefined && r.heldMs > r.ms * 1.05 + 1
        ? formatMs(r.heldMs).replace(/ ms$/, '')
        : '';
    let status: string | undefined;
    if (r.status === 'skipped') status = `skipped: ${r.notes[0]?.replace(/^not run: /, '') ?? 'not run'}`;
    // A failure inside trace's transaction left nothing to show; one that only the tool's transaction
    // causes (ran on its own afterwards) still has its observations below.
    else if (r.status === 'failed' && (r.ranInTransaction || r.ms === undefined))
      status = `FAILED: ${r.error?.message ?? ''}`;
    if (status) {
      // A message row: the text runs on past the lock columns instead of widening them.
      rows.push([where, statement, `${oneLine(status, 100)}${r.ms !== undefined ? ` (${formatMs(r.ms)})` : ''}`, SPAN]);
      continue;
    }
    const locks = displayedLocks(r);
    const heldRows: string[][] = [];
    const prefix = r.status === 'failed' ? "fails in the tool's transaction; " : '';
    if (r.observation === 'not-observed') {
      const rewrote = r.rewrites.some((w) => w.kind !== 'index')
        ? `; rewrote ${r.rewrites
            .filter((w) => w.kind !== 'index')
            .map((w) => w.relation)
            .join(', ')}`
        : '';
      rows.push([
        where,
        statement,
        `${prefix}locks not observed: ran outside a transaction${rewrote} (${r.ms !== undefined ? formatMs(r.ms) : '-'})`,
        SPAN,
      ]);
      continue;
    }
    // In a rolled-back run: what the transaction already held on the statement's tables.
    for (const h of r.alreadyHeld) {
      if (locks.some((l) => l.oid === h.oid)) continue;
      const mode = strongestMode(h.modes)!;
      heldRows.push([
        h.relation,
        `${mode} (held earlier)`,
        blocksLabel(mode),
        rewriteCell(r, { oid: h.oid, relation: h.relation }),
        '',
        '',
      ]);
    }
    if (locks.length === 0 && heldRows.length) {
      heldRows.forEach((cells, i) =>
        rows.push(
          i === 0 ? [where, statement, prefix + cells[0]!, ...cells.slice(1, 4), ms, held] : ['', '', ...cells],
        ),
      );
      continue;
    }
    if (locks.length === 0) {
      rows.push([where, statement, prefix ? prefix.slice(0, -2) : '-', '-', '-', '-', ms, '']);
      continue;
    }
    locks.forEach((l, i) => {
      const mode = l.waitedFor ? `${l.mode} (requested)` : l.mode;
      rows.push(
        i === 0
          ? [where, statement, prefix + l.relation, mode, blocksLabel(l.mode), rewriteCell(r, l), ms, held]
          : ['', '', l.relation, mode, blocksLabel(l.mode), rewriteCell(r, l), '', ''],
      );
    });
    for (const cells of heldRows) rows.push(['', '', ...cells]);
  }
  const spanning = (row: string[]) => row[3] === SPAN;
  const widths = header.map((h, c) =>
    Math.max(h.length, ...rows.map((row) => (spanning(row) && c >= 2 ? 0 : row[c]!.length))),
  );
  const line = (cells: string[]) =>
    (spanning(cells) ? cells.slice(0, 3) : cells)
      .map((cell, c) => (c === 6 || c === 7 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  const out = [engineLine(report), ''];
  if (rows.length) out.push(line(header), ...rows.map(line));
  else out.push('(no upgrade statements to run)');
  const notes = traceNotes(report, cwd);
  if (notes.length) out.push('', ...notes.map((n) => `note: ${n}`));
  return out.join('\n') + '\n';
}

/** Run-level remarks: seeding, statements not run, how locks were observed. */
export function traceNotes(report: TraceReport, cwd: string): string[] {
  const notes = [...report.notes];
  if (report.seeding.length) {
    const ok = report.seeding.filter((s) => !s.problem);
    const ms = report.seeding.reduce((a, s) => a + s.ms, 0);
    notes.push(
      `seeded ${ok.length} of ${report.seeding.length} table${report.seeding.length === 1 ? '' : 's'} with ${report.rows.toLocaleString('en-US')} rows each (${formatMs(ms)})`,
    );
    for (const s of report.seeding)
      if (s.problem)
        notes.push(
          `${s.rows ? 'partly seeded' : 'could not seed'} ${s.table.schema === 'public' ? s.table.name : `${s.table.schema}.${s.table.name}`}: ${s.problem}`,
        );
  }
  const down = report.migrations.reduce((a, m) => a + m.downgradeStatements, 0);
  if (down) notes.push(`${down} downgrade statement${down === 1 ? '' : 's'} not run (trace replays upgrades)`);
  const setupFailures = report.setup.filter((r) => r.status === 'failed').length;
  if (setupFailures)
    notes.push(
      `${setupFailures} statement${setupFailures === 1 ? '' : 's'} of ${displayPath(report.setupFile ?? 'setup', cwd)} failed (listed below)`,
    );
  if (report.mode === 'rolled-back') {
    const refused = report.migrations
      .flatMap((m) => m.results)
      .filter((r) => r.status === 'skipped' && /cannot run inside a transaction block/.test(r.notes[0] ?? ''));
    if (refused.length) {
      const where = refused.map((r) => `${displayPath(r.step.file, cwd)}:${r.step.span.line}`).join(', ');
      notes.push(
        `${refused.length} statement${refused.length === 1 ? '' : 's'} cannot run inside a transaction and ${refused.length === 1 ? 'was' : 'were'} not run, because this run is rolled back (--allow-commit runs them, on a scratch database): ${where}`,
      );
    }
  }
  if (
    report.mode === 'rolled-back' &&
    report.migrations.some((m) => m.results.some((r) => r.observation === 'partial'))
  ) {
    notes.push(
      'in one transaction, a lock mode the transaction already holds is not shown again for a later statement; for exact per-statement locks trace on the embedded database (default) or use --allow-commit on a scratch database',
    );
  }
  return notes;
}

/** The trace as plain data (the `trace` member of `--format json`). */
export function traceJson(report: TraceReport, cwd: string): Record<string, unknown> {
  const statement = (r: StepResult) => {
    const s = r.step.span;
    const out: Record<string, unknown> = {
      file: displayPath(r.step.file, cwd),
      line: s.line,
      column: s.column,
      endLine: s.endLine,
      endColumn: s.endColumn,
      statement: r.step.sql ?? null,
      origin: r.step.origin,
      operations: r.step.ops.map((o) => o.kind),
      status: r.status,
      inTransaction: r.step.inTransaction,
      ranInTransaction: r.ranInTransaction,
      observation: r.observation,
      observationNote: r.observationNote ?? null,
      locks: r.locks.map((l) => ({
        relation: l.relation,
        schema: l.schema,
        name: l.name,
        kind: l.kind,
        table: l.table ?? null,
        mode: l.mode,
        modes: l.modes,
        blocksReads: l.blocksReads,
        blocksWrites: l.blocksWrites,
        createdByStatement: l.createdByStatement,
        existedBeforeMigration: l.existedBeforeMigration,
        ...(l.waitedFor ? { waitedFor: true } : {}),
      })),
      alreadyHeld: r.alreadyHeld,
      rewrites: r.rewrites.map((w) => ({ relation: w.relation, kind: w.kind })),
      ms: r.ms === undefined ? null : Math.round(r.ms * 1000) / 1000,
      heldMs: r.heldMs === undefined ? null : Math.round(r.heldMs * 1000) / 1000,
      targets: r.targets,
      rowCounts: r.rowCounts,
      error: r.error ?? null,
      notes: r.notes,
    };
    if (r.step.revision !== undefined) out.revision = r.step.revision;
    return out;
  };
  return {
    engine: report.engine,
    serverVersion: report.serverVersion,
    serverVersionNum: report.serverVersionNum,
    mode: report.mode,
    rowsPerTable: report.rows,
    setup: report.setupFile ? displayPath(report.setupFile, cwd) : null,
    setupProblems: report.setup.map(statement),
    migrations: report.migrations.map((m) => ({
      file: displayPath(m.file, cwd),
      format: m.format,
      downgradeStatements: m.downgradeStatements,
      statements: m.results.map(statement),
    })),
    seeding: report.seeding.map((s) => ({
      relation: s.table.schema === 'public' ? s.table.name : `${s.table.schema}.${s.table.name}`,
      rows: s.rows,
      ms: Math.round(s.ms * 1000) / 1000,
      problem: s.problem ?? null,
    })),
    notes: traceNotes(report, cwd),
  };
}
