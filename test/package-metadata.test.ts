/**
 * The package's identity lives in package.json alone (src/version.ts reads it): the repository,
 * homepage and bug tracker, and the rule docs links that SARIF (and the terminal) print point at a
 * section that exists in this release's docs/rules.md.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_RULES } from '../src/rules/index.js';
import { BUGS_URL, DOCS_BASE_URL, HOMEPAGE, REPOSITORY_URL, ruleDocsUrl, VERSION } from '../src/version.js';
import { REPO_ROOT } from './integrations/helpers.js';

const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  version: string;
  homepage: string;
  repository: { type: string; url: string };
  bugs: { url: string };
};

describe('package metadata', () => {
  it('package.json names the GitHub repository, homepage and bug tracker that src/version.ts exports', () => {
    expect(pkg.repository).toEqual({ type: 'git', url: 'git+https://github.com/migration-lint/migration-lint.git' });
    expect(REPOSITORY_URL).toBe('https://github.com/migration-lint/migration-lint');
    expect(HOMEPAGE).toBe(pkg.homepage);
    expect(HOMEPAGE.startsWith(REPOSITORY_URL)).toBe(true);
    expect(BUGS_URL).toBe(`${REPOSITORY_URL}/issues`);
    expect(VERSION).toBe(pkg.version);
  });

  it("rule docs links point at this version's tag and at a heading docs/rules.md has", () => {
    expect(DOCS_BASE_URL).toBe(`${REPOSITORY_URL}/blob/v${pkg.version}/docs`);
    const headings = new Set(
      [...readFileSync(join(REPO_ROOT, 'docs/rules.md'), 'utf8').matchAll(/^## (\S+)$/gm)].map((m) => m[1]),
    );
    for (const rule of ALL_RULES) {
      const url = ruleDocsUrl(rule.meta.id);
      expect(url).toBe(`${DOCS_BASE_URL}/rules.md#${rule.meta.id}`);
      // GitHub's anchor for a heading that is a lower-case id made of letters and dashes is the id
      expect(rule.meta.id).toMatch(/^[a-z0-9-]+$/);
      expect(headings.has(rule.meta.id), `docs/rules.md has no "## ${rule.meta.id}"`).toBe(true);
    }
  });
});

describe('install paths in the docs', () => {
  const docs = ['README.md', 'docs/integrations.md'].map((f) => readFileSync(join(REPO_ROOT, f), 'utf8')).join('\n');
  const major = `v${pkg.version.split('.')[0]}`;

  it("pin this release's exact version, never a bare package name", () => {
    expect(docs).toContain(`npm install --save-dev migration-lint@${pkg.version}`);
    expect(docs).toContain(`npx --yes migration-lint@${pkg.version}`);
    expect(docs).toContain(`rev: v${pkg.version}`);
    expect(docs).toContain(`uses: migration-lint/migration-lint@${major}`);
    // `npx --yes migration-lint` without @version runs whatever is published under the name
    expect(
      docs.match(/npx --yes migration-lint(?!@)[^\n]*/g)?.filter((l) => !l.includes('runs whatever')) ?? [],
    ).toEqual([]);
    // any other pinned version is a leftover of an earlier release
    expect(
      [...docs.matchAll(/migration-lint@(\d+\.\d+\.\d+)/g)].map((m) => m[1]).filter((v) => v !== pkg.version),
    ).toEqual([]);
    expect([...docs.matchAll(/rev: v(\d+\.\d+\.\d+)/g)].map((m) => m[1]).filter((v) => v !== pkg.version)).toEqual([]);
  });
});
