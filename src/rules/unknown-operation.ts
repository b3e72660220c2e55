import type { Rule } from './types.js';

export const unknownOperation: Rule = {
  meta: {
    id: 'unknown-operation',
    severity: 'error',
    offByDefault:
      'by default a call the frontends cannot read is only counted in the summary (`--verbose` lists them); `--fail-on-unknown` ' +
      '(config `"failOnUnknown": true`) turns this rule on as an error, for teams that want every migration statement checked.',
    summary:
      'A migration call the linter could not read (a dynamic table name, an imported helper): nothing about it was checked.',
    docs: {
      what:
        'Each framework call a frontend saw but could not turn into an operation — `knex.schema.alterTable(tableName, …)` with a ' +
        'name computed at run time, SQL built by string concatenation, a helper imported from another module.',
      why:
        'migration-lint reads migrations without running them. What it cannot read it cannot judge: a `CREATE INDEX` without ' +
        '`CONCURRENTLY` behind a helper function takes the same `SHARE` lock as one written out. With this rule on, such a call ' +
        'fails CI instead of passing unchecked.',
      instead:
        'Write the statement so it can be read — literal table and column names, SQL as one string literal — or, when the call ' +
        'is known to be safe, say so: `// migration-lint-disable-next-line unknown-operation -- only touches the audit schema`.',
    },
  },
  create(context) {
    return {
      unknown(op) {
        context.report(op, `Not checked: ${op.call} — ${op.reason}.`, {
          help: 'Use literal names and SQL text the linter can read, or add a disable comment that says why the call is safe.',
        });
      },
    };
  },
};
