/**
 * Bad input never crashes the run: each broken file gets one clear finding of its own, every other
 * file is still linted, no stack trace reaches the user, and the exit code says what happened.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir, writeFiles } from './integrations/helpers.js';

interface JsonFinding {
  rule: string;
  severity: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
}

async function lintJson(cwd: string, ...paths: string[]) {
  const r = await cli(['--format', 'json', ...paths], cwd);
  expect(r.stderr).not.toMatch(/\n\s+at .+\(.*:\d+:\d+\)/); // no stack trace
  const doc = JSON.parse(r.stdout) as { findings: JsonFinding[]; summary: { files: number } };
  return { code: r.code, findings: doc.findings, summary: doc.summary, stderr: r.stderr };
}

const only = (findings: JsonFinding[], file: string) => findings.filter((f) => f.file === file);

/** A migration with one well-known hazard, to show the run went on past the bad file. */
const HAZARD = 'CREATE INDEX orders_created_at_idx ON orders (created_at);\n';

describe('bad input', () => {
  it('empty and comment-only files get a warning each and do not fail the run', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'migrations/001_empty.sql': '',
      'migrations/002_comments.sql': '-- TODO: add the audit table\n/* nothing yet */\n',
      'migrations/003_blank.sql': '\n\n   \n',
    });
    const { code, findings } = await lintJson(dir, 'migrations');
    expect(code).toBe(0);
    expect(findings.map((f) => [f.file, f.rule, f.severity, f.line])).toEqual([
      ['migrations/001_empty.sql', 'empty-migration', 'warning', 1],
      ['migrations/002_comments.sql', 'empty-migration', 'warning', 1],
      ['migrations/003_blank.sql', 'empty-migration', 'warning', 1],
    ]);
    expect(findings[0]!.message).toMatch(/file is empty/);
    expect(findings[1]!.message).toMatch(/only comments/);
  });

  it('invalid UTF-8 is a parse-error at the bad byte; the next file is still linted', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'm'));
    // "café" in Latin-1: the é is the lone byte 0xE9, invalid in UTF-8
    writeFileSync(
      join(dir, 'm/001_latin1.sql'),
      Buffer.concat([
        Buffer.from("SELECT 1;\nINSERT INTO cities (name) VALUES ('caf"),
        Buffer.from([0xe9]),
        Buffer.from("');\n"),
      ]),
    );
    writeFileSync(join(dir, 'm/002_index.sql'), HAZARD);
    const { code, findings } = await lintJson(dir, 'm');
    expect(code).toBe(1);
    const bad = only(findings, 'm/001_latin1.sql');
    expect(bad).toHaveLength(1);
    expect(bad[0]).toMatchObject({ rule: 'parse-error', severity: 'error', line: 2, column: 39 });
    expect(bad[0]!.message).toMatch(/not valid UTF-8/);
    expect(only(findings, 'm/002_index.sql').map((f) => f.rule)).toContain('require-concurrent-index-creation');
  });

  it('a binary file named .sql is reported as not text', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'm'));
    const png = Buffer.from(
      '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000a49444154789c6300010000050001',
      'hex',
    );
    writeFileSync(join(dir, 'm/001_logo.sql'), png);
    writeFileSync(join(dir, 'm/002_index.sql'), HAZARD);
    const { code, findings } = await lintJson(dir, 'm');
    expect(code).toBe(1);
    const bad = only(findings, 'm/001_logo.sql');
    expect(bad).toHaveLength(1);
    expect(bad[0]).toMatchObject({ rule: 'parse-error', line: 1, column: 1 });
    expect(bad[0]!.message).toMatch(/binary/);
    expect(only(findings, 'm/002_index.sql').length).toBeGreaterThan(0);
  });

  it('a syntax error is a finding at the parser position; the statements around it are still linted', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'm.sql':
        'CREATE INDEX a_idx ON orders (a);\nALTER TABEL orders ADD COLUMN note text;\nCREATE INDEX b_idx ON orders (b);\n',
    });
    const { code, findings } = await lintJson(dir, 'm.sql');
    expect(code).toBe(1);
    const parse = findings.filter((f) => f.rule === 'parse-error');
    expect(parse).toHaveLength(1);
    expect(parse[0]).toMatchObject({ line: 2, column: 7 });
    expect(parse[0]!.message).toMatch(/syntax error at or near "TABEL"/);
    expect(findings.filter((f) => f.rule === 'require-concurrent-index-creation').map((f) => f.line)).toEqual([1, 3]);
  });

  it('a 300,000-statement file is linted completely', async () => {
    const dir = tempDir();
    const rows: string[] = [];
    for (let i = 0; i < 300_000; i++)
      rows.push(`INSERT INTO countries (id, code, name) VALUES (${i}, 'C${i % 1000}', 'Country ${i}');`);
    writeFileSync(join(dir, 'seed.sql'), rows.join('\n') + '\n' + HAZARD.replace('orders', 'countries'));
    const { code, findings, summary } = await lintJson(dir, 'seed.sql');
    expect(summary.files).toBe(1);
    expect(findings.filter((f) => f.rule === 'parse-error')).toEqual([]);
    // the statement after the 300,000th was reached, at the right line
    expect(findings.find((f) => f.rule === 'require-concurrent-index-creation')).toMatchObject({
      line: 300_001,
      column: 1,
    });
    expect(code).toBe(1);
  }, 120_000);

  it('deeply nested expressions become a per-file parse-error, and the parser recovers for later files', async () => {
    const dir = tempDir();
    const files: Record<string, string> = {
      // 10,000 nested parentheses: the Postgres grammar's own stack gives out
      'm/001_parens.sql': `SELECT ${'('.repeat(10_000)}1${')'.repeat(10_000)};\n${HAZARD}`,
      // a long chain of operators: deep enough to overflow the call stack inside the WASM parser
      'm/002_chain.sql': `UPDATE orders SET total = ${Array(100_000).fill('1').join(' + ')};\n${HAZARD}`,
      'm/003_subqueries.sql': `SELECT ${'(SELECT '.repeat(3000)}1${')'.repeat(3000)};\n${HAZARD}`,
    };
    // Many overflowing files in one run: each must get its finding (a parser instance that overflowed is replaced).
    for (let i = 0; i < 40; i++)
      files[`m/1${String(i).padStart(2, '0')}_chain.sql`] = `SELECT ${Array(60_000).fill('x').join(' * ')};\n${HAZARD}`;
    writeFiles(dir, files);
    const { code, findings, summary } = await lintJson(dir, 'm');
    expect(code).toBe(1);
    expect(summary.files).toBe(43);
    const parens = only(findings, 'm/001_parens.sql');
    expect(parens[0]).toMatchObject({ rule: 'parse-error', line: 1 });
    expect(parens[0]!.message).toMatch(/nested too deeply/);
    for (const file of Object.keys(files)) {
      const mine = only(findings, file);
      expect(
        mine.map((f) => f.rule),
        file,
      ).toContain('parse-error');
      expect(mine.find((f) => f.rule === 'parse-error')!.message, file).toMatch(/nested too deeply/);
      // the statement after the deep one is still linted
      expect(
        mine.find((f) => f.rule === 'require-concurrent-index-creation'),
        file,
      ).toMatchObject({ line: 2 });
    }
  }, 120_000);

  it('a file of many deeply nested statements stops with one message instead of exhausting the parser', async () => {
    const dir = tempDir();
    const deep = `SELECT ${Array(9_000).fill('1').join('+')};\n`;
    writeFiles(dir, { 'many.sql': deep.repeat(30) + HAZARD, 'next.sql': HAZARD });
    const { findings } = await lintJson(dir, '.');
    const many = only(findings, 'many.sql');
    expect(many.length).toBeLessThan(12);
    expect(many.at(-1)!.message).toMatch(/rest of this file was not parsed/);
    expect(only(findings, 'next.sql').map((f) => f.rule)).toContain('require-concurrent-index-creation');
  }, 60_000);

  it('unreadable paths: a broken symlink is an io-error, a directory named .sql is walked, a FIFO is not opened', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'm/002_index.sql': HAZARD, 'm/weird.sql/001_inside.sql': HAZARD });
    symlinkSync(join(dir, 'does-not-exist.sql'), join(dir, 'm/001_link.sql'));
    execFileSync('mkfifo', [join(dir, 'm/003_pipe.sql')]);
    const { code, findings } = await lintJson(dir, 'm');
    expect(code).toBe(1);
    const link = only(findings, 'm/001_link.sql');
    expect(link).toHaveLength(1);
    expect(link[0]).toMatchObject({ rule: 'io-error', severity: 'error' });
    expect(link[0]!.message).toMatch(/broken symbolic link/);
    expect(only(findings, 'm/002_index.sql').length).toBeGreaterThan(0);
    expect(only(findings, 'm/weird.sql/001_inside.sql').length).toBeGreaterThan(0);
    expect(only(findings, 'm/003_pipe.sql')).toEqual([]);
  });

  it('a path that does not exist is a usage error (exit 2) with a one-line message', async () => {
    const dir = tempDir();
    const r = await cli(['migrations/nope'], dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')[0]).toMatch(/no such file or directory: migrations\/nope/);
    expect(r.stderr).not.toMatch(/\s+at /);
  });

  it('CRLF line endings: lines and columns are the same as with LF', async () => {
    const dir = tempDir();
    const lf =
      "-- add lookup index\nSET lock_timeout = '2s';\nSELECT 1; CREATE INDEX orders_ref_idx\n  ON orders (reference);\n";
    writeFiles(dir, { 'lf.sql': lf, 'crlf.sql': lf.replace(/\n/g, '\r\n') });
    const { findings } = await lintJson(dir, 'lf.sql', 'crlf.sql');
    const pick = (file: string) =>
      only(findings, file).map(({ rule, line, column, endLine, endColumn }) => ({
        rule,
        line,
        column,
        endLine,
        endColumn,
      }));
    expect(pick('lf.sql')).toEqual([
      { rule: 'require-concurrent-index-creation', line: 3, column: 11, endLine: 4, endColumn: 24 },
    ]);
    expect(pick('crlf.sql')).toEqual(pick('lf.sql'));
  });

  it('a UTF-8 byte-order mark does not shift columns', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'bom.sql'),
      Buffer.concat([
        Buffer.from([0xef, 0xbb, 0xbf]),
        Buffer.from("SET lock_timeout = '2s'; CREATE INDEX i ON orders (a);\n"),
      ]),
    );
    const { findings } = await lintJson(dir, 'bom.sql');
    expect(findings.map(({ rule, line, column }) => ({ rule, line, column }))).toEqual([
      { rule: 'require-concurrent-index-creation', line: 1, column: 26 },
    ]);
  });
});
