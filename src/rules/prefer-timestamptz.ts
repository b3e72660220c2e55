import type { Rule } from './types.js';
import { columnTypeVisitors, describeUse } from './support/column-type-visitors.js';

export const preferTimestamptz: Rule = {
  meta: {
    id: 'prefer-timestamptz',
    severity: 'warning',
    squawk: true,
    aliases: ['prefer-timestamp-tz'],
    summary: 'timestamp without time zone stores wall-clock times that mean different instants in different sessions.',
    docs: {
      what:
        'Flags columns created as, or changed to, `timestamp` / `timestamp without time zone` (any precision, arrays ' +
        'too) in `CREATE TABLE`, `ADD COLUMN` and `ALTER COLUMN … TYPE`. (Squawk reports this rule as `prefer-timestamp-tz`.)',
      why:
        '`timestamp` stores a date and a wall-clock time with no offset. A value written as `now()` is converted to the ' +
        "writing session's `TimeZone` and the offset is thrown away, so two servers (or an app and a psql session) with " +
        'different `TimeZone` settings store different values for the same instant, DST changes make some values ' +
        "ambiguous, and comparing with `timestamptz` values depends on the reader's setting. `timestamptz` stores an " +
        'absolute instant in the same 8 bytes. Converting later (`ALTER COLUMN … TYPE timestamptz`) takes an `ACCESS ' +
        'EXCLUSIVE` lock and rewrites the table unless the session `TimeZone` is UTC (PG 12+ then skips the rewrite, ' +
        'reading the stored values as UTC); with a `USING … AT TIME ZONE …` clause it always rewrites.',
      instead:
        'Use `timestamptz`:\n\n' +
        '```sql\n' +
        'ALTER TABLE events ADD COLUMN happened_at timestamptz NOT NULL DEFAULT now();\n' +
        '```\n\n' +
        'To convert an existing column whose values are UTC, without a rewrite (PG 12+):\n\n' +
        '```sql\n' +
        "SET timezone = 'UTC';\n" +
        'ALTER TABLE events ALTER COLUMN happened_at TYPE timestamptz;\n' +
        '```',
    },
  },
  create(context) {
    return columnTypeVisitors((use) => {
      if (use.type.name !== 'timestamp') return;
      context.report(
        use.op,
        `${describeUse(use)} (without time zone): the stored wall-clock times carry no offset, so their meaning depends on each session's TimeZone.`,
        {
          span: use.span,
          help: `Use timestamptz${use.type.modifiers.length ? `(${use.type.modifiers.join(',')})` : ''}${'[]'.repeat(use.type.arrayDims)} for ${use.column}.`,
        },
      );
    });
  },
};
