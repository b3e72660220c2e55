/**
 * Start-up cost: a run over SQL files must not load the TypeScript compiler, tree-sitter, PGlite,
 * pg or the language server libraries — they are imported only by the frontends and the `trace` and
 * `lsp` commands that need them — and `bin/` runs the bundled command line (scripts/bundle-cli.mjs).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './integrations/helpers.js';

const HEAVY =
  /node_modules\/(typescript|@typescript-eslint|web-tree-sitter|tree-sitter-python|@electric-sql\/pglite|pg|pg-[a-z]+|vscode-languageserver[a-z-]*|vscode-jsonrpc)\//;
const built = existsSync(join(REPO_ROOT, 'dist', 'cli', 'main.js'));

function importsOf(args: string[]): string[] {
  const hook = pathToFileURL(join(REPO_ROOT, 'test', 'helpers', 'log-imports.mjs')).href;
  const r = spawnSync(
    process.execPath,
    ['--no-warnings', '--experimental-loader', hook, join(REPO_ROOT, 'bin', 'migration-lint.js'), ...args],
    { cwd: REPO_ROOT, encoding: 'utf8' },
  );
  return r.stderr
    .split('\n')
    .filter((l) => l.startsWith('IMPORT '))
    .map((l) => l.slice('IMPORT '.length));
}

describe('start-up', () => {
  it.runIf(built)(
    'linting SQL loads none of the heavy dependencies',
    () => {
      const loaded = importsOf(['--format', 'json', 'fixtures/sql']);
      expect(loaded.some((u) => u.includes('libpg-query'))).toBe(true); // the hook sees packages
      expect(loaded.filter((u) => HEAVY.test(u))).toEqual([]);
    },
    60_000,
  );

  it.runIf(built)(
    'the command line runs its bundle, and a text or JSON run neither runs git nor loads the other reporters',
    () => {
      const loaded = importsOf(['--format', 'json', 'fixtures/sql']);
      const ours = loaded.filter((u) => u.includes('/dist/'));
      expect(ours).toContain(pathToFileURL(join(REPO_ROOT, 'dist', 'migration-lint.js')).href);
      // a few bundle files, not dist/'s module tree (about 150 modules)
      expect(ours.length).toBeLessThan(30);
      expect(ours.filter((u) => /\/dist\/(cli|rules|parsers|report)\//.test(u))).toEqual([]);
      // git answers only the CI formats' question (the repository root)
      expect(loaded).not.toContain('node:child_process');
      expect(importsOf(['--format', 'github', 'fixtures/sql'])).toContain('node:child_process');
    },
    60_000,
  );

  it.runIf(built && existsSync(join(REPO_ROOT, 'fixtures', 'knex')))(
    'a TypeScript/JavaScript migration does load its parser (the check above can fail)',
    () => {
      const loaded = importsOf(['--format', 'json', 'fixtures/knex']);
      expect(loaded.some((u) => /node_modules\/@typescript-eslint\//.test(u))).toBe(true);
    },
    60_000,
  );
});
