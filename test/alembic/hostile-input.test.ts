/**
 * Hostile Alembic revisions (issue 16, found by fuzzing): nesting deep enough to exhaust the call
 * stack, string concatenations with tens of thousands of parts, and long broken lines that make
 * tree-sitter's error recovery quadratic. Each degrades to a parse-error on its own file at the
 * place where reading stopped; the rest of the file (or, for the unreadable line, the other files
 * of the run) is still linted.
 */
import { describe, expect, it } from 'vitest';
import { crowdedLines, MAX_SKIPPED_TOKENS, WATCHED_LINE_TOKENS } from '../../src/parsers/alembic/python-tree.js';
import { MAX_NESTING } from '../../src/parsers/alembic/python-values.js';
import { lintText, revisionSource, UPGRADE_FIRST_LINE } from './helpers.js';
import { stringMatching } from '../helpers/matchers.js';

/** A hazard after the hostile statement, to show the rest of the file is still read. */
const INDEX = 'op.create_index("orders_status_idx", "orders", ["status"])';

async function lint(files: Record<string, string>) {
  const result = await lintText(Object.entries(files).map(([path, text]) => ({ path, text })));
  const of = (file: string) => result.findings.filter((f) => f.file === file);
  return { ...result, of };
}

describe('deep nesting in upgrade()', () => {
  // Reading stops at nesting level 201: upgrade()'s body is level 1, the op.execute() call level 2,
  // so the 199th bracket (`    op.execute(` is 15 characters) or the 199th `sa.text(` call.
  it.each([
    ['1,400 nested lists', `op.execute(${'['.repeat(1400)}${']'.repeat(1400)})`, 15 + MAX_NESTING - 1],
    ['2,400 nested parentheses', `op.execute(${'('.repeat(2400)}"SELECT 1"${')'.repeat(2400)})`, 15 + MAX_NESTING - 1],
    [
      '3,000 nested calls',
      `op.execute(${'sa.text('.repeat(3000)}"SELECT 1"${')'.repeat(3001)}`,
      16 + (MAX_NESTING - 2) * 'sa.text('.length,
    ],
  ])(
    '%s: a parse-error where the limit was hit, and the next statement is still read',
    async (_name, statement, column) => {
      const { of } = await lint({ 'versions/a1_deep.py': revisionSource(`${statement}\n${INDEX}`) });
      const findings = of('versions/a1_deep.py');
      const parse = findings.filter((f) => f.rule === 'parse-error');
      expect(parse).toHaveLength(1);
      expect(parse[0]!.message).toMatch(/nested more than 200 levels deep.*too deeply nested to read/);
      expect(parse[0]).toMatchObject({ line: UPGRADE_FIRST_LINE, column });
      expect(findings.find((f) => f.rule === 'require-concurrent-index-creation')).toMatchObject({
        line: UPGRADE_FIRST_LINE + 1,
      });
    },
  );

  it('a 2,300-term `"…" + "…"` chain is read as one string, positions exact', async () => {
    const terms = [
      '"CREATE INDEX wide_idx ON orders ("',
      ...Array.from({ length: 2300 }, (_, i) => `"c${i}, "`),
      '"id)"',
    ];
    const { of } = await lint({ 'versions/a1_plus.py': revisionSource(`op.execute(${terms.join(' + ')})`) });
    const findings = of('versions/a1_plus.py');
    expect(findings.filter((f) => f.rule === 'parse-error')).toEqual([]);
    // The finding is on the `CREATE INDEX` keyword: inside the first string, after `    op.execute("`.
    expect(findings.find((f) => f.rule === 'require-concurrent-index-creation')).toMatchObject({
      line: UPGRADE_FIRST_LINE,
      column: 5 + 'op.execute("'.length,
    });
  });

  it('a module constant nested too deeply is reported at its line; revision metadata is still read', async () => {
    const header = `revision = "abc123"\ndown_revision = None\nDATA = ${'['.repeat(500)}${']'.repeat(500)}\n`;
    const { of, migrations } = await lint({ 'versions/a1_const.py': revisionSource(INDEX, 'pass', header) });
    const parse = of('versions/a1_const.py').filter((f) => f.rule === 'parse-error');
    expect(parse).toHaveLength(1);
    expect(parse[0]).toMatchObject({ line: 11, column: 8 + MAX_NESTING });
    expect(migrations[0]!.revision).toBe('abc123');
    expect(of('versions/a1_const.py').map((f) => f.rule)).toContain('require-concurrent-index-creation');
  });

  it('a module-level assignment to a target nested too deeply (found by the fuzz test)', async () => {
    const header = `revision = "abc123"\ndown_revision = None\n${'['.repeat(300)}a${']'.repeat(300)} = 1\n`;
    const { of } = await lint({ 'versions/a1_target.py': revisionSource(INDEX, 'pass', header) });
    const findings = of('versions/a1_target.py');
    expect(findings.filter((f) => f.rule === 'parse-error')).toEqual([
      expect.objectContaining({ line: 11, message: stringMatching(/too deeply nested to read/) }),
    ]);
    expect(findings.map((f) => f.rule)).toContain('require-concurrent-index-creation');
  });

  it('10,000 chained attributes and 5,000 `not`s in a condition do not overflow the stack', async () => {
    const body = `op${'.x'.repeat(10_000)}()\nif ${'not '.repeat(5000)}context.is_offline_mode():\n    ${INDEX}`;
    const { of } = await lint({ 'versions/a1_chain.py': revisionSource(body) });
    const findings = of('versions/a1_chain.py');
    expect(findings.map((f) => f.message).join('\n')).not.toMatch(/Internal error/);
    expect(findings.find((f) => f.rule === 'parse-error' && /too deeply nested/.test(f.message))).toMatchObject({
      line: UPGRADE_FIRST_LINE + 1,
    });
  });
});

describe('implicit string concatenation', () => {
  it('100,000 parts are read in linear time, with every character mapped back to the file', async () => {
    // One part per line inside the call's parentheses; the SQL comes last, after 100,000 one-letter parts of a comment.
    const parts = ['"-- "', ...Array<string>(100_000).fill('"x"'), '"\\nCREATE INDEX big_idx ON orders (id)"'];
    const body = `op.execute(\n${parts.map((p) => `    ${p}`).join('\n')}\n)`;
    const { of } = await lint({ 'versions/a1_implicit.py': revisionSource(body) });
    const findings = of('versions/a1_implicit.py');
    expect(findings.filter((f) => f.rule === 'parse-error')).toEqual([]);
    // `CREATE` is in the last part, after its `"\n`: line = first line + 1 + 100,001 parts.
    expect(findings.find((f) => f.rule === 'require-concurrent-index-creation')).toMatchObject({
      line: UPGRADE_FIRST_LINE + 100_002,
      column: 9 + '"\\n'.length,
    });
  });
});

describe('long broken lines (quadratic error recovery in the Python parser)', () => {
  it.each([
    ['50,000 `/`', `op.drop_column(${'/'.repeat(50_000)}"t", "c")`],
    ['400,000 `/`', `op.drop_column(${'/'.repeat(400_000)}"t", "c")`],
    ['100,000 `=`', `op.drop_column(${'='.repeat(100_000)}"t", "c")`],
    ['20,000 `if`', `op.drop_column(${'if '.repeat(20_000)}"t", "c")`],
  ])(
    '%s: a parse-error at that line, the line skipped, the rest of the file and the next revision read',
    async (_name, line) => {
      const { of } = await lint({
        'versions/a1_broken.py': revisionSource(`${INDEX}\n${line}\n${INDEX.replace(/status/g, 'total')}`),
        'versions/b2_next.py': revisionSource(INDEX, 'pass', 'revision = "b2"\ndown_revision = "abc123"\n'),
      });
      const broken = of('versions/a1_broken.py');
      expect(broken.filter((f) => f.rule === 'parse-error')).toEqual([
        expect.objectContaining({
          line: UPGRADE_FIRST_LINE + 1,
          column: 1,
          message: stringMatching(/^Python line too complex to read: .*the line is skipped/),
        }),
      ]);
      expect(broken.filter((f) => f.rule === 'require-concurrent-index-creation').map((f) => f.line)).toEqual([
        UPGRADE_FIRST_LINE,
        UPGRADE_FIRST_LINE + 2,
      ]);
      // Its revision id was read: the next revision's down_revision finds it.
      expect(of('versions/b2_next.py').map((f) => f.rule)).toContain('require-concurrent-index-creation');
      expect(of('versions/b2_next.py').map((f) => f.rule)).not.toContain('broken-revision-graph');
    },
  );

  it('past four broken crowded lines the file is not read, with one parse-error at the first', async () => {
    const broken = `op.drop_column(${'/'.repeat(2000)}"t", "c")`;
    const { of } = await lint({
      'versions/a1_broken.py': revisionSource([INDEX, broken, broken, broken, broken, broken].join('\n')),
    });
    expect(of('versions/a1_broken.py')).toEqual([
      expect.objectContaining({
        rule: 'parse-error',
        line: UPGRADE_FIRST_LINE + 1,
        column: 1,
        message: stringMatching(/this file was not linted/),
      }),
    ]);
  });

  it('a crowded but valid line is read normally', async () => {
    const rows = Array.from({ length: 300 }, (_, i) => `{"id": ${i}, "code": "c${i}"}`).join(', ');
    const line = `op.bulk_insert(sa.table("countries", sa.column("id"), sa.column("code")), [${rows}]); ${INDEX}`;
    expect(crowdedLines(line)).toHaveLength(1);
    const { of } = await lint({ 'versions/a1_wide.py': revisionSource(line) });
    const findings = of('versions/a1_wide.py');
    expect(findings.filter((f) => f.rule === 'parse-error')).toEqual([]);
    expect(findings.find((f) => f.rule === 'require-concurrent-index-creation')).toMatchObject({
      line: UPGRADE_FIRST_LINE,
      column: 5 + line.indexOf(INDEX),
    });
  });

  it('a crowded line with one ordinary typo keeps the ordinary syntax error (and the rest of the file)', async () => {
    const args = Array.from({ length: WATCHED_LINE_TOKENS }, (_, i) => `"c${i}"`).join(', ');
    const line = `op.execute(sa.text("SELECT 1").bindparams(${args}),, )`;
    expect(crowdedLines(line)).toHaveLength(1);
    const { of } = await lint({ 'versions/a1_typo.py': revisionSource(`${line}\n${INDEX}`) });
    const findings = of('versions/a1_typo.py');
    expect(findings.find((f) => f.rule === 'parse-error')!.message).toMatch(/^Python syntax error/);
    expect(findings.map((f) => f.rule)).toContain('require-concurrent-index-creation');
    expect(MAX_SKIPPED_TOKENS).toBeLessThan(WATCHED_LINE_TOKENS);
  });
});
