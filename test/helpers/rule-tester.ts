/**
 * ESLint-style rule tests: lists of valid and invalid migrations for one rule, run through the real
 * SQL frontend and engine with only that rule enabled.
 */
import { describe, expect, it } from 'vitest';
import type { Rule } from '../../src/rules/types.js';
import { lintMigrations } from '../../src/engine/lint.js';
import { parseFile } from '../../src/parsers/registry.js';
import { initSqlParser } from '../../src/parsers/sql/parse-sql.js';
import type { Finding } from '../../src/engine/types.js';

export interface TestCase {
  /** SQL text (a file); or several files run in order as one migration set. */
  sql: string | string[];
  name?: string;
  /** File name(s), which pick the format (default `migration.sql`, i.e. plain SQL). */
  file?: string | string[];
  pgVersion?: number;
  assumeInTransaction?: boolean;
  checkDowngrade?: boolean;
  /** Target database (`--dialect`), default PostgreSQL. */
  dialect?: 'postgresql' | 'sqlite';
}

export interface InvalidCase extends TestCase {
  /** Expected findings, in order: line (1-based, in the last file unless `file` given) and a message fragment. */
  errors: { line?: number; message?: string | RegExp; file?: string }[];
}

export async function runRule(rule: Rule, c: TestCase): Promise<Finding[]> {
  await initSqlParser();
  const sqls = Array.isArray(c.sql) ? c.sql : [c.sql];
  const files = Array.isArray(c.file)
    ? c.file
    : sqls.map((_, i) => (c.file as string | undefined) ?? `m${String(i + 1).padStart(3, '0')}_migration.sql`);
  const migrations = [];
  for (let i = 0; i < sqls.length; i++) {
    const source = { path: files[i]!, text: sqls[i]! };
    migrations.push(
      ...(await parseFile(source, {
        assumeInTransaction: Boolean(c.assumeInTransaction),
        dialect: c.dialect ?? 'postgresql',
      }))!,
    );
  }
  return lintMigrations(migrations, {
    pgVersion: c.pgVersion ?? 14,
    dialect: c.dialect ?? 'postgresql',
    checkDowngrade: Boolean(c.checkDowngrade),
    rules: [{ rule, severity: rule.meta.severity }],
  }).filter((f) => f.rule === rule.meta.id);
}

function label(c: TestCase): string {
  return c.name ?? (Array.isArray(c.sql) ? c.sql.join(' ⏎ ') : c.sql).replace(/\s+/g, ' ').slice(0, 100);
}

export function ruleTester(rule: Rule, cases: { valid: (string | TestCase)[]; invalid: InvalidCase[] }): void {
  describe(rule.meta.id, () => {
    it('has documentation', () => {
      expect(rule.meta.summary.length).toBeGreaterThan(10);
      expect(rule.meta.docs.what.length).toBeGreaterThan(10);
      expect(rule.meta.docs.why.length).toBeGreaterThan(10);
      expect(rule.meta.docs.instead.length).toBeGreaterThan(10);
    });
    for (const v of cases.valid) {
      const c = typeof v === 'string' ? { sql: v } : v;
      it(`valid: ${label(c)}`, async () => {
        expect(await runRule(rule, c)).toEqual([]);
      });
    }
    for (const c of cases.invalid) {
      it(`invalid: ${label(c)}`, async () => {
        const findings = await runRule(rule, c);
        expect(findings.map((f) => ({ line: f.line, message: f.message, file: f.file }))).toHaveLength(c.errors.length);
        c.errors.forEach((e, i) => {
          const f = findings[i]!;
          if (e.line !== undefined) expect(f.line).toBe(e.line);
          if (e.file !== undefined) expect(f.file).toBe(e.file);
          if (typeof e.message === 'string') expect(f.message).toContain(e.message);
          else if (e.message) expect(f.message).toMatch(e.message);
        });
      });
    }
  });
}
