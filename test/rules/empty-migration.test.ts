import { ruleTester } from '../helpers/rule-tester.js';
import { emptyMigration } from '../../src/rules/empty-migration.js';

ruleTester(emptyMigration, {
  valid: [
    'ALTER TABLE users ADD COLUMN last_seen_at timestamptz;',
    {
      name: 'a Flyway undo file is all downgrade, not empty',
      file: 'U3__drop_last_seen.sql',
      sql: 'ALTER TABLE users DROP COLUMN last_seen_at;',
    },
    { name: 'a file that does not parse is left to parse-error', sql: 'ALTER TABEL users ADD COLUMN x int;' },
    {
      name: 'a golang-migrate down file with nothing to undo',
      file: '000007_validate_fk.down.sql',
      sql: '-- Nothing to undo: validation only checked existing rows.\n',
    },
    { name: 'an empty Flyway undo file', file: 'U7__validate_fk.sql', sql: '' },
    {
      name: 'dbmate file with statements',
      file: '20240101000000_x.sql',
      sql: '-- migrate:up\nCREATE TABLE tags (id bigint PRIMARY KEY);\n\n-- migrate:down\nDROP TABLE tags;\n',
    },
  ],
  invalid: [
    { name: 'empty file', sql: '', errors: [{ line: 1, message: 'The file is empty' }] },
    { name: 'whitespace only', sql: '\n\n   \n', errors: [{ line: 1, message: 'The file is empty' }] },
    {
      name: 'comments only',
      sql: '-- TODO: add the index\n/* later */\n',
      errors: [{ line: 1, message: 'no statements (only comments)' }],
    },
    {
      name: 'only transaction control and settings',
      sql: "SET lock_timeout = '2s';\nBEGIN;\nCOMMIT;\n",
      errors: [{ line: 1, message: 'no statements besides transaction control' }],
    },
    {
      name: 'an empty golang-migrate up file',
      file: '000008_add_index.up.sql',
      sql: '\n',
      errors: [{ line: 1, message: 'The file is empty' }],
    },
    {
      name: 'dbmate template never filled in',
      file: '20240101000000_add_last_seen.sql',
      sql: '-- migrate:up\n\n\n-- migrate:down\n\n',
      errors: [{ line: 1, message: 'recorded as applied without changing anything' }],
    },
    {
      name: 'reported per file, in a run with other files',
      sql: ['CREATE TABLE tags (id bigint PRIMARY KEY);', ''],
      errors: [{ line: 1, file: 'm002_migration.sql' }],
    },
  ],
});
