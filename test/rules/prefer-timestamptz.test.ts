import { ruleTester } from '../helpers/rule-tester.js';
import { preferTimestamptz } from '../../src/rules/prefer-timestamptz.js';
import { runRule } from '../helpers/rule-tester.js';
import { expect, it } from 'vitest';

ruleTester(preferTimestamptz, {
  valid: [
    'ALTER TABLE events ADD COLUMN happened_at timestamptz NOT NULL DEFAULT now();',
    'CREATE TABLE events (id bigint PRIMARY KEY, at timestamp with time zone, day date, t time);',
    'ALTER TABLE events ALTER COLUMN happened_at TYPE timestamptz;',
  ],
  invalid: [
    {
      sql: 'ALTER TABLE events ADD COLUMN happened_at timestamp;',
      errors: [{ line: 1, message: 'Column events.happened_at is timestamp (without time zone)' }],
    },
    {
      sql: 'CREATE TABLE audit (\n  id bigint PRIMARY KEY,\n  created_at timestamp(3) without time zone DEFAULT now()\n);',
      errors: [{ line: 3, message: 'audit.created_at is timestamp(3)' }],
    },
    {
      sql: "ALTER TABLE events ALTER COLUMN happened_at TYPE timestamp USING happened_at AT TIME ZONE 'UTC';",
      errors: [{ message: 'is changed to timestamp' }],
    },
  ],
});

it('prefer-timestamptz: the help keeps precision and array dimensions', async () => {
  const [f] = await runRule(preferTimestamptz, { sql: 'ALTER TABLE events ADD COLUMN seen timestamp(6)[];' });
  expect(f!.help).toBe('Use timestamptz(6)[] for seen.');
});
