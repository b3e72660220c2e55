import { it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { TS_PARSERS } from '../../src/parsers/typescript/index.js';
import { initSqlParser } from '../../src/parsers/sql/parse-sql.js';
it('fuzz', async () => {
  await initSqlParser();
  const files = execSync("find node_modules/knex/lib node_modules/kysely/dist/esm node_modules/sequelize/lib node_modules/node-pg-migrate/dist node_modules/commander -name '*.js' | head -400", { encoding: 'utf8' }).trim().split('\n');
  let n = 0; const errors: string[] = [];
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    if (text.length > 200000) continue;
    for (const p of TS_PARSERS) {
      try { await p.parse({ path: f, text }, { assumeInTransaction: false, dialect: 'postgresql' }); n++; }
      catch (e) { errors.push(`${p.format} ${f}: ${(e as Error).stack?.split('\n').slice(0,3).join(' | ')}`); }
    }
  }
  console.log(n, errors.length, errors.slice(0, 10).join('\n'));
  expect(errors).toEqual([]);
}, 600000);
