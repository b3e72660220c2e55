/**
 * Proof against real Alembic (Debian's python3-alembic, offline mode: no database server).
 *
 * - Differential: the fixture project's revision files and the SQL `alembic upgrade head --sql`
 *   (and `alembic downgrade head:base --sql`) writes for them give the same IR per revision and the
 *   same findings, rule for rule, revision for revision. Documented exceptions are listed below.
 * - Each documented Alembic hazard is reported on its .py file at its line.
 * - The revision graph checks agree with `alembic heads` and with Alembic's own graph errors.
 * - require-batch-mode-for-sqlite agrees with a real SQLite database: the revisions it flags are
 *   exactly those Alembic cannot apply to SQLite.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/engine/types.js';
import type { Migration, Operation } from '../../src/ir/types.js';
import { findRule } from '../../src/rules/index.js';
import { ALEMBIC_AVAILABLE, FIXTURES, filesUnder, lintFiles, PYTHON, runAlembic, SKIP_REASON } from './helpers.js';
import { withoutPositions } from '../helpers/positions.js';

if (!ALEMBIC_AVAILABLE) console.warn(`Skipping the real-Alembic tests: ${SKIP_REASON}`);
const suite = ALEMBIC_AVAILABLE ? describe : describe.skip;

const PROJECT = join(FIXTURES, 'project');
const VERSIONS = join(PROJECT, 'migrations/versions');

/**
 * Findings that only the revision files can give: the SQL Alembic writes for an upgrade does not
 * contain `downgrade()`, so whether it is empty is unknown there.
 */
const UPGRADE_ONLY_IN_PY = new Set(['empty-downgrade']);
/**
 * In `alembic downgrade … --sql` a revision's downgrade comes without its upgrade: rules that let a
 * downgrade undo what the same revision's upgrade created (drop the table it created, drop the
 * column it added, change back the type it changed) cannot see that there, and report it.
 */
const DOWNGRADE_ONLY_IN_SQL = new Set([
  'ban-drop-table',
  'ban-drop-column',
  'ban-drop-constraint',
  'rename-via-drop-add',
  'changing-column-type',
]);

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'ml-alembic-'));
});
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

function offlineSql(project: string, args: string[], name: string): string {
  const r = runAlembic(project, [...args, '--sql']);
  expect(r.status, r.stderr).toBe(0);
  const path = join(work, name);
  writeFileSync(path, r.stdout);
  return path;
}

function key(f: Finding): string {
  // Messages may cite other lines ("added at line 21"): those are file-specific.
  return `${f.revision} ${f.direction} ${f.rule} :: ${f.message.replace(/\blines? \d+/g, 'line N')}`;
}

function multiset(list: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const k of list) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}

/**
 * An op without where it came from: what the two frontends must agree on. The revision file also
 * states an ALTER COLUMN TYPE's old type (`existing_type`), which the SQL does not: checked apart.
 */
function comparable(op: Operation): unknown {
  const dropped = ['statementIndex', 'inBatch', 'sql', 'oldType'];
  const rest = Object.fromEntries(Object.entries(op).filter(([k]) => !dropped.includes(k)));
  return withoutPositions(rest);
}

function opsByRevision(migrations: Migration[], direction: 'upgrade' | 'downgrade'): Map<string, unknown[]> {
  const out = new Map<string, unknown[]>();
  for (const m of migrations) {
    for (const op of m.ops) {
      if (op.direction !== direction || !op.revision) continue;
      const list = out.get(op.revision) ?? [];
      list.push(comparable(op));
      out.set(op.revision, list);
    }
  }
  return out;
}

suite('the fixture project against `alembic upgrade head --sql`', () => {
  it('the revision files and the offline SQL give the same operations, revision by revision', async () => {
    const sql = offlineSql(PROJECT, ['upgrade', 'head'], 'upgrade.sql');
    const py = await lintFiles(filesUnder(VERSIONS, '.py'));
    const off = await lintFiles([sql]);
    expect(py.migrations.every((m) => m.format === 'alembic' && m.diagnostics.length === 0)).toBe(true);
    expect(off.migrations.every((m) => m.format === 'alembic-sql' && m.diagnostics.length === 0)).toBe(true);
    const a = opsByRevision(py.migrations, 'upgrade');
    const b = opsByRevision(off.migrations, 'upgrade');
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    expect(a.size).toBeGreaterThanOrEqual(10);
    for (const [revision, ops] of a) expect(ops, `revision ${revision}`).toEqual(b.get(revision));
    const typeChanges = py.migrations.flatMap((m) => m.ops).filter((o) => o.kind === 'alter-column-type');
    expect(typeChanges.map((o) => [o.revision, o.direction, o.oldType?.text, o.newType.text])).toEqual([
      ['91021324a5b6', 'upgrade', 'varchar(500)', 'text'],
      ['91021324a5b6', 'downgrade', 'text', 'varchar(500)'],
      ['c3041324a5b6', 'upgrade', 'text', 'varchar(50)'],
      ['c3041324a5b6', 'downgrade', 'varchar(50)', 'text'],
    ]);
  });

  it('…and the same findings, rule for rule, revision for revision', async () => {
    const sql = offlineSql(PROJECT, ['upgrade', 'head'], 'upgrade.sql');
    const py = (await lintFiles(filesUnder(VERSIONS, '.py'))).findings.filter((f) => f.direction === 'upgrade');
    const off = (await lintFiles([sql])).findings;
    expect(off.every((f) => f.revision !== undefined)).toBe(true);
    expect(py.every((f) => f.revision !== undefined)).toBe(true);
    const onlyPy = py.filter((f) => UPGRADE_ONLY_IN_PY.has(f.rule));
    expect(onlyPy.map((f) => [f.rule, f.revision])).toEqual([['empty-downgrade', 'b2031324a5b6']]);
    expect(multiset(py.filter((f) => !UPGRADE_ONLY_IN_PY.has(f.rule)).map(key))).toEqual(multiset(off.map(key)));
    // Sanity: the comparison is over many rules, not an empty set.
    expect(new Set(off.map((f) => f.rule)).size).toBeGreaterThanOrEqual(24);
  });

  it('downgrades: the same operations; findings agree except where the SQL lacks the upgrade', async () => {
    const sql = offlineSql(PROJECT, ['downgrade', 'head:base'], 'downgrade.sql');
    const pyResult = await lintFiles(filesUnder(VERSIONS, '.py'), { checkDowngrade: true });
    const offResult = await lintFiles([sql], { checkDowngrade: true });
    const a = opsByRevision(pyResult.migrations, 'downgrade');
    const b = opsByRevision(offResult.migrations, 'downgrade');
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    for (const [revision, ops] of a) expect(ops, `revision ${revision}`).toEqual(b.get(revision));

    const pyFindings = pyResult.findings.filter((f) => f.direction === 'downgrade');
    const ruleKey = (f: Finding) => `${f.revision} ${f.direction} ${f.rule}`;
    const py = multiset(pyFindings.map(ruleKey));
    const off = multiset(offResult.findings.map(ruleKey));
    for (const [k, n] of py) expect(off.get(k), k).toBe(n);
    const extra = [...off.keys()].filter((k) => !py.has(k));
    expect(extra.length).toBeGreaterThan(0);
    for (const k of extra) expect(DOWNGRADE_ONLY_IN_SQL.has(k.split(' ')[2]!), k).toBe(true);
    // Same messages too, except where the revision file states the old type (`existing_type`) and the
    // downgrade SQL cannot: the revision's message names it, the SQL's says which old types are safe.
    const offMessages = multiset(offResult.findings.map(key));
    for (const f of pyFindings) {
      if (f.rule === 'changing-column-type') {
        expect(f.message).toContain('from text to varchar(500)');
        continue;
      }
      expect(offMessages.get(key(f)), key(f)).toBeGreaterThan(0);
    }
  });

  it('the autocommit_block COMMIT/BEGIN pair in the SQL is understood like the `with` block', async () => {
    const sql = offlineSql(PROJECT, ['upgrade', 'head'], 'upgrade.sql');
    const off = await lintFiles([sql]);
    const rev = off.migrations.find((m) => m.revision === '6e7f80910213')!;
    expect(rev.ops.map((o) => [o.kind, o.inTransaction])).toEqual([
      ['create-index', false],
      ['add-enum-value', false],
      ['create-index', true],
    ]);
  });
});

suite('the documented Alembic hazards, on the .py file at the right line', () => {
  const expected: [file: string, line: number, rule: string][] = [
    // op.add_column(nullable=False) without server_default (default= is Python-side only)
    ['3b4c5d6e7f80_add_order_totals_and_plan.py', 22, 'adding-required-field'],
    // op.create_foreign_key(None, …)
    ['4c5d6e7f8091_order_approvals.py', 22, 'anonymous-constraint'],
    ['4c5d6e7f8091_order_approvals.py', 22, 'adding-foreign-key-constraint'],
    // op.create_index without postgresql_concurrently=True, plain and in batch mode
    ['5d6e7f809102_create_payments.py', 32, 'require-concurrent-index-creation'],
    ['91021324a5b6_orders_batch_cleanup.py', 28, 'require-concurrent-index-creation'],
    // postgresql_concurrently=True outside autocommit_block()
    ['6e7f80910213_order_search_indexes.py', 30, 'ban-concurrent-index-creation-in-transaction'],
    // autogenerate's drop_column + add_column for a rename
    ['8091021324a5_rename_display_name.py', 22, 'rename-via-drop-add'],
    // def downgrade(): pass
    ['b2031324a5b6_drop_legacy_ref.py', 23, 'empty-downgrade'],
    // NOT VALID then VALIDATE through op.execute, in the same transaction (position inside the string)
    ['a1021324a5b6_backfill_and_check_plan.py', 38, 'constraint-missing-not-valid'],
  ];

  it('each hazard is reported where it is written', async () => {
    const { findings } = await lintFiles(filesUnder(VERSIONS, '.py'));
    for (const [file, line, rule] of expected) {
      expect(findRule(rule), `rule ${rule} is registered`).toBeDefined();
      const hit = findings.find((f) => basename(f.file) === file && f.line === line && f.rule === rule);
      expect(
        hit,
        `${rule} at ${file}:${line}; got ${findings
          .filter((f) => basename(f.file) === file)
          .map((f) => `${f.rule}@${f.line}`)
          .join(', ')}`,
      ).toBeDefined();
      expect(hit!.revision).toBe(file.slice(0, 12));
    }
  });

  it('CONCURRENTLY inside autocommit_block() is not flagged', async () => {
    const { findings } = await lintFiles(filesUnder(VERSIONS, '.py'));
    const inBlock = findings.filter(
      (f) => basename(f.file) === '6e7f80910213_order_search_indexes.py' && f.line >= 22 && f.line <= 29,
    );
    expect(
      inBlock.filter(
        (f) =>
          f.rule === 'ban-concurrent-index-creation-in-transaction' || f.rule === 'require-concurrent-index-creation',
      ),
    ).toEqual([]);
  });

  it('the merge revision (empty upgrade and downgrade) and safe revisions are not flagged as empty downgrades', async () => {
    const { findings } = await lintFiles(filesUnder(VERSIONS, '.py'));
    expect(findings.filter((f) => f.rule === 'empty-downgrade').map((f) => f.revision)).toEqual(['b2031324a5b6']);
  });

  it('revisions run in graph order: every revision after its parents', async () => {
    const { migrations } = await lintFiles(filesUnder(VERSIONS, '.py'));
    const seen = new Set<string>();
    for (const m of migrations) {
      for (const p of m.parents ?? []) expect(seen.has(p), `${m.revision} after ${p}`).toBe(true);
      seen.add(m.revision!);
    }
    expect(seen.size).toBe(13);
  });
});

suite('revision graph checks against Alembic', () => {
  it('multiple-heads names the heads `alembic heads` lists, with the merge command', async () => {
    const project = join(FIXTURES, 'two-heads');
    const heads = runAlembic(project, ['heads']);
    expect(heads.status, heads.stderr).toBe(0);
    const alembicHeads = [...heads.stdout.matchAll(/^(\w+) \(head\)/gm)].map((m) => m[1]!).sort();
    expect(alembicHeads).toHaveLength(2);
    // `alembic upgrade head` refuses to run, as the finding says.
    const up = runAlembic(project, ['upgrade', 'head', '--sql']);
    expect(up.status).not.toBe(0);
    expect(up.stderr).toContain('Multiple head revisions');

    const { findings } = await lintFiles(filesUnder(join(project, 'migrations/versions'), '.py'));
    const reported = findings.filter((f) => f.rule === 'multiple-heads');
    expect(reported.map((f) => f.revision).sort()).toEqual(alembicHeads);
    for (const f of reported) {
      expect(basename(f.file).startsWith(f.revision!)).toBe(true);
      expect(f.line).toBe(13); // revision = "…"
      for (const h of alembicHeads) expect(f.message).toContain(h);
      expect(f.help).toBe(`alembic merge -m "merge heads" ${alembicHeads.join(' ')}`);
    }
  });

  it('one head in the fixture project, as `alembic heads` says: no finding', async () => {
    const heads = runAlembic(PROJECT, ['heads']);
    expect([...heads.stdout.matchAll(/^(\w+) \(head\)/gm)].map((m) => m[1])).toEqual(['d4051324a5b6']);
    const { findings } = await lintFiles(filesUnder(VERSIONS, '.py'));
    expect(findings.filter((f) => f.rule === 'multiple-heads' || f.rule === 'broken-revision-graph')).toEqual([]);
  });

  it('after `alembic merge`, the heads are joined and the finding is gone', async () => {
    const copy = join(work, 'two-heads');
    cpSync(join(FIXTURES, 'two-heads'), copy, { recursive: true });
    const merge = runAlembic(copy, ['merge', '-m', 'merge heads', '1b2c3d4e5f60', '2c3d4e5f6071']);
    expect(merge.status, merge.stderr).toBe(0);
    const heads = runAlembic(copy, ['heads']);
    expect([...heads.stdout.matchAll(/\(head\)/g)]).toHaveLength(1);
    const { findings, migrations } = await lintFiles(filesUnder(join(copy, 'migrations/versions'), '.py'));
    expect(migrations).toHaveLength(4);
    expect(findings.filter((f) => f.rule === 'multiple-heads')).toEqual([]);
    // The generated merge revision has an empty upgrade and downgrade: not an empty-downgrade.
    expect(findings.filter((f) => f.rule === 'empty-downgrade')).toEqual([]);
  });

  it('broken-revision-graph reports what Alembic warns about: a missing parent and a duplicate id', async () => {
    const project = join(FIXTURES, 'broken-graph');
    const r = runAlembic(project, ['heads']);
    expect(r.status).not.toBe(0); // Alembic cannot even list the heads
    const missing = [...r.stderr.matchAll(/Revision (\w+) referenced from \S+ -> (\w+)/g)].map((m) => [m[2], m[1]]);
    const duplicated = [...r.stderr.matchAll(/Revision (\w+) is present more than once/g)].map((m) => m[1]);
    expect(missing).toEqual([['7a8b9c0d1e2f', '4d5e6f7a8b9c']]);
    expect(duplicated).toEqual(['6f7a8b9c0d1e']);

    const { findings } = await lintFiles(filesUnder(join(project, 'migrations/versions'), '.py'));
    const graph = findings.filter((f) => f.rule === 'broken-revision-graph');
    const missingFound = graph.filter((f) => f.message.includes('no revision in'));
    expect(missingFound.map((f) => [f.revision, f.message.match(/down_revision (\w+)/)?.[1]])).toEqual(missing);
    expect(missingFound[0]!.line).toBe(14); // down_revision = "…"
    const dupFound = graph.filter((f) => f.message.includes('declared by 2 files'));
    expect(dupFound.map((f) => basename(f.file)).sort()).toEqual([
      '6f7a8b9c0d1e_account_locale.py',
      '6f7a8b9c0d1e_account_status.py',
    ]);
    expect(new Set(dupFound.map((f) => f.revision))).toEqual(new Set(duplicated));
    // A broken graph has no meaningful heads: only the graph errors are reported.
    expect(findings.filter((f) => f.rule === 'multiple-heads')).toEqual([]);
  });

  it('a cycle: Alembic refuses the graph, broken-revision-graph names the revisions on it', async () => {
    const project = join(work, 'cycle');
    cpSync(join(FIXTURES, 'two-heads'), project, { recursive: true });
    const versions = join(project, 'migrations/versions');
    // Point the base at one of its descendants: 0a1b… → 1b2c… → 0a1b…
    const base = join(versions, '0a1b2c3d4e5f_create_invoices.py');
    const text = readFileSync(base, 'utf8').replace('down_revision = None', 'down_revision = "1b2c3d4e5f60"');
    writeFileSync(base, text);
    const r = runAlembic(project, ['heads']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/Cycle is detected in revisions \(.*0a1b2c3d4e5f.*\)/);
    // Alembic lists every revision it cannot place: those on the cycle and those built on it.
    const unplaceable = r.stderr.match(/Cycle is detected in revisions \(([^)]*)\)/)![1]!.match(/\w{12}/g)!;
    expect(unplaceable.sort()).toEqual(['0a1b2c3d4e5f', '1b2c3d4e5f60', '2c3d4e5f6071']);

    const { findings } = await lintFiles(filesUnder(versions, '.py'));
    const cyc = findings.filter((f) => f.rule === 'broken-revision-graph' && f.message.includes('cycle'));
    // The finding is on the revisions that form the cycle, where the fix is.
    expect(cyc.map((f) => f.revision).sort()).toEqual(['0a1b2c3d4e5f', '1b2c3d4e5f60']);
    expect(cyc.find((f) => f.revision === '0a1b2c3d4e5f')!.line).toBe(14);
  });
});

suite('require-batch-mode-for-sqlite against a real SQLite database', () => {
  const project = join(FIXTURES, 'sqlite');
  const versions = join(project, 'migrations/versions');
  const BASE = '00aa11bb22cc';

  it('flags exactly the revisions Alembic cannot apply to SQLite outside batch mode', async () => {
    const { migrations, findings } = await lintFiles(filesUnder(versions, '.py'), { dialect: 'sqlite' });
    const children = migrations.map((m) => m.revision!).filter((r) => r !== BASE);
    expect(children).toHaveLength(10);
    const flagged = new Set(
      findings
        .filter((f) => f.rule === 'require-batch-mode-for-sqlite' && f.severity === 'error')
        .map((f) => f.revision),
    );

    // Each feature revision on a fresh SQLite database holding the base schema and a few rows, in one
    // Python process through Alembic's command API (what `alembic upgrade <rev>` runs).
    const script = [
      'import json, os, sys, traceback',
      'from alembic import command',
      'from alembic.config import Config',
      'work, revs = sys.argv[1], sys.argv[2:]',
      'out = {}',
      'for rev in revs:',
      '    os.environ["NOTES_DATABASE_URL"] = "sqlite:///" + os.path.join(work, "notes-" + rev + ".db")',
      '    cfg = Config("alembic.ini")',
      `    command.upgrade(cfg, "${BASE}")`,
      '    try:',
      '        command.upgrade(cfg, rev)',
      '        out[rev] = None',
      '    except Exception as e:',
      '        out[rev] = type(e).__name__ + ": " + str(e).splitlines()[0]',
      'print(json.dumps(out))',
    ].join('\n');
    const r = spawnSync(PYTHON, ['-c', script, work, ...children], {
      cwd: project,
      encoding: 'utf8',
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    });
    expect(r.status, r.stderr).toBe(0);
    const errors = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, string | null>;
    const failing = new Set(children.filter((rev) => errors[rev] !== null));
    expect(failing.size).toBeGreaterThan(2);
    expect(failing.size).toBeLessThan(children.length);
    expect([...flagged].sort(), JSON.stringify(errors, null, 1)).toEqual([...failing].sort());
    // With PostgreSQL as the target the rule is silent.
    const pg = await lintFiles(filesUnder(versions, '.py'));
    expect(pg.findings.filter((f) => f.rule === 'require-batch-mode-for-sqlite')).toEqual([]);
    // The separately labelled feature branches are a deliberate layout, not "multiple heads".
    expect(pg.findings.filter((f) => f.rule === 'multiple-heads')).toEqual([]);
  });
});
