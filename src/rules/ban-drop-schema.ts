import type { Rule } from './types.js';
import { opLock, quoteIdent } from './support/helpers.js';

export const banDropSchema: Rule = {
  meta: {
    id: 'ban-drop-schema',
    severity: 'error',
    summary: 'DROP SCHEMA … CASCADE drops every table, view, function and type in the schema, with their data.',
    docs: {
      what: '`DROP SCHEMA … CASCADE`. (Without `CASCADE` the statement fails unless the schema is empty, so it is not reported.)',
      why:
        'Without `CASCADE` the statement only succeeds on an empty schema, which is harmless. With `CASCADE` it drops every object in ' +
        'the schema — tables and their rows, views, functions, sequences, types — and every object elsewhere that depends on them ' +
        '(a view in `public` over a table in the schema), on every database the migration reaches. What that is depends on the ' +
        'database, not on the migration. Each table dropped is locked `ACCESS EXCLUSIVE`. Nothing can be rolled back once committed.',
      instead:
        'Drop the objects you mean to drop by name, after checking nothing still uses them, then the empty schema without CASCADE:\n\n' +
        '```sql\nDROP TABLE legacy.import_rows;\nDROP SCHEMA legacy;\n```',
    },
  },
  create(context) {
    return {
      'drop-schema'(op) {
        if (!op.cascade) return;
        const names = op.schemas.map(quoteIdent).join(', ');
        context.report(
          op,
          `DROP SCHEMA ${names} CASCADE drops every table (with its rows), view, function and type in it, and whatever depends on them elsewhere — on every database this migration runs on.`,
          {
            lock: opLock(op, context),
            help: 'Drop the objects you mean to drop by name first, then the empty schema without CASCADE.',
          },
        );
      },
    };
  },
};
