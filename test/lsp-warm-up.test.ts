/**
 * The language server reads and parses the workspace's migration sets as soon as `initialize` names
 * the workspace, before any file is opened; the first file opened is then linted alone in its set
 * (the other files are context) and gets exactly what the CLI reports on it.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { cli, REPO_ROOT, tempDir, writeFiles } from './integrations/helpers.js';

interface Published {
  uri: string;
  version?: number;
  diagnostics: { code: string; severity: number; range: { start: { line: number; character: number } } }[];
}

const MIGRATIONS: Record<string, string> = {
  'db/migrations/001_create_accounts.sql':
    'CREATE TABLE accounts (id bigint PRIMARY KEY, owner text NOT NULL, region char(2));\n',
  'db/migrations/002_account_status.sql':
    "SET lock_timeout = '2s';\nALTER TABLE accounts ADD COLUMN status text NOT NULL;\nCREATE INDEX accounts_owner_idx ON accounts (owner);\n",
  'db/migrations/003_drop_region.sql':
    "SET lock_timeout = '2s';\nALTER TABLE accounts DROP COLUMN region;\nALTER TABLE accounts ALTER COLUMN status TYPE varchar(20);\n",
  // not a migration directory: never parsed ahead
  'src/app.ts': 'export const app = 1;\n',
};

let server: ChildProcess | undefined;
afterAll(() => {
  if (server?.exitCode === null) server.kill();
});

describe('language server warm-up', () => {
  it('parses the migration sets on initialize, then lints an opened file as the CLI does', async () => {
    execFileSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: 'ignore' });
    const workspace = tempDir('ml-lsp-warm-');
    writeFiles(workspace, MIGRATIONS);
    const cache = join(workspace, '.editor-cache');
    server = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'migration-lint.js'), 'lsp', '--stdio'], {
      cwd: workspace,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    server.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const client = createMessageConnection(
      new StreamMessageReader(server.stdout!),
      new StreamMessageWriter(server.stdin!),
    );
    const published: Published[] = [];
    client.onNotification('textDocument/publishDiagnostics', (p: Published) => {
      published.push(p);
    });
    client.listen();
    await client.sendRequest('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(workspace).href,
      capabilities: {},
      initializationOptions: { debounceMs: 0, cacheLocation: cache },
    });

    // nothing opened yet: the three migrations get parsed (and their parses kept for the next start)
    const entries = () => readdirSync(join(cache, 'parse-v2')).filter((n) => n.endsWith('.json'));
    await vi.waitFor(() => expect(existsSync(join(cache, 'parse-v2')) && entries().length).toBe(3), {
      timeout: 60_000,
      interval: 50,
    });
    expect(published).toEqual([]);

    // the last migration alone, in the context of the two before it
    const path = join(workspace, 'db', 'migrations', '003_drop_region.sql');
    const uri = pathToFileURL(path).href;
    await client.sendNotification('initialized', {});
    await client.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'sql', version: 1, text: readFileSync(path, 'utf8') },
    });
    await vi.waitFor(() => expect(published.some((p) => p.uri === uri)).toBe(true), { timeout: 60_000 });
    const shown = published.find((p) => p.uri === uri)!;

    const run = await cli(
      ['--format', 'json', ...Object.keys(MIGRATIONS).filter((p) => p.startsWith('db/'))],
      workspace,
    );
    const report = JSON.parse(run.stdout) as {
      findings: { rule: string; severity: string; file: string; line: number; column: number }[];
    };
    const severity: Record<string, number> = { error: 1, warning: 2, info: 3 };
    const expected = report.findings
      .filter((f) => basename(f.file) === basename(path))
      .map((f) => `${f.rule} ${severity[f.severity]} ${f.line}:${f.column}`);
    // the column type's change needs the earlier CREATE TABLE: a finding only the set can give
    expect(expected).toEqual(expect.arrayContaining([expect.stringMatching(/^changing-column-type /)]));
    expect(
      shown.diagnostics.map((d) => `${d.code} ${d.severity} ${d.range.start.line + 1}:${d.range.start.character + 1}`),
    ).toEqual(expected);
    // the other files of the set are not shown
    expect(published.map((p) => p.uri)).toEqual([uri]);

    await client.sendRequest('shutdown');
    await client.sendNotification('exit');
    client.dispose();
    expect(stderr).toBe('');
  }, 300_000);
});
