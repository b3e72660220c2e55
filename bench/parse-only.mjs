/**
 * The bench's floor for figure 1: libpg-query's parse of every file, as migration-lint calls it (one
 * `parseSync` per file, which returns the JSON tree parsed into objects), and nothing else: no IR, no
 * rule, no report. Whatever a run does on one thread, it cannot take less than this.
 *
 *   node bench/parse-only.mjs <file.sql>…
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const libpgQuery = createRequire(import.meta.url)('libpg-query');

await libpgQuery.loadModule();
let statements = 0;
for (const file of process.argv.slice(2)) statements += libpgQuery.parseSync(readFileSync(file, 'utf8')).stmts.length;
if (statements === 0) process.exitCode = 2;
