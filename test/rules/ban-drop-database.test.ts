import { ruleTester } from '../helpers/rule-tester.js';
import { banDropDatabase } from '../../src/rules/ban-drop-database.js';

ruleTester(banDropDatabase, {
  valid: ['DROP SCHEMA staging CASCADE;', 'DROP TABLE analytics;', 'CREATE DATABASE analytics;'],
  invalid: [
    {
      sql: 'DROP DATABASE analytics;',
      errors: [{ line: 1, message: 'DROP DATABASE analytics deletes the whole database' }],
    },
    {
      sql: '-- retire the old reporting db\nDROP DATABASE IF EXISTS reporting WITH (FORCE);',
      errors: [{ line: 2, message: 'reporting' }],
    },
  ],
});
