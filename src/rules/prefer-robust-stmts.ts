import type { Operation } from '../ir/types.js';
import type { Rule } from './types.js';
import { tableName } from './support/helpers.js';

export const preferRobustStmts: Rule = {
  meta: {
    id: 'prefer-robust-stmts',
    severity: 'warning',
    squawk: true,
    offByDefault:
      'migration tools record which migrations ran and most run each one in a transaction, so a half-applied migration is ' +
      'rare; the rule is for teams that re-run SQL by hand or run migrations outside transactions. Squawk enables it by ' +
      'default but, like migration-lint here, stays silent inside a transaction.',
    summary:
      'A statement outside a transaction that fails on a re-run (no IF EXISTS / IF NOT EXISTS) leaves a half-applied migration stuck.',
    docs: {
      what:
        "Statements that run outside a transaction block (by the file's own `BEGIN`/`COMMIT` and the tool's way of running " +
        'it) and cannot run twice: `CREATE TABLE`, `CREATE INDEX`, `ADD COLUMN` without `IF NOT EXISTS`; `DROP TABLE`, `DROP ' +
        'INDEX`, `DROP COLUMN`, `DROP CONSTRAINT` without `IF EXISTS`; `ADD CONSTRAINT` unless a `DROP CONSTRAINT IF EXISTS` ' +
        'of the same name comes first; `RENAME` and `DETACH PARTITION`, which fail the second time. Unlike Squawk, ' +
        'statements that succeed when repeated (`SET NOT NULL`, `SET DEFAULT`, `ALTER COLUMN … TYPE`, `VALIDATE CONSTRAINT`) ' +
        'are not flagged. `CREATE INDEX CONCURRENTLY` is flagged even in a transaction, as Squawk does: a failed ' +
        'concurrent build leaves an invalid index behind under that name.',
      why:
        'Without a transaction, a migration that fails half-way keeps the statements that succeeded. Running it again after ' +
        'the fix then fails on the first of them (`relation already exists`, `column does not exist`), and someone has to ' +
        'repair the database by hand.',
      instead:
        '```sql\n' +
        'CREATE TABLE IF NOT EXISTS audit_log (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);\n' +
        'CREATE INDEX CONCURRENTLY IF NOT EXISTS audit_log_created_idx ON audit_log (created_at);\n' +
        'ALTER TABLE users ADD COLUMN IF NOT EXISTS locale text;\n' +
        'ALTER TABLE users DROP CONSTRAINT IF EXISTS users_locale_check;\n' +
        "ALTER TABLE users ADD CONSTRAINT users_locale_check CHECK (locale <> '') NOT VALID;\n" +
        '```\n\nOr run the migration in a transaction.',
    },
  },
  create(context) {
    // Constraints this migration drops with IF EXISTS: re-adding them is safe to repeat.
    const droppedIfExists = new Set<string>();
    const flag = (op: Operation, missing: string, what: string) =>
      context.report(
        op,
        `${what} has no ${missing} and runs outside a transaction: if the migration fails after it, running it again fails here.`,
        {
          help: missing.startsWith('IF')
            ? `Write ${missing} (or run the migration in a transaction).`
            : 'Run the migration in a transaction.',
        },
      );
    return {
      'create-table'(op) {
        if (!op.inTransaction && !op.ifNotExists && !op.temporary)
          flag(op, 'IF NOT EXISTS', `CREATE TABLE ${tableName(op.table)}`);
      },
      'create-index'(op) {
        if (op.ifNotExists || !op.name || (op.inTransaction && !op.concurrently) || context.isNewTable(op.table))
          return;
        flag(op, 'IF NOT EXISTS', `CREATE INDEX${op.concurrently ? ' CONCURRENTLY' : ''} ${op.name}`);
      },
      'add-column'(op) {
        if (!op.inTransaction && !op.ifNotExists && !context.isNewTable(op.table))
          flag(op, 'IF NOT EXISTS', `ADD COLUMN ${op.column.name}`);
      },
      'drop-column'(op) {
        if (!op.inTransaction && !op.ifExists) flag(op, 'IF EXISTS', `DROP COLUMN ${op.column}`);
      },
      'drop-table'(op) {
        if (!op.inTransaction && !op.ifExists)
          flag(op, 'IF EXISTS', `DROP TABLE ${op.tables.map(tableName).join(', ')}`);
      },
      'drop-index'(op) {
        if (!op.inTransaction && !op.ifExists)
          flag(op, 'IF EXISTS', `DROP INDEX ${op.indexes.map(tableName).join(', ')}`);
      },
      'drop-constraint'(op) {
        if (op.ifExists) droppedIfExists.add(op.name);
        else if (!op.inTransaction) flag(op, 'IF EXISTS', `DROP CONSTRAINT ${op.name}`);
      },
      'rename-column'(op) {
        if (!op.inTransaction) flag(op, 'a transaction around it', `RENAME COLUMN ${op.column} TO ${op.newName}`);
      },
      'rename-table'(op) {
        if (!op.inTransaction)
          flag(op, 'a transaction around it', `ALTER TABLE ${tableName(op.table)} RENAME TO ${op.newName}`);
      },
      'detach-partition'(op) {
        if (!op.inTransaction) flag(op, 'a transaction around it', `DETACH PARTITION ${tableName(op.partition)}`);
      },
      'add-constraint'(op) {
        if (
          op.inTransaction ||
          context.isNewTable(op.table) ||
          (op.constraint.name && droppedIfExists.has(op.constraint.name))
        )
          return;
        context.report(
          op,
          `ADD CONSTRAINT${op.constraint.name ? ` ${op.constraint.name}` : ''} runs outside a transaction and cannot be repeated: if the migration fails after it, running it again fails here.`,
          {
            help: `Put ALTER TABLE ${tableName(op.table)} DROP CONSTRAINT IF EXISTS <name> before it (or run the migration in a transaction).`,
          },
        );
      },
    };
  },
};
