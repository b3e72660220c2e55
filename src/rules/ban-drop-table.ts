import type { Rule } from './types.js';
import { opLock, tableName } from './support/helpers.js';
import { createdByOwnUpgrade, replacementOf, writesBlockedBefore } from './support/migration-facts.js';

export const banDropTable: Rule = {
  meta: {
    id: 'ban-drop-table',
    severity: 'error',
    squawk: true,
    summary: 'DROP TABLE deletes the data and breaks running code that still uses the table.',
    docs: {
      what:
        'Flags `DROP TABLE` of a table that existed before this migration (tables created earlier in the same migration, ' +
        "and in a downgrade tables the same migration's upgrade created, are not flagged; nor a table replaced in the same " +
        'transaction by a copy filled from it while it is locked against writes and then renamed into its place — a replacement ' +
        'whose copy is missing or unlocked is reported with the rows it loses).',
      why:
        'Every row is gone when the migration commits; only a backup brings it back. The application version running ' +
        'during the deploy still queries the table and fails with `relation "…" does not exist`. The drop takes an ' +
        '`ACCESS EXCLUSIVE` lock on the table and also on every table its foreign keys reference (their FK triggers are ' +
        'removed), so it waits behind, and then blocks, all traffic on those parent tables too. With `CASCADE` it also ' +
        'silently drops views and foreign keys of other tables that depend on it.',
      instead:
        'Stop using the table in code first, keep it around for a while, then drop it:\n\n' +
        '```sql\n' +
        '-- 1. deploy code that no longer reads or writes legacy_events\n' +
        '-- 2. optional: rename it so any forgotten user fails loudly while the data is still there\n' +
        'ALTER TABLE legacy_events RENAME TO legacy_events_unused;\n' +
        '-- 3. a later migration, after a backup (pg_dump -t legacy_events_unused)\n' +
        "SET lock_timeout = '2s';\n" +
        'DROP TABLE legacy_events_unused;\n' +
        '```',
    },
    lock: {
      mode: 'AccessExclusiveLock',
      setup:
        'CREATE TABLE users (id bigint PRIMARY KEY, email text);\n' +
        'CREATE TABLE sessions (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));',
      // Dropping the child also locks the parent it references.
      statement: 'DROP TABLE sessions;',
      relation: 'users',
    },
  },
  create(context) {
    return {
      'drop-table'(op) {
        const existing = op.tables.filter((t) => !context.isNewTable(t) && !createdByOwnUpgrade(context, t));
        if (existing.length === 0) return;
        const names = existing.map(tableName).join(', ');
        const plural = existing.length > 1;
        const lock = opLock(op, context);
        const only = existing.length === 1 ? existing[0] : undefined;
        const r = only ? replacementOf(context, op, only) : undefined;
        if (r) {
          // A swap: fill a copy, drop the original, rename the copy into its place.
          if (r.copy && writesBlockedBefore(context, r.copy, only!)) return;
          context.report(
            op,
            r.copy
              ? `Dropping table ${names} and renaming ${r.from} to it (line ${r.by.span.line}) replaces it, but the copy (line ${r.copy.span.line}) does not stop other transactions from writing ${names}: rows they commit before this DROP gets its lock are lost.`
              : `Dropping table ${names} and renaming ${r.from} to it (line ${r.by.span.line}) replaces it: running code finds the table again, but nothing in this migration copies its rows into ${r.from} first — they are lost.`,
            {
              lock,
              help: r.copy
                ? `Take LOCK TABLE ${names} IN SHARE MODE before the copy (it blocks writes, not reads), so no row changes between the copy and the drop.`
                : `Copy the rows first (INSERT INTO ${r.from} SELECT … FROM ${names}) under LOCK TABLE ${names} IN SHARE MODE.`,
            },
          );
          return;
        }
        context.report(
          op,
          `Dropping table${plural ? 's' : ''} ${names} deletes ${plural ? 'their' : 'its'} data, and running code that still uses ${plural ? 'them' : 'it'} fails until the new version is deployed everywhere.`,
          {
            lock,
            help: `Deploy code that no longer uses ${names} first, take a backup, then drop in a later migration.`,
          },
        );
      },
    };
  },
};
