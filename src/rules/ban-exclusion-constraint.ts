import type { Rule } from './types.js';
import { lockPhrase, opLock, quoteIdent, tableName } from './support/helpers.js';

export const banExclusionConstraint: Rule = {
  meta: {
    id: 'ban-exclusion-constraint',
    severity: 'error',
    summary:
      'ADD CONSTRAINT … EXCLUDE builds its index and checks every row under ACCESS EXCLUSIVE, with no NOT VALID or USING INDEX way around it.',
    docs: {
      what: '`ALTER TABLE … ADD CONSTRAINT … EXCLUDE USING …` on a table not created in the same migration.',
      why:
        'An exclusion constraint is enforced by an index (GiST, usually) that `ADD CONSTRAINT` builds on the spot, comparing every ' +
        'row with its neighbours, while holding an `ACCESS EXCLUSIVE` lock that blocks reads and writes (checked on PostgreSQL 15 ' +
        'in `pg_locks`). Unlike `UNIQUE` or `PRIMARY KEY`, it cannot be attached to an index built `CONCURRENTLY` beforehand ' +
        '(`USING INDEX` is not allowed for exclusion constraints), and unlike `CHECK` or `FOREIGN KEY` it has no `NOT VALID` form.',
      instead:
        'There is no lock-free way to add one to a large table. Options: add it while the table is small (in the migration that ' +
        'creates it); or enforce the rule in a new table created with the constraint and move rows over in batches; or, in a ' +
        'maintenance window, bound the wait and accept the build:\n\n' +
        "```sql\nSET lock_timeout = '2s';\nALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap\n  EXCLUDE USING gist (room_id WITH =, during WITH &&);\n```",
    },
    lock: {
      mode: 'AccessExclusiveLock',
      setup: 'CREATE TABLE bookings (id bigint PRIMARY KEY, during tstzrange);',
      statement: 'ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (during WITH &&);',
      relation: 'bookings',
    },
  },
  create(context) {
    return {
      'add-constraint'(op) {
        if (op.constraint.type !== 'exclusion' || context.isNewTable(op.table)) return;
        const name = op.constraint.name ? ` ${quoteIdent(op.constraint.name)}` : '';
        context.report(
          op,
          `Adding exclusion constraint${name} to ${tableName(op.table)} builds its index and checks every row while holding ${lockPhrase(op, context)}; exclusion constraints have no NOT VALID or USING INDEX form.`,
          {
            lock: opLock(op, context),
            help: 'Add the constraint when the table is created (or while it is small), or copy the rows in batches into a new table created with the constraint; otherwise run it in a maintenance window with SET lock_timeout.',
          },
        );
      },
    };
  },
};
