import type { Rule } from './types.js';
import type { Operation, QualifiedName } from '../ir/types.js';
import { alteredTable } from '../ir/tables.js';

/**
 * Ops known to leave the schema different. Data changes (DML, TRUNCATE), settings, transaction
 * control, REINDEX and VALIDATE leave nothing to undo; calls the frontend could not read (ORM session
 * work, helpers) are listed as not understood instead of being guessed to be schema changes.
 */
const NOT_SCHEMA: ReadonlySet<Operation['kind']> = new Set([
  'data-change',
  'truncate',
  'set-setting',
  'transaction',
  'reindex',
  'validate-constraint',
  'unknown',
]);
function changesSchema(op: Operation): boolean {
  // A temporary table or a pg_temp function ends with the session: there is nothing to undo.
  if ((op.kind === 'create-table' || op.kind === 'other') && op.temporary) return false;
  return !NOT_SCHEMA.has(op.kind);
}

/** Words after which a statement's opening names its object (`CREATE TYPE`, `DROP EVENT TRIGGER`). */
const OBJECT_WORDS =
  /^(?:table|type|function|procedure|schema|role|extension|trigger|view|sequence|domain|policy|database|index|aggregate|operator|collation|publication|subscription|server|privileges)$/i;

/** A statement's opening keywords (`GRANT ALL ON`, `CREATE FUNCTION`, `DO block`): clearer than the parser's node name. */
function opening(op: Extract<Operation, { kind: 'other' }>): string | undefined {
  if (op.statementType === 'DoStmt') return 'DO block';
  const words: string[] = [];
  const text = op.sql?.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, ' ').replace(/\s+or\s+replace\b/i, '') ?? '';
  for (const word of text.trim().split(/[\s(;]+/)) {
    // Keywords only (names may be quoted, qualified or case-sensitive), upper-cased as Postgres prints them.
    if (!/^[A-Za-z_]+$/.test(word) || /^(?:if|not|exists)$/i.test(word)) break;
    words.push(word.toUpperCase());
    if (words.length === 3 || OBJECT_WORDS.test(word)) break;
  }
  return words.length ? words.join(' ') : undefined;
}

function describe(op: Operation): string {
  const where = (t: QualifiedName) => `${t.schema ? `${t.schema}.` : ''}${t.name}`;
  const table = op.kind === 'create-table' || op.kind === 'create-index' ? op.table : alteredTable(op);
  if (table) return `${op.kind} on ${where(table)} (line ${op.span.line})`;
  switch (op.kind) {
    case 'other':
      return `${opening(op) ?? op.statementType}${op.table ? ` on ${where(op.table)}` : ''} (line ${op.span.line})`;
    default:
      return `${op.kind} (line ${op.span.line})`;
  }
}

/**
 * Judges only `Migration.downgrade` (the facts a frontend states about `down`/`downgrade()`) and the
 * upgrade ops, so every frontend with an up/down pair (TypeScript ORMs, Alembic) feeds it the same way.
 */
export const emptyDowngrade: Rule = {
  meta: {
    id: 'empty-downgrade',
    severity: 'warning',
    summary: 'The migration changes the schema but its down/downgrade does nothing (or is missing, or cannot run).',
    docs: {
      what:
        'Flags a migration whose upgrade changes the schema while its downgrade exists but does nothing (`exports.down = async () => {}`, ' +
        'a `down()` with an empty body, `def downgrade(): pass`, an empty dbmate `-- migrate:down` section or none, an empty ' +
        'node-pg-migrate `-- Down Migration` section, an empty golang-migrate `.down.sql` or Flyway `U` undo file beside the upgrade), ' +
        'or is missing where the framework cannot make one up: MikroORM (its base ' +
        '`down()` throws "This migration cannot be reverted"), node-pg-migrate when `up` uses `pgm.sql()` or another operation it cannot ' +
        'reverse, or any framework whose runner needs a `down` to roll back. A downgrade declared irreversible (`exports.down = false` in ' +
        'node-pg-migrate, a `down()` that only throws, a node-pg-migrate SQL file without `-- Down Migration`) is reported as info. Not ' +
        'reported when the upgrade changes no schema (data-only: DML, TRUNCATE, ORM session work, temporary tables and `pg_temp` functions that end with the ' +
        'session; or empty migrations), nor for ' +
        'node-pg-migrate files without `down` whose `up` it reverses automatically.',
      why:
        'An empty downgrade reports success and leaves the schema as the upgrade made it: after a rollback the migration table says the ' +
        'change is gone while the columns, indexes and constraints are still there, and the next deploy of the same migration fails ' +
        '(`column "…" already exists`) or, worse, the application runs against a schema it does not expect. A missing downgrade fails the ' +
        'rollback at the moment it is needed: during an incident.',
      instead:
        'Write the reverse of each upgrade step, in reverse order, e.g. for a migration that added a column and an index:\n\n' +
        '```sql\nDROP INDEX CONCURRENTLY IF EXISTS users_email_idx;\nALTER TABLE users DROP COLUMN IF EXISTS email;\n```\n\n' +
        'If the change cannot be undone (a data migration, a dropped column), say so explicitly — `exports.down = false` (node-pg-migrate) ' +
        'or a `down()` that throws with the reason — so a rollback stops with a clear message instead of pretending to succeed.',
    },
  },
  create(context) {
    return {
      end() {
        if (context.direction !== 'upgrade') return;
        const down = context.migration.downgrade;
        if (!down || down.state === 'present') return;
        const changes = context.ops.filter(changesSchema);
        const first = changes[0];
        if (!first) return;
        const span = down.span ?? first.span;
        // A downgrade kept in a file of its own (golang-migrate, Flyway undo): the lines are the upgrade file's.
        const upgradeFile =
          span.file !== context.migration.file
            ? ` in ${context.migration.file.replace(/\\/g, '/').split('/').pop()}`
            : '';
        const what =
          changes.slice(0, 3).map(describe).join(', ') +
          (changes.length > 3 ? `, … (${changes.length} in all)` : '') +
          upgradeFile;
        switch (down.state) {
          case 'empty':
            context.report(
              first,
              `The downgrade does nothing${down.note ? ` (${down.note})` : ''}, but the upgrade changes the schema: ${what}. Rolling back would report success and leave these changes in place.`,
              {
                span,
                help: 'Undo each upgrade step in the downgrade, in reverse order — or declare the migration irreversible so a rollback stops with a clear message.',
              },
            );
            return;
          case 'absent':
            if (down.autoReversible === true) return;
            context.report(
              first,
              `The migration has no downgrade${down.note ? ` (${down.note})` : ''}: it cannot be rolled back, and the upgrade changes the schema: ${what}.`,
              {
                span,
                help: 'Add a downgrade that undoes each upgrade step, in reverse order — or declare the migration irreversible explicitly.',
              },
            );
            return;
          case 'irreversible':
            context.report(
              first,
              `The migration is declared irreversible${down.note ? ` (${down.note})` : ''}: rolling back stops here. The upgrade changes the schema: ${what}.`,
              {
                span,
                severity: 'info',
                help: 'Fine when intended; make sure the deploy plan does not rely on rolling this migration back.',
              },
            );
            return;
        }
      },
    };
  },
};
