import { describe, expect, it } from 'vitest';
import { runRule, ruleTester } from '../helpers/rule-tester.js';
import { disallowedUniqueConstraint as rule } from '../../src/rules/disallowed-unique-constraint.js';

ruleTester(rule, {
  valid: [
    'CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);\nALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;',
    {
      name: 'table created in the same migration',
      sql: 'CREATE TABLE invites (id bigint PRIMARY KEY, code text);\nALTER TABLE invites ADD CONSTRAINT invites_code_key UNIQUE (code);',
    },
    { name: 'CREATE TABLE with UNIQUE', sql: 'CREATE TABLE invites (id bigint PRIMARY KEY, code text UNIQUE);' },
    { name: 'primary keys belong to adding-serial-primary-key-field', sql: 'ALTER TABLE events ADD PRIMARY KEY (id);' },
    {
      name: 'ADD COLUMN … PRIMARY KEY is not reported here',
      sql: 'ALTER TABLE events ADD COLUMN id bigserial PRIMARY KEY;',
    },
  ],
  invalid: [
    {
      sql: 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);',
      errors: [{ line: 1, message: 'Adding UNIQUE constraint users_email_key to users builds its index' }],
    },
    {
      name: 'unnamed multi-column UNIQUE',
      sql: '\n\nALTER TABLE memberships\n  ADD UNIQUE (org_id, user_id);',
      errors: [{ line: 3, message: 'on (org_id, user_id)' }],
    },
    {
      name: 'ADD COLUMN … UNIQUE',
      sql: 'ALTER TABLE users ADD COLUMN username text UNIQUE;',
      errors: [{ line: 1, message: 'Column username is added to users with UNIQUE' }],
    },
    {
      name: 'UNIQUE NULLS NOT DISTINCT (PG 15+)',
      pgVersion: 15,
      sql: 'ALTER TABLE users ADD CONSTRAINT users_phone_key UNIQUE NULLS NOT DISTINCT (phone);',
      errors: [{ line: 1 }],
    },
  ],
});

describe('disallowed-unique-constraint help', () => {
  it('spells out CREATE UNIQUE INDEX CONCURRENTLY then USING INDEX', async () => {
    const [f] = await runRule(rule, { sql: 'ALTER TABLE memberships ADD UNIQUE (org_id, user_id);' });
    expect(f?.help).toBe(
      'CREATE UNIQUE INDEX CONCURRENTLY memberships_org_id_user_id_key ON memberships (org_id, user_id); then ALTER TABLE memberships ADD CONSTRAINT memberships_org_id_user_id_key UNIQUE USING INDEX memberships_org_id_user_id_key;',
    );
    expect(f?.lock).toBe('ACCESS EXCLUSIVE on memberships (blocks reads and writes)');
  });
});
