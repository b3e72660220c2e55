/**
 * The oracle for our own rule docs: every rule whose metadata claims a lock level has that claim
 * run on Postgres. `lock.setup` runs as an earlier migration, then `lock.statement`; the strongest
 * lock Postgres takes on `lock.relation` must be the claimed mode. The rule must also flag the
 * statement when the same two files go through the real lint pipeline.
 *
 * Rules are read from ALL_RULES when the test runs, so a rule added later is checked too.
 * A statement Postgres refuses inside a transaction (CONCURRENTLY) cannot be observed on PGlite; it
 * is checked on the real server when MIGRATION_LINT_TEST_DATABASE_URL is set.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS, lintSources } from '../../src/linter.js';
import { ALL_RULES } from '../../src/rules/index.js';
import { traceSources } from '../../src/trace/index.js';
import type { StepResult } from '../../src/trace/types.js';
import type { TraceResult } from '../../src/trace/index.js';
import type { LockClaim } from '../../src/rules/types.js';
import { strongestMode } from '../../src/analysis/locks.js';
import {
  closePglite,
  file,
  lockOn,
  NO_SERVER_MESSAGE,
  scratchDatabase,
  SERVER_URL,
  traceOnPglite,
  warnWithoutServer,
} from './helpers.js';

afterAll(closePglite);
warnWithoutServer();

const claimed = ALL_RULES.filter((r) => r.meta.lock);

function describeStep(r: StepResult): string {
  const locks = r.locks.map((l) => `${l.relation}:${l.modes.join('+')}`).join(', ') || 'no relation locks';
  return `${r.status}${r.error ? ` (${r.error.message})` : ''}: ${r.step.sql} -> ${locks}`;
}

function problems(result: TraceResult, index: number): string[] {
  return (result.report.migrations[index]?.results ?? [])
    .filter((r) => r.status !== 'ok' && !r.step.skip?.quiet)
    .map(describeStep);
}

function flaggedSteps(result: TraceResult): StepResult[] {
  return result.report.migrations[1]!.results.filter((r) => !r.step.skip?.quiet);
}

/** The strongest lock Postgres took on the claimed relation is the claimed mode. */
function expectClaim(result: TraceResult, claim: LockClaim): void {
  const where =
    result.report.engine === 'pglite'
      ? `PGlite (PostgreSQL ${result.report.serverVersion})`
      : `PostgreSQL ${result.report.serverVersion}`;
  expect(problems(result, 0), `the claim's setup must run on ${where}`).toEqual([]);
  const flagged = flaggedSteps(result);
  expect(flagged.length, 'the claimed statement must be there').toBeGreaterThan(0);
  expect(problems(result, 1), `the claimed statement must run on ${where}`).toEqual([]);
  const taken = flagged.flatMap((r) => lockOn(r, claim.relation)?.modes ?? []);
  const strongest = strongestMode(taken) ?? 'no lock';
  expect({ relation: claim.relation, strongest }, `on ${where}: ${flagged.map(describeStep).join('; ')}`).toEqual({
    relation: claim.relation,
    strongest: claim.mode,
  });
}

describe('lock claims in rule docs, checked on Postgres', () => {
  it('some rules claim a lock level', () => {
    expect(claimed.length).toBeGreaterThan(0);
  });

  for (const rule of claimed) {
    const claim = rule.meta.lock!;
    const inputs = () => [file('001_setup.sql', claim.setup), file('002_flagged.sql', claim.statement)];
    const onServer = async (): Promise<TraceResult> => {
      const scratch = await scratchDatabase('lock_claim');
      try {
        return await traceSources(inputs(), { databaseUrl: scratch.url, allowCommit: true });
      } finally {
        await scratch.drop();
      }
    };

    it(`${rule.meta.id}: \`${claim.statement}\` takes ${claim.mode} on ${claim.relation}`, async (ctx) => {
      let result = await traceOnPglite(inputs());
      if (flaggedSteps(result).some((r) => r.observation === 'not-observed' && r.status === 'ok')) {
        // Ran outside a transaction: PGlite cannot see its locks; a server with a watcher can.
        if (!SERVER_URL)
          return ctx.skip(
            `${claim.statement} cannot run in a transaction, so PGlite cannot observe its locks. ${NO_SERVER_MESSAGE}`,
          );
        result = await onServer();
      }
      expectClaim(result, claim);
    });

    it(`${rule.meta.id}: the same on the PostgreSQL server`, async (ctx) => {
      if (!SERVER_URL) return ctx.skip(NO_SERVER_MESSAGE);
      expectClaim(await onServer(), claim);
    });

    it(`${rule.meta.id} flags its own lock-claim statement`, async () => {
      const inputs = [file('001_setup.sql', claim.setup), file('002_flagged.sql', claim.statement)];
      // Plain SQL files as written, then as run inside a transaction by the tool (some rules only
      // apply there); the rule must fire in at least one of the two real configurations.
      const attempts = [];
      for (const assumeInTransaction of [false, true]) {
        // A rule off by default is turned on, as a team that wants it would.
        const rules = rule.meta.offByDefault
          ? { ...DEFAULT_OPTIONS.rules, [rule.meta.id]: rule.meta.severity }
          : DEFAULT_OPTIONS.rules;
        const lint = await lintSources(inputs, { ...DEFAULT_OPTIONS, assumeInTransaction, rules });
        const hits = lint.findings.filter((f) => f.rule === rule.meta.id && f.file === '002_flagged.sql');
        attempts.push({ assumeInTransaction, hits: hits.length });
        if (hits.length) break;
      }
      expect(
        attempts.some((a) => a.hits > 0),
        JSON.stringify(attempts),
      ).toBe(true);
    });
  }
});
