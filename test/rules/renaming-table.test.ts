import { ruleTester } from '../helpers/rule-tester.js';
import { renamingTable } from '../../src/rules/renaming-table.js';
import { runRule } from '../helpers/rule-tester.js';
import { expect, it } from 'vitest';

ruleTester(renamingTable, {
  valid: [
    {
      name: 'staging table created and renamed in the same migration',
      sql: 'CREATE TABLE users_new (id bigint PRIMARY KEY);\nALTER TABLE users_new RENAME TO users_v2;',
    },
    'ALTER TABLE users RENAME COLUMN email TO email_address;',
    { name: 'a view rename is not a table rename', sql: 'ALTER VIEW active_users RENAME TO current_users;' },
  ],
  invalid: [
    {
      sql: 'ALTER TABLE users RENAME TO accounts;',
      errors: [{ line: 1, message: 'Renaming table users to accounts' }],
    },
    {
      sql: 'BEGIN;\nALTER TABLE IF EXISTS app.users RENAME TO customers;\nCOMMIT;',
      errors: [{ line: 2, message: 'app.users' }],
    },
  ],
});

it("renaming-table: the help names the view in the table's schema", async () => {
  const [f] = await runRule(renamingTable, { sql: 'ALTER TABLE app.users RENAME TO customers;' });
  expect(f!.help).toContain('CREATE VIEW app.users AS SELECT * FROM app.customers');
  expect(f!.lock).toBe('ACCESS EXCLUSIVE on app.users (blocks reads and writes)');
});
