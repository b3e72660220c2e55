/**
 * --rows N: fills tables with N generated rows so that scans, index builds and rewrites cost
 * what they would on a table that is not empty. Values come from the column's type (a number, a
 * string, a date… derived from the row number), foreign keys point at rows of the referenced table,
 * and columns with a default, identity or generated columns are left to Postgres. Seeding is
 * best effort: a table whose constraints reject the generated rows is left empty, with a note.
 */
import type { TraceDatabase } from './database.js';
import { SqlFailure } from './database.js';
import { quoteIdent, quoteLiteral } from './render-sql.js';

export interface SeedTable {
  oid: string;
  schema: string;
  name: string;
}

interface ColumnInfo {
  name: string;
  /** format_type() output: valid SQL for a cast. */
  type: string;
  notNull: boolean;
  hasDefault: boolean;
  identity: boolean;
  generated: boolean;
  /** Type name of the column's type, or of the domain's base type. */
  base: string;
  category: string;
  typmod: number;
  enumLabel: string | null;
}

interface ForeignKeyInfo {
  columns: string[];
  target: SeedTable;
  targetColumns: string[];
}

export interface SeedOutcome {
  table: SeedTable;
  rows: number;
  ms: number;
  /** Why the table was left empty or only partly filled. */
  problem?: string;
}

/** Runs SQL so that a failure does not end the surrounding transaction; returns the failure. */
export type GuardedExec = (sql: string) => Promise<SqlFailure | undefined>;

const COLUMNS_SQL = `
SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS "notNull",
       a.atthasdef AS "hasDefault", a.attidentity <> '' AS identity, a.attgenerated <> '' AS generated,
       COALESCE(bt.typname, t.typname) AS base, COALESCE(bt.typcategory, t.typcategory) AS category,
       CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END AS typmod,
       (SELECT e.enumlabel FROM pg_enum e WHERE e.enumtypid = COALESCE(bt.oid, t.oid) ORDER BY e.enumsortorder LIMIT 1) AS "enumLabel"
FROM pg_attribute a
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype
WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum`;

const FOREIGN_KEYS_SQL = `
SELECT c.confrelid::text AS "targetOid", tn.nspname AS "targetSchema", tc.relname AS "targetName",
       ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i)::text[] AS columns,
       ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i)::text[] AS "targetColumns"
FROM pg_constraint c
JOIN pg_class tc ON tc.oid = c.confrelid
JOIN pg_namespace tn ON tn.oid = tc.relnamespace
WHERE c.conrelid = $1::oid AND c.contype = 'f'`;

function tableSql(t: SeedTable): string {
  return `${quoteIdent(t.schema)}.${quoteIdent(t.name)}`;
}

/** A value for row number `g` (bigint, 1…N) as an SQL expression of the column's type, or undefined. */
export function generatedValue(
  col: Pick<ColumnInfo, 'type' | 'base' | 'category' | 'typmod' | 'enumLabel'>,
): string | undefined {
  const cast = (expr: string) => `(${expr})::${col.type}`;
  if (col.category === 'A') return cast(`'{}'`);
  if (col.enumLabel != null) return cast(quoteLiteral(col.enumLabel));
  switch (col.base) {
    case 'int2':
      return cast('(g - 1) % 32000 + 1');
    case 'int4':
    case 'int8':
    case 'oid':
      return cast('g');
    case 'numeric': {
      if (col.typmod < 4) return cast('g');
      const precision = ((col.typmod - 4) >> 16) & 0xffff;
      const scale = (col.typmod - 4) & 0xffff;
      const digits = Math.min(precision - scale, 15);
      return digits <= 0 ? cast('0') : cast(`(g - 1) % ${10 ** digits - 1} + 1`);
    }
    case 'float4':
    case 'float8':
    case 'money':
      return cast('g::float8');
    case 'bool':
      return cast('g % 2 = 0');
    case 'text':
    case 'varchar':
    case 'bpchar':
    case 'name':
    case 'citext':
      return cast(`'v' || g`);
    case 'uuid':
      return cast('md5(g::text)::uuid');
    case 'date':
      return cast(`date '2000-01-01' + g::int`);
    case 'timestamp':
    case 'timestamptz':
      return cast(`timestamp '2000-01-01' + g * interval '1 second'`);
    case 'time':
    case 'timetz':
      return cast(`time '00:00' + (g % 86400) * interval '1 second'`);
    case 'interval':
      return cast(`g * interval '1 second'`);
    case 'json':
    case 'jsonb':
      return cast(`json_build_object('n', g)`);
    case 'bytea':
      return cast(`decode(md5(g::text), 'hex')`);
    case 'inet':
      return cast(`'10.0.0.0'::inet + g`);
    case 'cidr':
      return cast(`set_masklen('10.0.0.0'::inet + g, 32)`);
    case 'tsvector':
      return cast(`to_tsvector('simple', 'v' || g)`);
    default:
      return undefined;
  }
}

async function describe(
  db: TraceDatabase,
  table: SeedTable,
): Promise<{ columns: ColumnInfo[]; foreignKeys: ForeignKeyInfo[] }> {
  const columns = await db.query<ColumnInfo>(COLUMNS_SQL, [table.oid]);
  const fks = await db.query<{
    targetOid: string;
    targetSchema: string;
    targetName: string;
    columns: string[];
    targetColumns: string[];
  }>(FOREIGN_KEYS_SQL, [table.oid]);
  return {
    columns,
    foreignKeys: fks.map((f) => ({
      columns: f.columns,
      target: { oid: f.targetOid, schema: f.targetSchema, name: f.targetName },
      targetColumns: f.targetColumns,
    })),
  };
}

/** Referenced tables first, so foreign keys find rows to point at. */
function dependencyOrder(tables: SeedTable[], deps: Map<string, string[]>): SeedTable[] {
  const byOid = new Map(tables.map((t) => [t.oid, t]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const out: SeedTable[] = [];
  const visit = (t: SeedTable) => {
    if (done.has(t.oid) || visiting.has(t.oid)) return; // a cycle is broken where it is found
    visiting.add(t.oid);
    for (const d of deps.get(t.oid) ?? []) {
      const dep = byOid.get(d);
      if (dep) visit(dep);
    }
    visiting.delete(t.oid);
    done.add(t.oid);
    out.push(t);
  };
  tables.forEach(visit);
  return out;
}

function insertSql(
  table: SeedTable,
  rows: number,
  columns: ColumnInfo[],
  foreignKeys: { fk: ForeignKeyInfo; count: number }[],
  onlyRequired: boolean,
): string | { problem: string } {
  const targets: string[] = [];
  const values: string[] = [];
  const joins: string[] = [];
  const fkColumns = new Set<string>();
  foreignKeys.forEach(({ fk, count }, i) => {
    const needed = fk.columns.some((c) => columns.find((col) => col.name === c && col.notNull && !col.hasDefault));
    if (count === 0 || (onlyRequired && !needed)) return;
    const alias = `fk${i}`;
    const keys = fk.targetColumns.map((c) => quoteIdent(c)).join(', ');
    joins.push(
      `JOIN (SELECT ${keys}, row_number() OVER () AS rn FROM ${tableSql(fk.target)}) AS ${alias} ON ${alias}.rn = (g - 1) % ${count} + 1`,
    );
    fk.columns.forEach((c, k) => {
      if (fkColumns.has(c)) return;
      fkColumns.add(c);
      targets.push(quoteIdent(c));
      values.push(`${alias}.${quoteIdent(fk.targetColumns[k]!)}`);
    });
  });
  for (const col of columns) {
    if (fkColumns.has(col.name) || col.generated || col.identity || col.hasDefault) continue;
    if (onlyRequired && !col.notNull) continue;
    const value = generatedValue(col);
    if (value === undefined) {
      if (col.notNull) return { problem: `no value can be generated for NOT NULL column ${col.name} (${col.type})` };
      continue;
    }
    targets.push(quoteIdent(col.name));
    values.push(value);
  }
  const list = targets.length ? ` (${targets.join(', ')})` : '';
  return `INSERT INTO ${tableSql(table)}${list} SELECT ${values.join(', ')} FROM generate_series(1, ${rows}) AS g ${joins.join(' ')}`.trimEnd();
}

/** Seeds each table with `rows` rows, referenced tables first. */
export async function seedTables(
  db: TraceDatabase,
  tables: SeedTable[],
  rows: number,
  guarded: GuardedExec,
): Promise<SeedOutcome[]> {
  const info = new Map<string, { columns: ColumnInfo[]; foreignKeys: ForeignKeyInfo[] }>();
  for (const t of tables) info.set(t.oid, await describe(db, t));
  const deps = new Map<string, string[]>([...info].map(([oid, i]) => [oid, i.foreignKeys.map((f) => f.target.oid)]));
  const outcomes: SeedOutcome[] = [];
  for (const table of dependencyOrder(tables, deps)) {
    const { columns, foreignKeys } = info.get(table.oid)!;
    const withCounts: { fk: ForeignKeyInfo; count: number }[] = [];
    for (const fk of foreignKeys) {
      const [row] = await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${tableSql(fk.target)}`);
      withCounts.push({ fk, count: Number(row?.n ?? 0) });
    }
    const started = performance.now();
    let problem: string | undefined;
    let inserted = false;
    for (const onlyRequired of [false, true]) {
      const sql = insertSql(table, rows, columns, withCounts, onlyRequired);
      if (typeof sql !== 'string') {
        problem = sql.problem;
        break;
      }
      const failure = await guarded(sql);
      if (!failure) {
        inserted = true;
        problem = onlyRequired ? `only NOT NULL columns were filled (${problem})` : undefined;
        break;
      }
      problem = failure.message;
    }
    const outcome: SeedOutcome = { table, rows: inserted ? rows : 0, ms: performance.now() - started };
    if (problem) outcome.problem = problem;
    outcomes.push(outcome);
  }
  return outcomes;
}
