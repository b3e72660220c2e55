/**
 * Rule names other tools use (Squawk's spellings and its `require-timeout-settings` group, pgfence's
 * comments) in suppressions, `--exclude` and the config; and rules that are off until the config
 * turns them on.
 */
import { describe, expect, it } from 'vitest';
import { cli, tempDir, writeFiles } from './helpers.js';

interface JsonFinding {
  rule: string;
  line: number;
}

async function lint(sql: string, options: { config?: object; args?: string[] } = {}): Promise<JsonFinding[]> {
  const dir = tempDir('ml-alias-');
  writeFiles(dir, {
    'migrations/001_orders.sql': sql,
    ...(options.config ? { 'migration-lint.config.json': JSON.stringify(options.config) } : {}),
  });
  const r = await cli(['--format', 'json', '--framework', 'sql', ...(options.args ?? []), 'migrations'], dir);
  expect(r.stderr).toBe('');
  return (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings;
}

const rulesOf = (fs: JsonFinding[]) => fs.map((f) => `${f.line} ${f.rule}`);

const ORDERS = `SET lock_timeout = '2s';
CREATE TABLE orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  placed_at timestamp NOT NULL
);
CREATE INDEX customers_region_idx ON customers (region);
ALTER TABLE customers ADD COLUMN last_order_at timestamp;
`;

describe('Squawk rule names', () => {
  it('squawk-ignore prefer-timestamp-tz silences prefer-timestamptz (Squawk spells it both ways)', async () => {
    const before = await lint(ORDERS);
    expect(rulesOf(before)).toContain('7 prefer-timestamptz');
    const after = await lint(
      ORDERS.replace('ALTER TABLE customers', '-- squawk-ignore prefer-timestamp-tz\nALTER TABLE customers'),
    );
    // The CREATE TABLE column is still reported; the ALTER TABLE one is not.
    expect(after.filter((f) => f.rule === 'prefer-timestamptz').map((f) => f.line < 6)).toEqual([true]);
  });

  it('the config and --exclude accept the alias', async () => {
    expect(
      rulesOf(await lint(ORDERS, { config: { rules: { 'prefer-timestamp-tz': 'off' } } })).filter((r) =>
        r.endsWith('prefer-timestamptz'),
      ),
    ).toEqual([]);
    expect(
      rulesOf(await lint(ORDERS, { args: ['--exclude', 'prefer-timestamp-tz'] })).filter((r) =>
        r.endsWith('prefer-timestamptz'),
      ),
    ).toEqual([]);
  });

  it('require-timeout-settings names both timeout rules, as in Squawk', async () => {
    const sql = 'ALTER TABLE customers ADD COLUMN note text;\n';
    const on = await lint(sql, { config: { rules: { 'require-timeout-settings': 'warning' } } });
    expect(rulesOf(on)).toEqual(expect.arrayContaining(['1 require-lock-timeout', '1 require-statement-timeout']));
    const off = await lint(sql, { config: { rules: { 'require-timeout-settings': 'off' } } });
    expect(rulesOf(off).filter((r) => /timeout/.test(r))).toEqual([]);
    // A rule's own id wins over the group it belongs to.
    const mixed = await lint(sql, {
      config: { rules: { 'require-timeout-settings': 'warning', 'require-lock-timeout': 'off' } },
    });
    expect(rulesOf(mixed).filter((r) => /timeout/.test(r))).toEqual(['1 require-statement-timeout']);
  });

  it('an unknown name in the config is still an error, with the aliases among the suggestions', async () => {
    const dir = tempDir('ml-alias-');
    writeFiles(dir, {
      'migrations/001_orders.sql': ORDERS,
      'migration-lint.config.json': JSON.stringify({ rules: { 'prefer-timestamp-z': 'off' } }),
    });
    const r = await cli(['--framework', 'sql', 'migrations'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown rule "prefer-timestamp-z".*did you mean/);
  });
});

describe('pgfence comments', () => {
  it('-- pgfence-ignore with no rule silences every rule on the next statement, and only that one', async () => {
    const sql = ORDERS.replace('CREATE INDEX', '-- pgfence-ignore\nCREATE INDEX');
    const findings = rulesOf(await lint(sql));
    expect(findings.filter((r) => r.startsWith('7 '))).toEqual([]);
    expect(findings).toContain('8 prefer-timestamptz');
  });

  it('-- pgfence-ignore: <ids> silences the rules it names; names migration-lint does not have are ignored, not reported', async () => {
    const sql = ORDERS.replace(
      'ALTER TABLE customers',
      '-- pgfence-ignore: prefer-timestamptz, add-column-volatile-default\nALTER TABLE customers',
    );
    const findings = rulesOf(await lint(sql));
    expect(findings.filter((r) => r.startsWith('8 '))).toEqual([]);
    expect(findings.filter((r) => r.includes('unused-suppression'))).toEqual([]);
    expect(findings).toContain('6 require-concurrent-index-creation');
  });
});

describe('rules off by default', () => {
  it('require-table-schema reports nothing until the config turns it on', async () => {
    expect(rulesOf(await lint(ORDERS)).filter((r) => r.endsWith('require-table-schema'))).toEqual([]);
    const on = await lint(ORDERS, { config: { rules: { 'require-table-schema': 'warning' } } });
    expect(rulesOf(on).filter((r) => r.endsWith('require-table-schema'))).toEqual([
      '2 require-table-schema',
      '7 require-table-schema',
    ]);
  });

  it('`rules` and `explain` say which rules are off by default and how to turn them on', async () => {
    const dir = tempDir('ml-alias-');
    const list = await cli(['rules'], dir);
    expect(list.stdout).toMatch(/require-table-schema\s+warning \(off by default\)/);
    expect(list.stdout).toMatch(/require-lock-timeout\s+warning\s{2}/);
    const explain = await cli(['explain', 'prefer-robust-stmts'], dir);
    expect(explain.stdout).toContain('Off by default:');
    expect(explain.stdout).toContain('"rules": { "prefer-robust-stmts": "warning" }');
    const aliased = await cli(['explain', 'prefer-timestamptz'], dir);
    expect(aliased.stdout).toContain('also accepted as `prefer-timestamp-tz`');
  });
});
