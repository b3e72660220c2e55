import type { MigrationEdit } from '../ir/types.js';
import type { Rule } from './types.js';

function message(edit: MigrationEdit, shown: (path: string) => string): string {
  const base = `at ${edit.since}`;
  switch (edit.status) {
    case 'deleted':
      return `This migration existed ${base} and is deleted: databases that already ran it keep its changes, while new databases never get them, so the two no longer match.`;
    case 'renamed':
      if (edit.changesOperations) {
        return `This migration existed ${base} as ${shown(edit.previousFile ?? edit.file)}, and it is renamed and changed from here on: databases that ran the old version keep what it did, new ones get this.`;
      }
      return `This migration existed ${base} as ${shown(edit.previousFile ?? edit.file)}: its tool records applied migrations by file name, so databases that ran it will run it again under the new name (or report the old one missing).`;
    default:
      return `This migration existed ${base} and what it does changes from here on: databases that already ran the old version will not run it again, so they and new databases now differ.`;
  }
}

export const editedMigration: Rule = {
  meta: {
    id: 'edited-migration',
    severity: 'error',
    summary:
      'With --since, a migration that already existed at the base ref was changed, renamed or deleted: databases that ran it diverge.',
    docs: {
      what:
        'With `--since <ref>` (as the GitHub Action and the pre-commit hook run it), a migration file that existed at `<ref>` and ' +
        'was changed so that it does something else, renamed, or deleted. Edits that leave the operations as they were — ' +
        'comments, whitespace, formatting, suppression comments — are not flagged. A rename is not flagged for tools that ' +
        'record applied migrations by an id written in the file (Alembic revisions, TypeORM migration classes) when the ' +
        "operations are unchanged. The finding points at the first operation that differs. Files listed in the config's " +
        '`allowedEdits` globs are not flagged.',
      why:
        'Migration tools record which migrations a database has applied and never run those again. An applied migration that ' +
        "is edited therefore changes nothing in the databases that already ran it — production, staging, every developer's " +
        'copy — but new databases (a fresh CI database, a new region, a restore) get the new version: the schemas diverge ' +
        'silently, and later migrations written against one of them fail on the other. Tools that checksum applied ' +
        "migrations (Flyway, golang-migrate's dirty flag aside) refuse to run at all until someone repairs the history; a " +
        'renamed file looks new to tools that key on file names and is run a second time.',
      instead:
        'Leave applied migrations as they are and add a new migration that makes the change:\n\n' +
        '```sql\n-- 0042_widen_orders_note.sql (new file), instead of editing 0017_create_orders.sql\nALTER TABLE orders ALTER COLUMN note TYPE text;\n```\n\n' +
        'When an edit is known to be safe (the migration never ran anywhere yet, or the fix only repairs a migration that ' +
        'failed everywhere), list the file under `allowedEdits` in the config, with a comment saying why:\n\n' +
        '```jsonc\n{ "allowedEdits": ["db/migrations/0017_create_orders.sql"] } // never deployed: the release was rolled back\n```',
    },
  },
  checkRun(context) {
    for (const edit of context.edits) {
      const harmlessRename =
        edit.status === 'renamed' && !edit.changesOperations && edit.identifiedBy === 'declared-id';
      if ((edit.status === 'modified' && !edit.changesOperations) || harmlessRename) continue;
      context.report(
        edit.span,
        message(edit, (p) => p),
        {
          help:
            edit.status === 'deleted'
              ? 'Restore the file, and undo what it did in a new migration if that is the intent.'
              : 'Restore the applied version and put the change in a new migration (or list the file under allowedEdits in the config if it never ran anywhere).',
        },
      );
    }
  },
};
