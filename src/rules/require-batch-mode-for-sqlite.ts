import type { Rule } from './types.js';
import type { Operation } from '../ir/types.js';
import { describeDefault, tableName } from './support/helpers.js';

/** Without the format's own way: recreate the table, which is what every tool's SQLite support does. */
const HELP =
  'Recreate the table: CREATE TABLE with the new definition, INSERT INTO it SELECT … FROM the old table, DROP the old table, ' +
  'ALTER TABLE … RENAME TO the old name';

export const requireBatchModeForSqlite: Rule = {
  meta: {
    id: 'require-batch-mode-for-sqlite',
    severity: 'error',
    summary: 'With SQLite as a target, an ALTER that SQLite cannot run must be done in batch mode (table recreation).',
    docs: {
      what:
        'Only with `--dialect sqlite` (or `"dialect": "sqlite"` in the config). Flags, outside a batch block ' +
        "(Alembic `op.batch_alter_table()`) and outside the table rebuilds other tools make themselves (Knex's SQLite dialect for " +
        "`.alter()`, foreign and primary keys, nullability and dropped columns; every TypeORM QueryRunner call; Sequelize's " +
        "`changeColumn`, `removeColumn`, `addConstraint`…; the keys of a table they create), the changes SQLite's `ALTER TABLE` cannot make: changing a column's type, " +
        'nullability or default (Alembic `alter_column`), adding, dropping or validating a constraint (`create_foreign_key`, ' +
        '`create_unique_constraint`, `create_check_constraint`, `drop_constraint`, and the foreign key of an `add_column` with ' +
        '`sa.ForeignKey`), and adding a column that is UNIQUE, a PRIMARY KEY or has a non-constant default. Dropping a column ' +
        'is reported as a warning: SQLite 3.35+ can drop a plain column, but not one that is indexed, UNIQUE, part of a key, or ' +
        'used by a constraint, view or trigger. PostgreSQL rules still run: projects that target SQLite usually deploy to ' +
        'PostgreSQL too.',
      why:
        "SQLite's `ALTER TABLE` only renames tables and columns, adds columns (not UNIQUE, not PRIMARY KEY, with a constant " +
        'default) and, since 3.35, drops plain columns. Anything else is a syntax error (`near "ALTER": syntax error`, ' +
        '`near "CONSTRAINT": syntax error`) or, for constraints, an Alembic `NotImplementedError` — the migration works on ' +
        'PostgreSQL and fails on the SQLite database of the tests or of a desktop build.',
      instead:
        'Use batch mode: Alembic records the changes and, on SQLite, recreates the table with them (on PostgreSQL it runs the ' +
        'plain ALTERs):\n\n' +
        '```python\nwith op.batch_alter_table("orders") as batch_op:\n    batch_op.alter_column("note", existing_type=sa.String(500), nullable=False)\n' +
        '    batch_op.create_foreign_key("fk_orders_user_id_users", "users", ["user_id"], ["id"])\n```\n\n' +
        'In SQL, the same recreation by hand:\n\n' +
        '```sql\nCREATE TABLE orders_new (id INTEGER PRIMARY KEY, note VARCHAR(500) NOT NULL);\n' +
        'INSERT INTO orders_new (id, note) SELECT id, note FROM orders;\nDROP TABLE orders;\nALTER TABLE orders_new RENAME TO orders;\n```',
    },
  },
  create(context) {
    if (context.dialect !== 'sqlite') return {};
    // The format says how its tool recreates a table (Alembic batch mode, Knex's and TypeORM's own rebuild…).
    const help = (table: string) => (context.migration.formatHelp?.sqliteRebuild ?? HELP).replace('<table>', table);
    const flag = (op: Operation & { table: { name: string; schema?: string } }, what: string) => {
      if (op.inBatch) return;
      context.report(
        op,
        `On SQLite, ALTER TABLE ${tableName(op.table)} cannot ${what}, so this migration fails there.`,
        { help: help(op.table.name) },
      );
    };
    return {
      'alter-column-type'(op) {
        flag(op, `change the type of column ${op.column}`);
      },
      'set-not-null'(op) {
        flag(op, `make column ${op.column} NOT NULL`);
      },
      'drop-not-null'(op) {
        flag(op, `make column ${op.column} nullable`);
      },
      'set-default'(op) {
        flag(op, `${op.default ? 'set' : 'drop'} the default of column ${op.column}`);
      },
      'add-constraint'(op) {
        flag(
          op,
          `add a ${op.constraint.type.replace('-', ' ')} constraint${op.constraint.name ? ` ${op.constraint.name}` : ''}`,
        );
      },
      'drop-constraint'(op) {
        flag(op, `drop constraint ${op.name}`);
      },
      'validate-constraint'(op) {
        flag(op, `validate constraint ${op.name}`);
      },
      'add-column'(op) {
        const c = op.column;
        if (c.primaryKey) flag(op, `add the PRIMARY KEY column ${c.name}`);
        else if (c.unique) flag(op, `add the UNIQUE column ${c.name}`);
        else if (c.default && c.default.volatility !== 'immutable')
          flag(
            op,
            `add column ${c.name} with the non-constant default ${c.default.computedIn ? describeDefault(c.default) : c.default.text}`,
          );
      },
      'drop-column'(op) {
        if (op.inBatch) return;
        context.report(
          op,
          `SQLite drops column ${op.column} of ${tableName(op.table)} only from version 3.35, and never when it is indexed, UNIQUE, part of a key or used by a constraint, view or trigger.`,
          {
            severity: 'warning',
            help: help(op.table.name),
          },
        );
      },
    };
  },
};
