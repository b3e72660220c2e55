import type { TypeRef } from '../ir/types.js';
import { trivialUsing, typeChangeVerdict } from '../analysis/locks.js';
import type { Rule } from './types.js';
import { lockPhrase, opLock, quoteIdent, tableName } from './support/helpers.js';

/** For an unknown old type: the old types from which a change to `to` would not rewrite the table. */
function safeOrigins(to: TypeRef, pgVersion: number): string | undefined {
  if (to.arrayDims > 0 || to.schema) return undefined;
  const m = to.modifiers;
  switch (to.name) {
    case 'text':
      return 'varchar or varchar(n)';
    case 'varchar':
      return m.length ? `varchar(n) with n ≤ ${m[0]}` : 'text or varchar(n)';
    case 'numeric':
      return m.length ? `numeric(p, ${m[1] ?? 0}) with p ≤ ${m[0]}` : 'numeric(p, s)';
    case 'inet':
      return 'cidr';
    case 'varbit':
      return m.length ? `varbit(n) with n ≤ ${m[0]}` : 'varbit(n)';
    case 'timestamp':
    case 'timestamptz': {
      const same = m.length ? `${to.name}(p) with p ≤ ${m[0]}` : `${to.name}(p)`;
      const other = to.name === 'timestamp' ? 'timestamptz' : 'timestamp';
      return pgVersion >= 12 ? `${same} (or ${other}, when the session TimeZone is UTC)` : same;
    }
    case 'time':
    case 'timetz':
      return m.length ? `${to.name}(p) with p ≤ ${m[0]}` : `${to.name}(p)`;
    default:
      return undefined;
  }
}

const UTC_ZONES = /^'?(utc|etc\/utc|uct|etc\/uct|universal|etc\/universal|zulu|etc\/zulu|gmt|etc\/gmt|z)'?$/i;

/** SERIAL is not a type: the column holds an integer of that size (the sequence is its default). */
const SERIAL_STORAGE: Readonly<Record<string, string>> = {
  serial: 'integer',
  bigserial: 'bigint',
  smallserial: 'smallint',
  serial4: 'integer',
  serial8: 'bigint',
  serial2: 'smallint',
};

/** The old type as messages show it: `integer (declared serial)` for a SERIAL column. */
function storedTypeText(t: TypeRef): string {
  const stored = t.arrayDims === 0 ? SERIAL_STORAGE[t.name] : undefined;
  return stored ? `${stored} (declared ${t.text})` : t.text;
}

export const changingColumnType: Rule = {
  meta: {
    id: 'changing-column-type',
    severity: 'error',
    squawk: true,
    summary:
      'ALTER COLUMN … TYPE rewrites the table and its indexes under ACCESS EXCLUSIVE unless the change is binary-coercible.',
    docs: {
      what:
        '`ALTER TABLE … ALTER COLUMN … TYPE` on a table not created in the same migration, unless the old type (from the migration ' +
        'itself, e.g. Alembic `existing_type`, or from earlier migrations of the run) makes it a change Postgres does without a rewrite: ' +
        '`varchar(n)` → `text` or `varchar(m ≥ n)` or `varchar`; `text` → `varchar`; `numeric(p, s)` → `numeric(q ≥ p, s)` or `numeric`; ' +
        '`cidr` → `inet`; `varbit(n)` → `varbit(m ≥ n)`; `timestamp(p)`/`timestamptz(p)`/`time(p)`/`timetz(p)` → the same type with ' +
        'more or unbounded precision — all without a `USING` clause that computes something. When the old type is not known, the ' +
        'finding says which old types would make it safe.',
      why:
        'Changing a column type takes an `ACCESS EXCLUSIVE` lock (no reads, no writes) and, unless the old values are valid as they ' +
        'are, rewrites every row and rebuilds every index of the table while holding it. Shrinking (`varchar(50)` → `varchar(20)`, ' +
        '`text` → `varchar(n)`), changing a numeric scale, `int` → `bigint` and `char(n)` changes all rewrite. ' +
        '`timestamp` ↔ `timestamptz` skips the table rewrite only on Postgres 12+ and only when the session `TimeZone` is UTC; ' +
        'indexes on the column are rebuilt in every case. A collation change (`TYPE text COLLATE "C"` on a `text` column) rewrites ' +
        'no row but rebuilds every index on the column, since their order changes — under the same lock (checked on PostgreSQL 15: ' +
        'the table keeps its `relfilenode`, each index gets a new one).',
      instead:
        'For a binary-coercible change, make it explicit and keep the lock short:\n\n' +
        "```sql\nSET lock_timeout = '2s';\nALTER TABLE users ALTER COLUMN email TYPE text; -- from varchar(n): catalog change only\n```\n\n" +
        'For anything else, migrate through a new column that a trigger keeps in sync, then swap the names in one short transaction:\n\n' +
        '```sql\nALTER TABLE orders ADD COLUMN quantity_new bigint;\n' +
        'CREATE FUNCTION orders_sync_quantity() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  NEW.quantity_new := NEW.quantity;\n  RETURN NEW;\nEND $$;\n' +
        'CREATE TRIGGER orders_sync_quantity BEFORE INSERT OR UPDATE ON orders\n  FOR EACH ROW EXECUTE FUNCTION orders_sync_quantity();\n' +
        '-- backfill in batches, each in its own transaction\n' +
        'UPDATE orders SET quantity_new = quantity WHERE id BETWEEN 1 AND 10000;\n' +
        '-- build the indexes the old column has, concurrently, on the new one; then swap\n' +
        "BEGIN;\nSET LOCAL lock_timeout = '2s';\nDROP TRIGGER orders_sync_quantity ON orders;\n" +
        'ALTER TABLE orders RENAME COLUMN quantity TO quantity_old;\nALTER TABLE orders RENAME COLUMN quantity_new TO quantity;\nCOMMIT;\n' +
        '-- once nothing reads quantity_old:\nALTER TABLE orders DROP COLUMN quantity_old;\nDROP FUNCTION orders_sync_quantity();\n```',
    },
    lock: {
      mode: 'AccessExclusiveLock',
      setup:
        "CREATE TABLE users (id integer PRIMARY KEY, email varchar(50));\nINSERT INTO users VALUES (1, 'a@example.com');",
      statement: 'ALTER TABLE users ALTER COLUMN id TYPE bigint;',
      relation: 'users',
    },
  },
  create(context) {
    // Whether an earlier statement of the migration set the session TimeZone to a zero-offset zone.
    let utc = false;
    return {
      'set-setting'(op) {
        if (op.name === 'timezone') utc = op.value !== undefined && UTC_ZONES.test(op.value.trim());
      },
      'alter-column-type'(op) {
        if (context.isNewTable(op.table)) return;
        const column = `${tableName(op.table)}.${op.column}`;
        const to = op.newType.text;
        const lock = opLock(op, context);
        const viaNewColumn = `Add a new ${to} column, keep it in sync with a trigger, backfill in batches, then swap the columns in one short transaction.`;
        if (!trivialUsing(op)) {
          context.report(
            op,
            `Changing ${column} to ${to} USING ${op.using} computes every row: the table and its indexes are rewritten under ${lockPhrase(op, context)}.`,
            {
              lock,
              help: viaNewColumn,
            },
          );
          return;
        }
        const old = op.oldType ?? context.columnType(op.table, op.column);
        if (!old) {
          const origins = safeOrigins(op.newType, context.pgVersion);
          const collationNote = op.collation
            ? ` (with a new collation, even an unchanged type rebuilds every index on the column)`
            : '';
          const message = origins
            ? `Changing ${column} to ${to}${op.collation ? ` COLLATE ${quoteIdent(op.collation)}` : ''}: the column's current type is not shown by this migration set; unless it is ${origins}, the table and its indexes are rewritten under ${lockPhrase(op, context)}${collationNote}.`
            : `Changing ${column} to ${to} rewrites the table and its indexes under ${lockPhrase(op, context)} (no old type makes a change to ${to} binary-coercible).`;
          context.report(op, message, {
            lock,
            help: origins
              ? `If the column is currently ${origins}, this is a catalog-only change; otherwise: ${viaNewColumn}`
              : viaNewColumn,
          });
          return;
        }
        const verdict = typeChangeVerdict(old, op.newType, context.pgVersion);
        if (verdict === 'no-rewrite' && op.collation) {
          // Checked on PostgreSQL 15: the table keeps its relfilenode, each index on the column gets a new one.
          context.report(
            op,
            `Changing ${column} to ${to} COLLATE ${quoteIdent(op.collation)} does not rewrite the table, but every index on the column is rebuilt (its sort order changes) under ${lockPhrase(op, context)}.`,
            {
              lock,
              severity: 'warning',
              help: `Fine if the column has no index (or already uses that collation). Otherwise add a new column ${to} COLLATE ${quoteIdent(op.collation)}, build its indexes CONCURRENTLY, backfill in batches and swap the columns; or accept the rebuild in a quiet window with SET lock_timeout.`,
            },
          );
          return;
        }
        if (verdict === 'no-rewrite') return;
        if (verdict === 'utc-only') {
          if (utc) {
            context.report(
              op,
              `Changing ${column} from ${storedTypeText(old)} to ${to} with TimeZone UTC does not rewrite the table, but every index on the column is rebuilt under ${lockPhrase(op, context)}.`,
              {
                lock,
                severity: 'warning',
                help: 'Fine if the column has no index; otherwise build the indexes on a new column concurrently first, or accept the rebuild in a quiet window.',
              },
            );
          } else {
            context.report(
              op,
              `Changing ${column} from ${storedTypeText(old)} to ${to} rewrites the table unless the session TimeZone is UTC (Postgres 12+), and rebuilds the column's indexes either way, under ${lockPhrase(op, context)}.`,
              {
                lock,
                help: "Run SET TimeZone = 'UTC'; in the same session before the ALTER to skip the table rewrite (indexes on the column are still rebuilt).",
              },
            );
          }
          return;
        }
        context.report(
          op,
          `Changing ${column} from ${storedTypeText(old)} to ${to} rewrites the table and its indexes under ${lockPhrase(op, context)}.`,
          {
            lock,
            help: viaNewColumn,
          },
        );
      },
    };
  },
};
