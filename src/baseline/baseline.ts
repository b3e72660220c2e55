/**
 * Baselines: `--write-baseline <file>` records today's findings; `--baseline <file>` then reports only
 * findings that are not in it, so a repository with years of old migrations can adopt migration-lint
 * without fixing (or suppressing) history first. Findings are matched by fingerprint (see
 * fingerprint.ts), as a multiset: two identical findings need two baseline entries.
 */
import { writeFileSync } from 'node:fs';
import { readRegularFile, UnreadableFileError } from '../files/read.js';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { Finding } from '../engine/types.js';
import { fingerprintFindings } from './fingerprint.js';

/** Largest baseline read: a few hundred thousand findings. */
export const MAX_BASELINE_BYTES = 64 * 1024 * 1024;

export const BASELINE_VERSION = 1;

export interface BaselineEntry {
  rule: string;
  /** Relative to the baseline file's directory, forward slashes. */
  file: string;
  fingerprint: string;
  /** Informational only (matching ignores them): where the finding was and what it said. */
  line: number;
  message: string;
}

export interface BaselineFile {
  version: number;
  tool: string;
  findings: BaselineEntry[];
}

export class BaselineError extends Error {}

/** Path of a finding's file as the baseline records it: relative to the baseline's directory. */
export function baselinePath(file: string, baselineDir: string, cwd: string): string {
  if (file.startsWith('<')) return file; // stdin
  const abs = isAbsolute(file) ? file : resolve(cwd, file);
  return relative(baselineDir, abs).split('\\').join('/');
}

function entries(
  findings: readonly Finding[],
  sources: ReadonlyMap<string, string>,
  baselineFile: string,
  cwd: string,
): BaselineEntry[] {
  const dir = dirname(resolve(cwd, baselineFile));
  const pathOf = (file: string) => baselinePath(file, dir, cwd);
  const prints = fingerprintFindings(findings, sources, pathOf);
  return findings.map((f, i) => ({
    rule: f.rule,
    file: pathOf(f.file),
    fingerprint: prints[i]!,
    line: f.line,
    message: f.message,
  }));
}

export function writeBaseline(
  baselineFile: string,
  findings: readonly Finding[],
  sources: ReadonlyMap<string, string>,
  cwd: string,
  tool: string,
): number {
  const list = entries(findings, sources, baselineFile, cwd).sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      a.line - b.line ||
      a.rule.localeCompare(b.rule) ||
      a.fingerprint.localeCompare(b.fingerprint),
  );
  const doc: BaselineFile = { version: BASELINE_VERSION, tool, findings: list };
  try {
    writeFileSync(resolve(cwd, baselineFile), JSON.stringify(doc, null, 2) + '\n');
  } catch (e) {
    throw new BaselineError(
      `cannot write the baseline ${baselineFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  return list.length;
}

export function readBaseline(baselineFile: string, cwd: string): BaselineFile {
  let text: string;
  try {
    text = readRegularFile(resolve(cwd, baselineFile), MAX_BASELINE_BYTES).toString('utf8');
  } catch (e) {
    if (e instanceof UnreadableFileError)
      throw new BaselineError(`cannot read the baseline ${baselineFile}: ${e.message}`);
    const code = (e as NodeJS.ErrnoException).code;
    throw new BaselineError(
      code === 'ENOENT'
        ? `baseline ${baselineFile} not found (create it with --write-baseline ${baselineFile})`
        : `cannot read the baseline ${baselineFile}: ${code ?? (e as Error).message}`,
    );
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new BaselineError(`baseline ${baselineFile} is not valid JSON: ${(e as Error).message}`);
  }
  // Read from disk: every field is checked before it is trusted.
  const d = doc as { version?: unknown; findings?: unknown } | null;
  if (!d || typeof d !== 'object' || d.version !== BASELINE_VERSION || !Array.isArray(d.findings))
    throw new BaselineError(
      `${baselineFile} is not a migration-lint baseline (expected {"version": ${BASELINE_VERSION}, "findings": [...]}); regenerate it with --write-baseline`,
    );
  (d.findings as (Partial<Record<keyof BaselineEntry, unknown>> | null)[]).forEach((e, i) => {
    if (!e || typeof e.rule !== 'string' || typeof e.file !== 'string' || typeof e.fingerprint !== 'string')
      throw new BaselineError(
        `${baselineFile}: findings[${i}] needs string "rule", "file" and "fingerprint"; regenerate it with --write-baseline`,
      );
  });
  return d as unknown as BaselineFile;
}

export interface BaselineFilterResult {
  /** Findings not in the baseline. */
  findings: Finding[];
  /** How many findings the baseline matched. */
  matched: number;
  /** Baseline entries no finding matched any more (fixed, or the statement changed). */
  stale: number;
}

export function filterByBaseline(
  findings: readonly Finding[],
  baseline: BaselineFile,
  sources: ReadonlyMap<string, string>,
  baselineFile: string,
  cwd: string,
): BaselineFilterResult {
  const remaining = new Map<string, number>();
  for (const e of baseline.findings) {
    const key = `${e.rule}\0${e.file}\0${e.fingerprint}`;
    remaining.set(key, (remaining.get(key) ?? 0) + 1);
  }
  const current = entries(findings, sources, baselineFile, cwd);
  const out: Finding[] = [];
  let matched = 0;
  findings.forEach((f, i) => {
    const e = current[i]!;
    const key = `${e.rule}\0${e.file}\0${e.fingerprint}`;
    const left = remaining.get(key) ?? 0;
    if (left > 0) {
      remaining.set(key, left - 1);
      matched++;
    } else out.push(f);
  });
  let stale = 0;
  for (const n of remaining.values()) stale += n;
  return { findings: out, matched, stale };
}
