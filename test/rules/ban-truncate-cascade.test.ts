import { ruleTester } from '../helpers/rule-tester.js';
import { banTruncateCascade } from '../../src/rules/ban-truncate-cascade.js';

ruleTester(banTruncateCascade, {
  valid: [
    'TRUNCATE order_items, orders;',
    'TRUNCATE TABLE sessions RESTRICT;',
    {
      name: 'new table truncated in the same migration',
      sql: 'CREATE TABLE import_batch (id bigint);\nTRUNCATE import_batch CASCADE;',
    },
  ],
  invalid: [
    {
      sql: 'TRUNCATE users CASCADE;',
      errors: [{ line: 1, message: 'TRUNCATE users CASCADE also empties every table that references it' }],
    },
    {
      sql: '-- reset demo data\nTRUNCATE TABLE ONLY public.accounts, public.plans RESTART IDENTITY CASCADE;',
      errors: [{ line: 2, message: 'public.accounts, public.plans' }],
    },
  ],
});
