/**
 * Packaging and the npm install paths, as users run them: the tarball `npm pack` made (once, in
 * test/global-setup.ts, through the package's real pack scripts) is served by a local npm registry
 * with its runtime dependencies, and installed by name and exact version into empty directories with
 * an empty npm cache — `npm install migration-lint@<version>`, and the GitLab job of
 * docs/integrations.md (`npx --yes migration-lint@<version>`) run as written.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type LocalRegistry, npmEnvFor, startLocalRegistry } from './helpers/local-registry.js';
import { REPO_ROOT, readYaml, tempDir, writeFiles } from './integrations/helpers.js';

interface PackageJson {
  name: string;
  version: string;
  bin: Record<string, string>;
  engines: { node: string };
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  files: string[];
}
const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as PackageJson;

/** Runs a command asynchronously (the local registry answers from this process). */
function run(
  cmd: string,
  args: string[],
  cwd: string,
  env: Record<string, string>,
): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ status: code ?? 1, stdout, stderr }));
  });
}

describe('npm package', () => {
  let tarball: string;
  let files: string[];
  let registry: LocalRegistry;

  beforeAll(async () => {
    tarball = inject('packedTarball');
    files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((f) => f.replace(/^package\//, ''));
    registry = await startLocalRegistry(tarball);
  });
  afterAll(async () => {
    await registry.close();
  });

  it('ships the built CLI, the Action report step and docs, not sources, tests or fixtures', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'npm-shrinkwrap.json',
        'bin/migration-lint.js',
        'bin/load-bundle.js',
        'bin/package.json',
        'dist/migration-lint.cjs',
        'dist/cli/main.js',
        'dist/action/main.js',
        'dist/index.js',
        'dist/index.d.ts',
        'dist/parsers/sql/parse-sql.js',
      ]),
    );
    expect(
      files.filter(
        (f) => /^(src|test|fixtures|bench|node_modules|scripts)\//.test(f) || f.endsWith('.map') || f.endsWith('.tgz'),
      ),
    ).toEqual([]);
  });

  it("pins the runtime dependency tree this release was tested with, and nothing of the development tools'", () => {
    const shrinkwrap = JSON.parse(
      execFileSync('tar', ['-xzOf', tarball, 'package/npm-shrinkwrap.json'], { encoding: 'utf8' }),
    ) as {
      packages: Record<string, { version?: string; integrity?: string; dev?: boolean; devDependencies?: object }>;
    };
    const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as typeof shrinkwrap;
    const entries = Object.entries(shrinkwrap.packages).filter(([path]) => path !== '');
    for (const dep of Object.keys(pkg.dependencies))
      expect(shrinkwrap.packages[`node_modules/${dep}`]?.version).toBe(lock.packages[`node_modules/${dep}`]!.version);
    for (const dev of Object.keys(pkg.devDependencies))
      expect(shrinkwrap.packages[`node_modules/${dev}`]).toBeUndefined();
    expect(entries.filter(([, e]) => e.dev || !e.integrity).map(([p]) => p)).toEqual([]);
    expect(shrinkwrap.packages['']!.devDependencies).toBeUndefined();
  });

  it('`npm install migration-lint@<version>` into an empty project, then `npx migration-lint` lints a fixture', async () => {
    const app = tempDir('ml-pack-app-');
    const env = npmEnvFor(registry, tempDir('ml-npm-cache-'));
    writeFiles(app, { 'package.json': '{ "name": "shop", "private": true }\n' });
    const install = await run('npm', ['install', '--save-dev', `migration-lint@${pkg.version}`], app, env);
    expect(install.stderr).not.toMatch(/npm error/);
    expect(install.status).toBe(0);
    expect(registry.missing).toEqual([]);
    const fixture = join(REPO_ROOT, 'fixtures/sql/hand-written/003_order_shipping.sql');
    const r = await run('npx', ['--no-install', 'migration-lint', fixture], app, env);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/003_order_shipping\.sql:11:1 {2}error {2}adding-field-with-default/);
    expect(r.stdout).toMatch(/003_order_shipping\.sql:14:1 {2}error {2}require-concurrent-index-creation/);
    const version = await run('npx', ['--no-install', 'migration-lint', '--version'], app, env);
    expect(version.stdout.trim()).toBe(pkg.version);
    // the library entry point resolves too
    const lib = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "import('migration-lint').then((m) => console.log(typeof m.lintSources, m.ALL_RULES.length))",
      ],
      { cwd: app, encoding: 'utf8' },
    );
    expect(lib.stdout.trim()).toMatch(/^function \d+$/);
    expect(readdirSync(join(app, 'node_modules', 'migration-lint'))).not.toContain('src');
  });

  it('the GitLab job in docs/integrations.md runs as written and writes a Code Quality report', async () => {
    const docs = readFileSync(join(REPO_ROOT, 'docs/integrations.md'), 'utf8');
    const block = /```yaml\n(# \.gitlab-ci\.yml\n[\s\S]*?)```/.exec(docs)![1]!;
    const dir = tempDir('ml-gitlab-');
    writeFiles(dir, { '.gitlab-ci.yml': block });
    const job = (
      readYaml(join(dir, '.gitlab-ci.yml')) as Record<
        string,
        { script: string[]; artifacts: { reports: { codequality: string } } }
      >
    )['migration-lint']!;
    expect(job.script.join('\n')).toContain(`migration-lint@${pkg.version}`);
    writeFiles(dir, {
      'db/migrations/001_orders.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY, placed_at timestamptz);\n',
      'db/migrations/002_orders_placed_at.sql':
        '-- recent orders first\nCREATE INDEX orders_placed_at_idx ON orders (placed_at);\n',
      'migration-lint.config.json': '{ "include": ["db/migrations/**"] }\n',
    });
    const env = npmEnvFor(registry, tempDir('ml-npm-cache-'));
    const [report, gate] = job.script;
    const first = await run('bash', ['-eo', 'pipefail', '-c', report!], dir, env);
    expect(first.stderr).not.toMatch(/npm error/);
    expect(first.status).toBe(0);
    const issues = JSON.parse(readFileSync(join(dir, job.artifacts.reports.codequality), 'utf8')) as {
      check_name: string;
      location: { path: string; lines: { begin: number } };
    }[];
    expect(issues.map((i) => `${i.location.path}:${i.location.lines.begin} ${i.check_name}`)).toContain(
      'db/migrations/002_orders_placed_at.sql:2 require-concurrent-index-creation',
    );
    // the second line fails the job on errors
    expect((await run('bash', ['-eo', 'pipefail', '-c', gate!], dir, env)).status).toBe(1);
  });

  it('declares a Node range every runtime dependency supports', () => {
    const semver = createRequire(join(REPO_ROOT, 'package.json'))('semver') as {
      subset(a: string, b: string): boolean;
    };
    const unmet: string[] = [];
    for (const dep of Object.keys(pkg.dependencies)) {
      const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', dep, 'package.json'), 'utf8')) as {
        engines?: { node?: string };
      };
      const engines = manifest.engines;
      if (engines?.node && !semver.subset(pkg.engines.node, engines.node))
        unmet.push(`${dep} needs node ${engines.node}`);
    }
    expect(unmet).toEqual([]);
    expect(semver.subset(pkg.engines.node, '>=20')).toBe(true);
  });
});
