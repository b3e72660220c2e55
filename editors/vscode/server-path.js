'use strict';
/**
 * Which migration-lint executable the extension starts: the configured path (absolute, or relative to
 * the workspace folder), else the workspace's own node_modules/.bin/migration-lint, so the editor runs
 * the version (and rules) the project pins. Kept free of the `vscode` module so it can be tested alone.
 */
const { existsSync, statSync } = require('node:fs');
const { isAbsolute, join, resolve } = require('node:path');

function isFile(path) {
  try {
    return existsSync(path) && statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * @param {string | undefined} configured the migrationLint.serverPath setting
 * @param {readonly string[]} folders the workspace folders' paths, first first
 * @param {NodeJS.Platform} platform
 * @returns {{ command: string } | { error: string }}
 */
function resolveServerPath(configured, folders, platform = process.platform) {
  if (configured && configured.trim() !== '') {
    const candidates = isAbsolute(configured) ? [configured] : folders.map((f) => resolve(f, configured));
    const found = candidates.find(isFile);
    return found
      ? { command: found }
      : {
          error: `migrationLint.serverPath is ${configured}, but there is no such file${isAbsolute(configured) ? '' : ' in the workspace folders'}.`,
        };
  }
  const name = platform === 'win32' ? 'migration-lint.cmd' : 'migration-lint';
  for (const folder of folders) {
    const local = join(folder, 'node_modules', '.bin', name);
    if (isFile(local)) return { command: local };
  }
  return {
    error:
      'migration-lint is not installed in this workspace (npm install --save-dev migration-lint), and migrationLint.serverPath is not set.',
  };
}

module.exports = { resolveServerPath };
