#!/usr/bin/env node
import module from 'node:module';

// Node ≥ 22.1 keeps V8's compiled code of our modules on disk between runs (in the OS temp directory).
module.enableCompileCache?.();

// The bundled command line (scripts/bundle-cli.mjs): a few files to read and compile instead of dist/'s
// module tree. Imported after the line above so that the cache covers it.
const { run, processIO } = await import('../dist/migration-lint.js');

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
