import { ruleTester } from '../helpers/rule-tester.js';
import { preferTextField } from '../../src/rules/prefer-text-field.js';

ruleTester(preferTextField, {
  valid: [
    'ALTER TABLE users ADD COLUMN nickname text;',
    'ALTER TABLE users ADD COLUMN nickname varchar;',
    'CREATE TABLE notes (id bigint PRIMARY KEY, body text CHECK (length(body) <= 5000));',
    'ALTER TABLE users ALTER COLUMN nickname TYPE text;',
    'ALTER TABLE users ADD COLUMN code char(2);',
  ],
  invalid: [
    {
      sql: 'ALTER TABLE users ADD COLUMN nickname varchar(50);',
      errors: [
        {
          line: 1,
          message: 'Column users.nickname is varchar(50): changing that limit later needs an ACCESS EXCLUSIVE lock',
        },
      ],
    },
    {
      sql: 'CREATE TABLE users (\n  id bigint PRIMARY KEY,\n  email character varying(255) NOT NULL,\n  name text\n);',
      errors: [{ line: 3, message: 'users.email is varchar(255)' }],
    },
    {
      sql: 'ALTER TABLE users ALTER COLUMN nickname TYPE varchar(100);',
      errors: [{ line: 1, message: 'is changed to varchar(100)' }],
    },
  ],
});
