import type { QualifiedName } from '../ir/types.js';
import type { Rule } from './types.js';
import { lockPhrase, opLock, quoteIdent, tableName } from './support/helpers.js';

function recipe(table: QualifiedName, name: string, columns: string[]): string {
  const t = tableName(table);
  const n = quoteIdent(name);
  return `CREATE UNIQUE INDEX CONCURRENTLY ${n} ON ${t} (${columns.map(quoteIdent).join(', ')}); then ALTER TABLE ${t} ADD CONSTRAINT ${n} UNIQUE USING INDEX ${n};`;
}

export const disallowedUniqueConstraint: Rule = {
  meta: {
    id: 'disallowed-unique-constraint',
    severity: 'error',
    squawk: true,
    summary:
      'ADD CONSTRAINT … UNIQUE builds its index under an ACCESS EXCLUSIVE lock; build it concurrently and add USING INDEX.',
    docs: {
      what:
        '`ALTER TABLE … ADD CONSTRAINT … UNIQUE (…)` without `USING INDEX`, and `ADD COLUMN … UNIQUE`, on a table not created in the ' +
        'same migration. (Adding a `PRIMARY KEY` is reported by `adding-serial-primary-key-field`.)',
      why:
        'The constraint builds its unique index inside the `ALTER TABLE`, which holds an `ACCESS EXCLUSIVE` lock: no reads and no ' +
        'writes for as long as the index build reads and sorts the whole table. `ADD CONSTRAINT … UNIQUE USING INDEX` (Postgres 9.1+) ' +
        'adopts an index that already exists and only holds the lock for a moment.',
      instead:
        'Build the index without blocking, then attach it as the constraint:\n\n' +
        '```sql\nCREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email); -- outside a transaction block\n' +
        'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;\n```',
    },
    lock: {
      mode: 'AccessExclusiveLock',
      setup: "CREATE TABLE users (id bigint PRIMARY KEY, email text);\nINSERT INTO users VALUES (1, 'a@example.com');",
      statement: 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);',
      relation: 'users',
    },
  },
  create(context) {
    return {
      'add-constraint'(op) {
        const c = op.constraint;
        if (c.type !== 'unique' || c.usingIndex || context.isNewTable(op.table)) return;
        const name = c.name ?? `${op.table.name}_${c.columns.join('_')}_key`;
        context.report(
          op,
          `Adding UNIQUE constraint ${c.name ?? `on (${c.columns.join(', ')})`} to ${tableName(op.table)} builds its index while holding ${lockPhrase(op, context)}.`,
          {
            lock: opLock(op, context),
            help: recipe(op.table, name, c.columns),
          },
        );
      },
      'add-column'(op) {
        const col = op.column;
        if (!col.unique || col.primaryKey || context.isNewTable(op.table)) return;
        const c = col.constraints.find((k) => k.type === 'unique');
        const name = c?.name ?? `${op.table.name}_${col.name}_key`;
        context.report(
          op,
          `Column ${col.name} is added to ${tableName(op.table)} with UNIQUE: its index is built while an ACCESS EXCLUSIVE lock blocks reads and writes.`,
          {
            lock: opLock(op, context),
            help: `Add ${col.name} without UNIQUE, then ${recipe(op.table, name, [col.name])}`,
          },
        );
      },
    };
  },
};
