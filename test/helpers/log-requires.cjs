// Preload for test/startup.test.ts: prints every module the process loads through require() (the
// bundled command line is a CommonJS script, so its packages and built-ins come through here) to
// stderr, as log-imports.mjs does for the ESM loader: built-ins as node:<name>, files as file: URLs.
const Module = require('node:module');
const { pathToFileURL } = require('node:url');

const load = Module._load;
Module._load = function (request, parent, isMain) {
  let id;
  try {
    const resolved = Module._resolveFilename(request, parent, isMain);
    id = Module.isBuiltin(resolved) ? (resolved.startsWith('node:') ? resolved : `node:${resolved}`) : pathToFileURL(resolved).href;
  } catch {
    id = request;
  }
  process.stderr.write(`IMPORT ${id}\n`);
  return load.apply(this, arguments);
};
