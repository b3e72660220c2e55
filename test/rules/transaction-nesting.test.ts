import { ruleTester } from '../helpers/rule-tester.js';
import { transactionNesting } from '../../src/rules/transaction-nesting.js';

ruleTester(transactionNesting, {
  valid: [
    { name: 'plain SQL managing its own transaction', sql: 'BEGIN;\nALTER TABLE users ADD COLUMN plan text;\nCOMMIT;' },
    {
      name: 'two transactions one after the other',
      sql: "BEGIN;\nALTER TABLE users ADD COLUMN plan text;\nCOMMIT;\nBEGIN;\nUPDATE users SET plan = 'free';\nCOMMIT;",
    },
    {
      name: 'savepoints are not nested transactions',
      sql: "BEGIN;\nSAVEPOINT before_backfill;\nUPDATE users SET plan = 'free';\nROLLBACK TO SAVEPOINT before_backfill;\nCOMMIT;",
    },
    {
      name: 'golang-migrate: BEGIN/COMMIT in a multi-statement file turns the implicit transaction into an explicit one',
      file: '000002_add_plan.up.sql',
      sql: "BEGIN;\nALTER TABLE users ADD COLUMN plan text;\nUPDATE users SET plan = 'free';\nCOMMIT;",
    },
    {
      name: 'dbmate transaction:false section with its own transaction',
      file: '20240105_plan.sql',
      sql: "-- migrate:up transaction:false\nBEGIN;\nALTER TABLE users ADD COLUMN plan text;\nUPDATE users SET plan = 'free';\nCOMMIT;\n\n-- migrate:down\nALTER TABLE users DROP COLUMN plan;\n",
    },
  ],
  invalid: [
    {
      name: 'explicit nested BEGIN',
      sql: "BEGIN;\nALTER TABLE users ADD COLUMN plan text;\nBEGIN;\nUPDATE users SET plan = 'free';\nCOMMIT;\nCOMMIT;",
      errors: [
        { line: 3, message: 'BEGIN inside the transaction opened at line 1' },
        {
          line: 6,
          message:
            'COMMIT with no transaction open (Postgres only warns "there is no transaction in progress"): the BEGIN at line 3 was ignored',
        },
      ],
    },
    {
      name: 'COMMIT with no BEGIN in plain SQL: the statements before it were never in a transaction',
      sql: "ALTER TABLE users ADD COLUMN plan text;\nUPDATE users SET plan = 'free';\nCOMMIT;",
      errors: [
        {
          line: 3,
          message:
            'COMMIT with no transaction open (Postgres only warns "there is no transaction in progress"): the statements before it ran without a transaction',
        },
      ],
    },
    {
      name: 'ROLLBACK with no BEGIN rolls nothing back',
      sql: 'DELETE FROM sessions;\nROLLBACK;',
      errors: [{ line: 2, message: 'nothing is rolled back' }],
    },
    {
      name: 'START TRANSACTION nested in BEGIN',
      sql: 'BEGIN;\nSTART TRANSACTION ISOLATION LEVEL SERIALIZABLE;\nEND;',
      errors: [{ line: 2, message: 'opened at line 1' }],
    },
    {
      name: 'BEGIN/COMMIT in a file the tool wraps (dbmate): both flagged',
      file: '20240104_plan.sql',
      sql: '-- migrate:up\nBEGIN;\nALTER TABLE users ADD COLUMN plan text;\nCOMMIT;\n\n-- migrate:down\nALTER TABLE users DROP COLUMN plan;\n',
      errors: [
        { line: 2, message: 'the migration tool already runs this file in' },
        {
          line: 4,
          message:
            'COMMIT (paired with the ignored BEGIN at line 2) ends the transaction the migration tool runs this file in',
        },
      ],
    },
    {
      name: 'plain SQL with --assume-in-transaction',
      sql: 'BEGIN;\nCREATE TABLE plans (id bigint PRIMARY KEY);\nCOMMIT;',
      assumeInTransaction: true,
      errors: [
        { line: 1, message: 'already runs this file' },
        { line: 3, message: 'COMMIT' },
      ],
    },
    {
      name: 'COMMIT … BEGIN around CONCURRENTLY in a wrapped file: the COMMIT ends the tool transaction, the BEGIN opens a fresh one',
      file: 'V3__orders_index.sql',
      sql: 'ALTER TABLE orders ADD COLUMN ref text;\nCOMMIT;\nCREATE INDEX CONCURRENTLY orders_ref_idx ON orders (ref);\nBEGIN;',
      errors: [
        {
          line: 2,
          message: 'COMMIT without a BEGIN in this file ends the transaction the migration tool runs this file in',
        },
      ],
    },
    {
      name: 'ROLLBACK in a wrapped file',
      file: 'migrations/1700000000000_x.sql',
      sql: "-- Up Migration\nUPDATE users SET plan = 'free';\nROLLBACK;\n-- Down Migration\n",
      errors: [{ line: 3, message: 'undoes every statement before it' }],
    },
    {
      name: 'COMMIT without BEGIN in a golang-migrate multi-statement file',
      file: '000003_backfill.up.sql',
      sql: "ALTER TABLE users ADD COLUMN plan text;\nCOMMIT;\nUPDATE users SET plan = 'free';",
      errors: [{ line: 2, message: 'the implicit transaction Postgres runs this multi-statement file in' }],
    },
  ],
});
