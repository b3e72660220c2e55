/**
 * The language server reads and parses the workspace's migration sets as soon as `initialize` names
 * the workspace, before any file is opened; the first file opened is then linted alone in its set
 * (the other files are context) and gets exactly what the CLI reports on it. A set big enough to be
 * shared with the server's parse worker (a generated one) gets the same as well.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { cli, REPO_ROOT, tempDir, writeFiles } from './integrations/helpers.js';
// @ts-expect-error -- plain ESM script without types
import { generateCorpus } from '../bench/generate.mjs';

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
    // dist/ (bin's bundle and the server's parse worker) is built once by test/global-setup.ts: a rebuild here
    // would remove the bundle's chunks while other test files run the CLI.
    const workspace = tempDir('ml-lsp-warm-');
    // 60 files: parsed in batches shared with a worker thread (one, forced, whatever the cores)
    (generateCorpus as (o: object) => void)({ files: 60, seed: 7, out: join(workspace, 'db', 'generated') });
    writeFiles(workspace, MIGRATIONS);
    const cache = join(workspace, '.editor-cache');
    server = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'migration-lint.js'), 'lsp', '--stdio'], {
      cwd: workspace,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, MIGRATION_LINT_WORKERS: '1' },
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

    // nothing opened yet: the migrations of both sets get parsed (and their parses kept for the next start)
    const entries = () => readdirSync(join(cache, 'parse-v2')).filter((n) => n.endsWith('.json'));
    await vi.waitFor(() => expect(existsSync(join(cache, 'parse-v2')) && entries().length).toBe(63), {
      timeout: 60_000,
      interval: 50,
    });
    expect(published).toEqual([]);

    await client.sendNotification('initialized', {});
    const severity: Record<string, number> = { error: 1, warning: 2, info: 3 };
    /** Opens `path` alone; its first diagnostics and what the CLI reports on it, linted with its directory. */
    const compare = async (path: string) => {
      const uri = pathToFileURL(path).href;
      await client.sendNotification('textDocument/didOpen', {
        textDocument: { uri, languageId: 'sql', version: 1, text: readFileSync(path, 'utf8') },
      });
      await vi.waitFor(() => expect(published.some((p) => p.uri === uri)).toBe(true), { timeout: 60_000 });
      const shown = published.find((p) => p.uri === uri)!;
      const run = await cli(['--format', 'json', '.'], dirname(path));
      const report = JSON.parse(run.stdout) as {
        findings: { rule: string; severity: string; file: string; line: number; column: number }[];
      };
      return {
        shown: shown.diagnostics.map(
          (d) => `${d.code} ${d.severity} ${d.range.start.line + 1}:${d.range.start.character + 1}`,
        ),
        expected: report.findings
          .filter((f) => basename(f.file) === basename(path))
          .map((f) => `${f.rule} ${severity[f.severity]} ${f.line}:${f.column}`),
      };
    };

    // the last migration alone, in the context of the two before it
    const last = await compare(join(workspace, 'db', 'migrations', '003_drop_region.sql'));
    // the column type's change needs the earlier CREATE TABLE: a finding only the set can give
    expect(last.expected).toEqual(expect.arrayContaining([expect.stringMatching(/^changing-column-type /)]));
    expect(last.shown).toEqual(last.expected);

    const generated = join(workspace, 'db', 'generated');
    const lastGenerated = readdirSync(generated).sort().at(-1)!;
    const big = await compare(join(generated, lastGenerated));
    expect(big.expected.length).toBeGreaterThan(0);
    expect(big.shown).toEqual(big.expected);
    // the other files of the sets are not shown
    expect(published.length).toBe(2);

    await client.sendRequest('shutdown');
    await client.sendNotification('exit');
    client.dispose();
    expect(stderr).toBe('');
  }, 300_000);
});
