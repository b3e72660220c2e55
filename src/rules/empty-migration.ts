import type { Migration } from '../ir/types.js';
import type { Rule } from './types.js';

/** Ops that do something (either direction: a Flyway undo file is all downgrade); transaction control and settings alone change nothing. */
function runsSomething(m: Migration): boolean {
  return m.ops.some((op) => op.kind !== 'transaction' && op.kind !== 'set-setting');
}

export const emptyMigration: Rule = {
  meta: {
    id: 'empty-migration',
    severity: 'warning',
    summary: 'The migration contains no statements: it would be recorded as applied without changing anything.',
    docs: {
      what:
        'Flags a migration file with no statement that does anything: an empty file, a file of only comments, ' +
        'a generated template never filled in (`-- migrate:up` with nothing under it), or only `BEGIN; COMMIT;` / `SET …`. ' +
        'Files that failed to parse are reported by `parse-error` instead; merge revisions (several parents), separate down files (golang-migrate `*.down.sql`, Flyway `U…`) ' +
        'and migrations whose code runs only on other databases (a branch on `knex.client.config.client`, `getDialect()`…) may be empty on purpose.',
      why:
        'No lock and no data risk, but the migration tool records the file as applied: the schema change someone meant to ship never runs, ' +
        'and a later fix has to be a new migration because the tool will not run this one again. ' +
        'An empty file in a migrations directory is also how a save that failed or a bad merge shows up.',
      instead:
        'Write the statements the migration is for, or delete the file before it is applied anywhere:\n\n' +
        '```sql\n-- migrate:up\nALTER TABLE users ADD COLUMN last_seen_at timestamptz;\n\n-- migrate:down\nALTER TABLE users DROP COLUMN last_seen_at;\n```\n\n' +
        'If it is empty on purpose (a placeholder that keeps version numbers in step), say so in the file: `-- migration-lint-disable-file empty-migration -- placeholder for 0042`.',
    },
  },
  // Judges each file alone: with --since, unchanged files get no finding.
  checkRunPerFile: true,
  checkRun(context) {
    for (const m of context.migrations) {
      // A down file with nothing to undo (a data-only or validation step) is a deliberate no-op.
      // Code for other databases only (a SQLite-only fix on a Postgres run) is a no-op by design.
      if (
        m.diagnostics.length > 0 ||
        runsSomething(m) ||
        (m.parents?.length ?? 0) > 1 ||
        m.fileDirection === 'downgrade' ||
        m.otherDatabaseCode
      )
        continue;
      const nothing =
        m.source.trim() === ''
          ? 'The file is empty'
          : m.ops.length === 0
            ? 'The file has no statements (only comments)'
            : 'The file has no statements besides transaction control and settings';
      context.report(
        { file: m.file, line: 1, column: 1, endLine: 1, endColumn: 1 },
        `${nothing}: the migration would be recorded as applied without changing anything.`,
        {
          help: 'Add the statements this migration is for, or delete the file.',
          ...(m.revision ? { revision: m.revision } : {}),
        },
      );
    }
  },
};
