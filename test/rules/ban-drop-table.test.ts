import { ruleTester } from '../helpers/rule-tester.js';
import { banDropTable } from '../../src/rules/ban-drop-table.js';

ruleTester(banDropTable, {
  valid: [
    {
      name: 'staging table created and dropped in the same migration',
      sql: 'CREATE TABLE tmp_import (id bigint);\nINSERT INTO users (id) SELECT id FROM tmp_import;\nDROP TABLE tmp_import;',
    },
    'DROP INDEX CONCURRENTLY users_email_idx;',
    'DROP VIEW active_users;',
    {
      name: 'golang-migrate down file is a separate downgrade migration only when checked',
      file: '000001_create_events.down.sql',
      sql: 'DROP TABLE events;',
    },
    {
      name: 'a table replaced in one transaction by a copy filled while the original is locked against writes',
      sql: [
        'BEGIN;',
        'CREATE TABLE run_note_v2 (id bigint PRIMARY KEY, run_id bigint NOT NULL, body text NOT NULL);',
        'LOCK TABLE run_note IN SHARE MODE;',
        'INSERT INTO run_note_v2 SELECT id, run_id, body FROM run_note;',
        'DROP TABLE run_note;',
        'ALTER TABLE run_note_v2 RENAME TO run_note;',
        'COMMIT;',
      ].join('\n'),
    },
  ],
  invalid: [
    {
      name: 'a table replaced by a copy made without a lock: rows written after the copy are lost',
      sql: [
        'BEGIN;',
        'CREATE TABLE run_note_v2 (id bigint PRIMARY KEY, run_id bigint NOT NULL, body text NOT NULL);',
        'INSERT INTO run_note_v2 SELECT id, run_id, body FROM run_note;',
        'DROP TABLE run_note;',
        'ALTER TABLE run_note_v2 RENAME TO run_note;',
        'COMMIT;',
      ].join('\n'),
      errors: [
        {
          line: 4,
          message:
            'Dropping table run_note and renaming run_note_v2 to it (line 5) replaces it, but the copy (line 3) does not stop other transactions from writing run_note: rows they commit before this DROP gets its lock are lost.',
        },
      ],
    },
    {
      sql: 'DROP TABLE legacy_events;',
      errors: [{ line: 1, message: 'Dropping table legacy_events deletes its data' }],
    },
    {
      sql: 'DROP TABLE IF EXISTS audit_log, audit_log_archive CASCADE;',
      errors: [{ line: 1, message: 'tables audit_log, audit_log_archive' }],
    },
    {
      name: 'only the pre-existing table of a mixed list is named',
      sql: 'CREATE TABLE tmp_copy (id bigint);\nDROP TABLE tmp_copy, sessions;',
      errors: [{ line: 2, message: /Dropping table sessions deletes/ }],
    },
    {
      name: 'golang-migrate down file with --check-downgrade',
      file: '000001_create_events.down.sql',
      sql: 'DROP TABLE events;',
      checkDowngrade: true,
      errors: [{ line: 1, message: 'events' }],
    },
  ],
});
