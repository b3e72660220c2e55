// Preload (`--import`) for test/startup.test.ts: prints every module the process loads through
// require() to stderr, as log-imports.mjs does for the ESM loader (the bundled command line is a
// CommonJS script, so its packages and built-ins come through here): built-ins as node:<name>, files
// as file: URLs.
import Module from 'node:module';
import { pathToFileURL } from 'node:url';

const load = Module._load;
Module._load = function (request, parent, isMain) {
  let id = request;
  try {
    const resolved = Module._resolveFilename(request, parent, isMain);
    id = Module.isBuiltin(resolved) ? `node:${resolved.replace(/^node:/, '')}` : pathToFileURL(resolved).href;
  } catch {
    // unresolvable: the request as written (loading it reports the error)
  }
  process.stderr.write(`IMPORT ${id}\n`);
  return Reflect.apply(load, this, [request, parent, isMain]);
};
