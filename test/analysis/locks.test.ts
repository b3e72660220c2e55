/**
 * The lock model (src/analysis/locks.ts) against Postgres: a representative statement for every entry
 * runs through trace on PGlite (and, when MIGRATION_LINT_TEST_DATABASE_URL is set, on the real
 * server); for each, the lock mode on every relation the model names, whether the statement scanned
 * the table (the transaction's sequential-scan counter) and whether it rewrote it (a new relfilenode)
 * must be what the model predicts for the statement's own IR ops, and no existing table may be locked
 * SHARE UPDATE EXCLUSIVE or stronger without the model saying so.
 *
 * Every example lives in a schema of its own, so the whole table is one trace run (one PGlite).
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ALTER_TABLE_OP_KIND,
  INTERNAL_ALTER_TABLE,
  type LockFacts,
  type LockMode,
  lockEntryKey,
  lockEntryKeys,
  locksOf,
  lockStrength,
  OPERATION_KINDS,
  type TableLock,
} from '../../src/analysis/locks.js';
import type { Operation, QualifiedName, TypeRef } from '../../src/ir/types.js';
import { type TraceResult, traceSources } from '../../src/trace/index.js';
import type { StepResult } from '../../src/trace/types.js';
import {
  closePglite,
  file,
  NO_SERVER_MESSAGE,
  pglite,
  scratchDatabase,
  SERVER_URL,
  warnWithoutServer,
} from '../trace/helpers.js';

afterAll(closePglite);
warnWithoutServer();

interface Example {
  /** The statement (`$S` is the example's own schema name, for objects outside search_path). */
  sql: string;
  setup?: string;
  /** Postgres version the statement needs. */
  since?: number;
}

const T = "CREATE TABLE t (id int PRIMARY KEY, v int, s varchar(50));\nINSERT INTO t VALUES (1, 1, 'a');";
const P = 'CREATE TABLE p (id int PRIMARY KEY);\nINSERT INTO p VALUES (1);';
const TRIGGER =
  `${T}\nCREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;\n` +
  'CREATE TRIGGER trg BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION touch();';
const RULE = `${T}\nCREATE RULE r AS ON INSERT TO t DO ALSO NOTIFY t;`;
const PARTS =
  'CREATE TABLE m (id int) PARTITION BY RANGE (id);\nCREATE TABLE m1 PARTITION OF m FOR VALUES FROM (0) TO (10);';
const MV = `${T}\nCREATE MATERIALIZED VIEW mv AS SELECT id, v FROM t;\nCREATE UNIQUE INDEX mv_id ON mv (id);`;
/**
 * Trace refuses CREATE SERVER (a foreign server connects the database to another host), so the test
 * makes one itself, directly, before the trace; the wrapper has no handler and never connects.
 */
const FOREIGN_SERVER = `DO $$ BEGIN
  CREATE FOREIGN DATA WRAPPER lock_model_fdw;
  CREATE SERVER lock_model_srv FOREIGN DATA WRAPPER lock_model_fdw;
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;`;
const FDW = 'CREATE FOREIGN TABLE ft (a int) SERVER lock_model_srv;';
const DOMAIN = 'CREATE DOMAIN pos AS int;\nCREATE TABLE d (id int, n pos);\nINSERT INTO d VALUES (1, 5);';
const ENUM =
  "CREATE TYPE mood AS ENUM ('sad', 'happy');\nCREATE TABLE e (id int, m mood);\nINSERT INTO e VALUES (1, 'sad');";

const EXAMPLES: Example[] = [
  // tables
  { setup: P, sql: 'CREATE TABLE c (id int PRIMARY KEY, p_id int REFERENCES p (id));' },
  {
    setup: 'CREATE TABLE m (id int) PARTITION BY RANGE (id);',
    sql: 'CREATE TABLE m2 PARTITION OF m FOR VALUES FROM (10) TO (20);',
  },
  { setup: T, sql: 'DROP TABLE t;' },
  { setup: T, sql: 'ALTER TABLE t RENAME TO t2;' },
  { setup: T, sql: 'ALTER TABLE t ADD COLUMN w int;' },
  { setup: T, sql: 'ALTER TABLE t ADD COLUMN w int DEFAULT 0;' },
  { setup: T, sql: 'ALTER TABLE t ADD COLUMN w int DEFAULT NULL;' },
  { setup: T, sql: 'ALTER TABLE t ADD COLUMN w timestamptz DEFAULT now();' },
  { setup: T, sql: 'ALTER TABLE t ADD COLUMN w timestamptz DEFAULT clock_timestamp();' },
  { setup: T, sql: 'ALTER TABLE t ADD COLUMN w serial;' },
  { setup: T, sql: 'ALTER TABLE t ADD COLUMN w int GENERATED ALWAYS AS (v * 2) STORED;' },
  { setup: T, sql: 'ALTER TABLE t ADD COLUMN w int NOT NULL DEFAULT 0 CHECK (w >= 0);' },
  { setup: T, sql: 'ALTER TABLE t ADD COLUMN w int UNIQUE;' },
  { setup: `${T}\n${P}`, sql: 'ALTER TABLE t ADD COLUMN p_id int REFERENCES p (id);' },
  { setup: T, sql: 'ALTER TABLE t DROP COLUMN v;' },
  { setup: T, sql: 'ALTER TABLE t RENAME COLUMN v TO v2;' },
  { setup: T, sql: 'ALTER TABLE t ALTER COLUMN v TYPE bigint;' },
  { setup: T, sql: 'ALTER TABLE t ALTER COLUMN s TYPE varchar(100);' },
  { setup: `${T}\nCREATE INDEX t_s ON t (s);`, sql: 'ALTER TABLE t ALTER COLUMN s TYPE text COLLATE "C";' },
  { setup: T, sql: "ALTER TABLE t ALTER COLUMN v TYPE text USING v::text || '';" },
  { setup: T, sql: 'ALTER TABLE t ALTER COLUMN v SET NOT NULL;' },
  {
    setup: `${T}\nALTER TABLE t ADD CONSTRAINT v_nn CHECK (v IS NOT NULL);`,
    sql: 'ALTER TABLE t ALTER COLUMN v SET NOT NULL;',
  },
  { setup: `${T}\nALTER TABLE t ALTER COLUMN v SET NOT NULL;`, sql: 'ALTER TABLE t ALTER COLUMN v DROP NOT NULL;' },
  { setup: T, sql: 'ALTER TABLE t ALTER COLUMN v SET DEFAULT 7;' },
  { setup: T, sql: 'ALTER TABLE t ALTER COLUMN v DROP DEFAULT;' },
  { setup: T, sql: 'ALTER TABLE t ADD CONSTRAINT v_pos CHECK (v > 0);' },
  { setup: T, sql: 'ALTER TABLE t ADD CONSTRAINT v_pos CHECK (v > 0) NOT VALID;' },
  { setup: `${T}\n${P}`, sql: 'ALTER TABLE t ADD CONSTRAINT t_p FOREIGN KEY (v) REFERENCES p (id);' },
  { setup: `${T}\n${P}`, sql: 'ALTER TABLE t ADD CONSTRAINT t_p FOREIGN KEY (v) REFERENCES p (id) NOT VALID;' },
  { setup: T, sql: 'ALTER TABLE t ADD CONSTRAINT t_v UNIQUE (v);' },
  {
    setup: `${T}\nCREATE UNIQUE INDEX t_v_idx ON t (v);`,
    sql: 'ALTER TABLE t ADD CONSTRAINT t_v UNIQUE USING INDEX t_v_idx;',
  },
  { setup: 'CREATE TABLE k (id int NOT NULL);\nINSERT INTO k VALUES (1);', sql: 'ALTER TABLE k ADD PRIMARY KEY (id);' },
  {
    setup: "CREATE TABLE b (id int, r int4range);\nINSERT INTO b VALUES (1, '[1,2)');",
    sql: 'ALTER TABLE b ADD CONSTRAINT b_r EXCLUDE USING gist (r WITH &&);',
  },
  { setup: `${T}\nALTER TABLE t ADD CONSTRAINT v_pos CHECK (v > 0);`, sql: 'ALTER TABLE t DROP CONSTRAINT v_pos;' },
  {
    setup: `${T}\nALTER TABLE t ADD CONSTRAINT v_pos CHECK (v > 0) NOT VALID;`,
    sql: 'ALTER TABLE t VALIDATE CONSTRAINT v_pos;',
  },
  // indexes
  { setup: T, sql: 'CREATE INDEX t_v ON t (v);' },
  { setup: T, sql: 'CREATE INDEX CONCURRENTLY t_v ON t (v);' },
  { setup: `${T}\nCREATE INDEX t_v ON t (v);`, sql: 'DROP INDEX t_v;' },
  { setup: `${T}\nCREATE INDEX t_v ON t (v);`, sql: 'DROP INDEX CONCURRENTLY t_v;' },
  { setup: `${T}\nCREATE INDEX t_v ON t (v);`, sql: 'REINDEX INDEX t_v;' },
  { setup: T, sql: 'REINDEX TABLE t;' },
  { setup: `${T}\nCREATE INDEX t_v ON t (v);`, sql: 'REINDEX INDEX CONCURRENTLY t_v;' },
  // types, enums, domains
  { setup: ENUM, sql: "ALTER TYPE mood ADD VALUE 'calm';" },
  { setup: ENUM, sql: "ALTER TYPE mood RENAME VALUE 'sad' TO 'blue';" },
  { sql: "CREATE TYPE mood AS ENUM ('a', 'b');" },
  { sql: 'CREATE TYPE pair AS (a int, b int);' },
  { setup: ENUM, sql: 'ALTER TYPE mood RENAME TO feeling;' },
  { setup: 'CREATE TYPE pair AS (a int, b int);', sql: 'DROP TYPE pair;' },
  { setup: 'CREATE TYPE pair AS (a int, b int);', sql: 'ALTER TYPE pair ADD ATTRIBUTE c int;' },
  { sql: 'CREATE DOMAIN pos AS int CHECK (VALUE > 0);' },
  { setup: DOMAIN, sql: 'ALTER DOMAIN pos ADD CONSTRAINT pos_pos CHECK (VALUE > 0);' },
  { setup: DOMAIN, sql: 'ALTER DOMAIN pos ADD CONSTRAINT pos_pos CHECK (VALUE > 0) NOT VALID;' },
  { setup: DOMAIN, sql: 'ALTER DOMAIN pos SET DEFAULT 1;' },
  { setup: DOMAIN, sql: 'ALTER DOMAIN pos RENAME TO positive;' },
  { setup: 'CREATE DOMAIN pos AS int;', sql: 'DROP DOMAIN pos;' },
  // partitions
  { setup: PARTS, sql: 'ALTER TABLE m DETACH PARTITION m1;' },
  { setup: PARTS, sql: 'ALTER TABLE m DETACH PARTITION m1 CONCURRENTLY;', since: 14 },
  {
    setup: 'CREATE TABLE m (id int) PARTITION BY RANGE (id);\nCREATE TABLE m3 (id int);\nINSERT INTO m3 VALUES (25);',
    sql: 'ALTER TABLE m ATTACH PARTITION m3 FOR VALUES FROM (20) TO (30);',
  },
  // data
  { setup: T, sql: 'TRUNCATE t;' },
  { setup: T, sql: 'INSERT INTO t VALUES (2, 2, $$b$$);' },
  { setup: T, sql: 'UPDATE t SET v = v + 1;' },
  { setup: T, sql: 'DELETE FROM t WHERE id = 1;' },
  { setup: T, sql: 'SELECT * FROM t;' },
  {
    setup: `${T}\nCREATE TABLE t_src (id int, v int);`,
    sql: 'MERGE INTO t USING t_src s ON t.id = s.id WHEN MATCHED THEN UPDATE SET v = s.v;',
    since: 15,
  },
  // schemas, databases, settings, transactions
  { setup: 'CREATE SCHEMA $S_x;\nCREATE TABLE $S_x.z (id int);', sql: 'DROP SCHEMA $S_x CASCADE;' },
  { setup: 'CREATE SCHEMA $S_x;', sql: 'ALTER SCHEMA $S_x RENAME TO $S_y;' },
  { sql: 'CREATE SCHEMA $S_x;' },
  { sql: "SET lock_timeout = '1s';" },
  // ALTER TABLE sub-commands without an op kind of their own
  {
    setup: `${T}\nALTER TABLE t ADD COLUMN g int GENERATED ALWAYS AS (v * 2) STORED;`,
    sql: 'ALTER TABLE t ALTER COLUMN g SET EXPRESSION AS (v * 3);',
    since: 17,
  },
  {
    setup: `${T}\nALTER TABLE t ADD COLUMN g int GENERATED ALWAYS AS (v * 2) STORED;`,
    sql: 'ALTER TABLE t ALTER COLUMN g DROP EXPRESSION;',
  },
  { setup: T, sql: 'ALTER TABLE t ALTER COLUMN v SET STATISTICS 500;' },
  { setup: T, sql: 'ALTER TABLE t ALTER COLUMN v SET (n_distinct = 100);' },
  { setup: T, sql: 'ALTER TABLE t ALTER COLUMN v RESET (n_distinct);' },
  { setup: T, sql: 'ALTER TABLE t ALTER COLUMN s SET STORAGE EXTERNAL;' },
  { setup: T, sql: 'ALTER TABLE t ALTER COLUMN s SET COMPRESSION pglz;' },
  {
    setup: `${T}\n${P}\nALTER TABLE t ADD CONSTRAINT t_p FOREIGN KEY (v) REFERENCES p (id);`,
    sql: 'ALTER TABLE t ALTER CONSTRAINT t_p DEFERRABLE;',
  },
  { setup: FDW, sql: "ALTER FOREIGN TABLE ft ALTER COLUMN a OPTIONS (ADD x 'y');" },
  { setup: FDW, sql: "ALTER FOREIGN TABLE ft OPTIONS (ADD x 'y');" },
  { setup: T, sql: 'ALTER TABLE t OWNER TO CURRENT_USER;' },
  { setup: T, sql: 'ALTER TABLE t CLUSTER ON t_pkey;' },
  { setup: `${T}\nALTER TABLE t CLUSTER ON t_pkey;`, sql: 'ALTER TABLE t SET WITHOUT CLUSTER;' },
  { setup: T, sql: 'ALTER TABLE t SET UNLOGGED;' },
  { setup: 'CREATE UNLOGGED TABLE u (id int);\nINSERT INTO u VALUES (1);', sql: 'ALTER TABLE u SET LOGGED;' },
  { setup: T, sql: 'ALTER TABLE t SET WITHOUT OIDS;' },
  { setup: T, sql: 'ALTER TABLE t SET ACCESS METHOD heap;', since: 15 },
  { setup: T, sql: 'ALTER TABLE t SET TABLESPACE pg_default;' },
  { setup: T, sql: 'ALTER TABLE t SET (fillfactor = 70);' },
  { setup: T, sql: 'ALTER TABLE t RESET (fillfactor);' },
  { setup: TRIGGER, sql: 'ALTER TABLE t DISABLE TRIGGER trg;' },
  { setup: TRIGGER, sql: 'ALTER TABLE t ENABLE TRIGGER trg;' },
  { setup: TRIGGER, sql: 'ALTER TABLE t ENABLE ALWAYS TRIGGER trg;' },
  { setup: TRIGGER, sql: 'ALTER TABLE t ENABLE REPLICA TRIGGER trg;' },
  { setup: TRIGGER, sql: 'ALTER TABLE t DISABLE TRIGGER ALL;' },
  { setup: TRIGGER, sql: 'ALTER TABLE t ENABLE TRIGGER ALL;' },
  { setup: TRIGGER, sql: 'ALTER TABLE t DISABLE TRIGGER USER;' },
  { setup: TRIGGER, sql: 'ALTER TABLE t ENABLE TRIGGER USER;' },
  { setup: RULE, sql: 'ALTER TABLE t DISABLE RULE r;' },
  { setup: RULE, sql: 'ALTER TABLE t ENABLE RULE r;' },
  { setup: RULE, sql: 'ALTER TABLE t ENABLE ALWAYS RULE r;' },
  { setup: RULE, sql: 'ALTER TABLE t ENABLE REPLICA RULE r;' },
  { setup: `${P}\nCREATE TABLE c (id int NOT NULL);`, sql: 'ALTER TABLE c INHERIT p;' },
  { setup: `${P}\nCREATE TABLE c () INHERITS (p);`, sql: 'ALTER TABLE c NO INHERIT p;' },
  { setup: 'CREATE TYPE ty AS (id int);\nCREATE TABLE o (id int);', sql: 'ALTER TABLE o OF ty;' },
  { setup: 'CREATE TYPE ty AS (id int);\nCREATE TABLE o OF ty;', sql: 'ALTER TABLE o NOT OF;' },
  { setup: T, sql: 'ALTER TABLE t REPLICA IDENTITY FULL;' },
  { setup: T, sql: 'ALTER TABLE t ENABLE ROW LEVEL SECURITY;' },
  { setup: T, sql: 'ALTER TABLE t DISABLE ROW LEVEL SECURITY;' },
  { setup: T, sql: 'ALTER TABLE t FORCE ROW LEVEL SECURITY;' },
  { setup: T, sql: 'ALTER TABLE t NO FORCE ROW LEVEL SECURITY;' },
  {
    setup: 'CREATE TABLE n (id int NOT NULL);',
    sql: 'ALTER TABLE n ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY;',
  },
  {
    setup: 'CREATE TABLE n (id int GENERATED ALWAYS AS IDENTITY);',
    sql: 'ALTER TABLE n ALTER COLUMN id SET INCREMENT BY 2;',
  },
  {
    setup: 'CREATE TABLE n (id int GENERATED ALWAYS AS IDENTITY);',
    sql: 'ALTER TABLE n ALTER COLUMN id DROP IDENTITY;',
  },
  // views and materialized views
  { setup: T, sql: 'CREATE VIEW vw AS SELECT id, v FROM t;' },
  {
    setup: `${T}\nCREATE VIEW vw AS SELECT id, v FROM t;`,
    sql: 'CREATE OR REPLACE VIEW vw AS SELECT id, v, s FROM t;',
  },
  { setup: `${T}\nCREATE VIEW vw AS SELECT id, v FROM t;`, sql: 'DROP VIEW vw;' },
  { setup: `${T}\nCREATE VIEW vw AS SELECT id, v FROM t;`, sql: 'ALTER VIEW vw RENAME TO vw2;' },
  { setup: `${T}\nCREATE VIEW vw AS SELECT id, v FROM t;`, sql: 'ALTER VIEW vw ALTER COLUMN v SET DEFAULT 0;' },
  { setup: T, sql: 'CREATE MATERIALIZED VIEW mv AS SELECT id, v FROM t;' },
  { setup: MV, sql: 'REFRESH MATERIALIZED VIEW mv;' },
  { setup: MV, sql: 'REFRESH MATERIALIZED VIEW CONCURRENTLY mv;' },
  { setup: MV, sql: 'DROP MATERIALIZED VIEW mv;' },
  { setup: MV, sql: 'ALTER MATERIALIZED VIEW mv RENAME TO mv2;' },
  { setup: MV, sql: 'ALTER MATERIALIZED VIEW mv SET (fillfactor = 70);' },
  { setup: `${T}\nCREATE INDEX t_v ON t (v);`, sql: 'ALTER INDEX t_v SET (fillfactor = 70);' },
  { setup: `${T}\nCREATE INDEX t_v ON t (v);`, sql: 'ALTER INDEX t_v RENAME TO t_v2;' },
  // triggers, rules, policies
  {
    setup: `${T}\nCREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;`,
    sql: 'CREATE TRIGGER trg BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION touch();',
  },
  { setup: TRIGGER, sql: 'DROP TRIGGER trg ON t;' },
  { setup: TRIGGER, sql: 'ALTER TRIGGER trg ON t RENAME TO trg2;' },
  { setup: T, sql: 'CREATE RULE r AS ON INSERT TO t DO ALSO NOTIFY t;' },
  { setup: RULE, sql: 'DROP RULE r ON t;' },
  { setup: T, sql: 'CREATE POLICY pol ON t USING (true);' },
  { setup: `${T}\nCREATE POLICY pol ON t USING (true);`, sql: 'ALTER POLICY pol ON t USING (false);' },
  { setup: `${T}\nCREATE POLICY pol ON t USING (true);`, sql: 'DROP POLICY pol ON t;' },
  {
    setup: `${T}\nALTER TABLE t ADD CONSTRAINT v_pos CHECK (v > 0);`,
    sql: 'ALTER TABLE t RENAME CONSTRAINT v_pos TO v_positive;',
  },
  // maintenance
  { setup: T, sql: 'VACUUM FULL t;' },
  { setup: T, sql: 'VACUUM t;' },
  { setup: T, sql: 'ANALYZE t;' },
  { setup: T, sql: 'LOCK TABLE t IN SHARE MODE;' },
  { setup: T, sql: 'LOCK TABLE t;' },
  { setup: T, sql: 'CLUSTER t USING t_pkey;' },
  // comments, statistics, sequences
  { setup: T, sql: "COMMENT ON TABLE t IS 'people';" },
  { setup: T, sql: "COMMENT ON COLUMN t.v IS 'value';" },
  { setup: T, sql: 'CREATE STATISTICS t_stats ON id, v FROM t;' },
  { sql: 'CREATE SEQUENCE sq;' },
  { setup: 'CREATE SEQUENCE sq;', sql: 'ALTER SEQUENCE sq RESTART WITH 10;' },
  { setup: 'CREATE SEQUENCE sq;', sql: 'ALTER SEQUENCE sq RENAME TO sq2;' },
  { setup: 'CREATE SEQUENCE sq;', sql: 'ALTER SEQUENCE sq OWNER TO CURRENT_USER;' },
  { setup: 'CREATE SEQUENCE sq;', sql: 'DROP SEQUENCE sq;' },
  // functions, extensions, grants, DO
  { sql: 'CREATE FUNCTION one() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;' },
  { setup: 'CREATE FUNCTION one() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;', sql: 'DROP FUNCTION one();' },
  { sql: 'CREATE EXTENSION IF NOT EXISTS pg_trgm;' },
  { setup: 'CREATE EXTENSION IF NOT EXISTS hstore;', sql: 'DROP EXTENSION hstore;' },
  { setup: T, sql: 'GRANT SELECT ON t TO PUBLIC;' },
  { sql: 'DO $$ BEGIN PERFORM 1; END $$;' },
];

/** Statements no SQL spells, or whose SQL has no entry of its own, and why they have no example. */
const NO_EXAMPLE: Record<string, string> = {
  unknown: 'a framework call the frontend could not read: no SQL, and nothing known to lock',
  'drop-database': 'trace never drops a database; DROP DATABASE takes no relation lock in the database it runs in',
  transaction: 'trace runs each statement in a transaction of its own, so it refuses BEGIN/COMMIT; they lock nothing',
};

const schemaOf = (i: number) => `lk${String(i).padStart(3, '0')}`;

function inputs(examples: readonly Example[]) {
  return examples.flatMap((ex, i) => {
    const s = schemaOf(i);
    const fill = (sql: string) => sql.replaceAll('$S', s);
    const head = `SET search_path TO ${s}, public;\n`;
    return [
      file(`${s}_a.sql`, `CREATE SCHEMA ${s};\n${head}${fill(ex.setup ?? '')}`),
      file(`${s}_b.sql`, `${head}${fill(ex.sql)}`),
    ];
  });
}

/** Facts an example's setup shows, from its own IR (as the engine's schema state would have them). */
function factsOf(setupOps: Operation[], pgVersion: number): LockFacts {
  const types = new Map<string, TypeRef>();
  const indexes = new Map<string, QualifiedName>();
  const notNull = new Set<string>();
  for (const op of setupOps) {
    if (op.kind === 'create-table') for (const c of op.columns) types.set(`${op.table.name}.${c.name}`, c.type);
    if (op.kind === 'add-column') types.set(`${op.table.name}.${op.column.name}`, op.column.type);
    if (op.kind === 'create-index' && op.name) indexes.set(op.name, op.table);
    if (op.kind === 'add-constraint' && op.constraint.checksNotNullOf && !op.constraint.notValid)
      notNull.add(`${op.table.name}.${op.constraint.checksNotNullOf}`);
  }
  return {
    pgVersion,
    columnType: (t, c) => types.get(`${t.name}.${c}`),
    indexTable: (i) => indexes.get(i.name),
    hasValidNotNullCheck: (t, c) => notNull.has(`${t.name}.${c}`),
  };
}

interface Verdict {
  sql: string;
  keys: string[];
  problems: string[];
  observed: boolean;
  /** Relations whose lock a sampling watcher did not catch. */
  unseen?: string[];
}

const rank = (m: LockMode) => lockStrength(m);
const TABLE_KINDS = new Set([
  'table',
  'partitioned table',
  'view',
  'materialized view',
  'foreign table',
  'sequence',
  'index',
]);

/** Compares one example's statement steps with the model. */
function judge(ex: Example, setupSteps: StepResult[], steps: StepResult[], pgVersion: number): Verdict {
  const facts = factsOf(
    setupSteps.flatMap((r) => r.step.ops),
    pgVersion,
  );
  const ops = steps
    .flatMap((r) => r.step.ops)
    .filter((op) => op.kind !== 'set-setting' || !/search_path/.test(op.name));
  const own = steps.filter((r) => !r.step.ops.every((op) => op.kind === 'set-setting' && op.name === 'search_path'));
  const problems: string[] = [];
  for (const r of own) if (r.status !== 'ok') problems.push(`did not run: ${r.error?.message ?? r.notes.join('; ')}`);
  const predicted: TableLock[] = own.flatMap((r) => r.step.ops.flatMap((op) => locksOf(op, facts)));
  const observedLocks = own.some((r) => r.observation === 'exact' || r.observation === 'sampled');
  const exact = own.every((r) => r.observation === 'exact');
  const locks = own.flatMap((r) => r.locks.filter((l) => !l.createdByStatement));
  const scanned = new Set(own.flatMap((r) => (r.scans ?? []).map((n) => n.split('.').at(-1) ?? n)));
  const rewritten = own.flatMap((r) => r.rewrites);
  const byName = new Map<string, TableLock[]>();
  for (const p of predicted)
    if (typeof p.table !== 'string') byName.set(p.table.name, [...(byName.get(p.table.name) ?? []), p]);
  const described = predicted.filter((p) => typeof p.table === 'string');
  const unseen: string[] = [];
  for (const [name, ps] of byName) {
    const want = ps.reduce((a, b) => (rank(b.mode) > rank(a.mode) ? b : a)).mode;
    const seen = locks.filter((l) => l.name === name).flatMap((l) => l.modes);
    const got = seen.length ? seen.reduce((a, b) => (rank(b) > rank(a) ? b : a)) : 'no lock';
    // Sampled from another connection (a statement that cannot run in a transaction): a lock held
    // too briefly for the watcher is not seen, so only a different mode seen counts against the model.
    const inconclusive = !exact && seen.length === 0;
    if (inconclusive) unseen.push(name);
    else if (observedLocks && got !== want) problems.push(`${name}: model ${want}, Postgres ${got}`);
    if (exact && ps.some((p) => p.scans === true) && !scanned.has(name))
      problems.push(`${name}: model scans, Postgres did not`);
    if (exact && ps.every((p) => p.scans === false) && scanned.has(name))
      problems.push(`${name}: model no scan, Postgres scanned`);
    const tableRewritten = rewritten.some((w) => w.relation.split('.').at(-1) === name && w.kind !== 'index');
    if (ps.some((p) => p.rewrites === true) && !tableRewritten)
      problems.push(`${name}: model rewrites, relfilenode kept`);
    if (ps.every((p) => p.rewrites === false) && tableRewritten)
      problems.push(`${name}: model no rewrite, relfilenode changed`);
    const indexBuilt = own.some((r) => r.locks.some((l) => l.createdByStatement && l.kind === 'index'));
    if (ps.some((p) => p.rebuildsIndexes) && !rewritten.some((w) => w.kind === 'index') && !indexBuilt)
      problems.push(`${name}: model rebuilds indexes, none rebuilt`);
  }
  // Nothing locked SHARE UPDATE EXCLUSIVE or stronger without the model saying so.
  if (observedLocks)
    for (const l of locks) {
      if (!TABLE_KINDS.has(l.kind) || l.kind === 'index' || rank(l.mode) < rank('ShareUpdateExclusiveLock')) continue;
      if (byName.has(l.name)) continue;
      const covered = described.some((d) => d.mode === l.mode);
      if (!covered) problems.push(`${l.relation} (${l.kind}): Postgres ${l.mode}, the model says nothing`);
    }
  return { sql: ex.sql, keys: [...new Set(ops.map(lockEntryKey))], problems, observed: observedLocks, unseen };
}

/**
 * Examples per trace run on PGlite: trace snapshots pg_class around every statement, so a database
 * holding every example's objects at once makes each step slower; the database is reset between batches.
 */
const PGLITE_BATCH = 12;

async function traceExamples(database: 'pglite' | 'server'): Promise<TraceResult[]> {
  const files = inputs(EXAMPLES);
  if (database === 'pglite') {
    const results: TraceResult[] = [];
    for (let i = 0; i < files.length; i += 2 * PGLITE_BATCH) {
      const db = await pglite();
      await db.exec(FOREIGN_SERVER);
      results.push(await traceSources(files.slice(i, i + 2 * PGLITE_BATCH), { database: db }));
    }
    return results;
  }
  const scratch = await scratchDatabase('lock_model');
  try {
    const admin = new pg.Client({ connectionString: scratch.adminUrl });
    await admin.connect();
    await admin.query(FOREIGN_SERVER);
    await admin.end();
    // As the server's superuser (foreign data wrappers need it), on the test's own examples.
    return [await traceSources(files, { databaseUrl: scratch.adminUrl, allowCommit: true, allowPrivilegedRole: true })];
  } finally {
    await scratch.drop();
  }
}

async function runExamples(database: 'pglite' | 'server'): Promise<{ verdicts: Verdict[]; version: number }> {
  const results = await traceExamples(database);
  const version = Math.floor((results[0]?.report.serverVersionNum ?? 0) / 10000);
  const byFile = new Map(results.flatMap((r) => r.report.migrations.map((m) => [m.file, m.results] as const)));
  const verdicts = EXAMPLES.map((ex, i) => {
    const setup = byFile.get(`${schemaOf(i)}_a.sql`) ?? [];
    const steps = byFile.get(`${schemaOf(i)}_b.sql`) ?? [];
    if (ex.since && version < ex.since) {
      const keys = [...new Set(steps.flatMap((r) => r.step.ops).map(lockEntryKey))];
      return { sql: ex.sql, keys, problems: [], observed: false };
    }
    const setupFailures = setup
      .filter((r) => r.status !== 'ok')
      .map((r) => `setup: ${r.step.sql ?? ''}: ${r.error?.message ?? ''}`);
    const v = judge(ex, setup, steps, version);
    v.problems.unshift(...setupFailures);
    return v;
  });
  return { verdicts, version };
}

function kindsInIr(): string[] {
  const text = readFileSync(new URL('../../src/ir/types.ts', import.meta.url), 'utf8');
  return [...text.matchAll(/^\s+kind: '([a-z-]+)';$/gm)].flatMap((m) => (m[1] ? [m[1]] : []));
}

function alterTableTypes(): string[] {
  const require = createRequire(import.meta.url);
  const enums = readFileSync(
    require.resolve('@pgsql/types/enums.d.ts', { paths: [require.resolve('libpg-query')] }),
    'utf8',
  );
  const line = /export type AlterTableType = ([^;]+);/.exec(enums)?.[1] ?? '';
  return [...line.matchAll(/"(AT_\w+)"/g)].flatMap((m) => (m[1] ? [m[1]] : []));
}

describe('the lock model', () => {
  const keys = lockEntryKeys();

  it('has an entry for every op kind of the IR and every ALTER TABLE sub-command of the parser', () => {
    expect([...OPERATION_KINDS].sort()).toEqual([...new Set(kindsInIr())].sort());
    const subs = keys
      .filter((k) => k.key.startsWith('AlterTableStmt:AT_'))
      .map((k) => k.key.slice('AlterTableStmt:'.length));
    expect(subs.sort()).toEqual(alterTableTypes().sort());
  });

  let pgliteRun: Promise<{ verdicts: Verdict[]; version: number }> | undefined;
  const onPglite = () => (pgliteRun ??= runExamples('pglite'));

  it('runs an example of every entry (internal sub-commands and framework-only kinds excepted)', async () => {
    const { verdicts } = await onPglite();
    const covered = new Set(verdicts.flatMap((v) => v.keys));
    const missing = keys
      .filter((k) => !k.internal && !(k.key in NO_EXAMPLE) && !covered.has(k.key))
      .filter((k) => {
        const sub = k.key.startsWith('AlterTableStmt:AT_')
          ? (k.key.slice('AlterTableStmt:'.length) as keyof typeof ALTER_TABLE_OP_KIND)
          : undefined;
        const kind = sub ? ALTER_TABLE_OP_KIND[sub] : undefined;
        return !(kind && covered.has(kind));
      })
      .map((k) => k.key);
    expect(missing).toEqual([]);
    // Internal sub-commands never come out of the parser.
    expect([...covered].filter((k) => INTERNAL_ALTER_TABLE.has(k.slice('AlterTableStmt:'.length) as never))).toEqual(
      [],
    );
    console.log(`[lock model] ${String(keys.length)} entries, ${String(EXAMPLES.length)} examples`);
  });

  it('matches PGlite: mode, scan and rewrite of every example', async () => {
    const { verdicts, version } = await onPglite();
    const notObserved = verdicts.filter((v) => !v.observed).map((v) => v.sql);
    console.log(
      `[lock model] PGlite (PostgreSQL ${String(version)}) could not observe the locks of: ${notObserved.join(' | ')}`,
    );
    const wrong = verdicts.filter((v) => v.problems.length).map((v) => `${v.sql}\n    ${v.problems.join('\n    ')}`);
    expect(wrong, `PGlite (PostgreSQL ${String(version)})`).toEqual([]);
  });

  it('matches the PostgreSQL server: mode, scan and rewrite of every example', async (ctx) => {
    if (!SERVER_URL) return ctx.skip(NO_SERVER_MESSAGE);
    const { verdicts, version } = await runExamples('server');
    const unseen = verdicts.filter((v) => v.unseen?.length).map((v) => `${v.sql} (${(v.unseen ?? []).join(', ')})`);
    if (unseen.length)
      console.log(
        `[lock model] locks too brief for the watcher on PostgreSQL ${String(version)}: ${unseen.join('; ')}`,
      );
    const wrong = verdicts.filter((v) => v.problems.length).map((v) => `${v.sql}\n    ${v.problems.join('\n    ')}`);
    expect(wrong, `PostgreSQL ${String(version)}`).toEqual([]);
  });
});
