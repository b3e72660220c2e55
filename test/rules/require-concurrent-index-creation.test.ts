import { ruleTester } from '../helpers/rule-tester.js';
import { requireConcurrentIndexCreation } from '../../src/rules/require-concurrent-index-creation.js';

ruleTester(requireConcurrentIndexCreation, {
  valid: [
    'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);',
    'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_key ON public.users (lower(email));',
    { name: 'index on a table created earlier in the same migration', sql: 'CREATE TABLE accounts (id bigint PRIMARY KEY, owner_id bigint);\nCREATE INDEX accounts_owner_idx ON accounts (owner_id);' },
  ],
  invalid: [
    { sql: 'CREATE INDEX users_email_idx ON users (email);', errors: [{ line: 1, message: 'without CONCURRENTLY' }] },
    { sql: '-- add lookup index\n\nCREATE UNIQUE INDEX orders_ref_key\n  ON orders (reference);', errors: [{ line: 3, message: 'orders' }] },
    {
      name: 'table created in an earlier migration of the run is not new',
      sql: ['CREATE TABLE accounts (id bigint PRIMARY KEY, owner_id bigint);', 'CREATE INDEX accounts_owner_idx ON accounts (owner_id);'],
      errors: [{ line: 1, file: 'm002_migration.sql' }],
    },
  ],
});
