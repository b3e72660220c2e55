/**
 * Builds and packs migration-lint once per test run, before any test file starts, instead of each
 * test that needs it running tsc under its own time budget:
 *
 * - `npm pack` (its real prepack/prepare/postpack scripts: clean dist, tsc, npm-shrinkwrap.json) on
 *   a copy of the sources, giving the tarball that the packaging, Action and install-path tests
 *   install, as the published package;
 * - that build's `dist/` is copied into the repository, for the tests that run `bin/migration-lint.js`.
 *
 * Both are cached under node_modules/.cache by a hash of everything that goes into the package, so a
 * re-run with unchanged sources reuses them.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** What `npm pack` reads: the sources, the build config and the package's own files. */
const PACKAGE_INPUTS = [
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'README.md',
  'bin',
  'src',
  'docs',
  'scripts/shrinkwrap.mjs',
  'scripts/bundle-cli.mjs',
];

declare module 'vitest' {
  export interface ProvidedContext {
    /** Absolute path of the packed migration-lint-<version>.tgz. */
    packedTarball: string;
  }
}

function filesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => filesUnder(join(path, name)));
}

function inputsHash(): string {
  const hash = createHash('sha256');
  for (const file of PACKAGE_INPUTS.flatMap((p) => filesUnder(join(ROOT, p)))) {
    hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

function packOnce(): string {
  const cacheRoot = join(ROOT, 'node_modules', '.cache', 'migration-lint-tests');
  const done = join(cacheRoot, `pack-${inputsHash()}`);
  if (!existsSync(join(done, 'dist', 'cli', 'main.js'))) {
    mkdirSync(cacheRoot, { recursive: true });
    for (const old of readdirSync(cacheRoot)) rmSync(join(cacheRoot, old), { recursive: true, force: true });
    const work = join(cacheRoot, `.work-${process.pid}`);
    const src = join(work, 'src');
    for (const entry of PACKAGE_INPUTS)
      if (existsSync(join(ROOT, entry))) cpSync(join(ROOT, entry), join(src, entry), { recursive: true });
    // The build (prepare = tsc) uses the repository's installed tools.
    symlinkSync(join(ROOT, 'node_modules'), join(src, 'node_modules'), 'dir');
    const out = join(work, 'out');
    mkdirSync(out);
    execFileSync('npm', ['pack', '--pack-destination', out, '--loglevel=error'], {
      cwd: src,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, npm_config_update_notifier: 'false' },
    });
    mkdirSync(join(work, 'result'));
    for (const name of readdirSync(out)) renameSync(join(out, name), join(work, 'result', name));
    renameSync(join(src, 'dist'), join(work, 'result', 'dist'));
    renameSync(join(work, 'result'), done);
    rmSync(work, { recursive: true, force: true });
  }
  rmSync(join(ROOT, 'dist'), { recursive: true, force: true });
  cpSync(join(done, 'dist'), join(ROOT, 'dist'), { recursive: true });
  const tarball = readdirSync(done).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack left no tarball in ${done}`);
  return join(done, tarball);
}

export default function setup(project: TestProject): void {
  project.provide('packedTarball', packOnce());
}
