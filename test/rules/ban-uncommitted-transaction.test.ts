import { ruleTester } from '../helpers/rule-tester.js';
import { banUncommittedTransaction } from '../../src/rules/ban-uncommitted-transaction.js';

ruleTester(banUncommittedTransaction, {
  valid: [
    'BEGIN;\nALTER TABLE users ADD COLUMN plan text;\nCOMMIT;',
    "START TRANSACTION;\nUPDATE users SET plan = 'free';\nROLLBACK;",
    "BEGIN;\nUPDATE users SET plan = 'free';\nEND;",
    'ALTER TABLE users ADD COLUMN plan text;',
    {
      name: "wrapped file: the tool's COMMIT closes a trailing BEGIN",
      file: 'V7__index.sql',
      sql: 'ALTER TABLE orders ADD COLUMN ref text;\nCOMMIT;\nCREATE INDEX CONCURRENTLY orders_ref_idx ON orders (ref);\nBEGIN;',
    },
    {
      name: 'downgrade is checked on its own only with --check-downgrade',
      file: '20240106_x.sql',
      sql: '-- migrate:up transaction:false\nBEGIN;\nALTER TABLE users ADD COLUMN plan text;\nCOMMIT;\n-- migrate:down transaction:false\nBEGIN;\nALTER TABLE users DROP COLUMN plan;\n',
    },
  ],
  invalid: [
    {
      sql: "BEGIN;\nALTER TABLE users ADD COLUMN plan text;\nUPDATE users SET plan = 'free';\n",
      errors: [{ line: 1, message: 'BEGIN at line 1 is never committed or rolled back' }],
    },
    {
      name: 'second transaction left open',
      sql: "BEGIN;\nALTER TABLE users ADD COLUMN plan text;\nCOMMIT;\n\nBEGIN;\nUPDATE users SET plan = 'free';",
      errors: [{ line: 5 }],
    },
    {
      name: 'golang-migrate: an open BEGIN outlives the multi-statement query',
      file: '000004_plan.up.sql',
      sql: "ALTER TABLE users ADD COLUMN plan text;\nBEGIN;\nUPDATE users SET plan = 'free';",
      errors: [{ line: 2 }],
    },
    {
      name: 'dbmate transaction:false downgrade with --check-downgrade',
      file: '20240106_x.sql',
      sql: '-- migrate:up transaction:false\nBEGIN;\nALTER TABLE users ADD COLUMN plan text;\nCOMMIT;\n-- migrate:down transaction:false\nBEGIN;\nALTER TABLE users DROP COLUMN plan;\n',
      checkDowngrade: true,
      errors: [{ line: 6, message: 'BEGIN at line 6' }],
    },
  ],
});
