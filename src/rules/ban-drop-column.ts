import type { Rule } from './types.js';
import { opLock, tableName } from './support/helpers.js';
import { createdByOwnUpgrade, replacementOf, writesBlockedBefore } from './support/migration-facts.js';

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
        "migration's upgrade added (removing them is that migration's reverse); nor a column replaced in the same transaction by a " +
        'copy that is filled from it while the table is locked against writes and then renamed into its place. A column dropped and ' +
        'added again, or replaced by a copy that is not filled or not locked, is reported with what is lost.',
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
        const lock = opLock(op, context);
        const r = replacementOf(context, op, op.table, op.column);
        if (r?.how === 'added') {
          context.report(
            op,
            `Dropping column ${t}.${op.column} and adding it again (line ${r.by.span.line}) deletes every value it holds: running code still finds the column, but it starts over (its default or NULL) in every row.`,
            {
              lock,
              help: `To change ${op.column}'s type, ALTER COLUMN … TYPE … USING converts the values in place; if they are meant to go, say so in the migration.`,
            },
          );
          return;
        }
        if (r) {
          // A swap: copy into ${r.from}, drop the original, rename the copy into its place.
          if (r.copy && writesBlockedBefore(context, r.copy, op.table)) return;
          context.report(
            op,
            r.copy
              ? `Dropping column ${t}.${op.column} and renaming ${r.from} to it (line ${r.by.span.line}) replaces it, but nothing stops other transactions from writing ${t} between the copy (line ${r.copy.span.line}) and this DROP: the ${op.column} values they write are lost.`
              : `Dropping column ${t}.${op.column} and renaming ${r.from} to it (line ${r.by.span.line}) replaces it: running code still finds the column, but nothing in this migration copies its values into ${r.from} first — they are lost.`,
            {
              lock,
              help: r.copy
                ? `Lock ${t} against writes before the copy (LOCK TABLE ${t} IN SHARE MODE, or an ALTER TABLE on it first, as adding ${r.from} does), so no row changes between the copy and the drop.`
                : `Copy the values first (UPDATE ${t} SET ${r.from} = ${op.column}), or convert the column in place with ALTER COLUMN … TYPE … USING.`,
            },
          );
          return;
        }
        context.report(
          op,
          `Dropping column ${t}.${op.column} deletes its data, and running code that still reads or writes it fails until the new version is deployed everywhere.`,
          {
            lock,
            help: `Deploy code that no longer uses ${op.column} first, then drop it in a later migration (keep a backup copy if the data may be needed).`,
          },
        );
      },
    };
  },
};
