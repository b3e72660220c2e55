import { ruleTester } from '../helpers/rule-tester.js';
import { renameViaDropAdd } from '../../src/rules/rename-via-drop-add.js';
import { runRule } from '../helpers/rule-tester.js';
import { expect, it } from 'vitest';

ruleTester(renameViaDropAdd, {
  valid: [
    'ALTER TABLE users RENAME COLUMN name TO full_name;',
    'ALTER TABLE users DROP COLUMN legacy_plan;',
    'ALTER TABLE users ADD COLUMN plan text;',
    { name: 'drop and add on different tables', sql: 'ALTER TABLE users DROP COLUMN nickname;\nALTER TABLE profiles ADD COLUMN nickname text;' },
    { name: 'a table created in the same migration', sql: 'CREATE TABLE drafts (id bigint, body text);\nALTER TABLE drafts DROP COLUMN body;\nALTER TABLE drafts ADD COLUMN content text;' },
    { name: 'a column added and dropped again in the same migration', sql: 'ALTER TABLE users ADD COLUMN tmp text;\nALTER TABLE users DROP COLUMN tmp;' },
    {
      name: "downgrade reversing its own upgrade's drop/add",
      file: '20240110_rename.sql',
      sql: '-- migrate:up\nALTER TABLE users ADD COLUMN full_name text;\n-- migrate:down\nALTER TABLE users DROP COLUMN full_name;\nALTER TABLE users ADD COLUMN name text;\n',
      checkDowngrade: true,
    },
  ],
  invalid: [
    {
      name: 'Prisma-style rename in one statement',
      file: 'prisma/migrations/20240101120000_rename_name/migration.sql',
      sql: '-- AlterTable\nALTER TABLE "User" DROP COLUMN "name",\nADD COLUMN     "fullName" TEXT;\n',
      errors: [{ line: 2, message: 'Column "User".name is dropped and "User"."fullName" is added in the same statement: if this is a rename, every value of name is lost' }],
    },
    {
      name: 'same name re-created with another type, type known from an earlier migration',
      sql: ['CREATE TABLE orders (id bigint PRIMARY KEY, price integer);', 'ALTER TABLE orders DROP COLUMN price;\n\nALTER TABLE orders ADD COLUMN price numeric(12,2);'],
      errors: [{ file: 'm002_migration.sql', line: 1, message: 'Column orders.price is dropped and re-created at line 3 (integer → numeric(12,2)): every existing value is lost' }],
    },
    {
      name: 'add before drop, different names',
      sql: 'ALTER TABLE users ADD COLUMN email_address text;\nALTER TABLE users DROP COLUMN email;',
      errors: [{ line: 2, message: 'users.email is dropped and users.email_address is added at line 1' }],
    },
    {
      name: 'two drops and two adds pair one to one, same name first',
      sql: 'ALTER TABLE users DROP COLUMN first_name, DROP COLUMN status;\nALTER TABLE users ADD COLUMN given_name text, ADD COLUMN status text;',
      errors: [{ line: 1, message: 'users.first_name is dropped and users.given_name is added at line 2' }, { line: 1, message: 'users.status is dropped and re-created at line 2' }],
    },
    {
      name: 'more drops than adds: only one pair',
      sql: 'ALTER TABLE posts DROP COLUMN title, DROP COLUMN body, ADD COLUMN title_text text;',
      errors: [{ message: 'posts.title is dropped and posts.title_text' }],
    },
  ],
});

it('rename-via-drop-add: the help shows the RENAME COLUMN and the type-change alternatives', async () => {
  const [rename] = await runRule(renameViaDropAdd, { sql: 'ALTER TABLE users DROP COLUMN name;\nALTER TABLE users ADD COLUMN full_name text;' });
  expect(rename!.help).toContain('ALTER TABLE users RENAME COLUMN name TO full_name;');
  const [retype] = await runRule(renameViaDropAdd, { sql: 'ALTER TABLE orders DROP COLUMN price;\nALTER TABLE orders ADD COLUMN price numeric(12,2);' });
  expect(retype!.help).toContain('ALTER TABLE orders ALTER COLUMN price TYPE numeric(12,2) USING price::numeric(12,2)');
});
