/**
 * Squawk (squawk-cli, a native binary in per-platform npm packages) for the benchmark and the
 * Squawk-parity tests. It is not a devDependency: its lockfile entries would need every platform's
 * binary package, so it is installed on demand, at one pinned version, into a cache directory
 * outside the project (`$MIGRATION_LINT_SQUAWK_DIR`, else `$XDG_CACHE_HOME/migration-lint` or
 * `~/.cache/migration-lint`).
 *
 *   node scripts/squawk.mjs            installs it (needs the npm registry, or npm's cache)
 *   node scripts/squawk.mjs --offline  installs it from npm's cache only
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SQUAWK_VERSION = '2.66.0';

export function squawkDir() {
  if (process.env.MIGRATION_LINT_SQUAWK_DIR) return resolve(process.env.MIGRATION_LINT_SQUAWK_DIR);
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cache, 'migration-lint', `squawk-cli-${SQUAWK_VERSION}`);
}

/** The native binary's path inside an install directory (what `npx squawk` spawns, minus Node). */
function binaryIn(dir) {
  const name = process.platform === 'win32' ? 'squawk.exe' : 'squawk';
  return join(dir, 'node_modules', '@squawk-cli', `${process.platform}-${process.arch}`, 'bin', name);
}

/**
 * The Squawk binary, installed first when `install` says how (`'online'` or `'offline'`, npm's cache
 * only). Returns `{ binary }`, or `{ reason }` saying why it is not available.
 */
export function findSquawk({ install } = {}) {
  const dir = squawkDir();
  if (existsSync(binaryIn(dir))) return { binary: binaryIn(dir), version: SQUAWK_VERSION };
  if (!install)
    return { reason: `squawk-cli ${SQUAWK_VERSION} is not installed in ${dir} (node scripts/squawk.mjs installs it)` };
  // Installed into a fresh directory, then renamed into place: concurrent callers never see half an install.
  const parent = resolve(dir, '..');
  mkdirSync(parent, { recursive: true });
  const staging = mkdtempSync(join(parent, '.squawk-install-'));
  const args = [
    'install',
    '--prefix',
    staging,
    '--no-save',
    '--no-package-lock',
    '--no-audit',
    '--no-fund',
    '--loglevel=error',
    `squawk-cli@${SQUAWK_VERSION}`,
  ];
  if (install === 'offline') args.push('--offline');
  const r = spawnSync('npm', args, {
    encoding: 'utf8',
    env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fetch_retries: '0' },
  });
  if (r.status === 0 && existsSync(binaryIn(staging))) {
    try {
      renameSync(staging, dir);
    } catch {
      rmSync(staging, { recursive: true, force: true }); // another process won the race
    }
    if (existsSync(binaryIn(dir))) return { binary: binaryIn(dir), version: SQUAWK_VERSION };
  }
  rmSync(staging, { recursive: true, force: true });
  const why =
    (r.stderr || r.stdout || '')
      .trim()
      .split('\n')
      .find((l) => l.trim()) ?? `npm exited with ${r.status}`;
  return {
    reason: `squawk-cli ${SQUAWK_VERSION} could not be installed${install === 'offline' ? ' from the npm cache (offline)' : ''}: ${why}`,
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const found = findSquawk({ install: process.argv.includes('--offline') ? 'offline' : 'online' });
  if (found.binary) console.log(`squawk-cli ${SQUAWK_VERSION}: ${found.binary}`);
  else {
    console.error(found.reason);
    process.exit(1);
  }
}
