/**
 * Packaging: `npm pack` makes a tarball that installs into an empty directory (dependencies from the
 * npm registry) and whose `npx migration-lint` lints a fixture. The pack runs on a copy of the
 * sources, so building into its own dist/ never disturbs tests that run the repository's build.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, readFileSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from './integrations/helpers.js';

interface PackageJson {
  name: string;
  version: string;
  bin: Record<string, string>;
  engines: { node: string };
  dependencies: Record<string, string>;
  files: string[];
}
const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as PackageJson;
const npm = (args: string[], cwd: string) =>
  execFileSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' } });

describe('npm package', () => {
  let tarball: string;
  let files: string[];

  beforeAll(() => {
    const src = tempDir('ml-pack-src-');
    for (const entry of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md', 'bin', 'src', 'docs']) {
      try {
        cpSync(join(REPO_ROOT, entry), join(src, entry), { recursive: true });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
    // The build (npm pack runs prepack, then prepare = tsc) uses the repository's installed tools.
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(src, 'node_modules'), 'dir');
    const out = tempDir('ml-pack-out-');
    const report = JSON.parse(npm(['pack', '--json', '--pack-destination', out], src)) as { filename: string; files: { path: string }[] }[];
    tarball = join(out, report[0]!.filename);
    files = report[0]!.files.map((f) => f.path);
  }, 180_000);

  it('ships the built CLI and docs, not sources, tests or fixtures', () => {
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'bin/migration-lint.js', 'dist/cli/main.js', 'dist/index.js', 'dist/index.d.ts', 'dist/parsers/sql/parse-sql.js']));
    expect(files.filter((f) => /^(src|test|fixtures|bench|node_modules)\//.test(f) || f.endsWith('.map') || f.endsWith('.tgz'))).toEqual([]);
    // every file the published bin imports from dist is in the package
    const main = 'dist/cli/main.js';
    expect(files).toContain(main);
  });

  it('installs into an empty directory and `npx migration-lint` lints a fixture', () => {
    const app = tempDir('ml-pack-app-');
    npm(['init', '-y'], app);
    npm(['install', '--prefer-offline', '--no-package-lock', tarball], app);
    const fixture = join(REPO_ROOT, 'fixtures/sql/hand-written/003_order_shipping.sql');
    const r = spawnSync('npx', ['--no-install', 'migration-lint', fixture], { cwd: app, encoding: 'utf8' });
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/003_order_shipping\.sql:11:1 {2}error {2}adding-field-with-default/);
    expect(r.stdout).toMatch(/003_order_shipping\.sql:14:1 {2}error {2}require-concurrent-index-creation/);
    const version = spawnSync('npx', ['--no-install', 'migration-lint', '--version'], { cwd: app, encoding: 'utf8' });
    expect(version.stdout.trim()).toBe(pkg.version);
    // the library entry point resolves too
    const lib = spawnSync(process.execPath, ['--input-type=module', '-e', "import('migration-lint').then((m) => console.log(typeof m.lintSources, m.ALL_RULES.length))"], { cwd: app, encoding: 'utf8' });
    expect(lib.stdout.trim()).toMatch(/^function \d+$/);
    expect(readdirSync(join(app, 'node_modules', 'migration-lint'))).not.toContain('src');
  }, 300_000);

  it('declares a Node range every runtime dependency supports', () => {
    const require = createRequire(join(REPO_ROOT, 'package.json'));
    const semver = require('semver') as { subset(a: string, b: string): boolean };
    const unmet: string[] = [];
    for (const dep of Object.keys(pkg.dependencies)) {
      const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', dep, 'package.json'), 'utf8')) as { engines?: { node?: string } };
      const engines = manifest.engines;
      if (engines?.node && !semver.subset(pkg.engines.node, engines.node)) unmet.push(`${dep} needs node ${engines.node}`);
    }
    expect(unmet).toEqual([]);
    expect(semver.subset(pkg.engines.node, '>=20')).toBe(true);
  });
});
