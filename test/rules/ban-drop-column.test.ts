import { ruleTester } from '../helpers/rule-tester.js';
import { banDropColumn } from '../../src/rules/ban-drop-column.js';

ruleTester(banDropColumn, {
  valid: [
    {
      name: 'column of a table created in the same migration',
      sql: 'CREATE TABLE imports (id bigint, raw jsonb);\nALTER TABLE imports DROP COLUMN raw;',
    },
    {
      name: 'column added earlier in the same migration',
      sql: 'ALTER TABLE users ADD COLUMN tmp_flag boolean;\nUPDATE users SET tmp_flag = true;\nALTER TABLE users DROP COLUMN tmp_flag;',
    },
    'ALTER TABLE users DROP CONSTRAINT users_email_key;',
    {
      name: 'downgrade dropping the column its own upgrade added',
      file: '20240102_add_plan.sql',
      sql: '-- migrate:up\nALTER TABLE users ADD COLUMN plan text;\n\n-- migrate:down\nALTER TABLE users DROP COLUMN plan;\n',
      checkDowngrade: true,
    },
    {
      name: 'a column replaced in one transaction: copy added (the ALTER locks the table), filled, old one dropped, copy renamed into place',
      sql: [
        'BEGIN;',
        'ALTER TABLE webhook_event ADD COLUMN payload_new text;',
        'UPDATE webhook_event SET payload_new = payload;',
        'ALTER TABLE webhook_event DROP COLUMN payload;',
        'ALTER TABLE webhook_event RENAME COLUMN payload_new TO payload;',
        'COMMIT;',
      ].join('\n'),
    },
  ],
  invalid: [
    {
      name: 'a column dropped and added again: the values go, the column stays',
      sql: 'BEGIN;\nALTER TABLE reaction DROP COLUMN emoji;\nALTER TABLE reaction ADD COLUMN emoji varchar(64);\nCOMMIT;',
      errors: [
        {
          line: 2,
          message:
            'Dropping column reaction.emoji and adding it again (line 3) deletes every value it holds: running code still finds the column, but it starts over (its default or NULL) in every row.',
        },
      ],
    },
    {
      name: 'a column replaced by a copy nothing fills',
      sql: [
        'BEGIN;',
        'ALTER TABLE webhook_event ADD COLUMN payload_new jsonb;',
        'ALTER TABLE webhook_event DROP COLUMN payload;',
        'ALTER TABLE webhook_event RENAME COLUMN payload_new TO payload;',
        'COMMIT;',
      ].join('\n'),
      errors: [{ line: 3, message: 'nothing in this migration copies its values into payload_new first' }],
    },
    {
      sql: 'ALTER TABLE users DROP COLUMN legacy_plan;',
      errors: [{ line: 1, message: 'Dropping column users.legacy_plan deletes its data' }],
    },
    {
      name: 'several drops in one ALTER, IF EXISTS and CASCADE',
      sql: '-- cleanup\nALTER TABLE public.orders\n  DROP COLUMN IF EXISTS coupon_code,\n  DROP COLUMN discount CASCADE;',
      errors: [
        { line: 3, message: 'public.orders.coupon_code' },
        { line: 4, message: 'public.orders.discount' },
      ],
    },
    {
      name: 'table created by an earlier migration of the run',
      sql: ['CREATE TABLE imports (id bigint, raw jsonb);', 'ALTER TABLE imports DROP COLUMN raw;'],
      errors: [{ file: 'm002_migration.sql', line: 1 }],
    },
    {
      name: 'downgrade dropping a column the upgrade did not add',
      file: '20240103_x.sql',
      sql: "-- migrate:up\nALTER TABLE users ALTER COLUMN plan SET DEFAULT 'free';\n\n-- migrate:down\nALTER TABLE users DROP COLUMN plan;\n",
      checkDowngrade: true,
      errors: [{ line: 5, message: 'users.plan' }],
    },
  ],
});
