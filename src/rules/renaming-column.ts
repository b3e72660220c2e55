import type { Rule } from './types.js';
import { opLock, tableName } from './support/helpers.js';

export const renamingColumn: Rule = {
  meta: {
    id: 'renaming-column',
    severity: 'error',
    squawk: true,
    summary: 'RENAME COLUMN breaks every running query that still uses the old name.',
    docs: {
      what:
        'Flags `ALTER TABLE … RENAME COLUMN` on a table that was not created earlier in the same migration (a column added ' +
        'earlier in the same migration is not flagged either: nothing uses it yet).',
      why:
        'The rename itself is a catalog change: it takes an `ACCESS EXCLUSIVE` lock on the table only for an instant and ' +
        'rewrites nothing. The outage is the deploy window: the application version that is running while the migration ' +
        'runs (and every instance not yet restarted, every worker, report and replica consumer) still sends queries that ' +
        'name the old column, and each of them fails with `column "…" does not exist` until the new version is everywhere. ' +
        'Rolling the code back does not help either, because the old code needs the old name.',
      instead:
        'Expand and contract: keep both names until no running code uses the old one.\n\n' +
        '```sql\n' +
        '-- migration 1 (expand)\n' +
        'ALTER TABLE users ADD COLUMN email_address text;\n' +
        '-- deploy code that writes both columns and still reads email\n' +
        '-- backfill in batches\n' +
        'UPDATE users SET email_address = email WHERE id BETWEEN 1 AND 10000 AND email_address IS NULL;\n' +
        '-- deploy code that reads and writes only email_address\n' +
        '-- migration 2, once nothing uses email (contract)\n' +
        'ALTER TABLE users DROP COLUMN email;\n' +
        '```\n\n' +
        'A trigger that copies `email` into `email_address` on INSERT/UPDATE can replace the dual-writing code.',
    },
    lock: {
      mode: 'AccessExclusiveLock',
      setup: 'CREATE TABLE users (id bigint PRIMARY KEY, email text);',
      statement: 'ALTER TABLE users RENAME COLUMN email TO email_address;',
      relation: 'users',
    },
  },
  create(context) {
    return {
      'rename-column'(op) {
        if (context.isNewColumn(op.table, op.column)) return;
        const t = tableName(op.table);
        context.report(
          op,
          `Renaming ${t}.${op.column} to ${op.newName} breaks every running query that still uses ${op.column} until the new application version is deployed everywhere.`,
          {
            lock: opLock(op, context),
            help: `Add ${op.newName} next to ${op.column}, write both and backfill, switch reads to ${op.newName}, then drop ${op.column} in a later migration.`,
          },
        );
      },
    };
  },
};
