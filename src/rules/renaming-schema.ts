import type { Rule } from './types.js';
import { quoteIdent } from './support/helpers.js';

export const renamingSchema: Rule = {
  meta: {
    id: 'renaming-schema',
    severity: 'error',
    summary:
      'ALTER SCHEMA … RENAME breaks every query, search_path and grant script that names the old schema, the moment it commits.',
    docs: {
      what: '`ALTER SCHEMA … RENAME TO …`.',
      why:
        'The rename is instant, but every application query that qualifies names with the old schema (`billing.invoices`), every ' +
        '`search_path` setting (in roles, connection strings, `ALTER DATABASE … SET`), and every function body that names it fails ' +
        'from the commit on, while the code deployed alongside the migration is not yet serving (or the old code still is). Unlike a ' +
        'table rename there is no view to bridge the two names. Objects inside keep working only for queries that find them through ' +
        'an updated `search_path`.',
      instead:
        'Rename in steps the application can follow: create the new schema, move the objects with `ALTER TABLE … SET SCHEMA`, leave ' +
        'views (or a `search_path` with both schemas) under the old name until no deployed code uses it, then drop the old schema.\n\n' +
        '```sql\nCREATE SCHEMA invoicing;\nALTER TABLE billing.invoices SET SCHEMA invoicing;\n' +
        'CREATE VIEW billing.invoices AS SELECT * FROM invoicing.invoices; -- until the old code is gone\n```',
    },
  },
  create(context) {
    return {
      'rename-schema'(op) {
        context.report(
          op,
          `Renaming schema ${quoteIdent(op.schema)} to ${quoteIdent(op.newName)} breaks every query, search_path and function that names ${quoteIdent(op.schema)} as soon as it commits.`,
          {
            help: `Move objects to ${quoteIdent(op.newName)} step by step and keep ${quoteIdent(op.schema)} working (views, search_path) until no deployed code uses it.`,
          },
        );
      },
    };
  },
};
