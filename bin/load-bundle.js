/**
 * Loads the bundled command line, dist/migration-lint.cjs (scripts/bundle-cli.mjs), as a script compiled
 * with the V8 code cache the build made beside it: V8 then reads the bytecode of the functions a small
 * lint run calls instead of parsing and compiling the bundle (Node 20 has no code cache for modules).
 * V8 checks the cache against its own version, its flags, the script's length and the cache's checksum
 * before using it, and compiles the script as usual when the cache is missing or rejected. The cache is a build output in dist/, as
 * trusted as the bundle itself; nothing at run time writes it.
 *
 * bin/ is CommonJS (bin/package.json): Node starts a CommonJS entry without its ES module loader.
 */
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname, join } = require('node:path');
const { Script } = require('node:vm');

const BUNDLE = join(__dirname, '..', 'dist', 'migration-lint.cjs');
const CODE_CACHE = `${BUNDLE}.v8cache`;

/** The bundle's exports (`run`, `processIO`), its script, and whether V8 rejected the code cache. */
function loadBundle({ useCodeCache = true } = {}) {
  // V8 checks the cache's checksum (it does not by default): a damaged file is rejected, not executed.
  // The flag is part of what a cache must match, so the build sets it too.
  require('node:v8').setFlagsFromString('--verify-snapshot-checksum');
  const source = readFileSync(BUNDLE, 'utf8');
  let cachedData;
  if (useCodeCache)
    try {
      cachedData = readFileSync(CODE_CACHE);
    } catch {
      // no cache (a build without one): compiled as any script
    }
  // CommonJS's module wrapper, as Node's loader would compile the file.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: BUNDLE,
    cachedData,
  });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(BUNDLE), module, BUNDLE, dirname(BUNDLE));
  return { exports: module.exports, script, cacheRejected: cachedData !== undefined && script.cachedDataRejected };
}

/**
 * Build step: lints `sampleFile` with the fresh bundle, then writes the code cache of everything those
 * runs compiled. The run sets V8 flags for small inputs (SMALL_RUN_V8_FLAGS, src/cli/wasm-tier.ts);
 * V8 ties a cache to the flags at the time it is made, so they go back to their defaults (as this
 * Node's `--v8-options` states them) first.
 */
async function writeCodeCache(sampleFile) {
  const { exports, script } = loadBundle({ useCodeCache: false });
  const quiet = { ...exports.processIO(), stdout: () => true, stderr: () => true };
  // the default text report, and JSON (CI and editors)
  await exports.run(['--no-config', sampleFile], quiet);
  await exports.run(['--no-config', '--format', 'json', sampleFile], quiet);
  const options = require('node:child_process').spawnSync(process.execPath, ['--v8-options'], {
    encoding: 'utf8',
  }).stdout;
  for (const flag of exports.SMALL_RUN_V8_FLAGS) {
    const name = /^--(?:no-)?([a-z0-9-]+)/.exec(flag)[1];
    const byDefault = new RegExp(`default: (--(?:no-)?${name}(?:=\\S+)?)\\s`).exec(options)?.[1];
    if (!byDefault) throw new Error(`this V8 does not state the default of --${name}`);
    require('node:v8').setFlagsFromString(byDefault);
  }
  writeFileSync(CODE_CACHE, script.createCachedData());
}

/** Build check: exits 0 when V8 accepts the code cache in this (fresh) process, else 1. */
function checkCodeCache() {
  process.exitCode = loadBundle().cacheRejected ? 1 : 0;
}

module.exports = { loadBundle, writeCodeCache, checkCodeCache };
