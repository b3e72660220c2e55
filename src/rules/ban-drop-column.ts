import type { Rule } from './types.js';
import { opLock, tableName } from './support/helpers.js';
import { createdByOwnUpgrade } from './support/migration-facts.js';

export const banDropColumn: Rule = {
  meta: {
    id: 'ban-drop-column',
    severity: 'error',
    squawk: true,
    summary: 'DROP COLUMN deletes the data and breaks running code that still uses the column.',
    docs: {
      what:
        'Flags `ALTER TABLE … DROP COLUMN` on a table that existed before this migration. Not flagged: columns of tables ' +
        'created, or columns added, earlier in the same migration; and, in a downgrade, columns that the same ' +
        "migration's upgrade added (removing them is that migration's reverse).",
      why:
        "The column's data is gone the moment the migration commits; getting it back means restoring a backup. " +
        'Meanwhile the application version running during the deploy still selects, inserts or updates the column, ' +
        'and those queries fail with `column "…" does not exist` (ORMs that list every mapped column in their SELECTs ' +
        'fail on every read of the table). Lock-wise the drop is cheap: a brief `ACCESS EXCLUSIVE` lock and a catalog ' +
        'change, no rewrite (the space is reclaimed as rows are later rewritten) — but it queues behind any long ' +
        'transaction on the table and blocks everything behind it while it waits.',
      instead:
        'Remove the column from the code first, then drop it in a later migration:\n\n' +
        '```sql\n' +
        '-- 1. deploy code that neither reads nor writes users.legacy_plan (ORMs: remove or ignore the mapped field)\n' +
        '-- 2. optional: keep a copy you can restore from\n' +
        'CREATE TABLE users_legacy_plan_backup AS SELECT id, legacy_plan FROM users;\n' +
        '-- 3. a later migration\n' +
        "SET lock_timeout = '2s';\n" +
        'ALTER TABLE users DROP COLUMN legacy_plan;\n' +
        '```\n\n' +
        'To flush out hidden users of the column without losing it, rename it first ' +
        '(`ALTER TABLE users RENAME COLUMN legacy_plan TO legacy_plan_unused;`), wait, and drop it once nothing failed.',
    },
    lock: {
      mode: 'AccessExclusiveLock',
      setup: 'CREATE TABLE users (id bigint PRIMARY KEY, email text, legacy_plan text);',
      statement: 'ALTER TABLE users DROP COLUMN legacy_plan;',
      relation: 'users',
    },
  },
  create(context) {
    return {
      'drop-column'(op) {
        if (context.isNewColumn(op.table, op.column)) return;
        if (createdByOwnUpgrade(context, op.table, op.column)) return;
        const t = tableName(op.table);
        context.report(
          op,
          `Dropping column ${t}.${op.column} deletes its data, and running code that still reads or writes it fails until the new version is deployed everywhere.`,
          {
            lock: opLock(op, context),
            help: `Deploy code that no longer uses ${op.column} first, then drop it in a later migration (keep a backup copy if the data may be needed).`,
          },
        );
      },
    };
  },
};
