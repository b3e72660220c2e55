import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { loadModule, scanSync } from 'libpg-query';
import { beforeAll, describe, expect, it } from 'vitest';
import { KEYWORD_CATEGORIES, qualified, quoteIdent } from '../../src/ir/identifiers.js';

/** The scanner's keyword category of `word` (0 = not a keyword, 1 unreserved … 4 reserved). */
function scannedKind(word: string): number {
  const tokens = scanSync(word).tokens;
  const first = tokens[0];
  return tokens.length === 1 && first && first.end - first.start === word.length ? first.keywordKind : 0;
}

describe('identifier quoting: the keyword data is the grammar libpg-query is built from', () => {
  beforeAll(async () => {
    await loadModule();
  });

  it('every listed keyword has the category the scanner gives it', () => {
    const wrong: string[] = [];
    const expected: [readonly string[], number][] = [
      [KEYWORD_CATEGORIES.colName, 2],
      [KEYWORD_CATEGORIES.typeFuncName, 3],
      [KEYWORD_CATEGORIES.reserved, 4],
    ];
    for (const [words, kind] of expected)
      for (const w of words)
        if (scannedKind(w) !== kind) wrong.push(`${w}: ${String(scannedKind(w))}, listed ${String(kind)}`);
    expect(wrong).toEqual([]);
  });

  it('no keyword the scanner knows that needs quotes is missing from the lists', () => {
    // The keyword table is compiled into the parser as text: every lower-case word in the binary is a candidate.
    const wasm = join(dirname(createRequire(import.meta.url).resolve('libpg-query')), 'libpg-query.wasm');
    const candidates = new Set(
      readFileSync(wasm)
        .toString('latin1')
        .match(/[a-z_]{2,}/g),
    );
    const listed = new Set<string>([
      ...KEYWORD_CATEGORIES.colName,
      ...KEYWORD_CATEGORIES.typeFuncName,
      ...KEYWORD_CATEGORIES.reserved,
    ]);
    const missing = [...candidates].filter((w) => scannedKind(w) > 1 && !listed.has(w));
    expect(missing).toEqual([]);
    expect(listed.size).toBeGreaterThan(150);
  });
});

describe('quoteIdent / qualified', () => {
  it.each([
    ['users', 'users'],
    ['user', '"user"'], // reserved
    ['left', '"left"'], // type/function-name keyword
    ['position', '"position"'], // column-name keyword: quote_ident quotes it too
    ['name', 'name'], // unreserved
    ['Users', '"Users"'],
    ['a"b', '"a""b"'],
    ['1st', '"1st"'],
  ])('%s → %s', (name, sql) => {
    expect(quoteIdent(name)).toBe(sql);
  });

  it('quotes each part of a schema-qualified name on its own', () => {
    expect(qualified({ schema: 'Billing', name: 'order' })).toBe('"Billing"."order"');
    expect(qualified({ name: 'invoices' })).toBe('invoices');
  });
});
