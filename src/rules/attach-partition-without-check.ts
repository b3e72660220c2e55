import type { PartitionBound } from '../ir/types.js';
import type { Rule } from './types.js';
import type { ConstraintFacts } from '../analysis/schema-state.js';
import { escapeRegExp, mentionsColumn } from '../ir/identifiers.js';
import { describeLock, quoteIdent, tableName } from './support/helpers.js';

/** The expression contains the bound value as a whole literal (`5` is not found in `15`). */
function mentionsValue(expression: string, value: string): boolean {
  if (value.startsWith("'")) return expression.includes(value);
  return new RegExp(`(^|[^\\w.])${escapeRegExp(value)}($|[^\\w.])`, 'i').test(expression);
}

/**
 * A validated CHECK that matches the bound: it names every key column (when the parent's creation shows
 * the key) and every value of the bound. Postgres itself decides whether the CHECK implies the bound
 * (and falls back to the scan when it does not); this is the shape a CHECK written for it has.
 */
function matchingCheck(
  checks: ReadonlyMap<string, Readonly<ConstraintFacts>>,
  bound: PartitionBound,
  keyColumns: readonly string[] | undefined,
): boolean {
  if (bound.strategy === 'default' && !keyColumns) return false;
  const values = bound.values.filter((v) => v !== 'MINVALUE' && v !== 'MAXVALUE');
  for (const c of checks.values()) {
    if (c.type !== 'check' || !c.valid || c.expression === undefined) continue;
    const expression = c.expression;
    if (bound.strategy === 'hash') {
      if (/satisfies_hash_partition/i.test(expression)) return true;
      continue;
    }
    if (keyColumns && !keyColumns.every((k) => mentionsColumn(expression, k))) continue;
    if (values.every((v) => mentionsValue(expression, v))) return true;
  }
  return false;
}

/**
 * The CHECK that mirrors the bound, as SQL: on the key column when the parent's creation shows a one-column
 * key, else with `<partition key>` for the reader to fill in; a description for hash, DEFAULT and
 * multi-column bounds.
 */
function mirroringCheck(bound: PartitionBound, keyColumns: readonly string[] | undefined): string {
  const only = keyColumns?.length === 1 ? keyColumns[0] : undefined;
  const key = only === undefined ? (keyColumns ? undefined : '<partition key>') : quoteIdent(only);
  if (key && bound.strategy === 'range' && bound.values.length === 2) {
    const [from, to] = bound.values as [string, string];
    const parts = [`${key} IS NOT NULL`];
    if (from !== 'MINVALUE') parts.push(`${key} >= ${from}`);
    if (to !== 'MAXVALUE') parts.push(`${key} < ${to}`);
    return parts.join(' AND ');
  }
  if (key && bound.strategy === 'list' && !bound.values.some((v) => /^null$/i.test(v)))
    return `${key} IS NOT NULL AND ${key} IN (${bound.values.join(', ')})`;
  return `/* the partition constraint: what ${bound.text} allows */`;
}

export const attachPartitionWithoutCheck: Rule = {
  meta: {
    id: 'attach-partition-without-check',
    severity: 'warning',
    aliases: ['attach-partition'],
    summary:
      'ATTACH PARTITION scans the whole table being attached under an ACCESS EXCLUSIVE lock unless a valid CHECK constraint already proves the bound.',
    docs: {
      what:
        '`ALTER TABLE parent ATTACH PARTITION child FOR VALUES …` (or `DEFAULT`) where `child` existed before this migration ' +
        'and no validated `CHECK` constraint on it, as the migration set shows, matches the bound — one that names the ' +
        "partition key's columns (when the parent's `CREATE TABLE … PARTITION BY` is in the set) and every value of the bound, " +
        '(`satisfies_hash_partition(…)` for a hash bound). Tables created earlier in the same migration are not flagged (they ' +
        'are empty, or no other session can see them yet). The linter does not prove the implication: Postgres does, and scans ' +
        'when the CHECK falls short.',
      why:
        'Attaching takes `SHARE UPDATE EXCLUSIVE` on the parent (since PostgreSQL 12; `ACCESS EXCLUSIVE` before) and ' +
        '`ACCESS EXCLUSIVE` on the table being attached, then reads every row of that table to check that it fits the ' +
        'partition bound (`DEBUG: verifying table "…"`), all under that lock: reads and writes of the table wait for the whole ' +
        'scan, and queries on the parent that would reach it wait too. When a valid `CHECK` constraint (with `NOT NULL` on ' +
        'the key columns) implies the bound, Postgres skips the scan (`partition constraint for table "…" is implied by ' +
        'existing constraints`) and the lock lasts a moment. Both verified on PostgreSQL 15. Attaching a partition to a parent ' +
        'that has a `DEFAULT` partition also scans the default partition, unless its own CHECK excludes the new bound.',
      instead:
        'Prove the bound with a CHECK constraint first, in steps that each commit on their own (adding the constraint takes ' +
        '`ACCESS EXCLUSIVE` briefly; `VALIDATE` scans under `SHARE UPDATE EXCLUSIVE`, which lets reads and writes go on), ' +
        'then attach and drop the helper constraint:\n\n' +
        '```sql\n' +
        "SET lock_timeout = '2s';\n" +
        'ALTER TABLE measurements_2024 ADD CONSTRAINT measurements_2024_bound\n' +
        "  CHECK (taken_on IS NOT NULL AND taken_on >= '2024-01-01' AND taken_on < '2025-01-01') NOT VALID;\n" +
        '-- commit, then:\n' +
        'ALTER TABLE measurements_2024 VALIDATE CONSTRAINT measurements_2024_bound;\n' +
        '-- commit, then (no scan: the constraint implies the bound):\n' +
        "ALTER TABLE measurements ATTACH PARTITION measurements_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\n" +
        'ALTER TABLE measurements_2024 DROP CONSTRAINT measurements_2024_bound;\n' +
        '```\n\n' +
        'With Alembic, Django and other tools that run a migration in one transaction, put each step in its own migration ' +
        '(or run the ADD and VALIDATE outside the transaction): in one transaction the `ACCESS EXCLUSIVE` lock of the ADD ' +
        'is still held while VALIDATE scans.',
    },
    lock: {
      mode: 'AccessExclusiveLock',
      setup:
        'CREATE TABLE measurements (id bigint, taken_on date NOT NULL) PARTITION BY RANGE (taken_on);\n' +
        'CREATE TABLE measurements_2024 (id bigint, taken_on date NOT NULL);',
      statement:
        "ALTER TABLE measurements ATTACH PARTITION measurements_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
      relation: 'measurements_2024',
    },
  },
  create(context) {
    return {
      'attach-partition'(op) {
        if (context.isNewTable(op.partition)) return;
        const keyColumns = context.partitionColumns(op.table);
        if (matchingCheck(context.constraints(op.partition), op.bound, keyColumns)) return;
        const child = tableName(op.partition);
        const parent = tableName(op.table);
        const helper = quoteIdent(`${op.partition.name}_bound`.slice(0, 63));
        context.report(
          op,
          `Attaching ${child} to ${parent} reads every row of ${child} under an ACCESS EXCLUSIVE lock to check it fits ${op.bound.text}: no validated CHECK constraint on ${child} that the migrations show matches that bound.`,
          {
            lock: describeLock('AccessExclusiveLock', op.partition),
            help:
              `First, each step committed on its own: ALTER TABLE ${child} ADD CONSTRAINT ${helper} CHECK (${mirroringCheck(op.bound, keyColumns)}) NOT VALID; ` +
              `then ALTER TABLE ${child} VALIDATE CONSTRAINT ${helper}; then attach (no scan), and ALTER TABLE ${child} DROP CONSTRAINT ${helper};`,
          },
        );
      },
    };
  },
};
