import type { Rule } from './types.js';
import { opLock, quoteIdent, tableName } from './support/helpers.js';

export const renamingTable: Rule = {
  meta: {
    id: 'renaming-table',
    severity: 'error',
    squawk: true,
    summary: 'RENAME TO breaks every running query that still uses the old table name.',
    docs: {
      what: 'Flags `ALTER TABLE … RENAME TO` on a table that was not created earlier in the same migration.',
      why:
        'The rename is a catalog change under a brief `ACCESS EXCLUSIVE` lock; nothing is rewritten. But the application ' +
        'version running during the deploy (and every instance, worker or tool not yet updated) still names the old ' +
        'table, and every such query fails with `relation "…" does not exist` until the new version is everywhere.',
      instead:
        'Rename and leave a view under the old name in the same transaction. A view that selects every column of one ' +
        'table is automatically updatable, so old code keeps reading and writing through it:\n\n' +
        '```sql\n' +
        'BEGIN;\n' +
        'ALTER TABLE users RENAME TO accounts;\n' +
        'CREATE VIEW users AS SELECT * FROM accounts;\n' +
        'COMMIT;\n' +
        '-- deploy code that uses accounts; then, in a later migration:\n' +
        'DROP VIEW users;\n' +
        '```\n\n' +
        'The view lists the columns that exist when it is created; add no columns to the table until it is dropped, or ' +
        'recreate the view.',
    },
    // No `lock` claim: the danger is the deploy window, not the lock, and after the rename pg_locks names
    // the table by its new name, which makes a claim on `users` ambiguous to check.
  },
  create(context) {
    return {
      'rename-table'(op) {
        if (context.isNewTable(op.table)) return;
        const t = tableName(op.table);
        const renamed = tableName({ schema: op.table.schema, name: op.newName });
        context.report(
          op,
          `Renaming table ${t} to ${op.newName} breaks every running query that still uses ${t} until the new application version is deployed everywhere.`,
          {
            lock: opLock(op, context),
            help: `Rename and create a view in the same transaction: ALTER TABLE ${t} RENAME TO ${quoteIdent(op.newName)}; CREATE VIEW ${t} AS SELECT * FROM ${renamed}; drop the view once no code uses ${t}.`,
          },
        );
      },
    };
  },
};
