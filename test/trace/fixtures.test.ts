/**
 * Trace on every migration set under fixtures/ (written for the linter by the frontend authors),
 * embedded, with no server. Sets are found when the test runs, so new fixtures are covered.
 *
 * Checked for each set: the run completes; every upgrade statement is accounted for (ran, failed
 * with a finding, or skipped with a finding); SQL that trace rendered or took from code is valid
 * SQL for Postgres; and every lock the linter's findings claim for a statement is the lock
 * Postgres takes when trace runs that statement (a differential test of the rules' lock texts).
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { discoverFiles } from '../../src/files/discover.js';
import { readSource } from '../../src/files/read.js';
import { DEFAULT_OPTIONS, lintSources, type SourceInput } from '../../src/linter.js';
import { EXTENSIONS } from '../../src/parsers/registry.js';
import { LOCK_MODES, lockSql } from '../../src/analysis/locks.js';
import { closePglite, steps, traceOnPglite } from './helpers.js';

afterAll(closePglite);

const ROOT = join(import.meta.dirname, '..', '..', 'fixtures');

/** Directories that hold migration files directly; a Prisma migration folder counts as its parent's. */
function migrationSets(): string[] {
  const sets = new Set<string>();
  const walk = (dir: string) => {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(dir, e);
      if (statSync(p).isDirectory()) {
        if (!e.startsWith('.') && e !== 'node_modules') walk(p);
      } else if (EXTENSIONS.some((x) => e.toLowerCase().endsWith(x)) && !e.endsWith('.d.ts')) {
        sets.add(e === 'migration.sql' ? dirname(dir) : dir);
      }
    }
  };
  walk(ROOT);
  return [...sets].sort();
}

const SQL_MODE = new Map(LOCK_MODES.map((m) => [lockSql(m), m]));
/** `ACCESS EXCLUSIVE on users (blocks reads and writes)` → mode and relation. */
function parseLockText(text: string): { mode: string; relation: string } | undefined {
  const m = /^([A-Z ]+?) on (\S+) \(/.exec(text);
  const mode = m ? SQL_MODE.get(m[1]!) : undefined;
  return m && mode ? { mode, relation: m[2]! } : undefined;
}

const sets = migrationSets();

describe('trace on the fixtures (embedded, no server)', () => {
  it('finds migration sets under fixtures/', () => {
    expect(sets.length).toBeGreaterThan(0);
  });

  for (const set of sets) {
    it(relative(ROOT, set) || basename(set), async () => {
      const inputs: SourceInput[] = discoverFiles([set], EXTENSIONS).map((path) => ({
        path,
        content: readSource(path),
      }));
      const result = await traceOnPglite(inputs);
      const all = steps(result);

      // Every upgrade statement of every parsed file is in the trace.
      expect(result.report.migrations.map((t) => t.file)).toEqual(result.lint.migrations.map((m) => m.file));
      for (const [i, m] of result.lint.migrations.entries()) {
        const upgrade = new Set(m.ops.filter((op) => op.direction === 'upgrade').map((op) => op.statementIndex));
        const traced = result.report.migrations[i]!;
        const tracedStatements = new Set(traced.results.flatMap((r) => r.step.ops.map((op) => op.statementIndex)));
        expect([...tracedStatements].sort(), m.file).toEqual([...upgrade].sort());
      }

      // A failed or skipped statement always comes with a finding on its line.
      const findingAt = (file: string, line: number, rules: string[]) =>
        result.findings.some((f) => f.file === file && f.line === line && rules.includes(f.rule));
      for (const r of all) {
        if (r.status === 'failed')
          expect(
            findingAt(r.step.file, r.step.span.line, ['trace-statement-failed']),
            `${r.step.file}:${r.step.span.line}`,
          ).toBe(true);
        if (r.status === 'skipped' && !r.step.skip?.quiet)
          expect(
            findingAt(r.step.file, r.step.span.line, ['trace-not-run', 'trace-statement-failed']),
            `${r.step.file}:${r.step.span.line}`,
          ).toBe(true);
      }

      // SQL trace produced (rendered from the IR, or taken from code) is SQL Postgres accepts.
      const syntaxErrors = all
        .filter((r) => r.step.origin !== 'source' && r.error?.code === '42601')
        .map((r) => `${r.step.sql} → ${r.error!.message}`);
      expect(syntaxErrors).toEqual([]);

      // The linter's lock claims agree with what Postgres took. A claim names either the lock the
      // statement takes itself, or the lock its table is under while it runs, which includes locks
      // still held from earlier statements of the same tool transaction (VALIDATE right after
      // ADD … NOT VALID runs under the ADD's lock). A framework call that produced several
      // statements at one place counts as a whole.
      const lint = await lintSources(inputs, DEFAULT_OPTIONS);
      const disagreements: string[] = [];
      const strongest = (modes: string[]) =>
        [...modes].sort((a, b) => LOCK_MODES.indexOf(b as never) - LOCK_MODES.indexOf(a as never))[0];
      for (const f of lint.findings) {
        if (!f.lock || f.direction !== 'upgrade') continue;
        const claim = parseLockText(f.lock);
        if (!claim) continue;
        // (One file can hold several migrations: Alembic offline SQL has one per revision.)
        const traced = result.report.migrations.find(
          (m) =>
            m.file === f.file && m.results.some((r) => r.step.span.line === f.line && r.step.span.column === f.column),
        );
        if (!traced) continue;
        const at = traced.results.findIndex((r) => r.step.span.line === f.line && r.step.span.column === f.column);
        const here = traced.results.filter((r) => r.step.span.line === f.line && r.step.span.column === f.column);
        if (here.some((r) => r.status !== 'ok' || r.observation !== 'exact')) continue;
        const group = here[0]!.step.group;
        const earlier =
          group < 0 ? [] : traced.results.slice(0, at).filter((r) => r.step.group === group && r.status === 'ok');
        const on = (rs: typeof here) =>
          rs.flatMap((r) =>
            r.locks
              .filter(
                (l) =>
                  l.relation === claim.relation ||
                  l.name === claim.relation ||
                  `${l.schema}.${l.name}` === claim.relation,
              )
              .flatMap((l) => l.modes),
          );
        const own = strongest(on(here));
        const held = strongest(on([...earlier, ...here]));
        // A relation that did not exist (DROP TABLE IF EXISTS of a table never created) cannot be checked.
        const existed = here.some(
          (r) => r.targets.includes(claim.relation) || r.targets.some((t) => t.endsWith(`.${claim.relation}`)),
        );
        if (own === undefined && held === undefined && !existed) continue;
        if (claim.mode !== own && claim.mode !== held) {
          disagreements.push(
            `${relative(ROOT, f.file)}:${f.line} ${f.rule} claims ${claim.mode} on ${claim.relation}; Postgres: the statement took ${own ?? 'no lock'}, the table was under ${held ?? 'no lock'} (${here.map((r) => r.step.sql).join('; ')})`,
          );
        }
      }
      expect(disagreements).toEqual([]);
    });
  }
});
