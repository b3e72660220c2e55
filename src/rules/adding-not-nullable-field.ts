import type { Operation, QualifiedName } from '../ir/types.js';
import type { Rule } from './types.js';
import { lockPhrase, opLock, tableName } from './support/helpers.js';

export const addingNotNullableField: Rule = {
  meta: {
    id: 'adding-not-nullable-field',
    severity: 'error',
    squawk: true,
    summary: 'SET NOT NULL on an existing column scans the whole table under an ACCESS EXCLUSIVE lock.',
    docs: {
      what:
        "`ALTER TABLE … ALTER COLUMN … SET NOT NULL` (and Postgres 18's `ADD CONSTRAINT … NOT NULL col` without `NOT VALID`) on a table " +
        'not created in the same migration, unless the migrations seen so far show the column is already NOT NULL (nothing to do). On Postgres 12+ it is not flagged when a validated `CHECK (col IS NOT NULL)` ' +
        '(or a validated `NOT NULL … NOT VALID` constraint on 18+) already proves the column has no NULLs, per the migrations seen so far.',
      why:
        '`SET NOT NULL` takes an `ACCESS EXCLUSIVE` lock, which blocks reads and writes, and keeps it while Postgres reads every row ' +
        'to check for NULLs: minutes on a large table. From Postgres 12 the scan is skipped when a valid `CHECK (col IS NOT NULL)` ' +
        'constraint already proves it; the lock is then held only for a moment.',
      instead:
        'Prove the column has no NULLs with a constraint that is validated without blocking, then set NOT NULL (Postgres 12+):\n\n' +
        '```sql\nALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;\n' +
        '-- in a later transaction: scans under SHARE UPDATE EXCLUSIVE, reads and writes go on\n' +
        'ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;\n' +
        'ALTER TABLE users ALTER COLUMN email SET NOT NULL; -- no scan: the valid CHECK proves it\n' +
        'ALTER TABLE users DROP CONSTRAINT users_email_not_null;\n```\n\n' +
        'On Postgres 18 a NOT NULL constraint can itself be added `NOT VALID` and validated later, which marks the column NOT NULL:\n\n' +
        '```sql\nALTER TABLE users ADD CONSTRAINT users_email_not_null NOT NULL email NOT VALID;\n' +
        'ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;\n```',
    },
    lock: {
      mode: 'AccessExclusiveLock',
      setup: "CREATE TABLE users (id bigint PRIMARY KEY, email text);\nINSERT INTO users VALUES (1, 'a@example.com');",
      statement: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
      relation: 'users',
    },
  },
  create(context) {
    const check = (op: Operation, table: QualifiedName, column: string, statement: string) => {
      if (context.isNewTable(table)) return;
      // Already NOT NULL (created so, or set earlier in the set): Postgres changes nothing and scans nothing.
      if (context.column(table, column)?.notNull) return;
      if (context.pgVersion >= 12 && context.hasValidNotNullCheck(table, column)) return;
      const recipe =
        context.pgVersion >= 12
          ? `Add CHECK (${column} IS NOT NULL) NOT VALID, VALIDATE it in a later transaction, then SET NOT NULL (no scan on PG 12+) and drop the CHECK.`
          : `Before Postgres 12 SET NOT NULL always scans; keep the column nullable and enforce it with CHECK (${column} IS NOT NULL) NOT VALID followed by VALIDATE CONSTRAINT.`;
      context.report(
        op,
        `${statement} on ${tableName(table)}.${column} scans the whole table for NULLs while holding ${lockPhrase(op, context)}.`,
        {
          lock: opLock(op, context),
          help: recipe,
        },
      );
    };
    return {
      'set-not-null'(op) {
        check(op, op.table, op.column, 'SET NOT NULL');
      },
      'add-constraint'(op) {
        const c = op.constraint;
        if (c.type !== 'not-null' || c.notValid || c.columns.length === 0) return;
        check(op, op.table, c.columns[0]!, 'ADD CONSTRAINT … NOT NULL');
      },
    };
  },
};
