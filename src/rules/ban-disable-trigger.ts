import type { OtherOp } from '../ir/types.js';
import type { Rule } from './types.js';
import { tableKey } from '../analysis/schema-state.js';
import { opLock, tableName } from './support/helpers.js';

const DISABLE = new Set([
  'AlterTableStmt:AT_DisableTrig',
  'AlterTableStmt:AT_DisableTrigAll',
  'AlterTableStmt:AT_DisableTrigUser',
]);
const ENABLE = new Set([
  'AlterTableStmt:AT_EnableTrig',
  'AlterTableStmt:AT_EnableTrigAll',
  'AlterTableStmt:AT_EnableTrigUser',
  'AlterTableStmt:AT_EnableAlwaysTrig',
  'AlterTableStmt:AT_EnableReplicaTrig',
]);

export const banDisableTrigger: Rule = {
  meta: {
    id: 'ban-disable-trigger',
    severity: 'warning',
    summary:
      'ALTER TABLE … DISABLE TRIGGER with no ENABLE later in the migration leaves the trigger off for every session.',
    docs: {
      what:
        '`ALTER TABLE … DISABLE TRIGGER name | ALL | USER` on a table not created in the same migration, when no `ENABLE TRIGGER` ' +
        'on the same table follows in the migration.',
      why:
        'Disabling a trigger is not scoped to the migration: from the commit on, no session fires it — audit rows stop being written, ' +
        'denormalised columns stop being maintained, and `DISABLE TRIGGER ALL` also turns off the internal triggers that enforce ' +
        'foreign keys, so rows that violate them get in and stay in after it is re-enabled. The statement takes a `SHARE ROW ' +
        'EXCLUSIVE` lock (blocks writes; checked on PostgreSQL 15 in `pg_locks`).',
      instead:
        'Re-enable it in the same migration, inside one transaction, around the work that needed it off:\n\n```sql\nBEGIN;\n' +
        "ALTER TABLE orders DISABLE TRIGGER orders_audit;\nUPDATE orders SET region = 'eu' WHERE region IS NULL;\n" +
        'ALTER TABLE orders ENABLE TRIGGER orders_audit;\nCOMMIT;\n```\n\nTo skip triggers in one session only, ' +
        '`SET session_replication_role = replica` (superuser) affects that session alone.',
    },
    lock: {
      mode: 'ShareRowExclusiveLock',
      setup:
        'CREATE TABLE orders (id bigint PRIMARY KEY, region text);\n' +
        'CREATE FUNCTION orders_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;\n' +
        'CREATE TRIGGER orders_audit BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION orders_audit();',
      statement: 'ALTER TABLE orders DISABLE TRIGGER orders_audit;',
      relation: 'orders',
    },
  },
  create(context) {
    const disabled: OtherOp[] = [];
    return {
      other(op) {
        if (!op.table || context.isNewTable(op.table)) return;
        if (DISABLE.has(op.statementType)) disabled.push(op);
        else if (ENABLE.has(op.statementType)) {
          for (let i = disabled.length - 1; i >= 0; i--)
            if (tableKey(disabled[i]!.table!) === tableKey(op.table)) disabled.splice(i, 1);
        }
      },
      end() {
        for (const op of disabled) {
          const which = op.statementType.endsWith('TrigAll')
            ? 'ALL triggers (foreign-key enforcement included)'
            : op.statementType.endsWith('TrigUser')
              ? 'every user trigger'
              : `trigger ${op.detail ?? ''}`.trim();
          context.report(
            op,
            `${which} on ${tableName(op.table!)} ${op.statementType.endsWith('Trig') ? 'is' : 'are'} disabled and not enabled again in this migration: no session fires ${op.statementType.endsWith('Trig') ? 'it' : 'them'} from the commit on.`,
            {
              lock: opLock(op, context),
              help: `Re-enable with ALTER TABLE ${tableName(op.table!)} ENABLE TRIGGER … in the same migration, after the work that needed it off.`,
            },
          );
        }
      },
    };
  },
};
