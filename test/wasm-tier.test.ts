/**
 * Which runs keep the parsers' WASM on V8's baseline tier (src/cli/wasm-tier.ts): the runs whose
 * files add up to less than 2 MB, counted from the files' sizes before they are read.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintsSmallFiles, smallRun } from '../src/cli/wasm-tier.js';
import { tempDir, writeFiles } from './integrations/helpers.js';

describe('smallRun', () => {
  it('a few migrations are a small run; 2 MB of them, or one file that big, are not', () => {
    const dir = tempDir('ml-tier-');
    const statement = 'ALTER TABLE users ADD COLUMN nickname text;\n';
    const many: Record<string, string> = {};
    for (let i = 0; i < 50; i++) many[`${String(i).padStart(4, '0')}_add.sql`] = statement.repeat(1000);
    writeFiles(dir, { 'V1__one.sql': statement, 'big.sql': statement.repeat(50_000), ...many });
    const file = (name: string) => join(dir, name);
    expect(smallRun([file('V1__one.sql')])).toBe(true);
    expect(smallRun([])).toBe(true);
    expect(smallRun([file('big.sql')])).toBe(false); // 2.3 MB
    const fifty = Object.keys(many).map(file); // 50 × 45 KB
    expect(smallRun(fifty.slice(0, 10))).toBe(true);
    expect(smallRun(fifty)).toBe(false);
    // a path that vanished since it was listed counts for nothing (reading it reports the error)
    expect(smallRun([file('V1__one.sql'), file('gone.sql')])).toBe(true);
  });
});

describe('lintsSmallFiles (whether the command line starts the parser before it is parsed)', () => {
  const commands = new Set(['rules', 'explain', 'init', 'trace', 'lsp']);
  const dir = tempDir('ml-early-');
  const statement = 'ALTER TABLE users ADD COLUMN nickname text;\n';
  writeFiles(dir, { 'V1__one.sql': statement, 'V2__two.sql': statement, 'big.sql': statement.repeat(50_000) });
  const file = (name: string) => join(dir, name);

  it('small files to lint, with options and their values around them', () => {
    expect(lintsSmallFiles([file('V1__one.sql')], commands)).toBe(true);
    expect(
      lintsSmallFiles(['--format', 'json', file('V1__one.sql'), file('V2__two.sql'), '--no-color'], commands),
    ).toBe(true);
    expect(lintsSmallFiles(['--no-cache', file('V1__one.sql')], commands)).toBe(true);
  });

  it('not a subcommand, help, version, a cache run, stdin, a directory, a large file or no file', () => {
    expect(lintsSmallFiles(['rules'], commands)).toBe(false);
    expect(lintsSmallFiles(['explain', 'require-lock-timeout'], commands)).toBe(false);
    expect(lintsSmallFiles([file('V1__one.sql'), '--help'], commands)).toBe(false);
    expect(lintsSmallFiles(['-v'], commands)).toBe(false);
    // a cache hit parses nothing
    expect(lintsSmallFiles(['--cache', file('V1__one.sql')], commands)).toBe(false);
    expect(lintsSmallFiles([`--cache-location=${dir}`, file('V1__one.sql')], commands)).toBe(false);
    expect(lintsSmallFiles(['-', '--stdin-filename', 'x.sql'], commands)).toBe(false);
    // a directory's files are not counted until they are selected
    expect(lintsSmallFiles([dir], commands)).toBe(false);
    expect(lintsSmallFiles([file('V1__one.sql'), file('big.sql')], commands)).toBe(false);
    expect(lintsSmallFiles(['--format', 'json', file('missing.sql')], commands)).toBe(false);
    expect(lintsSmallFiles([], commands)).toBe(false);
  });
});
