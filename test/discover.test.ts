/**
 * The shortcuts of src/files/discover.ts that an unchanged run (`--cache`) relies on, each against what it
 * stands in for: kindsOfPaths (a directory holding many named paths is listed once instead of stat'ing
 * each) against a stat, sortPaths (a list already in order by its numbers is not sorted) against the
 * collator.
 */
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { comparePaths, expandArgument, inNumberOrder, kindsOfPaths, sortPaths } from '../src/files/discover.js';
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

describe('sortPaths', () => {
  const collated = (paths: string[]) => [...paths].sort(comparePaths);

  it('keeps a list in order by its numbers as it is, and it is the order the collator gives', () => {
    const lists = [
      Array.from({ length: 2000 }, (_, i) => `/repo/bench/corpus/${String(i + 1).padStart(4, '0')}_step.sql`),
      ['V1__init.sql', 'V2__users.sql', 'V9__x.sql', 'V10__orders.sql', 'V100__z.sql'].map((f) => `/r/db/${f}`),
      ['20240101120000_a.ts', '20240101120001_B.ts', '20240102000000_-c.ts'].map((f) => `/r/m/${f}`),
      ['/r/a/1/x.sql', '/r/a/2/a.sql', '/r/a/10/b.sql'],
      ['/r/007_z.sql', '/r/8_a.sql', '/r/0009_A.sql'], // leading zeros: the values decide
    ];
    for (const list of lists) {
      expect(inNumberOrder(list), list.join(' ')).toBe(true); // taken as it is, without the collator
      expect(list).toEqual(collated(list));
    }
  });

  it('sorts by the collator whatever the numbers do not decide', () => {
    const lists = [
      ['/r/b.sql', '/r/a.sql'],
      ['/r/a.sql', '/r/a_b.sql'], // '_' collates before '.', unlike their code units
      ['/r/1_a.sql', '/r/1.sql'],
      ['/r/2.sql', '/r/10.sql', '/r/1.sql'],
      ['/r/01.sql', '/r/1.sql'], // the same value
      ['/r/é1.sql', '/r/e2.sql'],
      ['/r/1_x.sql', '/r/1_x.sql'],
    ];
    for (const list of lists) {
      expect(inNumberOrder(list), list.join(' ')).toBe(false);
      expect(sortPaths([...list])).toEqual(collated(list));
    }
  });

  it('agrees with the collator on random lists of migration-like names', () => {
    // a fixed-seed generator: the same lists on every run
    let seed = 42;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const pick = (xs: string[]) => xs[next(xs.length)]!;
    const alphabet = ['0', '1', '2', '9', '00', '10', 'a', 'B', '_', '-', '.', '/', 'V', 'é', '٣', '¹'];
    const numbers = ['', '0', '1', '01', '2', '8', '9', '007', '10', '100', 'V1', 'V10', '1٣', '٣'];
    const name = () =>
      pick(['', 'a/', 'a1/', 'a10/']) +
      pick(numbers) +
      Array.from({ length: next(4) }, () => pick(alphabet)).join('') +
      pick(['', '.sql']);
    let keptAsIs = 0;
    for (let round = 0; round < 6000; round++) {
      const list = Array.from({ length: 2 + next(3) }, () => `/r/${name()}`);
      // half the lists in the collator's order already, the other half as they come
      const input = round % 2 ? collated(list) : list;
      if (inNumberOrder(input)) {
        keptAsIs++;
        expect(input, input.join(' ')).toEqual(collated(input));
      }
      expect(sortPaths([...input])).toEqual(collated(input));
    }
    expect(keptAsIs).toBeGreaterThan(300); // the shortcut was taken, and agreed, on many of them
  });
});
