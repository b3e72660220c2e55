/**
 * The "instead" recipes of the lock and constraint rules are exact SQL: each ```sql block must run on
 * embedded Postgres 18 (statement by statement, as psql runs a file) against a realistic existing
 * schema, and linting it — after that schema, as an earlier migration — must not trip the rule again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import type { Rule } from '../../src/rules/types.js';
import { splitStatements } from '../../src/parsers/sql/split.js';
import { runRule } from '../helpers/rule-tester.js';
import { requireConcurrentIndexDeletion } from '../../src/rules/require-concurrent-index-deletion.js';
import { banConcurrentIndexCreationInTransaction } from '../../src/rules/ban-concurrent-index-creation-in-transaction.js';
import { addingNotNullableField } from '../../src/rules/adding-not-nullable-field.js';
import { addingFieldWithDefault } from '../../src/rules/adding-field-with-default.js';
import { addingForeignKeyConstraint } from '../../src/rules/adding-foreign-key-constraint.js';
import { constraintMissingNotValid } from '../../src/rules/constraint-missing-not-valid.js';
import { disallowedUniqueConstraint } from '../../src/rules/disallowed-unique-constraint.js';
import { addingSerialPrimaryKeyField } from '../../src/rules/adding-serial-primary-key-field.js';
import { changingColumnType } from '../../src/rules/changing-column-type.js';
import { requireLockTimeout } from '../../src/rules/require-lock-timeout.js';
import { backfillInDdlTransaction } from '../../src/rules/backfill-in-ddl-transaction.js';
import { banDisableTrigger } from '../../src/rules/ban-disable-trigger.js';
import { attachPartitionWithoutCheck } from '../../src/rules/attach-partition-without-check.js';
import { banDropConstraint } from '../../src/rules/ban-drop-constraint.js';
import { statementTimeoutTooLong } from '../../src/rules/statement-timeout-too-long.js';

const USERS =
  "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\nINSERT INTO users SELECT g, 'user' || g || '@example.com' FROM generate_series(1, 200) g;";

const EXISTING_SCHEMA: [Rule, string][] = [
  [requireConcurrentIndexDeletion, `${USERS}\nCREATE INDEX users_email_idx ON users (email);`],
  [banConcurrentIndexCreationInTransaction, USERS],
  [
    addingNotNullableField,
    "CREATE TABLE users (id bigint PRIMARY KEY, email text);\nINSERT INTO users SELECT g, 'user' || g || '@example.com' FROM generate_series(1, 200) g;",
  ],
  [addingFieldWithDefault, USERS],
  [
    addingForeignKeyConstraint,
    `${USERS}\nCREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);\nINSERT INTO orders SELECT g, g FROM generate_series(1, 200) g;`,
  ],
  [
    constraintMissingNotValid,
    'CREATE TABLE orders (id bigint PRIMARY KEY, total integer);\nINSERT INTO orders SELECT g, g FROM generate_series(1, 200) g;',
  ],
  [disallowedUniqueConstraint, USERS],
  [
    addingSerialPrimaryKeyField,
    "CREATE TABLE events (name text);\nINSERT INTO events SELECT 'event ' || g FROM generate_series(1, 200) g;",
  ],
  [
    changingColumnType,
    'CREATE TABLE users (id bigint PRIMARY KEY, email varchar(50));\nCREATE TABLE orders (id bigint PRIMARY KEY, quantity integer);\nINSERT INTO orders SELECT g, g FROM generate_series(1, 200) g;',
  ],
  [requireLockTimeout, USERS],
  [backfillInDdlTransaction, USERS],
  [
    banDisableTrigger,
    `${banDisableTrigger.meta.lock!.setup}\nINSERT INTO orders SELECT g FROM generate_series(1, 200) g;`,
  ],
  [
    attachPartitionWithoutCheck,
    `${attachPartitionWithoutCheck.meta.lock!.setup}\nINSERT INTO measurements_2024 SELECT g, date '2024-01-01' + g FROM generate_series(1, 200) g;`,
  ],
  [
    banDropConstraint,
    `${banDropConstraint.meta.lock!.setup}\nINSERT INTO orders SELECT g, g FROM generate_series(1, 200) g;`,
  ],
  [
    statementTimeoutTooLong,
    'CREATE TABLE orders (id bigint PRIMARY KEY, total integer);\nINSERT INTO orders SELECT g, g FROM generate_series(1, 200) g;',
  ],
];

function sqlBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

describe('lock and constraint rules: the safe alternative in the docs', () => {
  let db: PGlite;
  beforeAll(async () => {
    db = new PGlite();
    await db.waitReady;
  });
  afterAll(async () => {
    await db.close();
  });

  for (const [rule, schema] of EXISTING_SCHEMA) {
    const blocks = sqlBlocks(rule.meta.docs.instead);
    it(`${rule.meta.id} has a recipe`, () => {
      expect(blocks.length).toBeGreaterThan(0);
    });
    blocks.forEach((block, i) => {
      it(`${rule.meta.id}: recipe ${i + 1} runs on Postgres and passes the rule`, async () => {
        await db.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
        await db.exec(schema);
        for (const s of splitStatements(block)) await db.exec(block.slice(s.start, s.end));
        const findings = await runRule(rule, { sql: [schema, block], pgVersion: 18 });
        expect(findings).toEqual([]);
      });
    });
  }
});
