#!/usr/bin/env node
import { run, processIO } from '../dist/cli/main.js';

run(process.argv.slice(2), processIO()).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`migration-lint: internal error: ${e && e.message ? e.message : e}\n`);
    process.exitCode = 2;
  },
);
