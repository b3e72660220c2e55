/**
 * readSource and readNamedPath (src/files/read.ts) read the usual migration file — regular, valid
 * UTF-8, no NUL near its start — in one native call; every file must come out as decoding its bytes
 * with decodeSource says (the byte path, which decides binary data, invalid UTF-8 and byte order marks).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeSource, readNamedPath, readSource } from '../src/files/read.js';
import { tempDir } from './integrations/helpers.js';

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

describe('reading a migration file', () => {
  it('gives what decoding its bytes gives, for text, byte order marks, invalid UTF-8 and binary data', () => {
    const dir = tempDir('ml-read-source-');
    const cases: Record<string, Buffer> = {
      ascii: bytes('CREATE TABLE t (id int);\r\n'),
      empty: bytes(),
      utf8: bytes('-- größe ½ 日本 😀\nSELECT 1;\n'),
      bom: bytes([0xef, 0xbb, 0xbf], 'SELECT 1;\n'),
      'two boms': bytes([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf], 'SELECT 1;\n'),
      'three boms': bytes([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf], 'x'),
      'a replacement character written as such': bytes("SELECT '\ufffd';\n"),
      'an invalid byte': bytes('SELECT 1;\n-- ', [0xff], '\n'),
      'an overlong NUL': bytes('SELECT 1; ', [0xc0, 0x80]),
      'an encoded surrogate': bytes('x', [0xed, 0xa0, 0x80], 'y'),
      'past U+10FFFF': bytes('x', [0xf4, 0x90, 0x80, 0x80]),
      'cut in a character': bytes('SELECT 1; -- ', [0xe6, 0x97]),
      'NUL near the start': bytes('SELECT 1;', [0], 'x'),
      // past 8,192 bytes but within the first 8,192 characters: not binary to the byte path
      'NUL after many two-byte characters': bytes('é'.repeat(4500), [0], 'x'),
      'NUL far in': bytes('x'.repeat(9000), [0]),
    };
    // and random byte strings from the troublesome bytes
    let seed = 7;
    const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    const pool = [0x41, 0x0a, 0x00, 0xef, 0xbb, 0xbf, 0xc3, 0xa9, 0xed, 0xa0, 0x80, 0xff, 0xf0, 0x9f, 0x98];
    for (let k = 0; k < 300; k++)
      cases[`random ${k}`] = Buffer.from(Array.from({ length: next(12) }, () => pool[next(pool.length)]!));
    for (const [name, content] of Object.entries(cases)) {
      const path = join(dir, `${name}.sql`);
      writeFileSync(path, content);
      const expected = decodeSource(readFileSync(path));
      expect(readSource(path), name).toEqual(expected);
      expect(readNamedPath(path), name).toEqual(expected);
    }
  });

  it('refuses what is not a regular file without blocking, and tells a directory', () => {
    const dir = tempDir('ml-read-source-');
    mkdirSync(join(dir, 'versions.sql'));
    execFileSync('mkfifo', [join(dir, 'pipe.sql')]);
    expect(readNamedPath(join(dir, 'versions.sql'))).toBe('directory');
    expect(readSource(join(dir, 'versions.sql'))).toMatchObject({ ok: false, rule: 'io-error' });
    for (const read of [readSource, readNamedPath])
      expect(read(join(dir, 'pipe.sql'))).toEqual({
        ok: false,
        rule: 'io-error',
        message: 'Cannot read file: not a regular file (a device, FIFO or socket).',
      });
    expect(readNamedPath('/dev/zero')).toMatchObject({ ok: false, rule: 'io-error' });
    expect(readNamedPath(join(dir, 'missing.sql'))).toBeUndefined();
    expect(readSource(join(dir, 'missing.sql'))).toEqual({
      ok: false,
      rule: 'io-error',
      message: 'Cannot read file: no such file.',
    });
  });
});
