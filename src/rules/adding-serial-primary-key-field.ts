import type { Rule } from './types.js';
import { lockPhrase, opLock, quoteIdent, tableName } from './support/helpers.js';

const SERIAL_TYPES = new Set(['serial', 'bigserial', 'smallserial']);

export const addingSerialPrimaryKeyField: Rule = {
  meta: {
    id: 'adding-serial-primary-key-field',
    severity: 'error',
    squawk: true,
    summary:
      'Adding a PRIMARY KEY to an existing table builds its index (and may rewrite the table) under ACCESS EXCLUSIVE.',
    docs: {
      what:
        '`ALTER TABLE … ADD COLUMN … PRIMARY KEY` (typically `serial`/`bigserial` or an identity column) and ' +
        '`ALTER TABLE … ADD [CONSTRAINT …] PRIMARY KEY (…)` without `USING INDEX`, on a table not created in the same migration.',
      why:
        'The `ALTER TABLE` holds an `ACCESS EXCLUSIVE` lock, which blocks reads and writes, while it builds the primary key index over ' +
        'the whole table. A `serial` or identity column also rewrites the table first, because every existing row needs its own ' +
        'sequence value. Adding a primary key on existing columns that are not yet `NOT NULL` also scans them for NULLs under the same lock.',
      instead:
        'Build the unique index concurrently and attach it as the primary key; fill a new key column in batches first:\n\n' +
        '```sql\nALTER TABLE events ADD COLUMN id bigint;                 -- no rewrite\n' +
        'CREATE SEQUENCE events_id_seq OWNED BY events.id;\n' +
        "ALTER TABLE events ALTER COLUMN id SET DEFAULT nextval('events_id_seq'); -- new rows only\n" +
        '-- backfill in batches; repeat until it updates no row\n' +
        "UPDATE events SET id = nextval('events_id_seq') WHERE ctid IN (SELECT ctid FROM events WHERE id IS NULL LIMIT 10000);\n" +
        'ALTER TABLE events ADD CONSTRAINT events_id_not_null CHECK (id IS NOT NULL) NOT VALID;\n' +
        'ALTER TABLE events VALIDATE CONSTRAINT events_id_not_null;\n' +
        'CREATE UNIQUE INDEX CONCURRENTLY events_pkey ON events (id); -- outside a transaction block\n' +
        'ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_pkey; -- NOT NULL proven: no scan\n' +
        'ALTER TABLE events DROP CONSTRAINT events_id_not_null;\n```',
    },
    lock: {
      mode: 'AccessExclusiveLock',
      setup: "CREATE TABLE events (name text);\nINSERT INTO events VALUES ('signup');",
      statement: 'ALTER TABLE events ADD COLUMN id bigserial PRIMARY KEY;',
      relation: 'events',
    },
  },
  create(context) {
    return {
      'add-column'(op) {
        const col = op.column;
        if (!col.primaryKey || context.isNewTable(op.table)) return;
        const filled = SERIAL_TYPES.has(col.type.name) || col.generated === 'identity';
        const what = filled
          ? `rewrites ${tableName(op.table)} to give every existing row a ${SERIAL_TYPES.has(col.type.name) ? col.type.name : 'identity'} value, then builds the primary key index,`
          : `builds the primary key index over ${tableName(op.table)}`;
        context.report(
          op,
          `Adding column ${col.name} as PRIMARY KEY ${what} while holding ${lockPhrase(op, context)}.`,
          {
            lock: opLock(op, context),
            help: `Add ${col.name} as a plain nullable column, backfill it in batches, prove it NOT NULL with a validated CHECK, then CREATE UNIQUE INDEX CONCURRENTLY and ADD CONSTRAINT … PRIMARY KEY USING INDEX.`,
          },
        );
      },
      'add-constraint'(op) {
        const c = op.constraint;
        if (c.type !== 'primary-key' || c.usingIndex || context.isNewTable(op.table)) return;
        const name = quoteIdent(c.name ?? `${op.table.name}_pkey`);
        const t = tableName(op.table);
        context.report(
          op,
          `Adding PRIMARY KEY (${c.columns.join(', ')}) to ${t} builds its index while holding ${lockPhrase(op, context)}.`,
          {
            lock: opLock(op, context),
            help: `CREATE UNIQUE INDEX CONCURRENTLY ${name} ON ${t} (${c.columns.map(quoteIdent).join(', ')}); then ALTER TABLE ${t} ADD CONSTRAINT ${name} PRIMARY KEY USING INDEX ${name}; (make the columns NOT NULL first, through a validated CHECK, or that step scans).`,
          },
        );
      },
    };
  },
};
