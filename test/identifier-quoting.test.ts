/**
 * Identifier quoting must not depend on load order: a module that quotes identifiers gives the same,
 * correct answer whether or not the SQL parser (libpg-query's WASM) has been loaded yet. Checks every
 * module under src/ that exports a `quoteIdent`, right after import and again once the parser is loaded.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const QUOTING_MODULES = sourceFiles(SRC).filter((f) =>
  /export\s+(?:function\s+quoteIdent\b|const\s+quoteIdent\b)/.test(readFileSync(f, 'utf8')),
);

/** Reserved words, a capitalised name, and names Postgres reads back unchanged (`name` is an unreserved keyword). */
const CASES: readonly [string, string][] = [
  ['user', '"user"'],
  ['select', '"select"'],
  ['order', '"order"'],
  ['table', '"table"'],
  ['Users', '"Users"'],
  ['say "hi"', '"say ""hi"""'],
  ['plain_name', 'plain_name'],
  ['name', 'name'],
];

const dist = (file: string) => pathToFileURL(join(SRC, '..', 'dist', relative(SRC, file).replace(/\.ts$/, '.js'))).href;

/**
 * In a fresh Node process: each module's answers right after it is imported (libpg-query starts
 * loading its WASM on import and finishes later), then those of fresh copies once the parser is loaded.
 */
function answers(files: readonly string[]): { before: string[][]; after: string[][] } {
  const script = `
    const files = ${JSON.stringify(files.map(dist))};
    const names = ${JSON.stringify(CASES.map(([name]) => name))};
    const modules = await Promise.all(files.map((f) => import(f)));
    const before = modules.map((m) => names.map((n) => m.quoteIdent(n)));
    const { initSqlParser } = await import(${JSON.stringify(dist(join(SRC, 'parsers', 'sql', 'parse-sql.ts')))});
    await initSqlParser();
    const fresh = await Promise.all(files.map((f) => import(f + '?loaded')));
    const after = fresh.map((m) => names.map((n) => m.quoteIdent(n)));
    process.stdout.write(JSON.stringify({ before, after }));
  `;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })) as {
    before: string[][];
    after: string[][];
  };
}

describe('identifier quoting', () => {
  it('exists in one module of src/ir', () => {
    expect(QUOTING_MODULES.map((f) => relative(SRC, f).split('\\').join('/'))).toEqual([
      expect.stringMatching(/^ir\//),
    ]);
  });

  it('gives the same, correct answers before and after the SQL parser is loaded (runs dist/: npm run build)', () => {
    const expected = CASES.map(([, shown]) => shown);
    const { before, after } = answers(QUOTING_MODULES);
    QUOTING_MODULES.forEach((file, i) => {
      const name = relative(SRC, file);
      expect(before[i], `${name} right after import`).toEqual(expected);
      expect(after[i], `${name} once the parser is loaded`).toEqual(expected);
    });
  });
});
