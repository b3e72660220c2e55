/**
 * Files linted for context only (`--since`, and the language server's files of a set that the editor
 * does not show) feed the schema state without their per-migration rules running. What the wanted
 * files get must not change: for every bundled fixture directory and every file of it, linting the
 * directory with only that file wanted gives that file exactly the findings of the whole run.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverFiles } from '../src/files/discover.js';
import { DEFAULT_OPTIONS, type SourceInput } from '../src/linter.js';
import { lintParsed } from '../src/lint-core.js';
import { parseSources } from '../src/parsers/parse-sources.js';
import { EXTENSIONS } from '../src/parsers/registry.js';
import { REPO_ROOT } from './integrations/helpers.js';

const byDirectory = new Map<string, string[]>();
for (const path of discoverFiles([join(REPO_ROOT, 'fixtures')], EXTENSIONS))
  byDirectory.set(dirname(path), [...(byDirectory.get(dirname(path)) ?? []), path]);

describe('context-only files', () => {
  it('leave the findings of the wanted file unchanged, in every fixture directory', async () => {
    const options = { ...DEFAULT_OPTIONS, checkDowngrade: true };
    let compared = 0;
    let skippedRules = 0;
    for (const [dir, paths] of byDirectory) {
      const files = paths.map((path) => ({ path, text: readFileSync(path, 'utf8') }));
      const parsed = await parseSources(files, {
        assumeInTransaction: options.assumeInTransaction,
        dialect: options.dialect,
      });
      // each run stamps its own copies (as the language server's memory cache hands them out)
      const copy = () => parsed.map((o) => (Array.isArray(o) ? o.map((m) => ({ ...m })) : o));
      const inputs: SourceInput[] = files.map((f) => ({ path: f.path, content: { ok: true, text: f.text } }));
      const whole = await lintParsed(inputs, copy(), options, [], (p) => p);
      for (const wanted of paths) {
        const alone = await lintParsed(
          inputs.map((i) => (i.path === wanted ? i : { ...i, contextOnly: true })),
          copy(),
          options,
          [],
          (p) => p,
        );
        const of = (findings: typeof whole.findings) => findings.filter((f) => f.file === wanted);
        expect(of(alone.findings), `${wanted} in ${dir}`).toEqual(of(whole.findings));
        compared += of(whole.findings).length;
        // the other files' own findings were not looked for (only run-level ones remain)
        skippedRules += whole.findings.length - alone.findings.length - of(whole.findings).length;
      }
    }
    expect(compared).toBeGreaterThan(100);
    expect(skippedRules).toBeGreaterThan(100);
  });
});
