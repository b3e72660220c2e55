/**
 * The language server end to end: the real `migration-lint lsp --stdio` process, driven over its
 * stdin/stdout by vscode-jsonrpc's client connection, on a workspace of SQL, Knex and Alembic
 * migrations that each have an earlier sibling migration on disk.
 */
import { ruleDocsUrl } from '../src/version.js';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createMessageConnection,
  type MessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-jsonrpc/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { cli, REPO_ROOT } from './integrations/helpers.js';
import { anything, stringContaining } from './helpers/matchers.js';
import { discoverFiles } from '../src/files/discover.js';
import { EXTENSIONS } from '../src/parsers/registry.js';

interface Range {
  start: { line: number; character: number };
  end: { line: number; character: number };
}
interface Diagnostic {
  range: Range;
  severity: number;
  code: string;
  codeDescription?: { href: string };
  source: string;
  message: string;
}
interface Published {
  uri: string;
  version?: number;
  diagnostics: Diagnostic[];
}
interface TextEdit {
  range: Range;
  newText: string;
}
interface CodeAction {
  title: string;
  kind: string;
  isPreferred?: boolean;
  edit: { changes: Record<string, TextEdit[]> };
}

const SQL_CREATE = 'CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n';
const SQL_INDEX =
  "-- speed up the login lookup\nSET lock_timeout = '2s';\nCREATE UNIQUE INDEX users_email_idx\n  ON users (email);\n";

const KNEX_CREATE = `exports.up = async function (knex) {
  await knex.schema.createTable('orders', (table) => {
    table.bigIncrements('id');
    table.text('status');
  });
};

exports.down = async function (knex) {
  await knex.schema.dropTable('orders');
};
`;
const KNEX_ADD_COLUMN = `exports.up = async function (knex) {
  await knex.raw("SET lock_timeout = '2s'");
  await knex.schema.alterTable('orders', (table) => {
    table.bigInteger('total').notNullable();
  });
};

exports.down = async function (knex) {
  await knex.schema.alterTable('orders', (table) => {
    table.dropColumn('total');
  });
};
`;

const ALEMBIC_CREATE = `"""create invoices"""
from alembic import op
import sqlalchemy as sa

revision = "1a2b3c4d5e6f"
down_revision = None


def upgrade():
    op.create_table("invoices", sa.Column("id", sa.BigInteger(), primary_key=True), sa.Column("number", sa.Text()))


def downgrade():
    op.drop_table("invoices")
`;
const ALEMBIC_INDEX = `"""index invoice numbers"""
from alembic import op

revision = "7f8e9d0c1b2a"
down_revision = "1a2b3c4d5e6f"


def upgrade():
    op.execute("SET lock_timeout = '2s'")
    op.create_index("ix_invoices_number", "invoices", ["number"])


def downgrade():
    op.drop_index("ix_invoices_number", table_name="invoices")
`;

let workspace: string;
let server: ChildProcess;
let client: MessageConnection;
let stderr = '';
const latest = new Map<string, Published>();
const waiters: { uri: string; accept: (p: Published) => boolean; resolve: (p: Published) => void }[] = [];

/** The next diagnostics published for `uri` that `accept` takes (the latest ones, if they do). */
function diagnostics(uri: string, accept: (p: Published) => boolean): Promise<Published> {
  const now = latest.get(uri);
  if (now && accept(now)) return Promise.resolve(now);
  return new Promise((resolve) => waiters.push({ uri, accept, resolve }));
}
const codes = (p: Published) => p.diagnostics.map((d) => d.code).sort();
const file = (...parts: string[]) => join(workspace, ...parts);
const uriOf = (path: string) => pathToFileURL(path).href;

function write(path: string, text: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
}

const documents = new Map<string, TextDocument>();
function open(path: string, text: string, languageId: string): string {
  const uri = uriOf(path);
  documents.set(uri, TextDocument.create(uri, languageId, 1, text));
  void client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  return uri;
}
/** Applies edits to the open document as an editor would, and tells the server. */
function change(uri: string, edits: TextEdit[]): TextDocument {
  const before = documents.get(uri)!;
  const text = TextDocument.applyEdits(before, edits);
  const after = TextDocument.create(uri, before.languageId, before.version + 1, text);
  documents.set(uri, after);
  void client.sendNotification('textDocument/didChange', {
    textDocument: { uri, version: after.version },
    contentChanges: [{ text }],
  });
  return after;
}

beforeAll(async () => {
  // dist/ (bin's bundle and the server's parse worker) is built once by test/global-setup.ts: a rebuild here
  // would remove the bundle's chunks while other test files run the CLI.
  workspace = realpathSync(mkdtempSync(join(tmpdir(), 'migration-lint-lsp-')));
  write(file('migration-lint.config.json'), '{ "pgVersion": 15 }\n');
  write(file('db', 'sql', '001_create_users.sql'), SQL_CREATE);
  write(file('db', 'sql', '002_index_users.sql'), SQL_INDEX);
  write(file('db', 'knex', '20240101000000_create_orders.js'), KNEX_CREATE);
  write(file('db', 'knex', '20240201000000_orders_total.js'), KNEX_ADD_COLUMN);
  write(file('alembic', 'versions', '1a2b3c4d5e6f_create_invoices.py'), ALEMBIC_CREATE);
  write(file('alembic', 'versions', '7f8e9d0c1b2a_invoice_number_index.py'), ALEMBIC_INDEX);

  server = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'migration-lint.js'), 'lsp', '--stdio'], {
    cwd: workspace,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  server.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  client = createMessageConnection(new StreamMessageReader(server.stdout!), new StreamMessageWriter(server.stdin!));
  client.onNotification('textDocument/publishDiagnostics', (p: Published) => {
    latest.set(p.uri, p);
    for (const w of [...waiters]) {
      if (w.uri === p.uri && w.accept(p)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(p);
      }
    }
  });
  client.listen();
  const init = await client.sendRequest('initialize', {
    processId: process.pid,
    rootUri: uriOf(workspace),
    workspaceFolders: [{ uri: uriOf(workspace), name: 'ws' }],
    capabilities: {
      textDocument: { publishDiagnostics: { versionSupport: true } },
      workspace: { didChangeWatchedFiles: { dynamicRegistration: false } },
    },
    // the parse cache between sessions goes where the editor says (by default the user's cache directory)
    initializationOptions: { debounceMs: 20, cacheLocation: join(workspace, '.editor-cache') },
  });
  expect(init).toMatchObject({ capabilities: { codeActionProvider: anything(), hoverProvider: true } });
  await client.sendNotification('initialized', {});
}, 300_000);

afterAll(() => {
  client.dispose();
  // unset when beforeAll failed before spawning it
  if ((server as ChildProcess | undefined)?.exitCode === null) server.kill();
  if (workspace) rmSync(workspace, { recursive: true, force: true });
});

describe('migration-lint lsp --stdio', () => {
  let sqlUri: string;
  let knexUri: string;
  let alembicUri: string;

  it('publishes the CLI findings of each opened migration, at their ranges, linted with its directory', async () => {
    sqlUri = open(file('db', 'sql', '002_index_users.sql'), SQL_INDEX, 'sql');
    knexUri = open(file('db', 'knex', '20240201000000_orders_total.js'), KNEX_ADD_COLUMN, 'javascript');
    alembicUri = open(file('alembic', 'versions', '7f8e9d0c1b2a_invoice_number_index.py'), ALEMBIC_INDEX, 'python');

    const sql = await diagnostics(sqlUri, (p) => p.version === 1);
    expect(codes(sql)).toEqual(['require-concurrent-index-creation']);
    expect(sql.diagnostics[0]).toEqual({
      // CREATE UNIQUE INDEX … (email), lines 3-4, up to the semicolon
      range: { start: { line: 2, character: 0 }, end: { line: 3, character: 18 } },
      severity: 1,
      code: 'require-concurrent-index-creation',
      codeDescription: { href: ruleDocsUrl('require-concurrent-index-creation') },
      source: 'migration-lint',
      message: stringContaining('Lock: SHARE on users (blocks writes)'),
    });

    const knex = await diagnostics(knexUri, (p) => p.version === 1);
    expect(codes(knex)).toEqual(['adding-required-field']);
    expect(knex.diagnostics[0]!.range).toEqual({ start: { line: 3, character: 4 }, end: { line: 3, character: 43 } });
    expect(knex.diagnostics[0]!.message).toContain('Lock: ACCESS EXCLUSIVE on orders');

    // the sibling revision on disk is the down_revision: no broken revision graph
    const alembic = await diagnostics(alembicUri, (p) => p.version === 1);
    expect(codes(alembic)).toEqual(['require-concurrent-index-creation']);
    expect(alembic.diagnostics[0]!.range).toEqual({
      start: { line: 9, character: 4 },
      end: { line: 9, character: 65 },
    });

    // what the parsers made of the files is kept for the next session, in the configured place (written
    // once the diagnostics are out)
    await vi.waitFor(
      () => expect(readdirSync(join(workspace, '.editor-cache', 'parse-v2')).length).toBeGreaterThanOrEqual(3),
      { timeout: 60_000, interval: 50 },
    );
  });

  it('reads an unsaved buffer of a sibling instead of the file on disk', async () => {
    // the earlier revision renumbered in the editor, not saved: the later one points at nothing
    const renumbered = open(
      file('alembic', 'versions', '1a2b3c4d5e6f_create_invoices.py'),
      ALEMBIC_CREATE.replace('revision = "1a2b3c4d5e6f"', 'revision = "999999999999"'),
      'python',
    );
    const broken = await diagnostics(alembicUri, (p) => p.diagnostics.some((d) => d.code === 'broken-revision-graph'));
    expect(broken.diagnostics.find((d) => d.code === 'broken-revision-graph')!.message).toContain('1a2b3c4d5e6f');
    void client.sendNotification('textDocument/didClose', { textDocument: { uri: renumbered } });
    documents.delete(renumbered);
    const restored = await diagnostics(
      alembicUri,
      (p) => !p.diagnostics.some((d) => d.code === 'broken-revision-graph'),
    );
    expect(codes(restored)).toEqual(['require-concurrent-index-creation']);
  });

  it('suppresses in JavaScript comment syntax, above the statement inside the Knex callback', async () => {
    const shown = latest.get(knexUri)!;
    const actions = await client.sendRequest<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: knexUri },
      range: shown.diagnostics[0]!.range,
      context: { diagnostics: shown.diagnostics },
    });
    expect(actions.map((a) => a.edit.changes[knexUri])).toEqual([
      [
        {
          range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } },
          newText: '    // migration-lint-disable-next-line adding-required-field -- <reason>\n',
        },
      ],
    ]);
  });

  it('updates the diagnostics when an edit fixes a finding', async () => {
    const line = 3;
    const text = documents.get(knexUri)!.getText().split('\n')[line]!;
    const at = text.indexOf('.notNullable()') + '.notNullable()'.length;
    change(knexUri, [
      { range: { start: { line, character: at }, end: { line, character: at } }, newText: '.defaultTo(0)' },
    ]);
    const knex = await diagnostics(knexUri, (p) => p.version === 2);
    expect(knex.diagnostics).toEqual([]);
  });

  it('shows the rule documentation on hover', async () => {
    const hover = await client.sendRequest<{ contents: { kind: string; value: string } } | null>('textDocument/hover', {
      textDocument: { uri: sqlUri },
      position: { line: 3, character: 5 },
    });
    expect(hover?.contents.kind).toBe('markdown');
    expect(hover?.contents.value).toContain('# require-concurrent-index-creation');
    expect(hover?.contents.value).toContain('## Do this instead');
    const nothing = await client.sendRequest('textDocument/hover', {
      textDocument: { uri: sqlUri },
      position: { line: 0, character: 3 },
    });
    expect(nothing).toBeNull();
  });

  it('offers the CONCURRENTLY fix and a suppression; the fix leaves a clean file', async () => {
    const shown = latest.get(sqlUri)!;
    const actions = await client.sendRequest<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: sqlUri },
      range: shown.diagnostics[0]!.range,
      context: { diagnostics: shown.diagnostics },
    });
    expect(actions.map((a) => a.title)).toEqual([
      'Create the index CONCURRENTLY',
      'Suppress require-concurrent-index-creation for this statement (with a reason)',
    ]);
    const [fix, suppress] = actions as [CodeAction, CodeAction];
    expect(fix.isPreferred).toBe(true);
    expect(fix.edit.changes[sqlUri]).toEqual([
      { range: { start: { line: 2, character: 19 }, end: { line: 2, character: 19 } }, newText: ' CONCURRENTLY' },
    ]);
    expect(suppress.edit.changes[sqlUri]).toEqual([
      {
        range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } },
        newText: '-- migration-lint-disable-next-line require-concurrent-index-creation -- <reason>\n',
      },
    ]);

    const fixed = change(sqlUri, fix.edit.changes[sqlUri]!);
    expect(fixed.getText()).toContain('CREATE UNIQUE INDEX CONCURRENTLY users_email_idx');
    const after = await diagnostics(sqlUri, (p) => p.version === 2);
    expect(after.diagnostics).toEqual([]);
  });

  it('offers no CONCURRENTLY fix where the index would then be built inside a transaction', async () => {
    const path = file('db', 'sql-tx', '001_index_in_tx.sql');
    const uri = open(
      path,
      "BEGIN;\nSET LOCAL lock_timeout = '2s';\nCREATE INDEX users_email_idx ON users (email);\nCOMMIT;\n",
      'sql',
    );
    const shown = await diagnostics(uri, (p) => p.version === 1);
    const flagged = shown.diagnostics.find((d) => d.code === 'require-concurrent-index-creation')!;
    expect(flagged).toBeDefined();
    const actions = await client.sendRequest<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: flagged.range,
      context: { diagnostics: [flagged] },
    });
    expect(actions.map((a) => a.title)).toEqual([
      'Suppress require-concurrent-index-creation for this statement (with a reason)',
    ]);
  });

  it('suppresses in Python comment syntax, at the statement, and the suppression silences the finding', async () => {
    const shown = latest.get(alembicUri)!;
    const actions = await client.sendRequest<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: alembicUri },
      range: shown.diagnostics[0]!.range,
      context: { diagnostics: shown.diagnostics },
    });
    // an Alembic file gets Alembic's rewrite (not SQL's), then the suppression
    expect(actions.map((a) => a.title)).toEqual([
      'Create the index CONCURRENTLY, in an autocommit block',
      'Suppress require-concurrent-index-creation for this statement (with a reason)',
    ]);
    const rewrite = actions[0]!.edit.changes[alembicUri]![0]!.newText;
    expect(rewrite).toContain('with op.get_context().autocommit_block():\n');
    expect(rewrite).toContain('postgresql_concurrently=True');
    actions.shift();
    expect(actions[0]!.edit.changes[alembicUri]).toEqual([
      {
        range: { start: { line: 9, character: 0 }, end: { line: 9, character: 0 } },
        newText: '    # migration-lint: disable=require-concurrent-index-creation -- <reason>\n',
      },
    ]);
    change(alembicUri, actions[0]!.edit.changes[alembicUri]!);
    const after = await diagnostics(alembicUri, (p) => p.version === 2);
    expect(after.diagnostics).toEqual([]);
  });

  it('shows a malformed config file as a diagnostic on it and recovers when it is fixed', async () => {
    const config = file('migration-lint.config.json');
    writeFileSync(config, '{\n  "pgVersion": 15,\n  "rules": { "require-concurrent-index-creation": "loud" }\n}\n');
    void client.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(config), type: 2 }] });
    const problems = await diagnostics(uriOf(config), (p) => p.diagnostics.length > 0);
    expect(problems.diagnostics).toHaveLength(1);
    expect(problems.diagnostics[0]!.message).toContain('rules.require-concurrent-index-creation');
    expect(problems.diagnostics[0]!.range.start.line).toBe(2);
    // with no usable config nothing is linted (the CLI exits 2), and the server keeps running
    const inTransaction = uriOf(file('db', 'sql-tx', '001_index_in_tx.sql'));
    await diagnostics(inTransaction, (p) => p.diagnostics.length === 0);

    writeFileSync(config, '{ "pgVersion": 15, "rules": { "require-concurrent-index-creation": "warning" } }\n');
    void client.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(config), type: 2 }] });
    await diagnostics(uriOf(config), (p) => p.diagnostics.length === 0);
    // the reloaded config applies: the finding is back, at the severity it now gives
    const reloaded = await diagnostics(inTransaction, (p) => p.diagnostics.length > 0);
    expect(reloaded.diagnostics.find((d) => d.code === 'require-concurrent-index-creation')?.severity).toBe(2);
  });

  it('publishes, for every bundled fixture, what the CLI reports on its directory', async () => {
    const byDirectory = new Map<string, string[]>();
    for (const path of discoverFiles([join(REPO_ROOT, 'fixtures')], EXTENSIONS))
      byDirectory.set(dirname(path), [...(byDirectory.get(dirname(path)) ?? []), path]);
    let compared = 0;
    for (const [dir, paths] of byDirectory) {
      // the CLI on the directory's own files (its subdirectories are another set for the server), config found from there
      const run = await cli(['--format', 'json', '--allow-empty', ...paths.map((p) => basename(p))], dir);
      const report = JSON.parse(run.stdout) as {
        findings: { rule: string; severity: string; file: string; line: number; column: number; message: string }[];
      };
      const expected = report.findings.filter((f) => !(f.rule === 'parse-error' && f.message.startsWith('Not linted')));
      const severity: Record<string, number> = { error: 1, warning: 2, info: 3 };
      const key = (file: string, code: string, sev: number, line: number, character: number) =>
        `${basename(file)} ${code} ${sev} ${line}:${character}`;
      const opened = paths.map((p) =>
        open(p, readFileSync(p, 'utf8'), p.endsWith('.py') ? 'python' : p.endsWith('.sql') ? 'sql' : 'typescript'),
      );
      const shown = await Promise.all(opened.map((uri) => diagnostics(uri, (p) => p.version === 1)));
      const actual = shown.flatMap((p, i) =>
        p.diagnostics.map((d) =>
          key(paths[i]!, d.code, d.severity, d.range.start.line + 1, d.range.start.character + 1),
        ),
      );
      expect(actual.sort(), dir).toEqual(
        expected.map((f) => key(f.file, f.rule, severity[f.severity]!, f.line, f.column)).sort(),
      );
      compared += expected.length;
      for (const uri of opened) void client.sendNotification('textDocument/didClose', { textDocument: { uri } });
    }
    expect(compared).toBeGreaterThan(100);
  });

  it('shuts down and exits cleanly', async () => {
    const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));
    await client.sendRequest('shutdown');
    await client.sendNotification('exit');
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
  });
});
