import { ruleTester } from '../helpers/rule-tester.js';
import { renamingColumn } from '../../src/rules/renaming-column.js';

ruleTester(renamingColumn, {
  valid: [
    {
      name: 'rename on a table created in the same migration',
      sql: 'CREATE TABLE invoices (id bigint PRIMARY KEY, total numeric);\nALTER TABLE invoices RENAME COLUMN total TO amount;',
    },
    {
      name: 'rename of a column added in the same migration',
      sql: 'ALTER TABLE users ADD COLUMN nick text;\nALTER TABLE users RENAME COLUMN nick TO nickname;',
    },
    'ALTER TABLE users ADD COLUMN email_address text;',
    {
      name: 'renaming an index is not a column rename',
      sql: 'ALTER INDEX users_email_idx RENAME TO users_email_address_idx;',
    },
  ],
  invalid: [
    {
      sql: 'ALTER TABLE users RENAME COLUMN email TO email_address;',
      errors: [{ line: 1, message: 'Renaming users.email to email_address breaks every running query' }],
    },
    {
      name: 'schema-qualified, after other statements',
      sql: "SET lock_timeout = '2s';\n\nALTER TABLE billing.invoices\n  RENAME COLUMN total TO amount_cents;",
      errors: [{ line: 3, message: 'billing.invoices.total' }],
    },
    {
      name: 'table created in an earlier migration of the run',
      sql: [
        'CREATE TABLE invoices (id bigint PRIMARY KEY, total numeric);',
        'ALTER TABLE invoices RENAME total TO amount;',
      ],
      errors: [{ line: 1, file: 'm002_migration.sql', message: 'invoices.total' }],
    },
    {
      name: 'dbmate downgrade renaming back is checked with --check-downgrade',
      file: '20240101_rename.sql',
      sql: '-- migrate:up\nALTER TABLE users RENAME COLUMN email TO email_address;\n\n-- migrate:down\nALTER TABLE users RENAME COLUMN email_address TO email;\n',
      checkDowngrade: true,
      errors: [{ line: 2 }, { line: 5, message: 'email_address to email' }],
    },
  ],
});
