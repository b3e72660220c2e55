/**
 * Differential test against the real Squawk CLI for ban-duplicate-column-assignments: on Squawk's own
 * cases both tools flag the same statements. Squawk reports every occurrence of a repeated column and
 * migration-lint one finding per column (at its second occurrence, the others as related locations),
 * so the statements flagged are compared, not the number of findings.
 */
import { expect, it } from 'vitest';
import { describeWithSquawk, flaggedByBoth } from '../helpers/squawk.js';
import { banDuplicateColumnAssignments } from '../../src/rules/ban-duplicate-column-assignments.js';

const CASES: { name: string; sql: string; silent?: boolean }[] = [
  { name: 'UPDATE SET twice', sql: 'update k\nset\n  a = 1,\n  a = 1,\n  b = 2,\n  c = 3;' },
  { name: 'row assignment and a plain one', sql: 'update k\nset\n  (a, b) = (1, 2),\n  a = 3;' },
  { name: 'whole column and a field', sql: 'update k\nset\n  a = row(1, 2),\n  a.x = 1;' },
  { name: 'case folding', sql: 'update k\nset\n  a = 1,\n  A = 2;\nupdate k\nset\n  "a" = 1,\n  a = 2;' },
  { name: 'truncation to 63 bytes', sql: `update k set ${'a'.repeat(63)}x = 1, ${'a'.repeat(63)}y = 2;` },
  { name: 'INSERT column list', sql: 'insert into t (a, a)\nvalues (1, 2);' },
  {
    name: 'MERGE insert',
    sql: 'merge into t\nusing s on t.id = s.id\nwhen not matched then\n  insert (a, a)\n  values (1, 2);',
  },
  { name: 'CREATE TABLE', sql: 'create table t (\n  a int,\n  a text\n);' },
  { name: 'CREATE FOREIGN TABLE', sql: 'create foreign table t (\n  a int,\n  a text\n) server s;' },
  { name: 'view column list', sql: 'create view v (a, a) as\nselect 1, 2;' },
  { name: 'view aliases', sql: 'create view v as\nselect 1 a, 2 a;' },
  { name: 'view inferred names', sql: 'create view v as\nselect 1, 2;' },
  { name: 'SELECT INTO', sql: 'select 1 a, 2 a into z;' },
  {
    name: 'ON CONFLICT DO UPDATE',
    sql: 'insert into k\nvalues (1)\non conflict (id)\ndo update\nset\n  a = 1,\n  a = 2;',
  },
  {
    name: 'MERGE update',
    sql: 'merge into k\nusing j on k.id = j.id\nwhen matched then\n  update\n  set\n    a = 1,\n    a = 2;',
  },
  {
    name: 'distinct and partial assignments',
    silent: true,
    sql:
      'update k\nset\n  a = 1,\n  b = 2;\nupdate k\nset\n  a.x = 1,\n  a.y = 2;\nupdate k\nset\n  a[1] = 1,\n  a[2] = 2;\n' +
      'update k\nset\n  "A" = 1,\n  A = 2;\ninsert into k (a, b)\nvalues (1, 2);\ncreate table t (\n  a int,\n  b int\n);\n' +
      'create foreign table ft (\n  a int,\n  b int\n) server s;\ncreate view v (a, b) as\nselect 1 a, 2 a;\n' +
      'create view inferred_v as\nselect 1 a, 2 b;\nselect 1 a, 2 b into z;\ninsert into k (a.x, a.y)\nvalues (1, 2);\n' +
      'merge into k\nusing j on k.id = j.id\nwhen not matched then\n  insert (a.x, a.y)\n  values (1, 2);',
  },
  {
    name: 'several statements, one of each kind flagged',
    sql: "UPDATE accounts SET status = 'a', plan = 'x', status = 'b' WHERE id = 1;\nINSERT INTO accounts (id, plan, plan) VALUES (1, 'a', 'b');\nCREATE VIEW owners AS SELECT a.id, u.id FROM accounts a JOIN users u ON u.id = a.owner_id;",
  },
];

describeWithSquawk('squawk parity for ban-duplicate-column-assignments', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const { ours, squawk } = await flaggedByBoth(c.sql, [banDuplicateColumnAssignments]);
      expect([...new Set(ours)]).toEqual([...new Set(squawk)]);
      if (c.silent) expect(ours).toEqual([]);
      else expect(ours.length).toBeGreaterThan(0);
    });
  }
});

describeWithSquawk('squawk parity for ban-duplicate-column-assignments: deliberate differences', () => {
  it('CREATE TABLE … AS whose query names two columns alike: PostgreSQL 15 rejects it (column "now" specified more than once); Squawk checks only its column list', async () => {
    const { ours, squawk } = await flaggedByBoth(
      'CREATE TABLE report AS SELECT now(), now();\nCREATE TABLE totals AS SELECT 1 AS n, 2 AS n;',
      [banDuplicateColumnAssignments],
    );
    expect(squawk).toEqual([]);
    expect(ours).toEqual(['ban-duplicate-column-assignments@1', 'ban-duplicate-column-assignments@2']);
  });
});
