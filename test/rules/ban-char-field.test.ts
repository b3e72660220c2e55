import { ruleTester } from '../helpers/rule-tester.js';
import { banCharField } from '../../src/rules/ban-char-field.js';

ruleTester(banCharField, {
  valid: [
    'ALTER TABLE countries ADD COLUMN iso_code text;',
    'ALTER TABLE countries ADD COLUMN iso_code varchar(2);',
    'CREATE TABLE countries (code text PRIMARY KEY CHECK (length(code) = 2));',
  ],
  invalid: [
    {
      sql: 'ALTER TABLE countries ADD COLUMN iso_code char(2);',
      errors: [{ line: 1, message: 'Column countries.iso_code is char(2): char(n) pads values with spaces' }],
    },
    {
      sql: 'CREATE TABLE currencies (\n  code character(3) PRIMARY KEY,\n  symbol character,\n  name text\n);',
      errors: [{ message: 'currencies.code is char(3)' }, { message: 'currencies.symbol is char(1)' }],
    },
    { sql: 'ALTER TABLE currencies ALTER COLUMN code TYPE bpchar;', errors: [{ message: 'is changed to char' }] },
  ],
});
