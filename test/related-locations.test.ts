/**
 * Related locations: a finding about a pair carries the other half (the ADD of a drop+add, the other
 * heads of an Alembic history, the first ACCESS EXCLUSIVE lock), shown by every reporter and the
 * language server.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../src/engine/types.js';
import { toDiagnostic } from '../src/lsp/server.js';
import { cli, tempDir, writeFiles } from './integrations/helpers.js';

const USERS = 'CREATE TABLE users (id bigint PRIMARY KEY, name text);\n';
const RENAME =
  "SET lock_timeout = '2s';\nALTER TABLE users DROP COLUMN name;\nALTER TABLE users ADD COLUMN full_name text;\n";

function rev(id: string, down: string): string {
  return `"""${id}"""\nfrom alembic import op\nimport sqlalchemy as sa\n\nrevision = "${id}"\ndown_revision = ${down}\n\n\ndef upgrade():\n    op.execute("SET lock_timeout = '2s'")\n    op.add_column("users", sa.Column("c_${id}", sa.Text()))\n\n\ndef downgrade():\n    op.drop_column("users", "c_${id}")\n`;
}

interface JsonFinding {
  rule: string;
  file: string;
  line: number;
  related?: { file: string; line: number; column: number; endLine: number; endColumn: number; message: string }[];
}

describe('related locations', () => {
  it('rename-via-drop-add points at the ADD: JSON, SARIF relatedLocations and the text report', async () => {
    const dir = tempDir();
    writeFiles(dir, { '001_users.sql': USERS, '002_rename.sql': RENAME });
    const json = await cli(['--no-config', '--format', 'json', '.'], dir);
    const findings = (JSON.parse(json.stdout) as { findings: JsonFinding[] }).findings;
    const rename = findings.find((f) => f.rule === 'rename-via-drop-add');
    expect(rename?.line).toBe(2);
    expect(rename?.related).toEqual([
      {
        file: '002_rename.sql',
        line: 3,
        column: 1,
        endLine: 3,
        endColumn: 44,
        message: 'users.full_name is added here',
      },
    ]);

    const sarif = await cli(['--no-config', '--format', 'sarif', '.'], dir);
    const results =
      (
        JSON.parse(sarif.stdout) as {
          runs: {
            results: {
              ruleId: string;
              relatedLocations?: {
                id: number;
                message: { text: string };
                physicalLocation: {
                  artifactLocation: { uri: string };
                  region: { startLine: number; startColumn: number };
                };
              }[];
            }[];
          }[];
        }
      ).runs[0]?.results ?? [];
    const result = results.find((r) => r.ruleId === 'rename-via-drop-add');
    expect(result?.relatedLocations).toEqual([
      {
        id: 0,
        message: { text: 'users.full_name is added here' },
        physicalLocation: {
          artifactLocation: expect.objectContaining({ uri: '002_rename.sql' }) as unknown,
          region: { startLine: 3, startColumn: 1, endLine: 3, endColumn: 44 },
        },
      },
    ]);
    // a finding about one statement has none
    expect(results.filter((r) => r.ruleId !== 'rename-via-drop-add').every((r) => !r.relatedLocations)).toBe(true);

    const text = await cli(['--no-config', '.'], dir);
    expect(text.stdout).toContain('    see:  002_rename.sql:3:1 users.full_name is added here\n');
  });

  it('multiple-heads lists the other heads, each at its revision id', async () => {
    const dir = tempDir();
    const versions = 'migrations/versions';
    writeFiles(dir, {
      [`${versions}/aaa111_a.py`]: rev('aaa111', 'None'),
      [`${versions}/bbb222_b.py`]: rev('bbb222', '"aaa111"'),
      [`${versions}/ccc333_c.py`]: rev('ccc333', '"aaa111"'),
    });
    const json = await cli(['--no-config', '--format', 'json', '.'], dir);
    const heads = (JSON.parse(json.stdout) as { findings: JsonFinding[] }).findings.filter(
      (f) => f.rule === 'multiple-heads',
    );
    expect(heads.map((h) => [h.file, h.related?.map((r) => `${r.file}:${String(r.line)} ${r.message}`)])).toEqual([
      [`${versions}/bbb222_b.py`, [`${versions}/ccc333_c.py:5 head ccc333`]],
      [`${versions}/ccc333_c.py`, [`${versions}/bbb222_b.py:5 head bbb222`]],
    ]);
  });

  it('ban-multiple-access-exclusive-locks (turned on) points at the first lock', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'migration-lint.config.json': JSON.stringify({ rules: { 'ban-multiple-access-exclusive-locks': 'warning' } }),
      '001_tables.sql': 'CREATE TABLE a (id bigint);\nCREATE TABLE b (id bigint);\n',
      '002_both.sql':
        "BEGIN;\nSET LOCAL lock_timeout = '2s';\nALTER TABLE a RENAME TO a2;\nALTER TABLE b RENAME TO b2;\nCOMMIT;\n",
    });
    const json = await cli(['--format', 'json', '.'], dir);
    const f = (JSON.parse(json.stdout) as { findings: JsonFinding[] }).findings.find(
      (x) => x.rule === 'ban-multiple-access-exclusive-locks',
    );
    expect(f?.line).toBe(4);
    expect(f?.related?.map((r) => `${String(r.line)} ${r.message}`)).toEqual(['3 ACCESS EXCLUSIVE on a taken here']);
  });

  it('constraint-missing-not-valid: a VALIDATE in the transaction that added the constraint points at the ADD', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      '001_tables.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY, total numeric);\n',
      '002_check.sql':
        "BEGIN;\nSET LOCAL lock_timeout = '2s';\nALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_total_check;\nCOMMIT;\n",
    });
    const json = await cli(['--no-config', '--format', 'json', '.'], dir);
    const f = (JSON.parse(json.stdout) as { findings: JsonFinding[] }).findings.find(
      (x) => x.rule === 'constraint-missing-not-valid',
    );
    expect(f?.line).toBe(4);
    expect(f?.related?.map((r) => `${String(r.line)} ${r.message}`)).toEqual([
      '3 orders_total_check added NOT VALID here',
    ]);
  });

  it('the language server maps them to relatedInformation with file URIs', () => {
    const file = join(tempDir(), '002_rename.sql');
    const finding: Finding = {
      rule: 'rename-via-drop-add',
      severity: 'error',
      file,
      line: 2,
      column: 1,
      endLine: 2,
      endColumn: 35,
      message: 'dropped and added',
      direction: 'upgrade',
      related: [{ file, line: 3, column: 1, endLine: 3, endColumn: 44, message: 'users.full_name is added here' }],
    };
    expect(toDiagnostic(finding).relatedInformation).toEqual([
      {
        location: {
          uri: pathToFileURL(file).href,
          range: { start: { line: 2, character: 0 }, end: { line: 2, character: 43 } },
        },
        message: 'users.full_name is added here',
      },
    ]);
  });
});
