/**
 * Runs the real Squawk CLI (squawk-cli from node_modules) on SQL text, for differential tests of the
 * rules that share Squawk's ids.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SquawkFinding {
  rule: string;
  /** 1-based (Squawk's JSON is 0-based). */
  line: number;
  column: number;
  message: string;
}

const BIN = join(process.cwd(), 'node_modules', '.bin', 'squawk');

export function runSquawk(sql: string, options: { assumeInTransaction?: boolean; pgVersion?: number; include?: string[] } = {}): SquawkFinding[] {
  const dir = mkdtempSync(join(tmpdir(), 'squawk-diff-'));
  const file = join(dir, 'migration.sql');
  writeFileSync(file, sql);
  const args = ['--reporter', 'json', file];
  if (options.assumeInTransaction) args.unshift('--assume-in-transaction');
  if (options.pgVersion) args.unshift('--pg-version', `${options.pgVersion}.0`);
  if (options.include?.length) args.unshift(`--include=${options.include.join(',')}`);
  let out: string;
  try {
    out = execFileSync(BIN, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    // Squawk exits 1 when it reports anything; its JSON is still on stdout.
    out = String((e as { stdout?: string }).stdout ?? '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const raw = JSON.parse(out || '[]') as { rule_name: string; line: number; column: number; message: string }[];
  return raw.map((f) => ({ rule: f.rule_name, line: f.line + 1, column: f.column + 1, message: f.message }));
}
