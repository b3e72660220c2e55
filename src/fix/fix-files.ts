/**
 * `--fix` / `--fix-dry-run`: the mechanical rewrites of src/fix/edits.ts applied to whole files.
 * A file's rewrite is kept only when re-linting the migration set with it shows every fixed finding
 * gone, no parse error and no new finding of a rule a rewrite can cause; a file with a parse error
 * is never touched. Files are written atomically (a temporary file renamed over the original).
 */
import { chmodSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import type { Finding } from '../engine/types.js';
import { type LinterOptions, lintSources, ParseCache, type SourceInput } from '../linter.js';
import { applyInsertion, concurrentlyInsertion, type Insertion } from './edits.js';

export interface FileFix {
  path: string;
  before: string;
  after: string;
  /** How many findings the rewrite fixes. */
  fixed: number;
}

/** Rules a rewrite can bring in (CONCURRENTLY inside a transaction block fails at run time). */
const CAUSED_BY_REWRITES = ['parse-error', 'ban-concurrent-index-creation-in-transaction'];

const count = (findings: readonly Finding[], rule: string) => findings.filter((f) => f.rule === rule).length;

/** The rewrites for `findings`, checked by re-linting `inputs` (the whole set, for context). */
export async function planFixes(inputs: readonly SourceInput[], options: LinterOptions, findings: readonly Finding[], fixable: (input: SourceInput) => boolean): Promise<{ fixes: FileFix[]; refused: { path: string; reason: string }[] }> {
  const fixes: FileFix[] = [];
  const refused: { path: string; reason: string }[] = [];
  const cache = new ParseCache();
  for (const input of inputs) {
    if (!input.content.ok || !fixable(input)) continue;
    const own = findings.filter((f) => f.file === input.path);
    if (own.some((f) => f.rule === 'parse-error')) continue;
    const before = input.content.text;
    const targets = own.flatMap((finding) => {
      const insertion = concurrentlyInsertion(finding, before);
      return insertion ? [{ finding, insertion }] : [];
    });
    if (targets.length === 0) continue;
    const unique = [...new Map(targets.map(({ insertion: i }) => [`${i.line}:${i.character}`, i])).values()];
    // bottom-up, so that each insertion's position is still right when it is applied
    unique.sort((a, b) => b.line - a.line || b.character - a.character);
    const after = unique.reduce(applyInsertion, before);
    const rerun = await lintSources(inputs.map((i) => (i === input ? { ...i, content: { ok: true as const, text: after } } : i)), options, [], cache);
    const now = rerun.findings.filter((f) => f.file === input.path);
    const caused = CAUSED_BY_REWRITES.filter((rule) => count(now, rule) > count(own, rule));
    // every targeted finding must be gone: its rule has that many fewer findings in the file
    const left = [...new Set(targets.map((t) => t.finding.rule))].filter((rule) => count(now, rule) > count(own, rule) - targets.filter((t) => t.finding.rule === rule).length);
    if (caused.length || left.length) {
      refused.push({ path: input.path, reason: caused.length ? `the rewrite would bring ${caused.join(', ')} (the statement runs inside a transaction block)` : `the rewrite would leave ${left.join(', ')}` });
      continue;
    }
    const fixed = targets.length;
    fixes.push({ path: input.path, before, after, fixed });
  }
  return { fixes, refused };
}

/** A unified diff of one file's rewrite, named as the reports name it. */
export function unifiedDiff(shownPath: string, fix: FileFix): string {
  return createTwoFilesPatch(`a/${shownPath}`, `b/${shownPath}`, fix.before, fix.after, undefined, undefined, { context: 3 }).replace(/^=+\n/, '');
}

/** Replaces a file's content atomically, keeping its mode; a symbolic link's target is what changes. */
export function writeAtomically(path: string, text: string): void {
  const target = realpathSync(path);
  const temporary = join(dirname(target), `.${basename(target)}.migration-lint-${process.pid}.tmp`);
  try {
    writeFileSync(temporary, text, { flag: 'wx' });
    chmodSync(temporary, statSync(target).mode & 0o7777);
    renameSync(temporary, target);
  } catch (e) {
    rmSync(temporary, { force: true });
    throw e;
  }
}
