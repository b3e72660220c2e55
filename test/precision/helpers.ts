/** Lints a directory of the precision fixtures the way the CLI does (discovery, run order, every rule). */
import { join } from 'node:path';
import { discoverFiles } from '../../src/files/discover.js';
import { readSource } from '../../src/files/read.js';
import type { Finding } from '../../src/engine/types.js';
import { DEFAULT_OPTIONS, type LinterOptions, lintSources } from '../../src/linter.js';
import { EXTENSIONS } from '../../src/parsers/registry.js';

export const FIXTURES = join(import.meta.dirname, 'fixtures');

export async function lintFixtures(dir: string, options: Partial<LinterOptions> = {}): Promise<Finding[]> {
  const files = discoverFiles([join(FIXTURES, dir)], EXTENSIONS);
  const result = await lintSources(
    files.map((path) => ({ path, content: readSource(path) })),
    { ...DEFAULT_OPTIONS, ...options },
  );
  return result.findings;
}

/** `file:line rule` for the findings of the given rules, file names without their directory. */
export function pinned(findings: Finding[], rules: string[]): string[] {
  return findings.filter((f) => rules.includes(f.rule)).map((f) => `${f.file.split('/').pop()}:${f.line} ${f.rule}`);
}
