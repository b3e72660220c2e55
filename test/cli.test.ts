/**
 * The command-line contract: exit codes, the JSON document (version 1), stdin, subcommands, colours,
 * and the options that change verdicts. Mostly in-process through `run(argv, io)`; the last tests
 * run the built `bin/migration-lint.js` as a child process, as users do.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ruleDocsUrl } from '../src/version.js';
import { describe, expect, it } from 'vitest';
import { ALL_RULES } from '../src/rules/index.js';
import { cli, REPO_ROOT, tempDir, writeFiles } from './integrations/helpers.js';
import { run } from '../src/cli/main.js';

const STACK = /\n\s+at .+:\d+:\d+\)?/;
const VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

async function json(argv: string[], cwd: string, stdin?: string) {
  const r = await cli(['--format', 'json', ...argv], cwd, stdin);
  expect(r.stderr).not.toMatch(STACK);
  return {
    code: r.code,
    doc: JSON.parse(r.stdout) as {
      version: number;
      findings: Record<string, unknown>[];
      summary: Record<string, unknown>;
    },
  };
}
const rulesOf = (doc: { findings: Record<string, unknown>[] }) => doc.findings.map((f) => f.rule);

describe('exit codes', () => {
  it('0 when there is nothing at error level (warnings do not fail)', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'clean.sql': "SET lock_timeout = '2s';\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n",
      'warn.sql': 'CREATE TABLE tags (id serial PRIMARY KEY, name varchar(40));\n',
    });
    const r = await cli(['clean.sql', 'warn.sql'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/0 errors, \d+ warnings/);
  });

  it('1 for error-level findings, parse errors included', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'idx.sql': 'CREATE INDEX users_email_idx ON users (email);\n',
      'typo.sql': 'ALTER TABEL users ADD COLUMN x int;\n',
    });
    expect((await cli(['idx.sql'], dir)).code).toBe(1);
    const typo = await json(['typo.sql'], dir);
    expect(typo.code).toBe(1);
    expect(rulesOf(typo.doc)).toEqual(['parse-error']);
  });

  it('2 for an unknown flag, an unknown rule in --exclude, a missing path, a bad option value — with a one-line message', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'm.sql': 'SELECT 1;\n' });
    const cases: [string[], RegExp][] = [
      [['--bogus', 'm.sql'], /unknown option '--bogus'/],
      [['--exclude', 'require-concurrent-index-creation,no-such-rule', 'm.sql'], /unknown rule "no-such-rule"/],
      [['migrations/'], /no such file or directory: migrations/],
      [['--pg-version', 'fourteen', 'm.sql'], /--pg-version/],
      [['--format', 'xml', 'm.sql'], /xml/],
    ];
    for (const [argv, message] of cases) {
      const r = await cli(argv, dir);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stdout, argv.join(' ')).toBe('');
      expect(r.stderr, argv.join(' ')).toMatch(message);
      expect(r.stderr, argv.join(' ')).not.toMatch(STACK);
    }
  });

  it('--exclude turns the named rules off', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'idx.sql': 'CREATE INDEX users_email_idx ON users (email);\n' });
    const r = await json(['--exclude', 'require-concurrent-index-creation, require-lock-timeout', 'idx.sql'], dir);
    expect(r.code).toBe(0);
    expect(r.doc.findings).toEqual([]);
  });
});

describe('--format json', () => {
  it('is the documented version-1 document: 1-based positions, paths relative to the working directory', async () => {
    const dir = tempDir();
    // A comment with non-ASCII text before the statement: libpg-query reports UTF-8 byte offsets.
    writeFiles(dir, {
      'db/migrate/003_index.sql':
        "-- café: index für die Suche\nSET lock_timeout = '2s';\nSELECT 'ü'; CREATE INDEX orders_ref_idx\n  ON orders (reference);\n",
    });
    const { code, doc } = await json([join(dir, 'db/migrate')], dir);
    expect(code).toBe(1);
    expect(Object.keys(doc)).toEqual(['version', 'findings', 'summary']);
    expect(doc.version).toBe(1);
    expect(doc.findings).toHaveLength(1);
    const f = doc.findings[0]!;
    expect(Object.keys(f).slice(0, 10)).toEqual([
      'rule',
      'severity',
      'file',
      'line',
      'column',
      'endLine',
      'endColumn',
      'message',
      'help',
      'lock',
    ]);
    expect(f).toMatchObject({
      rule: 'require-concurrent-index-creation',
      severity: 'error',
      file: 'db/migrate/003_index.sql',
      line: 3,
      column: 13,
      endLine: 4,
      endColumn: 24,
      direction: 'upgrade',
    });
    expect(f.message).toEqual(expect.stringContaining('orders_ref_idx'));
    expect(f.help).toEqual(expect.stringContaining('CONCURRENTLY'));
    expect(f.lock).toBe('SHARE on orders (blocks writes)');
    expect(doc.summary).toMatchObject({ files: 1, filesByFormat: { sql: 1 }, findings: 1, errors: 1, warnings: 0 });
  });

  it('columns count UTF-16 code units after characters outside the BMP', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'm.sql': "SET lock_timeout = '2s';\nSELECT '🚀'; CREATE INDEX launches_at_idx ON launches (at);\n",
    });
    const { doc } = await json(['m.sql'], dir);
    // "SELECT '🚀'; " is 13 UTF-16 code units (the rocket is a surrogate pair, 4 bytes in UTF-8)
    expect(doc.findings).toEqual([
      expect.objectContaining({
        rule: 'require-concurrent-index-creation',
        line: 2,
        column: 14,
        endLine: 2,
        endColumn: 59,
      }),
    ]); // the end is exclusive, before the ";"
  });

  it('help and lock are null when a rule has none to give', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'typo.sql': 'SELEC 1;\n' });
    const { doc } = await json(['typo.sql'], dir);
    expect(doc.findings[0]).toMatchObject({ rule: 'parse-error', line: 1, column: 1, help: null, lock: null });
  });

  it('a file outside the working directory is given relative to it', async () => {
    const dir = tempDir();
    const elsewhere = tempDir();
    writeFiles(elsewhere, { 'x.sql': 'DROP TABLE users;\n' });
    const { doc } = await json([join(elsewhere, 'x.sql')], dir);
    const file = doc.findings[0]!.file as string;
    expect(file.startsWith('../')).toBe(true);
    expect(join(dir, file)).toBe(join(elsewhere, 'x.sql'));
  });
});

describe('stdin', () => {
  it('- reads the migration from stdin; --stdin-filename names it and picks its format', async () => {
    const dir = tempDir();
    const sql =
      'CREATE INDEX CONCURRENTLY tx_created_idx ON transactions (created_at);\nCREATE INDEX CONCURRENTLY tx_currency_idx ON transactions (currency);\n';
    // As plain SQL each statement runs on its own, outside a transaction: fine.
    const plain = await json(['-'], dir, sql);
    expect(plain.code).toBe(0);
    expect(plain.doc.findings).toEqual([]);
    expect(plain.doc.summary).toMatchObject({ files: 1, filesByFormat: { sql: 1 } });
    // Named as a golang-migrate file, it is sent as one multi-statement query: one implicit transaction.
    const named = await json(['--stdin-filename', 'migrations/000003_reporting_indexes.up.sql', '-'], dir, sql);
    expect(named.code).toBe(1);
    expect(named.doc.findings.map((f) => [f.rule, f.file, f.line])).toEqual([
      ['ban-concurrent-index-creation-in-transaction', 'migrations/000003_reporting_indexes.up.sql', 1],
      ['ban-concurrent-index-creation-in-transaction', 'migrations/000003_reporting_indexes.up.sql', 2],
    ]);
    expect(named.doc.summary).toMatchObject({ filesByFormat: { 'golang-migrate': 1 } });
  });

  it('stdin and files together', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'a.sql': 'DROP TABLE users;\n' });
    const { doc } = await json(
      ['a.sql', '-', '--stdin-filename', 'b.sql'],
      dir,
      'ALTER TABLE orders DROP COLUMN note;\n',
    );
    expect(doc.findings.filter((f) => f.severity === 'error').map((f) => [f.file, f.rule])).toEqual(
      expect.arrayContaining([
        ['a.sql', 'ban-drop-table'],
        ['b.sql', 'ban-drop-column'],
      ]),
    );
  });
});

describe('subcommands and meta options', () => {
  it('rules lists every rule with its severity and summary', async () => {
    const r = await cli(['rules'], tempDir());
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(ALL_RULES.length);
    for (const rule of ALL_RULES) {
      const line = lines.find((l) => l.startsWith(rule.meta.id + ' '));
      expect(line, rule.meta.id).toBeDefined();
      expect(line).toContain(rule.meta.severity);
      expect(line).toContain(rule.meta.summary);
    }
  });

  it('explain prints a rule’s documentation; an unknown rule is a usage error', async () => {
    const ok = await cli(['explain', 'adding-not-nullable-field'], tempDir());
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^# adding-not-nullable-field/);
    expect(ok.stdout).toMatch(/## What it flags[\s\S]*## Why it is dangerous[\s\S]*## Do this instead/);
    expect(ok.stdout).toMatch(/```sql[\s\S]*VALIDATE CONSTRAINT/);
    const bad = await cli(['explain', 'adding-not-null'], tempDir());
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown rule "adding-not-null"/);
  });

  it('--version and --help exit 0', async () => {
    const v = await cli(['--version'], tempDir());
    expect(v).toMatchObject({ code: 0, stdout: `${VERSION}\n` });
    const h = await cli(['--help'], tempDir());
    expect(h.code).toBe(0);
    for (const flag of [
      '--format',
      '--pg-version',
      '--assume-in-transaction',
      '--exclude',
      '--check-downgrade',
      '--stdin-filename',
      '--version',
    ])
      expect(h.stdout).toContain(flag);
    expect(h.stdout).toMatch(/Commands:[\s\S]*rules[\s\S]*explain/);
  });
});

describe('text output', () => {
  const sql = "SET lock_timeout = '2s';\nCREATE INDEX users_email_idx ON users (email);\n";

  async function text(isTTY: boolean, argv: string[] = []) {
    const dir = tempDir();
    writeFiles(dir, { 'm.sql': sql });
    let stdout = '';
    const code = await run([...argv, 'm.sql'], {
      stdout: (s) => (stdout += s),
      stderr: () => {},
      readStdin: async () => Buffer.from(''),
      cwd: dir,
      isTTY,
    });
    return { code, stdout };
  }

  it('file:line:col  severity  rule  message, a code frame, the lock, the fix, a summary line', async () => {
    const { stdout } = await text(false);
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(
      /^m\.sql:2:1 {2}error {2}require-concurrent-index-creation {2}CREATE INDEX users_email_idx/,
    );
    expect(stdout).toContain('> 2 | CREATE INDEX users_email_idx ON users (email);');
    expect(stdout).toMatch(/\|\s\^{10,}/);
    expect(stdout).toContain('lock: SHARE on users (blocks writes)');
    expect(stdout).toMatch(/fix: +Use CREATE INDEX CONCURRENTLY/);
    expect(lines.filter(Boolean).at(-1)).toBe('✖ 1 problem (1 error, 0 warnings) in 1 file');
  });

  it('colours only on a terminal, and never with --no-color', async () => {
    expect((await text(false)).stdout).not.toContain('\x1b[');
    expect((await text(true)).stdout).toContain('\x1b[31merror\x1b[0m');
    expect((await text(true, ['--no-color'])).stdout).not.toContain('\x1b[');
  });
});

describe('terminal niceties', () => {
  const sql = "SET lock_timeout = '2s';\nCREATE INDEX users_email_idx ON users (email);\n";
  const docs = ruleDocsUrl('require-concurrent-index-creation');
  const lint = async (io: { isTTY?: boolean; env?: Record<string, string> }, argv: string[] = []) => {
    const dir = tempDir();
    writeFiles(dir, { 'm.sql': sql });
    return cli([...argv, 'm.sql'], dir, '', io);
  };

  it("every finding links to its rule's docs: a plain URL in a pipe, an OSC 8 hyperlink on a terminal", async () => {
    const piped = await lint({});
    expect(piped.stdout).toContain(`\n    docs: ${docs}\n`);
    expect(piped.stdout).not.toContain('\x1b]8;');
    const tty = await lint({ isTTY: true });
    expect(tty.stdout).toContain(`\x1b]8;;${docs}\x1b\\${docs}\x1b]8;;\x1b\\`); // the docs line
    expect(tty.stdout).toContain(`\x1b]8;;${docs}\x1b\\require-concurrent-index-creation\x1b]8;;\x1b\\`); // the rule id
    expect((await lint({ isTTY: true, env: { TERM: 'dumb' } })).stdout).not.toContain('\x1b]8;');
    expect((await lint({ env: { FORCE_HYPERLINK: '1' } })).stdout).toContain('\x1b]8;;');
  });

  it('--color / --no-color, then FORCE_COLOR (over NO_COLOR, as in Node), then NO_COLOR, then the terminal decide', async () => {
    const coloured = async (io: { isTTY?: boolean; env?: Record<string, string> }, argv: string[] = []) =>
      (await lint(io, argv)).stdout.includes('\x1b[31merror\x1b[0m');
    expect(await coloured({})).toBe(false);
    expect(await coloured({}, ['--color'])).toBe(true); // a CI log that renders colours
    expect(await coloured({ env: { FORCE_COLOR: '1' } })).toBe(true);
    expect(await coloured({ env: { FORCE_COLOR: '' } })).toBe(true);
    expect(await coloured({ isTTY: true, env: { FORCE_COLOR: '0' } })).toBe(false);
    expect(await coloured({ isTTY: true, env: { NO_COLOR: '1' } })).toBe(false);
    expect(await coloured({ env: { NO_COLOR: '1', FORCE_COLOR: '1' } })).toBe(true);
    expect(await coloured({ isTTY: true, env: { NO_COLOR: '1' } }, ['--color'])).toBe(true);
    expect(await coloured({ isTTY: true, env: { FORCE_COLOR: '1' } }, ['--no-color'])).toBe(false);
    expect(await coloured({ isTTY: true, env: { TERM: 'dumb' } })).toBe(false);
    expect(await coloured({ isTTY: true })).toBe(true);
  });

  it('control characters from a migration reach the terminal escaped, not as commands', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'm.sql': "SET lock_timeout = '2s';\nCREATE INDEX users_email_idx ON users (email); -- \x1b]0;owned\x07\x1b[2J\n",
    });
    const r = await cli(['m.sql'], dir, '', { isTTY: true });
    expect(r.stdout).toContain('-- \\x1b]0;owned\\x07\\x1b[2J');
    expect(r.stdout).not.toContain('\x07');
    expect(r.stdout).not.toContain('\x1b[2J');
  });

  it('explain and --exclude suggest the rule meant by a misspelt or shortened id', async () => {
    const cases: [string, string][] = [
      ['require-concurent-index-creation', '"require-concurrent-index-creation"'],
      ['adding-not-null', '"adding-not-nullable-field"'],
      ['ban-drop-colum', '"ban-drop-column"'],
      ['trace-acess-exclusive', '"trace-access-exclusive"'],
    ];
    for (const [typo, meant] of cases) {
      const r = await cli(['explain', typo], tempDir());
      expect(r.code, typo).toBe(2);
      expect(r.stderr, typo).toBe(
        `migration-lint: unknown rule "${typo}" (did you mean ${meant}?); migration-lint rules lists them\n`,
      );
    }
    expect((await cli(['explain', 'frobnicate'], tempDir())).stderr).toBe(
      'migration-lint: unknown rule "frobnicate"; migration-lint rules lists them\n',
    );
    const dir = tempDir();
    writeFiles(dir, { 'm.sql': sql });
    expect((await cli(['--exclude', 'prefer-bigint', 'm.sql'], dir)).stderr).toContain(
      'unknown rule "prefer-bigint" (did you mean "prefer-bigint-over-int" or "prefer-bigint-over-smallint"?)',
    );
  });

  it('messages name directories relative to the working directory, never by absolute path (Alembic graph checks)', async () => {
    const dir = tempDir();
    const revision = (id: string, parent: string | null, name: string) =>
      `"""${name}\n\nRevision ID: ${id}\nRevises: ${parent ?? ''}\n"""\nfrom alembic import op\nimport sqlalchemy as sa\n\nrevision = "${id}"\ndown_revision = ${parent ? `"${parent}"` : 'None'}\nbranch_labels = None\ndepends_on = None\n\n\ndef upgrade():\n    op.add_column("invoices", sa.Column("${name}", sa.Text(), nullable=True))\n\n\ndef downgrade():\n    op.drop_column("invoices", "${name}")\n`;
    writeFiles(dir, {
      'billing/alembic/versions/a1_base.py': revision('a1a1a1a1a1a1', null, 'memo'),
      'billing/alembic/versions/b2_due.py': revision('b2b2b2b2b2b2', 'a1a1a1a1a1a1', 'due_note'),
      'billing/alembic/versions/c3_currency.py': revision('c3c3c3c3c3c3', 'a1a1a1a1a1a1', 'currency_note'),
      'shipping/alembic/versions/d4_orphan.py': revision('d4d4d4d4d4d4', 'ffffffffffff', 'orphan_note'),
    });
    // absolute paths on the command line, as CI scripts often pass
    const argv = [join(dir, 'billing/alembic/versions'), join(dir, 'shipping/alembic/versions')];
    const r = await json(argv, join(dir, 'billing'));
    const messages = r.doc.findings
      .filter((f) => f.rule === 'multiple-heads' || f.rule === 'broken-revision-graph')
      .map((f) => f.message as string);
    expect(messages).toEqual([
      expect.stringContaining(
        'is one of 2 heads in alembic/versions: b2b2b2b2b2b2 (b2_due.py), c3c3c3c3c3c3 (c3_currency.py)',
      ),
      expect.stringContaining('is one of 2 heads in alembic/versions: '),
      expect.stringContaining(
        'has down_revision ffffffffffff, but no revision in ../shipping/alembic/versions has that id',
      ),
    ]);
    for (const f of r.doc.findings) expect(JSON.stringify(f), f.rule as string).not.toContain(dir);
    const text = await cli(argv, join(dir, 'billing'));
    expect(text.stdout).toContain('heads in alembic/versions');
    expect(text.stdout).not.toContain(dir);
  });
});

describe('options that change verdicts', () => {
  it('--check-downgrade also lints down migrations', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'db/migrations/20240105090000_tags_name_idx.sql':
        '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY tags_name_idx ON tags (name);\n\n-- migrate:down\nDROP INDEX tags_name_idx;\n',
      'migrations/000002_add_index.down.sql': 'DROP INDEX tags_name_idx;\n',
    });
    const up = await json(['db', 'migrations'], dir);
    expect(up.doc.findings).toEqual([]);
    const down = await json(['--check-downgrade', 'db', 'migrations'], dir);
    expect(down.doc.findings.map((f) => [f.file, f.line, f.rule, f.direction])).toEqual(
      expect.arrayContaining([
        ['db/migrations/20240105090000_tags_name_idx.sql', 5, 'require-concurrent-index-deletion', 'downgrade'],
        ['migrations/000002_add_index.down.sql', 1, 'require-concurrent-index-deletion', 'downgrade'],
      ]),
    );
    expect(down.code).toBe(1);
  });

  it('--pg-version: a constant default rewrites the table before Postgres 11 only', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'm.sql': "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN plan text NOT NULL DEFAULT 'free';\n",
    });
    const pg10 = await json(['--pg-version', '10', 'm.sql'], dir);
    expect(rulesOf(pg10.doc)).toEqual(['adding-field-with-default']);
    const byDefault = await json(['m.sql'], dir); // default: 14
    expect(byDefault.doc.findings).toEqual([]);
  });

  it('--pg-version: SET NOT NULL after a validated CHECK skips the scan from Postgres 12', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'm.sql':
        "SET lock_timeout = '2s';\n" +
        'ALTER TABLE users ADD CONSTRAINT users_name_nn CHECK (name IS NOT NULL) NOT VALID;\n' +
        'ALTER TABLE users VALIDATE CONSTRAINT users_name_nn;\n' +
        'ALTER TABLE users ALTER COLUMN name SET NOT NULL;\n',
    });
    expect(rulesOf((await json(['--pg-version', '11', 'm.sql'], dir)).doc)).toEqual(['adding-not-nullable-field']);
    expect((await json(['--pg-version', '12', 'm.sql'], dir)).doc.findings).toEqual([]);
  });

  it('--assume-in-transaction: for tools that wrap each plain SQL file in a transaction', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'm.sql': 'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n' });
    expect((await json(['m.sql'], dir)).doc.findings).toEqual([]);
    const wrapped = await json(['--assume-in-transaction', 'm.sql'], dir);
    expect(rulesOf(wrapped.doc)).toEqual(['ban-concurrent-index-creation-in-transaction']);
    expect(wrapped.code).toBe(1);
  });
});

describe('the built executable', () => {
  const bin = join(REPO_ROOT, 'bin', 'migration-lint.js');
  const built = existsSync(join(REPO_ROOT, 'dist', 'cli', 'main.js'));

  it.runIf(built)('lints the fixtures as a child process: JSON on stdout, exit 1', () => {
    const r = spawnSync(process.execPath, [bin, '--format', 'json', 'fixtures/sql/hand-written'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    const doc = JSON.parse(r.stdout) as { findings: { file: string; rule: string }[] };
    expect(
      doc.findings.some(
        (f) => f.file === 'fixtures/sql/hand-written/003_order_shipping.sql' && f.rule === 'adding-field-with-default',
      ),
    ).toBe(true);
    expect(r.stderr).toBe('');
  });

  it.runIf(built)('usage errors exit 2 without a stack trace; stdin works through a pipe', () => {
    const bad = spawnSync(process.execPath, [bin, '--nope'], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/unknown option '--nope'/);
    expect(bad.stderr).not.toMatch(STACK);
    const piped = spawnSync(process.execPath, [bin, '--stdin-filename', 'V3__drop.sql', '-'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      input: 'DROP TABLE invoices;\n',
    });
    expect(piped.status).toBe(1);
    expect(piped.stdout).toMatch(/^V3__drop\.sql:1:1 {2}error {2}ban-drop-table/m);
    expect(piped.stdout).not.toContain('\x1b['); // a pipe is not a terminal
  });
});
