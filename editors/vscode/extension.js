'use strict';
/**
 * A thin client: starts `migration-lint lsp --stdio` and leaves linting, fixes and hover to it.
 */
const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');
const { resolveServerPath } = require('./server-path.js');

/** The files migration-lint reads; the server itself decides which of them are migrations. */
const DOCUMENTS = ['sql', 'python', 'javascript', 'typescript', 'javascriptreact', 'typescriptreact'].map(
  (language) => ({ scheme: 'file', language }),
);

/** @type {LanguageClient | undefined} */
let client;

async function start(context) {
  const settings = vscode.workspace.getConfiguration('migrationLint');
  const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  const server = resolveServerPath(settings.get('serverPath'), folders);
  if ('error' in server) {
    void vscode.window.showWarningMessage(`migration-lint: ${server.error}`);
    return;
  }
  const run = {
    command: server.command,
    args: ['lsp', '--stdio'],
    options: { cwd: folders[0], shell: process.platform === 'win32' },
  };
  client = new LanguageClient(
    'migrationLint',
    'migration-lint',
    { run, debug: run },
    {
      documentSelector: DOCUMENTS,
      initializationOptions: { debounceMs: settings.get('debounceMs') },
      synchronize: {
        // config edits reload the settings; migrations changed on disk are context for the open ones
        fileEvents: [
          vscode.workspace.createFileSystemWatcher('**/{migration-lint.config.json,package.json}'),
          vscode.workspace.createFileSystemWatcher('**/*.{sql,py,js,cjs,mjs,ts,cts,mts}'),
        ],
      },
    },
  );
  context.subscriptions.push(client);
  await client.start();
}

async function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand('migrationLint.restartServer', async () => {
      if (client) await client.stop();
      client = undefined;
      await start(context);
    }),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (!e.affectsConfiguration('migrationLint')) return;
      if (client) await client.stop();
      client = undefined;
      await start(context);
    }),
  );
  await start(context);
}

async function deactivate() {
  if (client) await client.stop();
}

module.exports = { activate, deactivate };
