/**
 * The parse cache the language server lints with: a run whose files come (partly) from the cache
 * reports exactly what a run that parses everything reports — over every bundled fixture set, with
 * the runs' own rearrangements (Alembic revision order, multi-unit TypeScript files) in play.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverFiles } from '../src/files/discover.js';
import { DEFAULT_OPTIONS, lintSources, MemoryParseCache, type SourceInput } from '../src/linter.js';
import { EXTENSIONS } from '../src/parsers/registry.js';
import { REPO_ROOT } from './integrations/helpers.js';

const SETS = [
  'sql',
  'knex',
  'typeorm',
  'kysely',
  'node-pg-migrate',
  'sequelize',
  'mikro-orm',
  'alembic',
  'schema-state',
];
const options = { ...DEFAULT_OPTIONS, checkDowngrade: true, cwd: REPO_ROOT };

function inputs(set: string): SourceInput[] {
  return discoverFiles([join(REPO_ROOT, 'fixtures', set)], EXTENSIONS).map((path) => ({
    path,
    content: { ok: true, text: readFileSync(path, 'utf8') },
  }));
}

describe('lintSources with a parse cache', () => {
  it.each(SETS)(
    'fixtures/%s: the same findings from parsed and from cached files, before and after an edit',
    async (set) => {
      const files = inputs(set);
      expect(files.length).toBeGreaterThan(0);
      const uncached = await lintSources(files, options);
      const cache = new MemoryParseCache();
      expect((await lintSources(files, options, [], cache)).findings).toEqual(uncached.findings);
      // every file from the cache now
      expect((await lintSources(files, options, [], cache)).findings).toEqual(uncached.findings);

      // an edit to one file: only it is parsed again, and the set is judged with the new text
      const edited = files.map((f, i) =>
        i === 0 && f.content.ok ? { ...f, content: { ok: true as const, text: `${f.content.text}\n` } } : f,
      );
      const afterEdit = await lintSources(edited, options);
      expect((await lintSources(edited, options, [], cache)).findings).toEqual(afterEdit.findings);
    },
  );
});
