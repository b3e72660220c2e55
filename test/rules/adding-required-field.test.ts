import { ruleTester } from '../helpers/rule-tester.js';
import { addingRequiredField } from '../../src/rules/adding-required-field.js';

ruleTester(addingRequiredField, {
  valid: [
    "ALTER TABLE users ADD COLUMN plan text NOT NULL DEFAULT 'free';",
    'ALTER TABLE users ADD COLUMN nickname text;',
    {
      name: 'a table created in the same migration is empty',
      sql: 'CREATE TABLE teams (id bigint PRIMARY KEY);\nALTER TABLE teams ADD COLUMN owner_id bigint NOT NULL;',
    },
  ],
  invalid: [
    {
      sql: 'ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL;',
      errors: [{ line: 1, message: 'Column tenant_id is added to users as NOT NULL without a DEFAULT' }],
    },
    {
      name: 'a new table filled from a query in the same transaction has rows',
      sql: 'BEGIN;\nCREATE TABLE accounts_v2 AS SELECT id, email FROM accounts;\nALTER TABLE accounts_v2 ADD COLUMN tenant_id bigint NOT NULL;\nCOMMIT;',
      errors: [{ line: 3, message: 'Column tenant_id is added to accounts_v2 as NOT NULL without a DEFAULT' }],
    },
  ],
});
