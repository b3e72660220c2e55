import type { Rule } from './types.js';

export const undefinedName: Rule = {
  meta: {
    id: 'undefined-name',
    severity: 'error',
    summary:
      'A migration uses a name it never imports or defines: running it stops with a NameError half-way through the deploy.',
    docs: {
      what:
        "Flags a name a migration's code uses without importing or defining it — in Alembic revisions, typically " +
        "`sqlmodel.sql.sqltypes.AutoString()` without `import sqlmodel` (SQLModel's autogenerate writes the type but not " +
        'the import), `postgresql.JSONB` without `from sqlalchemy.dialects import postgresql`, or `sa.` without ' +
        '`import sqlalchemy as sa`. Reported once per name, at its first use. A file with `from … import *` is not checked.',
      why:
        'Python looks the name up only when the line runs, so the file imports fine in review and fails at deploy: ' +
        "`NameError: name 'sqlmodel' is not defined`. The statements of the migration before that line have already been " +
        'sent; with transactional DDL they roll back, without it (MySQL, `autocommit_block()`, `transaction_per_migration=False` ' +
        'runs that mix) the schema is left half-migrated. A name used at module level breaks every `alembic` command, since ' +
        'Alembic loads every revision file.',
      instead:
        'Add the import the generated code needs, at the top of the revision:\n\n' +
        '```python\nimport sqlalchemy as sa\nimport sqlmodel\nfrom alembic import op\nfrom sqlalchemy.dialects import postgresql\n```\n\n' +
        'For SQLModel projects, add `import sqlmodel` to `script.py.mako` so every new revision has it.',
    },
  },
  create(context) {
    return {
      end() {
        // A file-level fact: reported once, with the upgrade.
        if (context.direction !== 'upgrade') return;
        for (const name of context.migration.unboundNames ?? []) {
          context.reportAt(
            name.span,
            `\`${name.name}\` is used here but never imported or defined: Python stops this migration with NameError: name '${name.name}' is not defined.`,
            {
              help: name.suggestedImport
                ? `Add \`${name.suggestedImport}\` to the imports at the top of the file.`
                : `Import or define \`${name.name}\` at the top of the file.`,
            },
          );
        }
      },
    };
  },
};
