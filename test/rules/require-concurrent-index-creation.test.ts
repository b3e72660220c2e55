import { ruleTester } from '../helpers/rule-tester.js';
import { requireConcurrentIndexCreation } from '../../src/rules/require-concurrent-index-creation.js';

ruleTester(requireConcurrentIndexCreation, {
  valid: [
    {
      name: 'index on a materialized view created in the same migration',
      sql: "CREATE MATERIALIZED VIEW daily_signups AS SELECT date_trunc('day', created_at) AS day, count(*) AS n FROM users GROUP BY 1;\nCREATE UNIQUE INDEX daily_signups_day_key ON daily_signups (day);",
    },
    {
      name: 'index on a new table filled but not yet committed (no other session can see it)',
      sql: 'BEGIN;\nCREATE TABLE users_backup AS SELECT * FROM users;\nCREATE INDEX users_backup_email_idx ON users_backup (email);\nCOMMIT;',
    },
    'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);',
    'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_key ON public.users (lower(email));',
    {
      name: 'index on a table created earlier in the same migration',
      sql: 'CREATE TABLE accounts (id bigint PRIMARY KEY, owner_id bigint);\nCREATE INDEX accounts_owner_idx ON accounts (owner_id);',
    },
  ],
  invalid: [
    {
      name: 'index on a new table filled by COPY and committed',
      sql: "BEGIN;\nCREATE TABLE zip_codes (code text PRIMARY KEY, city text);\nCOPY zip_codes FROM '/srv/data/zip_codes.csv' WITH (FORMAT csv);\nCOMMIT;\nCREATE INDEX zip_codes_city_idx ON zip_codes (city);",
      errors: [{ line: 5, message: 'zip_codes' }],
    },
    { sql: 'CREATE INDEX users_email_idx ON users (email);', errors: [{ line: 1, message: 'without CONCURRENTLY' }] },
    {
      sql: '-- add lookup index\n\nCREATE UNIQUE INDEX orders_ref_key\n  ON orders (reference);',
      errors: [{ line: 3, message: 'orders' }],
    },
    {
      name: 'table created in an earlier migration of the run is not new',
      sql: [
        'CREATE TABLE accounts (id bigint PRIMARY KEY, owner_id bigint);',
        'CREATE INDEX accounts_owner_idx ON accounts (owner_id);',
      ],
      errors: [{ line: 1, file: 'm002_migration.sql' }],
    },
  ],
});
