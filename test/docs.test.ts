/** Generated and hand-written docs stay true: docs/rules.md matches the rules, README's claims hold. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readmeRulesTable, rulesReference } from '../src/rules/explain.js';
import { ALL_RULES } from '../src/rules/index.js';
import { REPO_ROOT } from './integrations/helpers.js';

const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');

describe('docs', () => {
  it('docs/rules.md is generated from the current rules (run `npm run docs` if this fails)', () => {
    expect(read('docs/rules.md')).toBe(rulesReference(ALL_RULES));
  });

  it("README's rule table is generated from the current rules (run `npm run docs` if this fails)", () => {
    const table = /<!-- rules:start[^>]*-->\n([\s\S]*?)\n<!-- rules:end -->/.exec(read('README.md'));
    expect(table?.[1]).toBe(readmeRulesTable(ALL_RULES));
  });

  it('README opens with the two commands, lists every rule and links the other docs', () => {
    const readme = read('README.md');
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)![1]!;
    expect(firstBlock).toMatch(/^npm ci && npx migration-lint fixtures\//m);
    expect(firstBlock).toMatch(/^npm test\b/m);
    expect(readme.indexOf('```sh')).toBeLessThan(readme.indexOf('\n## '));
    for (const rule of ALL_RULES) expect(readme, rule.meta.id).toContain(`\`${rule.meta.id}\``);
    for (const doc of [
      'docs/rules.md',
      'docs/typescript-frameworks.md',
      'docs/alembic.md',
      'docs/trace.md',
      'docs/integrations.md',
    ])
      expect(readme).toContain(`](${doc})`);
  });

  it('every `trace --database-url` example connects as the unprivileged role docs/trace.md creates, never as a superuser', () => {
    const examples = ['README.md', 'docs/trace.md', 'docs/integrations.md', 'action.yml'].flatMap((doc) =>
      [...read(doc).matchAll(/--database-url\s+(postgres(?:ql)?:\/\/\S+)/g)].map((m) => ({ doc, url: new URL(m[1]!) })),
    );
    expect(examples.length).toBeGreaterThan(0);
    for (const { doc, url } of examples) expect(`${doc}: ${url.username}`).toBe(`${doc}: migration_lint_trace`);
  });

  it('README documents every field of the JSON output', () => {
    const readme = read('README.md');
    for (const field of [
      'version',
      'findings',
      'summary',
      'rule',
      'severity',
      'file',
      'line',
      'column',
      'endLine',
      'endColumn',
      'message',
      'help',
      'lock',
      'direction',
      'revision',
      'filesByFormat',
    ])
      expect(readme, field).toContain(`\`${field}\``);
  });
});
