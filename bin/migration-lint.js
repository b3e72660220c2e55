#!/usr/bin/env node
import { run, processIO } from '../dist/cli/main.js';

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
