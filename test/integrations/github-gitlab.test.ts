/**
 * `--format github` (workflow commands) and `--format gitlab` (Code Quality JSON) on realistic runs.
 * The GitHub lines are read back with the runner's own rules (split properties on `,`, key from
 * value on the first `=`, then decode %25 %0D %0A %3A %2C) and must give back exactly the findings
 * of the JSON output.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { escapeData, escapeProperty } from '../../src/report/github.js';
import { cli, SAMPLE_MIGRATIONS, tempDir, writeFiles } from './helpers.js';

interface Command {
  command: string;
  properties: Record<string, string>;
  message: string;
}

const unescapeData = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
const unescapeProperty = (s: string) =>
  s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');

/** Parses `::cmd k=v,k=v::message` the way the Actions runner does. */
function parseCommand(line: string): Command | undefined {
  const m = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/.exec(line);
  if (!m) return undefined;
  const properties: Record<string, string> = {};
  for (const pair of (m[2] ?? '').split(',').filter(Boolean)) {
    const eq = pair.indexOf('=');
    properties[pair.slice(0, eq)] = unescapeProperty(pair.slice(eq + 1));
  }
  return { command: m[1]!, properties, message: unescapeData(m[3]!) };
}

describe('GitHub workflow command escaping', () => {
  it('escapes %, CR and LF in data, and also : and , in properties', () => {
    expect(escapeData('100% sure\r\nnext: a, b')).toBe('100%25 sure%0D%0Anext: a, b');
    expect(escapeProperty('db/2024-01-02T10:00,init.sql')).toBe('db/2024-01-02T10%3A00%2Cinit.sql');
    expect(escapeProperty('50%')).toBe('50%25');
    for (const s of ['a%0Ab', '%%3A,:\n\r', 'plain']) {
      expect(unescapeProperty(escapeProperty(s))).toBe(s);
      expect(unescapeData(escapeData(s))).toBe(s);
    }
  });
});

describe('--format github', () => {
  it('annotates each finding with file, lines, columns, title and severity, and reads back exactly', async () => {
    const dir = tempDir('ml-gh-');
    writeFiles(dir, {
      ...SAMPLE_MIGRATIONS,
      // a file name with the property separators in it
      'db/migrations/2024-05-01T10:00,add_flags.sql':
        'ALTER TABLE users ADD COLUMN flags int NOT NULL;\n-- migration-lint-disable-next-line adding-required-field\nCREATE INDEX CONCURRENTLY users_flags_idx ON users (flags);\n',
      'migration-lint.config.json': '{ "rules": { "require-concurrent-index-creation": "info" } }',
    });
    const gh = await cli(['--format', 'github', 'db'], dir);
    const json = JSON.parse((await cli(['--format', 'json', 'db'], dir)).stdout) as {
      findings: {
        rule: string;
        severity: string;
        file: string;
        line: number;
        column: number;
        endLine: number;
        endColumn: number;
        message: string;
        help: string | null;
        lock: string | null;
      }[];
    };
    expect(gh.code).toBe(1);
    const lines = gh.stdout.trimEnd().split('\n');
    const commands = lines.map(parseCommand).filter((c): c is Command => c !== undefined);
    expect(commands).toHaveLength(json.findings.length);
    expect(lines.at(-1)).toMatch(/^migration-lint: \d+ problems \(\d+ errors?, \d+ warnings?, \d+ info\) in 5 files$/);
    commands.forEach((c, i) => {
      const f = json.findings[i]!;
      expect(c.command).toBe({ error: 'error', warning: 'warning', info: 'notice' }[f.severity]);
      expect(c.properties.file).toBe(f.file);
      expect(c.properties.line).toBe(String(f.line));
      expect(c.properties.endLine).toBe(String(f.endLine));
      expect(c.properties.title).toBe(`migration-lint: ${f.rule}`);
      if (f.line === f.endLine) {
        expect(c.properties.col).toBe(String(f.column));
        expect(c.properties.endColumn).toBe(String(f.endColumn));
      } else expect(c.properties.col).toBeUndefined();
      expect(c.message.split('\n')[0]).toBe(f.message);
      // the runner drops annotations that break these (actions/runner ValidateLinesAndColumns)
      expect(Number(c.properties.endLine)).toBeGreaterThanOrEqual(Number(c.properties.line));
      if (c.properties.col !== undefined) {
        expect(c.properties.endLine).toBe(c.properties.line);
        expect(Number(c.properties.endColumn)).toBeGreaterThanOrEqual(Number(c.properties.col));
      }
      if (f.help) expect(c.message).toContain(`Fix: ${f.help}`);
      if (f.lock) expect(c.message).toContain(`Lock: ${f.lock}`);
    });
    const commandsSeen = new Set(commands.map((c) => c.command));
    expect([...commandsSeen].sort()).toEqual(['error', 'notice', 'warning']);
    const flags = commands.find(
      (c) =>
        c.properties.file === 'db/migrations/2024-05-01T10:00,add_flags.sql' &&
        c.properties.title === 'migration-lint: adding-required-field',
    )!;
    expect(flags.properties).toMatchObject({ line: '1', col: '1', endLine: '1', endColumn: '48' }); // end column exclusive, as in SARIF
    // the raw line escapes the separators inside the file property
    expect(gh.stdout).toContain('file=db/migrations/2024-05-01T10%3A00%2Cadd_flags.sql,line=1,col=1,');
  });
});

describe('--format gitlab', () => {
  type Issue = {
    description: string;
    check_name: string;
    fingerprint: string;
    severity: string;
    location: { path: string; lines: { begin: number; end: number } };
  };
  const run = async (dir: string) => {
    const r = await cli(['--format', 'gitlab', 'db'], dir);
    return JSON.parse(r.stdout) as Issue[];
  };

  it('writes Code Quality issues with unique fingerprints that survive line shifts', async () => {
    const dir = tempDir('ml-gl-');
    const twice = 'CREATE INDEX audit_at_idx ON audit (at);\nCREATE INDEX audit_at_idx ON audit (at);\n';
    writeFiles(dir, { ...SAMPLE_MIGRATIONS, 'db/migrations/006_twice.sql': twice });
    const before = await run(dir);
    expect(before.length).toBeGreaterThanOrEqual(5);
    for (const issue of before) {
      expect(issue.description.length).toBeGreaterThan(0);
      expect(['info', 'minor', 'major', 'critical', 'blocker']).toContain(issue.severity);
      expect(issue.fingerprint).toMatch(/^[0-9a-f]{32}$/);
      expect(issue.location.lines.begin).toBeGreaterThanOrEqual(1);
      expect(issue.location.path.startsWith('db/migrations/')).toBe(true);
    }
    expect(new Set(before.map((i) => i.fingerprint)).size).toBe(before.length);
    const parseError = before.find((i) => i.check_name === 'parse-error')!;
    expect(parseError).toMatchObject({
      severity: 'major',
      location: { path: 'db/migrations/004_broken.sql', lines: { begin: 2, end: 2 } },
    });

    // Shift every statement down: comments and blank lines at the top, and re-indent one statement.
    for (const file of [
      'db/migrations/002_index_emails.sql',
      'db/migrations/004_broken.sql',
      'db/migrations/006_twice.sql',
    ]) {
      const path = join(dir, file);
      writeFileSync(
        path,
        '-- reviewed by the DBA\n\n\n' +
          readFileSync(path, 'utf8').replace('  ON users (lower(email));', '      ON users (lower(email));'),
      );
    }
    const after = await run(dir);
    expect(after.map((i) => i.fingerprint)).toEqual(before.map((i) => i.fingerprint));
    const moved = after.find((i) => i.location.path.endsWith('002_index_emails.sql'))!;
    expect(moved.location.lines.begin).toBe(
      before.find((i) => i.location.path.endsWith('002_index_emails.sql'))!.location.lines.begin + 3,
    );

    // Changing the flagged statement changes its fingerprint (and only its).
    const path = join(dir, 'db/migrations/002_index_emails.sql');
    writeFileSync(path, readFileSync(path, 'utf8').replace('lower(email)', 'email'));
    const edited = await run(dir);
    const changed = edited.filter((i, n) => i.fingerprint !== after[n]!.fingerprint);
    expect(changed.length).toBeGreaterThanOrEqual(1);
    expect([...new Set(changed.map((i) => i.location.path))]).toEqual(['db/migrations/002_index_emails.sql']);
  });
});
