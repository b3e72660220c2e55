import type { FormatParser } from '../types.js';
import type { Migration, Operation } from '../../ir/types.js';
import { assignTransactions } from '../../ir/transactions.js';
import { type SqlSection, sqlMigration } from './sql-common.js';

declare module '../../ir/types.js' {
  interface MigrationFormats {
    'alembic-sql': true;
  }
}

/**
 * `-- Running upgrade A -> B` (`A, B -> C` for a merge, nothing before `->` for the first revision);
 * `-- Running downgrade B -> A`. The revision a section belongs to is the one being applied or undone.
 */
const HEADER = /^--\s*Running (upgrade|downgrade)\s+(.*?)\s*->\s*(.*?)\s*$/gm;

function revisionList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Alembic's own bookkeeping: the `alembic_version` table and its rows. */
function isBookkeeping(op: Operation): boolean {
  if (op.kind === 'drop-table') return op.tables.length === 1 && op.tables[0]!.name === 'alembic_version';
  const table = 'table' in op ? op.table : undefined;
  return (op.kind === 'create-table' || op.kind === 'data-change') && table?.name === 'alembic_version';
}

/**
 * The BEGIN/COMMIT Alembic writes around the run (or around each revision with
 * `transaction_per_migration`) and the COMMIT … BEGIN pair it writes around an `autocommit_block()`.
 * Their effect is kept in each op's `inTransaction`; the statements themselves are the tool's, not
 * the revision's. A COMMIT the revision issues itself (`op.execute("COMMIT")`) in the middle of its
 * statements, with no BEGIN after it, is kept.
 */
function framing(ops: Operation[]): Set<Operation> {
  const out = new Set<Operation>();
  ops.forEach((op, i) => {
    if (op.kind !== 'transaction' || op.action !== 'commit') return;
    const next = ops.find((o, j) => j > i && o.kind === 'transaction');
    if (next?.kind === 'transaction' && next.action === 'begin') {
      out.add(op);
      out.add(next);
    }
  });
  const content = ops.map((op, i) => (op.kind === 'transaction' ? -1 : i)).filter((i) => i >= 0);
  const first = content[0] ?? ops.length;
  const last = content[content.length - 1] ?? -1;
  ops.forEach((op, i) => {
    if (op.kind === 'transaction' && (i < first || i > last)) out.add(op);
  });
  return out;
}

/** Parents of each revision, from the upgrade headers (`-- Running upgrade A, B -> C`). */
function revisionParents(text: string): Map<string, string[]> {
  const parents = new Map<string, string[]>();
  for (const h of text.matchAll(HEADER)) {
    if (h[1] === 'upgrade') for (const rev of revisionList(h[3]!)) parents.set(rev, revisionList(h[2]!));
  }
  return parents;
}

/** One migration per revision section, as Alembic runs them (see `arrangeRun`). */
function splitByRevision(m: Migration): Migration[] {
  const sections: { revision?: string; ops: Operation[] }[] = [];
  for (const op of m.ops) {
    const current = sections[sections.length - 1];
    if (current && current.revision === op.revision && current.ops[0]!.direction === op.direction) current.ops.push(op);
    else sections.push({ revision: op.revision, ops: [op] });
  }
  // Read again from the source: the parsed migration may have crossed a thread (parse workers).
  const parents = revisionParents(m.source);
  const out: Migration[] = sections.map((s) => {
    const piece: Migration = {
      file: m.file,
      format: m.format,
      ops: s.ops,
      transaction: m.transaction,
      diagnostics: [],
      source: m.source,
    };
    if (s.revision !== undefined) {
      piece.revision = s.revision;
      const p = parents.get(s.revision);
      if (p) piece.parents = p;
    }
    return piece;
  });
  if (out.length === 0) return [m];
  // Parse errors are reported once, with the first revision of the file.
  out[0]!.diagnostics = m.diagnostics;
  return out;
}

/**
 * `alembic upgrade … --sql` output. The `-- Running upgrade A -> B` comments attribute each statement
 * to revision B; Alembic's transaction statements (around the run, per revision, around
 * `autocommit_block()`) set each op's `inTransaction` and are then left out, like the
 * `alembic_version` bookkeeping. In a run, each revision becomes its own migration (`arrangeRun`),
 * so "earlier in the same migration" means the same revision, as when linting the revision files.
 */
export const alembicSql: FormatParser = {
  format: 'alembic-sql',
  extensions: ['.sql'],
  // The BEGIN at the top of `alembic upgrade --sql` output is Alembic's transaction around the run.
  formatHelp: {
    concurrentIndex:
      'In the revision file: op.create_index(…, postgresql_concurrently=True) inside `with op.get_context().autocommit_block():`',
    sqliteRebuild:
      'In the revision file, run it in a batch block, which SQLite applies by recreating the table (create the new table, copy the rows, drop the old one, rename): with op.batch_alter_table("<table>") as batch_op: batch_op.<operation>(…)',
  },
  transactionFacts: {
    wrapped: {
      reason: 'Alembic runs migrations in a transaction on Postgres (transactional DDL)',
      fix: 'in the revision file, run the statement inside `with op.get_context().autocommit_block():`',
    },
  },
  // 10.5: above dbmate's and node-pg-migrate's markers (10) should a file carry theirs too
  detect: (file) => (/^--\s*Running (upgrade|downgrade)\s/m.test(file.text) ? 10.5 : 0),
  parse(file) {
    const headers = [...file.text.matchAll(HEADER)];
    const sections: SqlSection[] = [];
    // The part before the first header (BEGIN, CREATE TABLE alembic_version) belongs to no revision.
    const first = headers[0]?.index ?? file.text.length;
    const startDirection = headers[0]?.[1] === 'downgrade' ? 'downgrade' : 'upgrade';
    if (first > 0) sections.push({ start: 0, end: first, direction: startDirection });
    headers.forEach((h, i) => {
      sections.push({
        start: h.index,
        end: i + 1 < headers.length ? headers[i + 1]!.index : file.text.length,
        direction: h[1] === 'downgrade' ? 'downgrade' : 'upgrade',
      });
    });
    const revisionAt = (offset: number) => {
      let rev: string | undefined;
      for (const h of headers) {
        if (h.index > offset) break;
        rev = (h[1] === 'downgrade' ? revisionList(h[2]!) : revisionList(h[3]!)).join(', ');
      }
      return rev || undefined;
    };
    const migration = sqlMigration(file.path, file.text, 'alembic-sql', 'none', sections, revisionAt);
    // Transaction state runs across revisions (one BEGIN at the top, COMMIT at the end).
    assignTransactions(migration.ops, 'none');
    migration.ops = migration.ops.filter((op) => !isBookkeeping(op));
    // Alembic's transaction framing, per revision section (the top BEGIN goes with the first section).
    const frame = new Set<Operation>();
    let start = 0;
    for (let i = 1; i <= migration.ops.length; i++) {
      if (i === migration.ops.length || migration.ops[i]!.revision !== migration.ops[start]!.revision) {
        for (const op of framing(migration.ops.slice(start, i))) frame.add(op);
        start = i;
      }
    }
    if (migration.ops.some((op) => op.kind === 'transaction' && op.action === 'begin' && frame.has(op)))
      migration.transaction = 'wrapped';
    migration.ops = migration.ops.filter((op) => !frame.has(op));
    return [migration];
  },
  arrangeRun: (migrations) => migrations.flatMap(splitByRevision),
};
