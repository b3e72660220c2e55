/**
 * Bad input must never crash a frontend: every framework frontend is forced onto real-world
 * JavaScript that is not a migration at all (the libraries' own sources) and must return a
 * migration (possibly with diagnostics or unknown ops) for each, never throw.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { PARSERS } from '../../src/parsers/registry.js';

const TS_PARSERS = PARSERS.filter((p) => p.extensions.includes('.ts'));
import { initSqlParser } from '../../src/parsers/sql/parse-sql.js';

function jsFiles(dir: string, limit: number, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    if (out.length >= limit) break;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) jsFiles(p, limit, out);
    else if (name.endsWith('.js') && statSync(p).size < 150_000) out.push(p);
  }
  return out;
}

it('each framework frontend, forced onto library sources that are not migrations, returns a result for every file', async () => {
  await initSqlParser();
  const files = [
    ...jsFiles('node_modules/knex/lib/schema', 15),
    ...jsFiles('node_modules/knex/lib/dialects/postgres', 15),
    ...jsFiles('node_modules/sequelize/lib', 15),
    ...jsFiles('node_modules/kysely/dist/esm/schema', 15),
    ...jsFiles('node_modules/node-pg-migrate/dist/legacy/operations', 15),
  ];
  expect(files.length).toBeGreaterThanOrEqual(50);
  const crashes: string[] = [];
  for (const path of files) {
    const text = readFileSync(path, 'utf8');
    for (const parser of TS_PARSERS) {
      try {
        const migrations = await parser.parse({ path, text }, { assumeInTransaction: false, dialect: 'postgresql' });
        for (const m of migrations) expect(m.format).toBe(parser.format);
      } catch (e) {
        crashes.push(`${parser.format} on ${path}: ${(e as Error).message}`);
      }
    }
  }
  expect(crashes).toEqual([]);
}, 120_000);
