import type { ColumnDef } from '../ir/types.js';
import type { Rule } from './types.js';
import { describeDefault, opLock, quoteIdent, tableName } from './support/helpers.js';

const SERIAL_TYPES = new Set(['serial', 'bigserial', 'smallserial']);

interface RewriteCause {
  why: string;
  /** False when the rewrite depends on a function's declared volatility, which the migration does not show. */
  certain: boolean;
  help: string;
}

/** Why adding this column rewrites the table on `pgVersion`; undefined when it does not. */
function rewriteCause(c: ColumnDef, pgVersion: number): RewriteCause | undefined {
  const backfill = `Add ${c.name} without the default, then ALTER COLUMN ${quoteIdent(c.name)} SET DEFAULT … (applies to new rows only, no rewrite) and backfill existing rows in batches.`;
  if (c.generated === 'stored') {
    return {
      why: 'a stored generated column is computed and written into every existing row',
      certain: true,
      help:
        pgVersion >= 18
          ? 'On Postgres 18 a VIRTUAL generated column is computed on read and adds no rewrite; otherwise add a plain column, fill it with a trigger for new rows and backfill in batches.'
          : 'Add a plain column, fill it with a trigger for new rows and backfill existing rows in batches.',
    };
  }
  if (c.generated === 'identity') {
    return {
      why: 'an identity column draws a sequence value for every existing row',
      certain: true,
      help: `Add ${c.name} as a plain nullable column, give it DEFAULT nextval() of a new sequence (new rows only, no rewrite) and backfill existing rows in batches.`,
    };
  }
  if (SERIAL_TYPES.has(c.type.name)) {
    return {
      why: `a ${c.type.name} column's default nextval() is volatile, so every existing row gets its own value`,
      certain: true,
      help: `Add ${c.name} as a plain integer column, create a sequence, SET DEFAULT nextval() on the column and backfill existing rows in batches.`,
    };
  }
  const d = c.default;
  if (!d || /^NULL(::.*)?$/i.test(d.text)) return undefined;
  // A value the migration's code computes is sent as a constant, but before 11 even a constant is written into every row.
  if (pgVersion < 11)
    return {
      why: `before Postgres 11 any non-null DEFAULT (here ${d.computedIn ? describeDefault(d) : d.text}) is written into every existing row`,
      certain: true,
      help: backfill,
    };
  if (d.volatility === 'volatile') {
    const fns = d.functions?.length ? ` (${[...new Set(d.functions)].join(', ')})` : '';
    return {
      why: `DEFAULT ${d.text} is volatile${fns}, so it is evaluated once per existing row`,
      certain: true,
      help: backfill,
    };
  }
  if (d.volatility === 'unknown') {
    const fns = d.functions?.length ? [...new Set(d.functions)].join(', ') : 'functions';
    return {
      why: d.computedIn
        ? `the default is ${describeDefault(d)}, sent as SQL, so which functions it calls is not shown; a VOLATILE function is evaluated once per existing row`
        : `DEFAULT ${d.text} calls ${fns}, whose volatility the migration does not show; a VOLATILE function is evaluated once per existing row`,
      certain: false,
      help: `Check the function's volatility (\\df+ in psql): STABLE or IMMUTABLE adds the column without a rewrite on Postgres 11+. If it is VOLATILE: ${backfill}`,
    };
  }
  return undefined;
}

export const addingFieldWithDefault: Rule = {
  meta: {
    id: 'adding-field-with-default',
    severity: 'error',
    squawk: true,
    summary:
      'ADD COLUMN with a volatile default (or any default before Postgres 11) rewrites the table under ACCESS EXCLUSIVE.',
    docs: {
      what:
        '`ALTER TABLE … ADD COLUMN` on a table not created in the same migration when the new column forces a table rewrite: a volatile ' +
        'default (`gen_random_uuid()`, `random()`, `clock_timestamp()`, `nextval()`…), a `serial` type, an identity column, a stored ' +
        'generated column, or any non-null default when targeting Postgres 10 or older. A default calling a function whose volatility ' +
        'is not known here (a user-defined function) is flagged too, saying it is safe only if the function is `STABLE` or `IMMUTABLE`. ' +
        "A value the migration's own JavaScript or Python computes when it runs (an imported constant, `process.env.X`, " +
        '`json.dumps({})`) reaches Postgres as a constant, so it only counts before Postgres 11; SQL built from values the file ' +
        "does not show (`knex.raw(SQL)`, `sa.text(QUERY)`, TypeORM's `default: SOME_SQL`) is flagged as of unknown volatility.",
      why:
        '`ADD COLUMN` takes an `ACCESS EXCLUSIVE` lock (no reads, no writes). Since Postgres 11 a non-volatile default is evaluated once ' +
        'and stored in the catalog, so the statement is instant — `DEFAULT now()`, `DEFAULT CURRENT_TIMESTAMP` and constants are fine. ' +
        'A volatile default must give each row its own value, so Postgres rewrites the whole table and rebuilds every index while ' +
        'holding the lock; identity, serial and stored generated columns do the same. Before Postgres 11 every non-null default rewrites.',
      instead:
        'Add the column without the default (or with a constant one), set the default for new rows, then backfill in batches:\n\n' +
        '```sql\nALTER TABLE users ADD COLUMN token uuid;\n' +
        'ALTER TABLE users ALTER COLUMN token SET DEFAULT gen_random_uuid(); -- applies to new rows only, no rewrite\n' +
        '-- backfill in batches, each in its own transaction\n' +
        'UPDATE users SET token = gen_random_uuid() WHERE id BETWEEN 1 AND 10000 AND token IS NULL;\n```\n\n' +
        'Then, if the column must be NOT NULL, use `CHECK (token IS NOT NULL) NOT VALID`, `VALIDATE CONSTRAINT`, and `SET NOT NULL`.',
    },
    lock: {
      mode: 'AccessExclusiveLock',
      setup: 'CREATE TABLE users (id bigint PRIMARY KEY);\nINSERT INTO users VALUES (1), (2);',
      statement: 'ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();',
      relation: 'users',
    },
  },
  create(context) {
    return {
      'add-column'(op) {
        const c = op.column;
        if (context.isNewTable(op.table)) return;
        // A serial or identity PRIMARY KEY column belongs to adding-serial-primary-key-field, which reports the rewrite and the index build.
        if (c.primaryKey && (c.generated === 'identity' || SERIAL_TYPES.has(c.type.name))) return;
        const cause = rewriteCause(c, context.pgVersion);
        if (!cause) return;
        const table = tableName(op.table);
        const message = cause.certain
          ? `Adding column ${c.name} to ${table} rewrites the whole table and its indexes under an ACCESS EXCLUSIVE lock: ${cause.why}.`
          : `Adding column ${c.name} to ${table} rewrites the whole table under an ACCESS EXCLUSIVE lock unless the default is STABLE or IMMUTABLE: ${cause.why}.`;
        context.report(op, message, { lock: opLock(op, context), help: cause.help });
      },
    };
  },
};
