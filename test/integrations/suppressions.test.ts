/**
 * Suppression comments: SQL end to end through the CLI, Squawk's comments compared with Squawk
 * itself (the squawk-cli devDependency), and the TS/JS and Python comment forms on migrations shaped
 * the way those frontends produce them.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/engine/types.js';
import type { Migration } from '../../src/ir/types.js';
import { applySuppressions } from '../../src/suppressions/apply.js';
import { findDirectives } from '../../src/suppressions/directives.js';
import { statementEnd } from '../../src/suppressions/extent.js';
import { ALL_RULES } from '../../src/rules/index.js';
import { cli, tempDir, writeFiles } from './helpers.js';
import { describeWithSquawk, squawkBinary } from '../helpers/squawk.js';

interface JsonFinding {
  rule: string;
  severity: string;
  line: number;
  column: number;
  message: string;
}

async function lintSql(sql: string, config?: string): Promise<JsonFinding[]> {
  const dir = tempDir('ml-supp-');
  writeFiles(dir, { 'migrations/001_test.sql': sql, ...(config ? { 'migration-lint.config.json': config } : {}) });
  const r = await cli(['--format', 'json', '--framework', 'sql', 'migrations'], dir);
  expect(r.stderr).toBe('');
  // Only the rules these cases are written around: other rules may also have things to say about them.
  return (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings.filter((f) => STUDIED.has(f.rule));
}

const STUDIED = new Set([
  'adding-required-field',
  'require-concurrent-index-creation',
  'unused-suppression',
  'suppression-missing-reason',
]);

const brief = (fs: JsonFinding[]) => fs.map((f) => `${f.line} ${f.rule}`);

describe('SQL suppressions', () => {
  it('a next-line suppression with a reason covers the whole multi-line statement after it', async () => {
    const findings =
      await lintSql(`-- migration-lint-disable-next-line adding-required-field, require-concurrent-index-creation -- orders is empty until launch
ALTER TABLE orders
  ADD COLUMN status text NOT NULL,
  ADD COLUMN region text NOT NULL;
ALTER TABLE orders ADD COLUMN channel text NOT NULL;
`);
    // both ADD COLUMNs of the first statement are silenced; the next statement is not
    expect(brief(findings)).toEqual(['1 unused-suppression', '5 adding-required-field']);
    expect(findings[0]!.message).toBe(
      'migration-lint-disable-next-line require-concurrent-index-creation suppresses nothing: no require-concurrent-index-creation finding on the statement at line 2.',
    );
    expect(findings[0]!.severity).toBe('warning');
  });

  it('skips blank lines and other comments between the directive and the statement; block comments work', async () => {
    const findings =
      await lintSql(`-- migration-lint-disable-next-line require-concurrent-index-creation -- lookup table, 40 rows
-- Index for the country picker.

CREATE INDEX countries_name_idx ON countries (name);
/* migration-lint-disable-next-line require-concurrent-index-creation -- 12 rows */
CREATE INDEX currencies_code_idx ON currencies (code);
CREATE INDEX users_country_idx ON users (country);
`);
    expect(brief(findings)).toEqual(['7 require-concurrent-index-creation']);
  });

  it('the file-level form covers every statement of the file, and only the rules it names', async () => {
    const findings =
      await lintSql(`-- migration-lint-disable-file require-concurrent-index-creation -- runs before the app is live
CREATE INDEX a_idx ON users (a);
CREATE INDEX b_idx ON users (b);
ALTER TABLE users ADD COLUMN c text NOT NULL;
`);
    expect(brief(findings)).toEqual(['4 adding-required-field']);
  });

  it('a suppression without a reason still applies, and is reported as suppression-missing-reason', async () => {
    const findings = await lintSql(`-- migration-lint-disable-next-line require-concurrent-index-creation
CREATE INDEX a_idx ON users (a);
`);
    expect(brief(findings)).toEqual(['1 suppression-missing-reason']);
    expect(findings[0]).toMatchObject({ severity: 'warning', column: 1 });
  });

  it('reports unknown rule ids, rule-less directives and directives with nothing to silence', async () => {
    const findings = await lintSql(`-- migration-lint-disable-next-line require-concurrent-index -- typo
CREATE INDEX a_idx ON users (a);
-- migration-lint-disable-next-line -- forgot the rule
CREATE INDEX CONCURRENTLY b_idx ON users (b);
-- migration-lint-disable-file adding-required-field -- none in this file
`);
    expect(brief(findings)).toEqual([
      '1 unused-suppression',
      '2 require-concurrent-index-creation',
      '3 unused-suppression',
      '5 unused-suppression',
    ]);
    expect(findings[0]!.message).toContain('names "require-concurrent-index", which is not a migration-lint rule');
    expect(findings[2]!.message).toContain('names no rule');
    expect(findings[3]!.message).toContain('no adding-required-field finding in this file');
  });

  it('respects the config: unused-suppression off, and no report for rules that are turned off', async () => {
    const sql =
      '-- migration-lint-disable-next-line adding-required-field -- checked\nCREATE INDEX CONCURRENTLY a_idx ON users (a);\n';
    expect(brief(await lintSql(sql))).toEqual(['1 unused-suppression']);
    expect(brief(await lintSql(sql, '{ "rules": { "unused-suppression": "off" } }'))).toEqual([]);
    expect(brief(await lintSql(sql, '{ "rules": { "adding-required-field": "off" } }'))).toEqual([]);
    // and a file-level directive may silence the suppression findings themselves
    expect(brief(await lintSql('-- migration-lint-disable-file unused-suppression -- generated file\n' + sql))).toEqual(
      [],
    );
  });

  it('honours squawk-ignore and squawk-ignore-file without policing them', async () => {
    const findings = await lintSql(`-- squawk-ignore require-concurrent-index-creation, prefer-robust-stmts
CREATE INDEX a_idx ON users (a);
CREATE INDEX b_idx ON users (b); -- squawk-ignore require-concurrent-index-creation
-- squawk-ignore ban-drop-column
CREATE INDEX c_idx ON users (c);
`);
    expect(brief(findings)).toEqual(['5 require-concurrent-index-creation']);
    expect(
      brief(
        await lintSql(
          '-- squawk-ignore-file\nCREATE INDEX a_idx ON users (a);\nALTER TABLE users ADD COLUMN b text NOT NULL;\n',
        ),
      ),
    ).toEqual([]);
    expect(
      brief(
        await lintSql(
          '-- squawk-ignore-file adding-required-field\nCREATE INDEX a_idx ON users (a);\nALTER TABLE users ADD COLUMN b text NOT NULL;\n',
        ),
      ),
    ).toEqual(['2 require-concurrent-index-creation']);
  });
});

describeWithSquawk('squawk-ignore compared with Squawk', () => {
  const squawkBin = squawkBinary!;
  /** Lines (1-based) where Squawk reports `rule`, read from its gcc-style output (0-based lines). */
  function squawkLines(file: string, rule: string): number[] {
    let out: string;
    try {
      out = execFileSync(squawkBin, ['--reporter', 'gcc', file], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (e) {
      out = (e as { stdout: string }).stdout; // exit 1 when it finds something
    }
    return out
      .split('\n')
      .filter((l) => l.includes(`: ${rule} `))
      .map((l) => Number(/:(\d+):\d+: /.exec(l)![1]) + 1);
  }

  it('suppresses exactly what Squawk suppresses on single- and multi-line statements', async () => {
    const sql = `-- squawk-ignore require-concurrent-index-creation
CREATE INDEX a_idx ON users (a);
CREATE INDEX b_idx ON users (b);
-- squawk-ignore ban-drop-column, require-concurrent-index-creation
CREATE INDEX c_idx
  ON users (c);
CREATE INDEX d_idx ON users (d); -- squawk-ignore require-concurrent-index-creation
-- squawk-ignore ban-drop-column
CREATE INDEX e_idx ON users (e);
-- squawk-ignore
CREATE INDEX f_idx ON users (f);
`;
    const dir = tempDir('ml-squawk-');
    writeFiles(dir, { 'm.sql': sql });
    const theirs = squawkLines(join(dir, 'm.sql'), 'require-concurrent-index-creation');
    const ours = brief(await lintSql(sql))
      .filter((f) => f.endsWith('require-concurrent-index-creation'))
      .map((f) => Number(f.split(' ')[0]));
    expect(theirs).toEqual([3, 9, 11]);
    expect(ours).toEqual(theirs);
  });

  it('differs where Squawk matches lines only: a finding inside a multi-line statement', async () => {
    const sql = '-- squawk-ignore adding-required-field\nALTER TABLE orders\n  ADD COLUMN status text NOT NULL;\n';
    const dir = tempDir('ml-squawk-');
    writeFiles(dir, { 'm.sql': sql });
    // Squawk points at the ADD COLUMN line, which the comment's "next line" does not reach.
    expect(squawkLines(join(dir, 'm.sql'), 'adding-required-field')).toEqual([3]);
    expect(await lintSql(sql)).toEqual([]);
  });
});

/** Builds a migration the way a code frontend does: ops whose spans point at calls in `source`. */
function codeMigration(
  file: string,
  source: string,
  ops: { line: number; endLine: number; statement: number }[],
): Migration {
  return {
    file,
    format: file.endsWith('.py') ? 'alembic' : 'knex',
    transaction: 'wrapped',
    diagnostics: [],
    source,
    ops: ops.map((o) => ({
      kind: 'other',
      statementType: 'test',
      span: { file, line: o.line, column: 5, endLine: o.endLine, endColumn: 40 },
      direction: 'upgrade',
      inTransaction: true,
      statementIndex: o.statement,
    })),
  };
}

function finding(file: string, rule: string, line: number, endLine = line): Finding {
  return { rule, severity: 'error', file, line, column: 5, endLine, endColumn: 40, message: 'm', direction: 'upgrade' };
}

const options = {
  knownRules: new Set(ALL_RULES.map((r) => r.meta.id)),
  severityOf: (id: string) => ALL_RULES.find((r) => r.meta.id === id)?.meta.severity,
};

describe('TypeScript/JavaScript suppressions', () => {
  const file = 'migrations/20240501_add_status.ts';
  const source = `import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // migration-lint-disable-next-line adding-required-field -- orders is empty until launch
  await knex.schema.alterTable('orders', (table) => {
    table.text('status').notNullable();
    table.text('region').notNullable();
  });
  await knex.schema
    // migration-lint-disable-next-line require-concurrent-index-creation -- 30 rows
    .raw('CREATE INDEX orders_status_idx ON orders (status)');
  await knex.raw(\`
    -- migration-lint-disable-next-line require-concurrent-index-creation -- rebuilt nightly
    CREATE INDEX orders_region_idx
      ON orders (region);
  \`);
  /* migration-lint-disable-next-line adding-required-field -- no reason needed? there is one */
  await knex.schema.alterTable('users', (t) => t.text('plan').notNullable());
  await knex.schema.alterTable('users', (t) => t.text('tier').notNullable());
}
`;
  it('finds the directives in // and /* */ comments and in SQL inside template literals', () => {
    const ds = findDirectives(file, source);
    expect(ds.map((d) => `${d.line}:${d.column} ${d.keyword} ${d.rules.join(',')} | ${d.reason}`)).toEqual([
      '4:3 migration-lint-disable-next-line adding-required-field | orders is empty until launch',
      '10:5 migration-lint-disable-next-line require-concurrent-index-creation | 30 rows',
      '13:5 migration-lint-disable-next-line require-concurrent-index-creation | rebuilt nightly',
      '17:3 migration-lint-disable-next-line adding-required-field | no reason needed? there is one',
    ]);
  });

  it('covers the whole call the comment sits above, even when its ops start on inner lines', () => {
    const lines = source.split('\n');
    expect(statementEnd(lines, 5, 'script')).toBe(8); // alterTable(…, (table) => { … });
    expect(statementEnd(lines, 9, 'script')).toBe(11); // knex.schema ⏎ .raw(…)
    expect(statementEnd(lines, 12, 'script')).toBe(16); // knex.raw(`…`)
    const migration = codeMigration(file, source, [
      { line: 6, endLine: 6, statement: 0 },
      { line: 7, endLine: 7, statement: 0 },
      { line: 11, endLine: 11, statement: 1 },
      { line: 14, endLine: 15, statement: 2 },
      { line: 18, endLine: 18, statement: 3 },
      { line: 19, endLine: 19, statement: 4 },
    ]);
    const findings = [
      finding(file, 'adding-required-field', 6),
      finding(file, 'adding-required-field', 7),
      finding(file, 'require-concurrent-index-creation', 11),
      finding(file, 'require-concurrent-index-creation', 14, 15),
      finding(file, 'adding-required-field', 18),
      finding(file, 'adding-required-field', 19),
    ];
    const left = applySuppressions(findings, [migration], options);
    expect(left.map((f) => `${f.line} ${f.rule}`)).toEqual(['19 adding-required-field']);
  });
});

describe('Python suppressions', () => {
  const file = 'alembic/versions/3f2a_add_status.py';
  const source = `"""add status

Revision ID: 3f2a
"""
from alembic import op
import sqlalchemy as sa

revision = "3f2a"
down_revision = "1b9c"


def upgrade():
    # migration-lint: disable=adding-required-field -- orders is empty until launch
    op.add_column(
        "orders",
        sa.Column("status", sa.Text(), nullable=False),
    )
    op.add_column("orders", sa.Column("region", sa.Text(), nullable=False))  # migration-lint: disable=adding-required-field -- same
    # migration-lint: disable=require-concurrent-index-creation -- 40 rows
    with op.batch_alter_table("countries") as batch_op:
        batch_op.create_index("countries_name_idx", ["name"])
        batch_op.create_index("countries_code_idx", ["code"])
    op.create_index("orders_status_idx", "orders", ["status"])
    op.execute("""
        -- migration-lint-disable-next-line require-concurrent-index-creation -- rebuilt nightly
        CREATE INDEX orders_region_idx ON orders (region)
    """)
`;
  it('reads # migration-lint: disable= on its own line (next statement) and trailing (this statement)', () => {
    const ds = findDirectives(file, source);
    expect(ds.map((d) => `${d.line} ${d.scope} ${d.rules.join(',')} | ${d.reason}`)).toEqual([
      '13 next-statement adding-required-field | orders is empty until launch',
      '18 this-statement adding-required-field | same',
      '19 next-statement require-concurrent-index-creation | 40 rows',
      '25 next-statement require-concurrent-index-creation | rebuilt nightly',
    ]);
  });

  it('covers a multi-line call and a whole with-block', () => {
    const lines = source.split('\n');
    expect(statementEnd(lines, 14, 'python')).toBe(17);
    expect(statementEnd(lines, 20, 'python')).toBe(22);
    const migration = codeMigration(file, source, [
      { line: 14, endLine: 17, statement: 0 },
      { line: 18, endLine: 18, statement: 1 },
      { line: 21, endLine: 21, statement: 2 },
      { line: 22, endLine: 22, statement: 3 },
      { line: 23, endLine: 23, statement: 4 },
      { line: 26, endLine: 26, statement: 5 },
    ]);
    const findings = [
      finding(file, 'adding-required-field', 14, 17),
      finding(file, 'adding-required-field', 18),
      finding(file, 'require-concurrent-index-creation', 21),
      finding(file, 'require-concurrent-index-creation', 22),
      finding(file, 'require-concurrent-index-creation', 23),
      finding(file, 'require-concurrent-index-creation', 26),
    ];
    const left = applySuppressions(findings, [migration], options);
    expect(left.map((f) => `${f.line} ${f.rule}`)).toEqual(['23 require-concurrent-index-creation']);
  });

  it('has a file-level form; a look-alike inside a string is read as a directive, and reported when it silences nothing', () => {
    const src =
      '# migration-lint: disable-file=ban-drop-column -- legacy revision\nURL = "https://example.com/#migration-lint: disable=x"\n';
    const ds = findDirectives('alembic/versions/a.py', src);
    expect(ds).toHaveLength(2); // `#migration-lint` inside the string looks like a comment to a line scanner…
    expect(ds[0]).toMatchObject({ scope: 'file', rules: ['ban-drop-column'], reason: 'legacy revision' });
    // …but a directive that suppresses nothing is reported, so a false one cannot hide quietly
    const migration = codeMigration('alembic/versions/a.py', src, []);
    const out = applySuppressions([], [migration], options);
    expect(out.map((f) => `${f.line} ${f.rule}`)).toEqual(['1 unused-suppression', '2 unused-suppression']);
  });
});

describe('through the real frontends (Knex, Alembic), end to end', () => {
  const KNEX = `import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // migration-lint-disable-next-line adding-required-field -- orders is empty until launch
  await knex.schema.alterTable('orders', (table) => {
    table.text('status').notNullable();
    table.text('region').notNullable();
  });
  await knex.schema.alterTable('users', (table) => {
    table.text('tier').notNullable();
  });
  await knex.raw(\`
    -- migration-lint-disable-next-line require-concurrent-index-creation -- rebuilt nightly
    CREATE INDEX orders_region_idx
      ON orders (region);
  \`);
  await knex.raw('CREATE INDEX orders_status_idx ON orders (status)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('orders', (table) => {
    table.dropColumn('status');
    table.dropColumn('region');
  });
}
`;
  const ALEMBIC = `"""add status

Revision ID: 3f2a1b4c5d6e
Revises:
"""
from alembic import op
import sqlalchemy as sa

revision = "3f2a1b4c5d6e"
down_revision = None


def upgrade():
    # migration-lint: disable=adding-required-field -- orders is empty until launch
    op.add_column(
        "orders",
        sa.Column("status", sa.Text(), nullable=False),
    )
    op.add_column("orders", sa.Column("region", sa.Text(), nullable=False))  # migration-lint: disable=adding-required-field -- same
    op.add_column("users", sa.Column("tier", sa.Text(), nullable=False))
    # migration-lint: disable=require-concurrent-index-creation -- 40 rows
    with op.batch_alter_table("countries") as batch_op:
        batch_op.create_index("countries_name_idx", ["name"])
        batch_op.create_index("countries_code_idx", ["code"])
    op.create_index("orders_status_idx", "orders", ["status"])
    op.execute("""
        -- migration-lint-disable-next-line require-concurrent-index-creation -- rebuilt nightly
        CREATE INDEX orders_region_idx ON orders (region)
    """)


def downgrade():
    op.drop_index("orders_status_idx", table_name="orders")
`;

  it('a comment above a Knex call covers every op inside it; SQL in knex.raw keeps its own directives', async () => {
    const dir = tempDir('ml-supp-ts-');
    writeFiles(dir, { 'migrations/20240501120000_add_status.ts': KNEX });
    const r = await cli(['--format', 'json', 'migrations'], dir);
    const doc = JSON.parse(r.stdout) as { summary: { filesByFormat: Record<string, number> }; findings: JsonFinding[] };
    expect(doc.summary.filesByFormat).toEqual({ knex: 1 });
    expect(brief(doc.findings.filter((f) => STUDIED.has(f.rule)))).toEqual([
      '10 adding-required-field',
      '17 require-concurrent-index-creation',
    ]);
    // the same file without its two directive lines: every statement is flagged
    const bare = KNEX.split('\n')
      .filter((l) => !l.includes('migration-lint-disable'))
      .join('\n');
    writeFiles(dir, { 'migrations/20240501120000_add_status.ts': bare });
    const unsuppressed = JSON.parse((await cli(['--format', 'json', 'migrations'], dir)).stdout) as {
      findings: JsonFinding[];
    };
    expect(brief(unsuppressed.findings.filter((f) => STUDIED.has(f.rule)))).toEqual([
      '5 adding-required-field',
      '6 adding-required-field',
      '9 adding-required-field',
      '12 require-concurrent-index-creation',
      '15 require-concurrent-index-creation',
    ]);
  });

  it('Alembic: next-statement, trailing and with-block forms, and SQL in op.execute', async () => {
    const dir = tempDir('ml-supp-py-');
    writeFiles(dir, { 'alembic/versions/3f2a1b4c5d6e_add_status.py': ALEMBIC });
    const r = await cli(['--format', 'json', 'alembic'], dir);
    const doc = JSON.parse(r.stdout) as { summary: { filesByFormat: Record<string, number> }; findings: JsonFinding[] };
    expect(doc.summary.filesByFormat).toEqual({ alembic: 1 });
    expect(brief(doc.findings.filter((f) => STUDIED.has(f.rule)))).toEqual([
      '20 adding-required-field',
      '25 require-concurrent-index-creation',
    ]);
  });
});
