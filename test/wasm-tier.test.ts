/**
 * Which runs keep the parsers' WASM on V8's baseline tier (src/cli/wasm-tier.ts): the runs whose
 * files add up to less than 2 MB, counted from the files' sizes before they are read.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { smallRun } from '../src/cli/wasm-tier.js';
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
