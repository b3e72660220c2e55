/**
 * `--fail-on-unknown` / config `failOnUnknown`: framework calls the frontends could not read become
 * `unknown-operation` errors (and fail the run) instead of only being counted in the summary.
 */
import { describe, expect, it } from 'vitest';
import { cli, tempDir, writeFiles } from './integrations/helpers.js';

const MIGRATION = {
  'migrations/20240301120000_tenant_index.js':
    "const { tableFor } = require('../lib/tenants');\n\nexports.up = async function (knex) {\n  await knex.schema.alterTable(tableFor('orders'), (t) => {\n    t.index(['created_at']);\n  });\n};\n\nexports.down = async function () {};\n",
};

interface Report {
  findings: { rule: string; line: number; severity: string; message: string }[];
  summary: { unknownOperations?: number };
}

async function run(args: string[], files: Record<string, string> = MIGRATION) {
  const dir = tempDir();
  writeFiles(dir, files);
  const r = await cli(['--format', 'json', '--no-config', ...args, 'migrations'], dir);
  return { code: r.code, report: JSON.parse(r.stdout) as Report, stderr: r.stderr };
}

describe('--fail-on-unknown', () => {
  it('by default, an unreadable call is counted and the run passes', async () => {
    const { code, report } = await run([]);
    expect(report.findings.filter((f) => f.rule === 'unknown-operation')).toEqual([]);
    expect(report.summary.unknownOperations).toBeGreaterThan(0);
    expect(code).toBe(0);
  });

  it('with the flag, it is an error at the call and the run fails', async () => {
    const { code, report } = await run(['--fail-on-unknown']);
    const unknown = report.findings.filter((f) => f.rule === 'unknown-operation');
    expect(unknown).toHaveLength(report.summary.unknownOperations!);
    expect(unknown[0]).toMatchObject({ line: 4, severity: 'error' });
    expect(unknown[0]!.message).toMatch(/^Not checked: .*alterTable/);
    expect(code).toBe(1);
  });

  it('from the config file, and --no-fail-on-unknown wins over it', async () => {
    const dir = tempDir();
    writeFiles(dir, { ...MIGRATION, 'migration-lint.config.json': '{ "failOnUnknown": true }' });
    const on = await cli(['--format', 'json', 'migrations'], dir);
    expect(on.code).toBe(1);
    const off = await cli(['--format', 'json', '--no-fail-on-unknown', 'migrations'], dir);
    expect(off.code).toBe(0);
  });

  it('a config value that is not a boolean is a configuration error', async () => {
    const dir = tempDir();
    writeFiles(dir, { ...MIGRATION, 'migration-lint.config.json': '{ "failOnUnknown": "yes" }' });
    const r = await cli(['migrations'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"failOnUnknown": expected true or false, got "yes"');
  });
});
