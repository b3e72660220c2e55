import { ruleTester } from '../helpers/rule-tester.js';
import { banDropNotNull } from '../../src/rules/ban-drop-not-null.js';

ruleTester(banDropNotNull, {
  valid: [
    {
      name: 'NOT NULL dropped and set again in the same transaction (Knex .notNullable().alter() around a type change)',
      sql: 'BEGIN;\nALTER TABLE users ALTER COLUMN email DROP NOT NULL;\nALTER TABLE users ALTER COLUMN email TYPE varchar(320) USING email::varchar(320);\nALTER TABLE users ALTER COLUMN email SET NOT NULL;\nCOMMIT;',
    },
    {
      name: 'a column an earlier migration created nullable',
      sql: [
        'CREATE TABLE customers (id bigint PRIMARY KEY, company text);',
        'ALTER TABLE customers ALTER COLUMN company DROP NOT NULL;',
      ],
    },
    'ALTER TABLE users ALTER COLUMN phone SET NOT NULL;',
    {
      name: 'table created in the same migration',
      sql: 'CREATE TABLE contacts (id bigint PRIMARY KEY, phone text NOT NULL);\nALTER TABLE contacts ALTER COLUMN phone DROP NOT NULL;',
    },
    {
      name: 'column added in the same migration',
      sql: "ALTER TABLE users ADD COLUMN plan text NOT NULL DEFAULT 'free';\nALTER TABLE users ALTER COLUMN plan DROP NOT NULL;",
    },
    "ALTER TABLE users ALTER COLUMN phone SET DEFAULT '';",
  ],
  invalid: [
    {
      name: 'a column whose creation the set does not show: a type change says nothing about its nullability',
      sql: 'ALTER TABLE users ALTER COLUMN email TYPE varchar(320);\nALTER TABLE users ALTER COLUMN email DROP NOT NULL;',
      errors: [{ line: 2, message: 'Dropping NOT NULL on users.email' }],
    },
    {
      name: 'dropped and set again with a COMMIT in between: other sessions see it nullable',
      sql: 'BEGIN;\nALTER TABLE users ALTER COLUMN email DROP NOT NULL;\nCOMMIT;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;',
      errors: [{ line: 2, message: 'Dropping NOT NULL on users.email' }],
    },
    {
      name: 'a column an earlier migration created NOT NULL',
      sql: [
        'CREATE TABLE customers (id bigint PRIMARY KEY, phone text NOT NULL);',
        'ALTER TABLE customers ALTER COLUMN phone DROP NOT NULL;',
      ],
      errors: [{ file: 'm002_migration.sql', line: 1 }],
    },
    {
      sql: 'ALTER TABLE users ALTER COLUMN phone DROP NOT NULL;',
      errors: [{ line: 1, message: 'Dropping NOT NULL on users.phone' }],
    },
    {
      name: 'several columns in one statement',
      sql: 'BEGIN;\nALTER TABLE orders\n  ALTER shipped_at DROP NOT NULL,\n  ALTER COLUMN carrier DROP NOT NULL;\nCOMMIT;',
      errors: [
        { line: 3, message: 'orders.shipped_at' },
        { line: 4, message: 'orders.carrier' },
      ],
    },
  ],
});
