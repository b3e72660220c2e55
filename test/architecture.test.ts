/**
 * The layers of src/, as folders, and the direction imports may go: a module imports only from its own
 * top folder or from a lower layer. Folders in the same layer are independent of each other (parsers
 * never import rules, nor rules parsers). Every import form counts: static, `export … from`, type-only
 * and dynamic `import()`. CONTRIBUTING.md describes the same layers.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ALL_RULES } from '../src/rules/index.js';
import { isRule, type Rule } from '../src/rules/types.js';
import { TRACE_RULES } from '../src/trace/findings.js';

const SRC = resolve(import.meta.dirname, '../src');

/** Lowest first. A top-level file is named without `.ts` (`linter` is src/linter.ts). */
const LAYERS: readonly (readonly string[])[] = [
  // the operation IR, and leaf utilities with no project imports
  ['ir', 'package-identity', 'files', 'git'],
  ['version'],
  // facts computed over the IR: schema state, transactions, lock modes, the revision graph
  ['analysis'],
  // frontends (files → IR) and rules (IR → findings): neither knows the other
  ['parsers', 'rules'],
  // runs the rules over the migrations of a set
  ['engine'],
  // what happens to findings after the engine: suppression comments, baselines
  ['suppressions', 'baseline'],
  // the pipeline after parsing (shared with the browser playground), then the Node pipeline (workers,
  // caches) and the browser's entry
  ['lint-core'],
  ['cache'],
  ['linter', 'core'],
  // outputs and settings
  ['report', 'config'],
  ['trace', 'fix'],
  ['lsp'],
  // entry points
  ['cli'],
  ['index', 'action'],
];

/** Folders whose files only their own folder may import: rule helpers are not an API for other layers. */
const PRIVATE: readonly string[] = ['rules/support'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** `rules/index.ts` → `rules`; `linter.ts` → `linter`. */
function topOf(file: string): string {
  const parts = relative(SRC, file).split(sep);
  const [first = ''] = parts;
  return parts.length === 1 ? first.replace(/\.ts$/, '') : first;
}

function layerOf(top: string): number {
  return LAYERS.findIndex((layer) => layer.includes(top));
}

/** Every relative module a file imports, in any form, resolved to its .ts path under src/. */
function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return importedFiles
    .map((f) => f.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
}

interface Edge {
  from: string;
  to: string;
}

function edges(): Edge[] {
  return sourceFiles(SRC).flatMap((file) => importsOf(file).map((to) => ({ from: file, to })));
}

const shown = (e: Edge) => `${relative(SRC, e.from)} → ${relative(SRC, e.to)}`;

/** Why an import breaks the layering, or undefined when it is allowed. */
function violation(e: Edge): string | undefined {
  const from = topOf(e.from);
  const to = topOf(e.to);
  for (const folder of PRIVATE) {
    const inside = (f: string) => relative(SRC, f).split(sep).join('/').startsWith(`${folder}/`);
    const [owner = folder] = folder.split('/');
    if (inside(e.to) && !inside(e.from) && from !== owner) return `${folder} is private to ${owner}`;
  }
  if (from === to) return undefined;
  const a = layerOf(from);
  const b = layerOf(to);
  if (a === -1) return `src/${from} has no layer in test/architecture.test.ts`;
  if (b === -1) return `src/${to} has no layer in test/architecture.test.ts`;
  if (a === b) return `${from} and ${to} are in the same layer and must not depend on each other`;
  if (a < b) return `${from} is below ${to}`;
  return undefined;
}

describe('layers', () => {
  it('every top-level folder and file of src/ has a layer', () => {
    const tops = [...new Set(sourceFiles(SRC).map(topOf))].sort();
    expect(tops.filter((t) => layerOf(t) === -1)).toEqual([]);
    // and every layer entry exists, so the list stays the real tree
    expect(LAYERS.flat().filter((t) => !tops.includes(t))).toEqual([]);
  });

  it('no import goes against the layers', () => {
    const all = edges();
    // the walk sees the real imports (so an empty list below is not a parsing failure)
    expect(all.map(shown)).toEqual(
      expect.arrayContaining([
        'engine/lint.ts → analysis/schema-state.ts',
        'rules/multiple-heads.ts → analysis/revision-graph.ts',
        'lint-core.ts → engine/lint.ts',
      ]),
    );
    const wrong = all.flatMap((e) => {
      const why = violation(e);
      return why ? [`${shown(e)}: ${why}`] : [];
    });
    expect(wrong).toEqual([]);
  });

  it('the check sees every import form and names the offending edge', () => {
    const file = join(SRC, 'rules', 'example.ts');
    const text = [
      "import type { Finding } from '../engine/types.js';",
      "export { lintSources } from '../linter.js';",
      "const late = () => import('../cli/main.js');",
      "import { parseFile } from '../parsers/registry.js';",
      "import { tableKey } from '../analysis/schema-state.js';",
    ].join('\n');
    const specs = ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
    const found = specs.map((spec) => ({ from: file, to: resolve(dirname(file), spec.replace(/\.js$/, '.ts')) }));
    expect(found.map((e) => `${shown(e)}: ${violation(e) ?? 'ok'}`)).toEqual([
      'rules/example.ts → engine/types.ts: rules is below engine',
      'rules/example.ts → linter.ts: rules is below linter',
      'rules/example.ts → cli/main.ts: rules is below cli',
      'rules/example.ts → parsers/registry.ts: rules and parsers are in the same layer and must not depend on each other',
      'rules/example.ts → analysis/schema-state.ts: ok',
    ]);
    expect(
      violation({ from: join(SRC, 'trace', 'findings.ts'), to: join(SRC, 'rules', 'support', 'helpers.ts') }),
    ).toBe('rules/support is private to rules');
  });
});

describe('rules and the finding kinds that are not rules', () => {
  it('only the kinds the pipeline files itself lack create and checkRun', () => {
    const notRules = ALL_RULES.filter((k) => !isRule(k)).map((k) => k.meta.id);
    expect(notRules.sort()).toEqual(['io-error', 'parse-error', 'suppression-missing-reason', 'unused-suppression']);
    expect(TRACE_RULES.filter(isRule)).toEqual([]);
  });

  it('a Rule without create or checkRun does not type-check (npm run typecheck)', () => {
    const meta = ALL_RULES[0]?.meta;
    if (!meta) throw new Error('no rules');
    // @ts-expect-error a rule must visit ops (create) or judge the run (checkRun)
    const bare: Rule = { meta };
    expect(isRule(bare)).toBe(false);
  });
});
