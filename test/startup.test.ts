/**
 * Start-up cost: a run over SQL files must not load the TypeScript compiler, tree-sitter, PGlite,
 * pg or the language server libraries — they are imported only by the frontends and the `trace` and
 * `lsp` commands that need them — and `bin/` runs the bundled command line (scripts/bundle-cli.mjs),
 * a script compiled with the code cache the build made, which loads libpg-query only when it parses.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from './integrations/helpers.js';

const HEAVY =
  /node_modules\/(typescript|@typescript-eslint|web-tree-sitter|tree-sitter-python|@electric-sql\/pglite|pg|pg-[a-z]+|vscode-languageserver[a-z-]*|vscode-jsonrpc)\//;
const built = existsSync(join(REPO_ROOT, 'dist', 'cli', 'main.js'));
const BIN = join(REPO_ROOT, 'bin', 'migration-lint.js');

/** Runs bin/ with `args`, a git on PATH that logs its calls; the modules it loaded (ESM and require). */
function runLogged(args: string[], cwd = REPO_ROOT): { loaded: string[]; gitCalls: string[]; stdout: string } {
  const fakeBin = tempDir('ml-startup-');
  const log = join(fakeBin, 'git.log');
  const realGit = spawnSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).stdout.trim();
  writeFileSync(join(fakeBin, 'git'), `#!/bin/sh\necho "$@" >> '${log}'\nexec '${realGit}' "$@"\n`);
  chmodSync(join(fakeBin, 'git'), 0o755);
  const hook = pathToFileURL(join(REPO_ROOT, 'test', 'helpers', 'log-imports.mjs')).href;
  const r = spawnSync(
    process.execPath,
    [
      '--no-warnings',
      '--import',
      pathToFileURL(join(REPO_ROOT, 'test', 'helpers', 'log-requires.mjs')).href,
      '--experimental-loader',
      hook,
      BIN,
      ...args,
    ],
    { cwd, encoding: 'utf8', env: { ...process.env, PATH: `${fakeBin}:${process.env.PATH ?? ''}` } },
  );
  return {
    loaded: r.stderr
      .split('\n')
      .filter((l) => l.startsWith('IMPORT '))
      .map((l) => l.slice('IMPORT '.length)),
    gitCalls: existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [],
    stdout: r.stdout,
  };
}

const loadsLibpgQuery = (loaded: string[]) => loaded.some((u) => u.includes('/node_modules/libpg-query/'));

describe('start-up', () => {
  it.runIf(built)(
    'linting SQL loads none of the heavy dependencies',
    () => {
      const { loaded } = runLogged(['--format', 'json', 'fixtures/sql']);
      expect(loadsLibpgQuery(loaded)).toBe(true); // the hooks see packages
      expect(loaded.filter((u) => HEAVY.test(u))).toEqual([]);
    },
    60_000,
  );

  it.runIf(built)(
    'the command line runs its bundle, and a text or JSON run neither runs git nor loads the other reporters',
    () => {
      const { loaded, gitCalls } = runLogged(['--format', 'json', 'fixtures/sql']);
      expect(loaded).toContain(pathToFileURL(join(REPO_ROOT, 'bin', 'load-bundle.js')).href);
      // the bundle is compiled as one script: no module of dist/ (tsc's tree, about 150) is loaded
      expect(loaded.filter((u) => u.includes('/dist/'))).toEqual([]);
      // git answers only the CI formats' question (the repository root)
      expect(gitCalls).toEqual([]);
      expect(runLogged(['--format', 'github', 'fixtures/sql']).gitCalls).not.toEqual([]);
    },
    60_000,
  );

  it.runIf(built && existsSync(join(REPO_ROOT, 'fixtures', 'knex')))(
    'a TypeScript/JavaScript migration does load its parser (the check above can fail)',
    () => {
      const { loaded } = runLogged(['--format', 'json', 'fixtures/knex']);
      expect(loaded.some((u) => /node_modules\/@typescript-eslint\//.test(u))).toBe(true);
    },
    60_000,
  );

  it.runIf(built)(
    'a command that parses no SQL does not load libpg-query, nor does a run whose report the cache holds',
    () => {
      expect(loadsLibpgQuery(runLogged(['rules']).loaded)).toBe(false);
      expect(loadsLibpgQuery(runLogged(['explain', 'require-lock-timeout']).loaded)).toBe(false);
      expect(loadsLibpgQuery(runLogged(['--help']).loaded)).toBe(false);
      const cache = tempDir('ml-startup-cache-');
      const cached = ['--format', 'json', '--cache', '--cache-location', cache, join(REPO_ROOT, 'fixtures', 'sql')];
      const first = runLogged(cached);
      expect(loadsLibpgQuery(first.loaded)).toBe(true);
      const second = runLogged(cached);
      expect(loadsLibpgQuery(second.loaded)).toBe(false);
      expect(second.stdout).toBe(first.stdout);
    },
    60_000,
  );

  /** bin/'s run of `args` with the bundle compiled from its source only (no code cache). */
  function runWithoutCodeCache(args: string[], cwd: string) {
    const loader = JSON.stringify(join(REPO_ROOT, 'bin', 'load-bundle.js'));
    return spawnSync(
      process.execPath,
      [
        '-e',
        `const { exports: m } = require(${loader}).loadBundle({ useCodeCache: false }); m.run(process.argv.slice(1), m.processIO()).then((c) => { process.exitCode = c; });`,
        '--',
        ...args,
      ],
      { cwd, encoding: 'utf8' },
    );
  }

  it.runIf(built && existsSync(join(REPO_ROOT, 'dist', 'migration-lint.cjs.v8cache')))(
    'V8 accepts the code cache the build made, and a run without it prints the same',
    () => {
      const check = spawnSync(process.execPath, [
        '-e',
        `require(${JSON.stringify(join(REPO_ROOT, 'bin', 'load-bundle.js'))}).checkCodeCache()`,
      ]);
      expect(check.status).toBe(0);
      for (const fixture of ['fixtures/sql', 'fixtures/knex', 'fixtures/alembic'].filter((f) =>
        existsSync(join(REPO_ROOT, f)),
      )) {
        const withCache = spawnSync(process.execPath, [BIN, '--format', 'json', fixture], {
          cwd: REPO_ROOT,
          encoding: 'utf8',
        });
        const without = runWithoutCodeCache(['--format', 'json', fixture], REPO_ROOT);
        expect(without.stdout, fixture).toBe(withCache.stdout);
        expect(without.status, fixture).toBe(withCache.status);
        expect(JSON.parse(withCache.stdout), fixture).toMatchObject({ version: 1 });
      }
    },
    60_000,
  );

  it.runIf(built && existsSync(join(REPO_ROOT, 'dist', 'migration-lint.cjs.v8cache')))(
    'a code cache V8 rejects (another Node, or damaged) is ignored: the bundle compiles from source, same output',
    () => {
      // A copy of the installed command line with the cache's bytes damaged.
      const copy = tempDir('ml-startup-cache-');
      for (const dir of ['bin', 'dist']) mkdirSync(join(copy, dir));
      for (const f of ['bin/migration-lint.js', 'bin/load-bundle.js', 'bin/package.json', 'dist/migration-lint.cjs'])
        copyFileSync(join(REPO_ROOT, f), join(copy, f));
      copyFileSync(join(REPO_ROOT, 'package.json'), join(copy, 'package.json'));
      symlinkSync(join(REPO_ROOT, 'node_modules'), join(copy, 'node_modules'));
      const cache = readFileSync(join(REPO_ROOT, 'dist', 'migration-lint.cjs.v8cache'));
      for (let i = 64; i < cache.length; i += 4096) cache[i] = cache[i]! ^ 0xff;
      writeFileSync(join(copy, 'dist', 'migration-lint.cjs.v8cache'), cache);
      const rejected = spawnSync(process.execPath, [
        '-e',
        `process.exitCode = require(${JSON.stringify(join(copy, 'bin', 'load-bundle.js'))}).loadBundle().cacheRejected ? 3 : 0`,
      ]);
      expect(rejected.status).toBe(3);
      const args = ['--format', 'json', join(REPO_ROOT, 'fixtures', 'sql')];
      const damaged = spawnSync(process.execPath, [join(copy, 'bin', 'migration-lint.js'), ...args], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
      });
      const intact = spawnSync(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, encoding: 'utf8' });
      expect(damaged.stderr).toBe('');
      expect(damaged.stdout).toBe(intact.stdout);
      expect(damaged.status).toBe(intact.status);
    },
    60_000,
  );

  it.runIf(built)(
    'the bundled command line replaces a parser instance that overflowed (from the WASM module it compiled)',
    () => {
      const dir = tempDir('ml-startup-overflow-');
      const names: string[] = [];
      for (let i = 0; i < 10; i++) {
        const name = join(dir, `00${i}_chain.sql`);
        writeFileSync(
          name,
          `SELECT ${Array(60_000).fill('x').join(' * ')};\nCREATE INDEX orders_total_idx ON orders (total);\n`,
        );
        names.push(name);
      }
      const r = spawnSync(process.execPath, [BIN, '--format', 'json', ...names], { cwd: dir, encoding: 'utf8' });
      const findings = (JSON.parse(r.stdout) as { findings: { file: string; rule: string; message: string }[] })
        .findings;
      for (const name of names) {
        const mine = findings.filter((f) => join(dir, f.file) === name || f.file === name);
        expect(mine.find((f) => f.rule === 'parse-error')?.message, name).toMatch(/nested too deeply/);
        expect(
          mine.map((f) => f.rule),
          name,
        ).toContain('require-concurrent-index-creation');
      }
    },
    60_000,
  );
});
