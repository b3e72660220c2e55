/**
 * kindsOfPaths (src/files/discover.ts): a directory holding many named paths is listed once instead of
 * stat'ing each; what it tells expandArgument must be what a stat tells, and what it cannot settle is
 * left to the stat.
 */
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { expandArgument, kindsOfPaths } from '../src/files/discover.js';
import { EXTENSIONS } from '../src/parsers/registry.js';
import { tempDir, writeFiles } from './integrations/helpers.js';

describe('kindsOfPaths', () => {
  it('expands many named paths of one directory as a stat of each would', () => {
    const dir = tempDir('ml-path-kinds-');
    const files: Record<string, string> = {};
    for (let i = 1; i <= 40; i++) files[`db/${String(i).padStart(4, '0')}_step.sql`] = `SELECT ${i};\n`;
    files['db/nested/0001_inner.sql'] = 'SELECT 1;\n';
    files['elsewhere/0001_other.sql'] = 'SELECT 1;\n';
    writeFiles(dir, files);
    mkdirSync(join(dir, 'db', 'empty.sql')); // a directory with a migration's name
    symlinkSync(join(dir, 'elsewhere'), join(dir, 'db', 'linked-dir'));
    symlinkSync(join(dir, 'elsewhere', '0001_other.sql'), join(dir, 'db', 'linked.sql'));
    execFileSync('mkfifo', [join(dir, 'db', 'pipe.sql')]);
    const named = [
      ...Object.keys(files).filter((f) => f.startsWith('db/') && !f.includes('nested')),
      'db/nested',
      'db/empty.sql',
      'db/linked-dir',
      'db/linked.sql',
      'db/pipe.sql',
      'db/missing-*.sql', // a pattern: no such path
      'db/../db/0001_step.sql',
    ];
    const kinds = kindsOfPaths(named.map((p) => join(dir, p)));
    // the listing settled the plain files and directories; the links are left to a stat
    expect(kinds.get(join(dir, 'db', '0001_step.sql'))).toBe('file');
    expect(kinds.get(join(dir, 'db', 'nested'))).toBe('directory');
    expect(kinds.get(join(dir, 'db', 'pipe.sql'))).toBe('file');
    expect(kinds.has(join(dir, 'db', 'linked-dir'))).toBe(false);
    for (const p of named)
      expect(expandArgument(p, dir, EXTENSIONS, kinds), p).toEqual(expandArgument(p, dir, EXTENSIONS));
    expect(expandArgument('db/linked-dir', dir, EXTENSIONS, kinds).files).toEqual([
      join(dir, 'db', 'linked-dir', '0001_other.sql'),
    ]);
    // a few paths of a directory are stat'ed: nothing listed
    expect(kindsOfPaths([join(dir, 'db', '0001_step.sql'), join(dir, 'elsewhere', '0001_other.sql')]).size).toBe(0);
  });
});
