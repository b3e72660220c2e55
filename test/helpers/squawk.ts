/**
 * Runs the real Squawk CLI on SQL text, for differential tests of the rules that share Squawk's ids.
 * Squawk is not a devDependency: scripts/squawk.mjs installs it into a cache directory (.ci/run does,
 * with the registry); here it is only installed from npm's cache, so the tests never need the network
 * and are skipped, with one line saying why, when Squawk is not there.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { findSquawk } from '../../scripts/squawk.mjs';
import type { Rule } from '../../src/rules/types.js';
import { lintMigrations } from '../../src/engine/lint.js';
import { chooseParser } from '../../src/parsers/registry.js';
import { initSqlParser } from '../../src/parsers/sql/parse-sql.js';

export interface SquawkFinding {
  rule: string;
  /** 1-based (Squawk's JSON is 0-based). */
  line: number;
  column: number;
  message: string;
}

const squawk = findSquawk({ install: 'offline' });
/** The Squawk binary the parity tests run, when it is installed. */
export const squawkBinary: string | undefined = squawk.binary;
if (!squawk.binary) console.warn(`Squawk parity tests skipped: ${squawk.reason}`);

/** `describe` for tests that run Squawk: skipped when it is not installed. */
export const describeWithSquawk: ReturnType<typeof describe.skipIf> = describe.skipIf(!squawk.binary);

export function runSquawk(
  sql: string,
  options: { assumeInTransaction?: boolean; pgVersion?: number; include?: string[] } = {},
): SquawkFinding[] {
  const dir = mkdtempSync(join(tmpdir(), 'squawk-diff-'));
  const file = join(dir, 'migration.sql');
  writeFileSync(file, sql);
  const args = ['--reporter', 'json', file];
  if (options.assumeInTransaction) args.unshift('--assume-in-transaction');
  if (options.pgVersion) args.unshift('--pg-version', `${options.pgVersion}.0`);
  if (options.include?.length) args.unshift(`--include=${options.include.join(',')}`);
  let out: string;
  try {
    out = execFileSync(squawk.binary!, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    // Squawk exits 1 when it reports anything; its JSON is still on stdout.
    out = (e as { stdout?: string }).stdout ?? '';
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const raw = JSON.parse(out || '[]') as { rule_name: string; line: number; column: number; message: string }[];
  return raw.map((f) => ({ rule: f.rule_name, line: f.line + 1, column: f.column + 1, message: f.message }));
}

/**
 * `rule@line` for every finding of `rules` from migration-lint and from Squawk on the same plain SQL
 * file, sorted; both sides' lines are mapped to the start line of their statement (Squawk points at a
 * keyword or type, migration-lint at a clause or column).
 */
export async function flaggedByBoth(
  sql: string,
  rules: readonly Rule[],
  options: { assumeInTransaction?: boolean; pgVersion?: number; include?: string[] } = {},
): Promise<{ ours: string[]; squawk: string[] }> {
  await initSqlParser();
  // Not `migration.sql` (Prisma's name): a plain SQL file.
  const source = { path: '001_change.sql', text: sql };
  const [migration] = await chooseParser(source)!.parse(source, {
    assumeInTransaction: Boolean(options.assumeInTransaction),
    dialect: 'postgresql',
  });
  if (!migration) throw new Error('no migration');
  expect(migration.diagnostics).toEqual([]);
  const pgVersion = options.pgVersion ?? 14;
  const ids = rules.map((r) => r.meta.id);
  const statementStart = (line: number) =>
    migration.ops.find((op) => op.span.line <= line && line <= op.span.endLine)?.span.line ?? line;
  const ours = lintMigrations([migration], {
    pgVersion,
    checkDowngrade: false,
    rules: rules.map((rule) => ({ rule, severity: rule.meta.severity })),
  })
    .map((f) => `${f.rule}@${statementStart(f.line)}`)
    .sort();
  const squawk = runSquawk(sql, { ...options, pgVersion })
    .filter((f) => ids.includes(f.rule))
    .map((f) => `${f.rule}@${statementStart(f.line)}`)
    .sort();
  return { ours, squawk };
}
