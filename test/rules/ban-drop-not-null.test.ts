import { ruleTester } from '../helpers/rule-tester.js';
import { banDropNotNull } from '../../src/rules/ban-drop-not-null.js';

ruleTester(banDropNotNull, {
  valid: [
    'ALTER TABLE users ALTER COLUMN phone SET NOT NULL;',
    { name: 'table created in the same migration', sql: 'CREATE TABLE contacts (id bigint PRIMARY KEY, phone text NOT NULL);\nALTER TABLE contacts ALTER COLUMN phone DROP NOT NULL;' },
    { name: 'column added in the same migration', sql: "ALTER TABLE users ADD COLUMN plan text NOT NULL DEFAULT 'free';\nALTER TABLE users ALTER COLUMN plan DROP NOT NULL;" },
    "ALTER TABLE users ALTER COLUMN phone SET DEFAULT '';",
  ],
  invalid: [
    { sql: 'ALTER TABLE users ALTER COLUMN phone DROP NOT NULL;', errors: [{ line: 1, message: 'Dropping NOT NULL on users.phone' }] },
    {
      name: 'several columns in one statement',
      sql: 'BEGIN;\nALTER TABLE orders\n  ALTER shipped_at DROP NOT NULL,\n  ALTER COLUMN carrier DROP NOT NULL;\nCOMMIT;',
      errors: [{ line: 3, message: 'orders.shipped_at' }, { line: 4, message: 'orders.carrier' }],
    },
  ],
});
