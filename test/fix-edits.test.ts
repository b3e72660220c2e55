/**
 * The language server's edits at the text level: the suppression comment it writes is one the
 * suppression reader accepts (rule and reason) in each file type, and the CONCURRENTLY insertion
 * lands after CREATE [UNIQUE] INDEX of the flagged statement.
 */
import { describe, expect, it } from 'vitest';
import { findDirectives } from '../src/suppressions/directives.js';
import {
  applyInsertion,
  concurrentlyInsertion,
  lockTimeoutInsertion,
  suppressionDirective,
  suppressionInsertions,
} from '../src/fix/edits.js';
import type { Finding } from '../src/engine/types.js';
import { applyEdits, mechanicalFixes } from '../src/fix/fixes.js';

const finding = (
  file: string,
  rule: string,
  line: number,
  column: number,
  endLine: number,
  endColumn: number,
): Finding => ({ rule, severity: 'error', file, line, column, endLine, endColumn, message: '', direction: 'upgrade' });

describe('suppression comments the server writes', () => {
  it.each([
    ['db/001_add.sql', '-- migration-lint-disable-next-line'],
    ['migrations/20240101_add.ts', '// migration-lint-disable-next-line'],
    ['migrations/20240101_add.cjs', '// migration-lint-disable-next-line'],
    ['alembic/versions/abc_add.py', '# migration-lint: disable='],
  ])('%s: read back as a next-statement directive for the rule, with the reason placeholder', (file, keyword) => {
    const text = suppressionDirective(file, 'ban-drop-column');
    expect(text.startsWith(keyword)).toBe(true);
    const [directive, ...rest] = findDirectives(file, `${text}\nstatement\n`);
    expect(rest).toEqual([]);
    expect(directive).toMatchObject({
      scope: 'next-statement',
      rules: ['ban-drop-column'],
      reason: '<reason>',
      syntax: 'migration-lint',
    });
  });

  it('goes above the first line of the statement the finding is in, with its indentation', () => {
    const text =
      'def upgrade():\n    op.add_column(\n        "t",\n        sa.Column("c", sa.Integer(), nullable=False),\n    )\n';
    const f = finding('v/abc.py', 'adding-required-field', 4, 9, 4, 54);
    const [first, second, embedded] = suppressionInsertions(f, text, [{ line: 2, endLine: 5 }]);
    expect(first).toMatchObject({
      line: 2,
      character: 0,
      text: '    # migration-lint: disable=adding-required-field -- <reason>\n',
    });
    expect(second).toMatchObject({
      line: 4,
      text: '        # migration-lint: disable=adding-required-field -- <reason>\n',
    });
    // last resort, for SQL inside a string: a SQL comment, which the server keeps only if the file still parses
    expect(embedded).toMatchObject({
      line: 4,
      text: '        -- migration-lint-disable-next-line adding-required-field -- <reason>\n',
    });
  });
});

describe('the CONCURRENTLY insertion', () => {
  it('goes after CREATE UNIQUE INDEX of the flagged statement, not an earlier one', () => {
    const text = 'CREATE INDEX CONCURRENTLY a_idx ON a (x);\ncreate   unique\n  index b_idx on b (y);\n';
    const f = finding('m/002.sql', 'require-concurrent-index-creation', 2, 1, 3, 22);
    const insertion = concurrentlyInsertion(f, text)!;
    expect(applyInsertion(text, insertion)).toBe(
      'CREATE INDEX CONCURRENTLY a_idx ON a (x);\ncreate   unique\n  index CONCURRENTLY b_idx on b (y);\n',
    );
  });

  it('is not offered for another rule or outside SQL files', () => {
    const text = 'CREATE INDEX b_idx ON b (y);\n';
    expect(concurrentlyInsertion(finding('m/002.sql', 'require-lock-timeout', 1, 1, 1, 28), text)).toBeUndefined();
    expect(
      concurrentlyInsertion(finding('m/002.js', 'require-concurrent-index-creation', 1, 1, 1, 28), text),
    ).toBeUndefined();
  });
});

describe('the lock_timeout insertion', () => {
  it('goes on its own line above the first line of the flagged statement, with its indentation', () => {
    const text = '-- migrate:up\nCREATE TABLE t (id bigint);\n  ALTER TABLE users\n    ADD COLUMN plan text;\n';
    const f = finding('m/002.sql', 'require-lock-timeout', 4, 5, 4, 25);
    const insertion = lockTimeoutInsertion(f, text, [
      { line: 2, endLine: 2 },
      { line: 3, endLine: 4 },
    ])!;
    expect(applyInsertion(text, insertion)).toBe(
      "-- migrate:up\nCREATE TABLE t (id bigint);\n  SET lock_timeout = '2s';\n  ALTER TABLE users\n    ADD COLUMN plan text;\n",
    );
    expect(lockTimeoutInsertion({ ...f, file: 'm/002.ts' }, text, [])).toBeUndefined();
  });

  it('in a Drizzle migration, ends with a statement breakpoint like the statements around it', () => {
    const text =
      'ALTER TABLE "invoices" ADD COLUMN "code" varchar(32);--> statement-breakpoint\nCREATE INDEX "i" ON "invoices" ("code");\n';
    const f = finding('drizzle/0001_x.sql', 'require-lock-timeout', 1, 1, 1, 53);
    expect(applyInsertion(text, lockTimeoutInsertion(f, text, [{ line: 1, endLine: 1 }])!)).toBe(
      `SET lock_timeout = '2s';--> statement-breakpoint\n${text}`,
    );
  });
});

describe('multi-edit fixes', () => {
  it('applyEdits applies bottom-up, counts identical edits once and refuses overlapping ones', () => {
    const text = 'abcdef';
    expect(
      applyEdits(text, [
        { start: 1, end: 1, text: 'X' },
        { start: 4, end: 5, text: 'Y' },
        { start: 1, end: 1, text: 'X' },
      ]),
    ).toBe('aXbcdYf');
    expect(
      applyEdits(text, [
        { start: 1, end: 4, text: 'X' },
        { start: 3, end: 5, text: 'Y' },
      ]),
    ).toBeUndefined();
    expect(
      applyEdits(text, [
        { start: 2, end: 2, text: 'X' },
        { start: 2, end: 2, text: 'Y' },
      ]),
    ).toBeUndefined();
  });

  it('NOT VALID + VALIDATE only for one named constraint per ALTER TABLE', async () => {
    const fixesOf = (text: string) =>
      mechanicalFixes(finding('m/002.sql', 'constraint-missing-not-valid', 1, 1, 1, text.length), {
        text,
        statements: [{ line: 1, endLine: 1 }],
        format: 'sql',
      });
    expect(await fixesOf('ALTER TABLE t ADD CONSTRAINT c CHECK (x > 0), ADD CONSTRAINT d CHECK (y > 0);\n')).toEqual(
      [],
    );
    expect(await fixesOf('ALTER TABLE t ADD CHECK (x > 0);\n')).toEqual([]);
    const [fix] = await fixesOf('ALTER TABLE "T" ADD CONSTRAINT "C" CHECK (x > 0)\n');
    expect(applyEdits('ALTER TABLE "T" ADD CONSTRAINT "C" CHECK (x > 0)\n', fix!.edits)).toBe(
      'ALTER TABLE "T" ADD CONSTRAINT "C" CHECK (x > 0) NOT VALID;\nALTER TABLE "T" VALIDATE CONSTRAINT "C";\n',
    );
  });

  it('Alembic: a statement already in an autocommit block is not wrapped again', async () => {
    const text =
      'from alembic import op\n\n\ndef upgrade():\n    with op.get_context().autocommit_block():\n        op.create_index("ix", "t", ["c"])\n';
    const [fix] = await mechanicalFixes(finding('v/abc.py', 'require-concurrent-index-creation', 6, 9, 6, 42), {
      text,
      statements: [{ line: 6, endLine: 6 }],
      format: 'alembic',
    });
    expect(fix?.title).toBe('Create the index CONCURRENTLY');
    expect(applyEdits(text, fix!.edits)).toBe(text.replace('["c"])', '["c"], postgresql_concurrently=True)'));
  });

  it('node-pg-migrate: an expression-bodied up() has no place for noTransaction(): only the option', async () => {
    const text = "exports.up = (pgm) => pgm.createIndex('t', 'c');\n";
    const [fix] = await mechanicalFixes(finding('m/1_x.js', 'require-concurrent-index-creation', 1, 23, 1, 48), {
      text,
      statements: [],
      format: 'node-pg-migrate',
    });
    expect(fix?.title).toBe('Create the index CONCURRENTLY');
    expect(applyEdits(text, fix!.edits)).toBe(
      "exports.up = (pgm) => pgm.createIndex('t', 'c', { concurrently: true });\n",
    );
  });
});
