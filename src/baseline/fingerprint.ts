/**
 * Line-independent identities for findings, shared by the baseline, SARIF `partialFingerprints` and
 * GitLab Code Quality: a hash of the rule, the file, the flagged source text with whitespace
 * normalised, and the occurrence index among identical (rule, file, text) triples. Adding or removing
 * lines elsewhere in the file, or re-indenting the statement, keeps the fingerprint; editing the
 * statement itself, renaming the file, or a rule change does not.
 */
import { createHash } from 'node:crypto';
import type { Finding } from '../engine/types.js';
import { LineIndex } from '../ir/source-text.js';

/** The text a finding points at, whitespace-normalised; the message when the span is empty. */
export function findingText(f: Finding, index: LineIndex | undefined): string {
  if (index) {
    const start = index.lineStart(f.line) + f.column - 1;
    const end = index.lineStart(f.endLine) + f.endColumn - 1;
    const text = index.text.slice(start, Math.max(start, end)).replace(/\s+/g, ' ').trim();
    if (text) return text;
  }
  return f.message;
}

/**
 * Fingerprints for `findings`, in the same order. `pathOf` gives the stable path recorded for a
 * finding's file (relative, forward slashes); `sources` the file texts by finding path.
 */
export function fingerprintFindings(
  findings: readonly Finding[],
  sources: ReadonlyMap<string, string>,
  pathOf: (file: string) => string,
): string[] {
  const indexes = new Map<string, LineIndex>();
  const seen = new Map<string, number>();
  // Occurrences are counted in file order so the index is stable whatever order findings come in.
  const order = findings
    .map((f, i) => ({ f, i }))
    .sort(
      (a, b) =>
        a.f.file.localeCompare(b.f.file) ||
        a.f.line - b.f.line ||
        a.f.column - b.f.column ||
        a.f.rule.localeCompare(b.f.rule) ||
        a.i - b.i,
    );
  const out = new Array<string>(findings.length);
  for (const { f, i } of order) {
    let index = indexes.get(f.file);
    const source = sources.get(f.file);
    if (!index && source !== undefined && source !== '') indexes.set(f.file, (index = new LineIndex(source)));
    const key = `${f.rule}\0${pathOf(f.file)}\0${findingText(f, index)}`;
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    out[i] = createHash('sha256').update(`${key}\0${n}`).digest('hex').slice(0, 32);
  }
  return out;
}
