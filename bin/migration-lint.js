#!/usr/bin/env node
'use strict';
// CommonJS (bin/package.json): Node starts it without loading its ES module loader.

// Node ≥ 22.1 keeps V8's compiled code of the modules it loads on disk between runs (in the OS temp
// directory); the bundle itself has its own code cache (load-bundle.js).
require('node:module').enableCompileCache?.();

// The bundled command line (scripts/bundle-cli.mjs).
const { run, processIO } = require('./load-bundle.js').loadBundle().exports;

// A reader that stops early (`migration-lint rules | head -3`) closes the pipe: stop quietly.
process.stdout.on('error', (e) => {
  if (e && e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  process.stderr.write(`migration-lint: cannot write the output: ${e && e.message ? e.message : e}\n`);
  process.exit(2);
});

run(process.argv.slice(2), processIO()).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`migration-lint: internal error: ${e && e.message ? e.message : e}\n`);
    process.exitCode = 2;
  },
);
