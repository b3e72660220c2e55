/**
 * ban-duplicate-column-assignments: Squawk's own cases (crates/squawk_linter/src/rules/
 * ban_duplicate_column_assignments.rs) and ours. Every invalid statement here was run on PostgreSQL 15,
 * which rejects it with the error the message quotes; every valid one it accepts (given the tables).
 */
import { describe, expect, it } from 'vitest';
import knexFactory from 'knex';
import { ruleTester, runRule } from '../helpers/rule-tester.js';
import { banDuplicateColumnAssignments } from '../../src/rules/ban-duplicate-column-assignments.js';

const SET_ERROR = (c: string) => `"multiple assignments to same column "${c}""`;
const LIST_ERROR = (c: string) => `"column "${c}" specified more than once"`;

ruleTester(banDuplicateColumnAssignments, {
  valid: [
    // Squawk's `distinct_and_partial_assignments_ok`, one statement per case.
    'UPDATE k SET a = 1, b = 2;',
    'UPDATE k SET a.x = 1, a.y = 2;',
    'UPDATE k SET a[1] = 1, a[2] = 2;',
    'UPDATE k SET "A" = 1, A = 2;',
    'INSERT INTO k (a, b) VALUES (1, 2);',
    'CREATE TABLE t (a int, b int);',
    'CREATE FOREIGN TABLE ft (a int, b int) SERVER s;',
    // The column list names the view's columns: the query's own names no longer matter.
    'CREATE VIEW v (a, b) AS SELECT 1 a, 2 a;',
    'CREATE VIEW inferred_v AS SELECT 1 a, 2 b;',
    'SELECT 1 a, 2 b INTO z;',
    'INSERT INTO k (a.x, a.y) VALUES (1, 2);',
    'MERGE INTO k USING j ON k.id = j.id WHEN NOT MATCHED THEN INSERT (a.x, a.y) VALUES (1, 2);',
    // Ours: the same part twice is accepted by Postgres (the later value wins), so is the same element.
    'UPDATE k SET r.x = 1, r.x = 2;',
    'UPDATE k SET arr[1] = 1, arr[1] = 2;',
    // A cast keeps the column's name (`x`), unlike a literal's `?column?`.
    'CREATE VIEW casted AS SELECT x::int, 1;',
    // Qualified references are named by their last part: two different names.
    'CREATE VIEW joined AS SELECT a.id, b.user_id FROM a JOIN b ON b.a_id = a.id;',
    // `*` expands to columns not known here: no guessed clash.
    'CREATE VIEW starred AS SELECT *, a.* FROM a;',
    // Each MERGE action has its own lists.
    'MERGE INTO k USING j ON k.id = j.id WHEN MATCHED THEN UPDATE SET a = 1 WHEN NOT MATCHED THEN INSERT (a) VALUES (2);',
    // The same column in the INSERT list and in ON CONFLICT's SET list is two clauses.
    'INSERT INTO k (id, a) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET a = excluded.a;',
  ],
  invalid: [
    {
      name: "Squawk's duplicate_assignment_err",
      sql: 'drop table k;\ncreate table k (\n  a int,\n  b int,\n  c int\n);\nupdate k\nset\n  a = 1,\n  a = 1,\n  b = 2,\n  c = 3;',
      errors: [
        {
          line: 10,
          message: `Column a is assigned more than once in one SET list: PostgreSQL rejects the statement with ${SET_ERROR('a')}`,
        },
      ],
    },
    {
      name: "Squawk's duplicate_multiple_column_assignment_err",
      sql: 'update k\nset\n  (a, b) = (1, 2),\n  a = 3;',
      errors: [{ line: 4, message: SET_ERROR('a') }],
    },
    {
      name: "Squawk's whole_and_partial_assignment_err",
      sql: 'create type k_record as (\n  x int,\n  y int\n);\ncreate table k (\n  a k_record,\n  b int,\n  c int\n);\nupdate k\nset\n  a = row(1, 2),\n  a.x = 1;',
      errors: [{ line: 13, message: SET_ERROR('a') }],
    },
    {
      name: "Squawk's names_use_postgres_case_rules",
      sql: 'update k\nset\n  a = 1,\n  A = 2;\nupdate k\nset\n  "a" = 1,\n  a = 2;',
      errors: [
        { line: 4, message: SET_ERROR('a') },
        { line: 8, message: SET_ERROR('a') },
      ],
    },
    {
      name: "Squawk's names_use_postgres_truncation_rules",
      sql: `update k set ${'a'.repeat(63)}x = 1, ${'a'.repeat(63)}y = 2;`,
      errors: [{ line: 1, message: SET_ERROR('a'.repeat(63)) }],
    },
    {
      name: "Squawk's insert_err",
      sql: 'insert into t (a, a)\nvalues (1, 2);',
      errors: [
        {
          line: 1,
          message: `Column a is listed more than once in the INSERT column list: PostgreSQL rejects the statement with ${LIST_ERROR('a')}`,
        },
      ],
    },
    {
      name: "Squawk's merge_insert_err",
      sql: 'merge into t\nusing s on t.id = s.id\nwhen not matched then\n  insert (a, a)\n  values (1, 2);',
      errors: [{ line: 4, message: LIST_ERROR('a') }],
    },
    {
      name: "Squawk's create_table_err",
      sql: 'create table t (\n  a int,\n  a text\n);',
      errors: [
        {
          line: 3,
          message: `Column a is specified more than once among the columns of t: PostgreSQL rejects the statement with ${LIST_ERROR('a')}`,
        },
      ],
    },
    {
      name: "Squawk's create_foreign_table_err",
      sql: 'create foreign table t (\n  a int,\n  a text\n) server s;',
      errors: [{ line: 3, message: LIST_ERROR('a') }],
    },
    {
      // The parse tree gives the view's column list no positions: the finding is on the statement.
      name: "Squawk's create_view_err",
      sql: 'create view v (a, a) as\nselect 1, 2;',
      errors: [{ line: 1, message: 'specified more than once among the columns of v' }],
    },
    {
      name: "Squawk's create_view_with_duplicate_target_aliases_err",
      sql: 'create view v as\nselect 1 a, 2 a;',
      errors: [{ line: 2, message: LIST_ERROR('a') }],
    },
    {
      name: "Squawk's create_view_with_duplicate_inferred_names_err",
      sql: 'create view v as\nselect 1, 2;',
      errors: [{ line: 2, message: LIST_ERROR('?column?') }],
    },
    {
      name: "Squawk's select_into_err",
      sql: 'select 1 a, 2 a into z;',
      errors: [{ line: 1, message: LIST_ERROR('a') }],
    },
    {
      name: "Squawk's conflict_update_err",
      sql: 'insert into k\nvalues (1)\non conflict (id)\ndo update\nset\n  a = 1,\n  a = 2;',
      errors: [{ line: 7, message: SET_ERROR('a') }],
    },
    {
      name: "Squawk's merge_update_err",
      sql: 'merge into k\nusing j on k.id = j.id\nwhen matched then\n  update\n  set\n    a = 1,\n    a = 2;',
      errors: [{ line: 7, message: SET_ERROR('a') }],
    },
    // Ours.
    {
      name: 'CREATE TABLE AS with a column list',
      sql: 'CREATE TABLE report (total, total) AS SELECT 1, 2;',
      errors: [{ line: 1, message: LIST_ERROR('total') }],
    },
    {
      name: 'CREATE TABLE AS naming two columns by the same function',
      sql: 'CREATE TABLE snapshot AS\nSELECT now(), id,\n  now()\nFROM accounts;',
      errors: [{ line: 3, message: LIST_ERROR('now') }],
    },
    {
      name: 'materialized view with a join that names id twice',
      sql: 'CREATE MATERIALIZED VIEW account_users AS\nSELECT a.id, u.id\nFROM accounts a JOIN users u ON u.account_id = a.id;',
      errors: [{ line: 2, message: 'specified more than once among the columns of account_users' }],
    },
    {
      name: 'casts of literals are named by their type',
      sql: 'CREATE VIEW v AS SELECT 1::int, 2::int;',
      errors: [{ line: 1, message: LIST_ERROR('int4') }],
    },
    {
      name: 'CASE without an ELSE column is named case',
      sql: 'CREATE VIEW v AS SELECT CASE WHEN true THEN 1 END, CASE WHEN false THEN 2 END;',
      errors: [{ line: 1, message: LIST_ERROR('case') }],
    },
    {
      name: 'a column named three times: one finding, at the second',
      sql: "UPDATE accounts SET status = 'a',\n  status = 'b',\n  status = 'c' WHERE id = 1;",
      errors: [{ line: 2, message: SET_ERROR('status') }],
    },
  ],
});

describe('ban-duplicate-column-assignments positions', () => {
  it('points at the second occurrence and relates the others', async () => {
    const sql = "UPDATE accounts\nSET status = 'a', plan = 'free',\n    status = 'b', \"status\" = 'c';";
    const [finding, ...rest] = await runRule(banDuplicateColumnAssignments, { sql });
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ line: 3, column: 5, endLine: 3, endColumn: 11 });
    expect(finding?.related?.map((r) => [r.line, r.column])).toEqual([
      [2, 5],
      [3, 19],
    ]);
  });

  it('points at a qualified column reference whole', async () => {
    const [finding] = await runRule(banDuplicateColumnAssignments, {
      sql: 'CREATE VIEW owners AS\nSELECT a.id,\n       "u".id\nFROM accounts a JOIN users u ON u.id = a.owner_id;',
    });
    expect(finding).toMatchObject({ line: 3, column: 8, endLine: 3, endColumn: 14 });
    expect(finding?.related?.map((r) => [r.line, r.column, r.endColumn])).toEqual([[2, 8, 12]]);
  });

  it('points at the alias-less expression Postgres names the column after', async () => {
    const [finding] = await runRule(banDuplicateColumnAssignments, {
      sql: 'CREATE VIEW v AS SELECT coalesce(a, 0), coalesce(b, 0) FROM t;',
    });
    expect(finding).toMatchObject({ line: 1, column: 41 });
    expect(finding?.message).toContain(LIST_ERROR('coalesce'));
  });
});

describe('ban-duplicate-column-assignments on a Knex migration', () => {
  it('flags the column a builder callback defines twice, as Knex sends both to Postgres', async () => {
    const build = (t: { increments(n: string): unknown; string(n: string): unknown; text(n: string): unknown }) => {
      t.increments('id');
      t.string('email');
      t.text('email');
    };
    // What Knex sends: both definitions, which PostgreSQL rejects (column "email" specified more than once).
    const knex = knexFactory({ client: 'pg' });
    expect(knex.schema.createTable('users', build).toString()).toBe(
      'create table "users" ("id" serial primary key, "email" varchar(255), "email" text)',
    );
    const findings = await runRule(banDuplicateColumnAssignments, {
      file: 'migrations/20240301120000_users.js',
      sql:
        "exports.up = async function (knex) {\n  await knex.schema.createTable('users', (t) => {\n    t.increments('id');\n" +
        "    t.string('email');\n    t.text('email');\n  });\n};\n\nexports.down = async function (knex) {\n  await knex.schema.dropTable('users');\n};\n",
    });
    expect(findings.map((f) => [f.line, f.message])).toEqual([
      [
        5,
        expect.stringContaining(
          `Column email is specified more than once among the columns of users: PostgreSQL rejects the statement with ${LIST_ERROR('email')}`,
        ),
      ],
    ]);
  });
});
