/**
 * sortPaths (src/files/discover.ts), the shortcut an unchanged run (`--cache`) takes: a list already in
 * order by its numbers is not sorted, so no collator is created. Checked against the collator.
 */
import { describe, expect, it } from 'vitest';
import { comparePaths, inNumberOrder, sortPaths } from '../src/files/discover.js';

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
