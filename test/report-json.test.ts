/**
 * The JSON reporter writes each finding field by field (its hot loop on large runs): the document it
 * writes must be, byte for byte, `JSON.stringify` of the documented contract with two-space indents,
 * whatever the strings hold (quotes, backslashes, control characters, lone surrogates, non-ASCII).
 */
import { describe, expect, it } from 'vitest';
import type { Finding } from '../src/engine/types.js';
import { displayPath } from '../src/files/display-path.js';
import { jsonReporter } from '../src/report/json.js';
import { summarize } from '../src/report/summary.js';
import type { ReportInput } from '../src/report/types.js';

const CWD = '/repo';

function input(findings: Finding[]): ReportInput {
  return {
    findings,
    migrations: [],
    skipped: [],
    cwd: CWD,
    sources: new Map(),
    verbose: false,
    color: false,
    toolVersion: 'test',
  };
}

/** The contract, built the plain way (paths shown as every reporter shows them): what the reporter must print. */
function expected(findings: Finding[]): string {
  const doc = {
    version: 1,
    findings: findings.map((f) => ({
      rule: f.rule,
      severity: f.severity,
      file: displayPath(f.file, CWD),
      line: f.line,
      column: f.column,
      endLine: f.endLine,
      endColumn: f.endColumn,
      message: f.message,
      help: f.help ?? null,
      lock: f.lock ?? null,
      direction: f.direction,
      ...(f.revision ? { revision: f.revision } : {}),
      ...(f.related?.length ? { related: f.related.map((l) => ({ ...l, file: displayPath(l.file, CWD) })) } : {}),
    })),
    summary: summarize(input(findings)),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

const base: Finding = {
  rule: 'adding-field-with-default',
  severity: 'error',
  file: `${CWD}/db/migrations/0001_init.sql`,
  line: 3,
  column: 1,
  endLine: 3,
  endColumn: 58,
  message: 'Adding column plan with a volatile default rewrites "users" under an ACCESS EXCLUSIVE lock.',
  direction: 'upgrade',
};

describe('JSON reporter', () => {
  it('prints findings with and without help, lock, revision and related locations as JSON.stringify does', () => {
    const findings: Finding[] = [
      base,
      {
        ...base,
        rule: 'require-index-for-foreign-key',
        severity: 'warning',
        line: 12,
        help: 'CREATE INDEX CONCURRENTLY ON orders (user_id);',
        lock: 'SHARE ROW EXCLUSIVE on orders (blocks writes)',
        direction: 'downgrade',
        revision: 'a1b2c3d4e5f6',
        related: [
          {
            file: `${CWD}/db/migrations/0000_base.sql`,
            line: 7,
            column: 3,
            endLine: 7,
            endColumn: 40,
            message: 'The column is added here',
          },
        ],
      },
    ];
    expect(jsonReporter(input(findings))).toBe(expected(findings));
  });

  it('escapes what JSON must escape in messages, help and paths', () => {
    const findings: Finding[] = [
      {
        ...base,
        file: `${CWD}/db/"quoted" \\ dir/0002.sql`,
        message: 'Column "naïve_名前" of table "a\\b" is dropped\twith a tab, a NUL \u0000 and a bell \u0007.',
        help: 'ALTER TABLE "we""ird" DROP COLUMN x; -- \u2028 and 😀 stay as they are',
        lock: 'a lone surrogate \ud800 and \udfff is escaped',
      },
      { ...base, message: '', help: '', lock: '' },
    ];
    expect(jsonReporter(input(findings))).toBe(expected(findings));
  });

  it('prints an empty run as the same document', () => {
    expect(jsonReporter(input([]))).toBe(expected([]));
  });
});
