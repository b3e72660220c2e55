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
import { type LinterOptions, type LintResult, lintSources, MemoryParseCache, type SourceInput } from '../linter.js';
import { statementGroups } from '../suppressions/apply.js';
import { applyEdits, FIXABLE_RULES, mechanicalFixes, type OffsetEdit, onlyIndexOps } from './fixes.js';

export interface FileFix {
  path: string;
  before: string;
  after: string;
  /** How many findings the rewrite fixes. */
  fixed: number;
}

/** Rules a rewrite can bring in (CONCURRENTLY inside a transaction block fails at run time). */
const CAUSED_BY_REWRITES = [
  'parse-error',
  'ban-concurrent-index-creation-in-transaction',
  'constraint-missing-not-valid',
  'transaction-nesting',
  'ban-uncommitted-transaction',
];

const count = (findings: readonly Finding[], rule: string) => findings.filter((f) => f.rule === rule).length;

/** The rewrites for `findings`, checked by re-linting `inputs` (the whole set, for context). */
export async function planFixes(
  inputs: readonly SourceInput[],
  options: LinterOptions,
  linted: Pick<LintResult, 'findings' | 'migrations'>,
  fixable: (input: SourceInput) => boolean,
): Promise<{ fixes: FileFix[]; refused: { path: string; reason: string }[] }> {
  const fixes: FileFix[] = [];
  const refused: { path: string; reason: string }[] = [];
  const cache = new MemoryParseCache();
  for (const input of inputs) {
    if (!input.content.ok || !fixable(input)) continue;
    const before = input.content.text;
    let text = before;
    let findings = linted.findings.filter((f) => f.file === input.path);
    if (findings.some((f) => f.rule === 'parse-error')) continue;
    let migration = linted.migrations.find((m) => m.file === input.path);
    const format = migration?.format;
    let statements = linted.migrations.filter((m) => m.file === input.path).flatMap(statementGroups);
    let fixed = 0;
    // one rule at a time, each checked on its own: a rewrite that cannot be kept does not cost the others
    for (const rule of FIXABLE_RULES) {
      const edits: OffsetEdit[] = [];
      let taken = 0;
      for (const finding of findings.filter((f) => f.rule === rule)) {
        // a finding's first fix, unless it collides with the edits already taken (they are applied together)
        const transaction = migration?.transactionByDirection?.[finding.direction] ?? migration?.transaction;
        const onlyIndexes = migration ? onlyIndexOps(migration.ops, finding.direction) : false;
        const fix = (await mechanicalFixes(finding, { text, statements, format, transaction, onlyIndexes }))[0];
        if (fix && applyEdits(text, [...edits, ...fix.edits]) !== undefined) {
          edits.push(...fix.edits);
          taken++;
        }
      }
      const after = edits.length ? applyEdits(text, edits) : undefined;
      if (after === undefined) continue;
      const rerun = await lintSources(
        inputs.map((i) => (i === input ? { ...i, content: { ok: true as const, text: after } } : i)),
        options,
        [],
        cache,
      );
      const now = rerun.findings.filter((f) => f.file === input.path);
      const caused = CAUSED_BY_REWRITES.filter((r) => r !== rule && count(now, r) > count(findings, r));
      if (caused.length || count(now, rule) > count(findings, rule) - taken) {
        refused.push({
          path: input.path,
          reason: caused.length
            ? `${rule}: the rewrite would bring ${caused.join(', ')}`
            : `${rule}: the rewrite would not remove the finding`,
        });
        continue;
      }
      fixed += taken;
      text = after;
      findings = now;
      statements = rerun.migrations.filter((m) => m.file === input.path).flatMap(statementGroups);
      // the next rule's rewrite sees the file as this one left it (out of its transaction, say)
      migration = rerun.migrations.find((m) => m.file === input.path);
    }
    if (fixed > 0) fixes.push({ path: input.path, before, after: text, fixed });
  }
  return { fixes, refused };
}

/** A unified diff of one file's rewrite, named as the reports name it. */
export function unifiedDiff(shownPath: string, fix: FileFix): string {
  return createTwoFilesPatch(`a/${shownPath}`, `b/${shownPath}`, fix.before, fix.after, undefined, undefined, {
    context: 3,
  }).replace(/^=+\n/, '');
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
