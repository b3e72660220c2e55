import type { Rule } from './types.js';

export const banDropDatabase: Rule = {
  meta: {
    id: 'ban-drop-database',
    severity: 'error',
    squawk: true,
    summary: 'DROP DATABASE in a migration deletes a whole database.',
    docs: {
      what: 'Flags every `DROP DATABASE`.',
      why:
        'It deletes every table, row and object of the database, irreversibly, and every application connected to it ' +
        'breaks. It cannot run inside a transaction block, so a tool that wraps migrations in a transaction fails on it, ' +
        'and a tool that does not cannot roll it back. A migration that runs against the wrong environment, or again ' +
        'in a new one, repeats it.',
      instead:
        'Do not drop databases from schema migrations. Retire a database by hand, after a backup, outside the migration ' +
        'pipeline:\n\n' +
        '```sql\n' +
        '-- pg_dump --format=custom --file=analytics.dump analytics\n' +
        '-- then, connected to another database, by an operator:\n' +
        'DROP DATABASE analytics;\n' +
        '```',
    },
  },
  create(context) {
    return {
      'drop-database'(op) {
        context.report(op, `DROP DATABASE ${op.name} deletes the whole database and everything in it.`, {
          help: 'Drop databases by hand after a backup, not from a migration.',
        });
      },
    };
  },
};
