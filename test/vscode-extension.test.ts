/**
 * The VS Code client in editors/vscode: which server it starts, and that `vsce package` makes an
 * extension that carries its client library. The extension's own dependencies (vscode-languageclient,
 * @vscode/vsce) are installed from its lockfile when they are not there yet.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './integrations/helpers.js';
import { stringContaining } from './helpers/matchers.js';

const EXTENSION = join(REPO_ROOT, 'editors', 'vscode');
const requireFromExtension = createRequire(join(EXTENSION, 'package.json'));
const { resolveServerPath } = requireFromExtension('./server-path.js') as {
  resolveServerPath: (
    configured: string | undefined,
    folders: string[],
    platform?: string,
  ) => { command: string } | { error: string };
};

const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ml-vscode-'));
  temps.push(dir);
  return dir;
}
function executable(path: string): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, '#!/bin/sh\n');
  chmodSync(path, 0o755);
  return path;
}
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

describe('the server the extension starts', () => {
  it("is the first workspace folder's node_modules/.bin/migration-lint", () => {
    const without = tempDir();
    const withIt = tempDir();
    const bin = executable(join(withIt, 'node_modules', '.bin', 'migration-lint'));
    expect(resolveServerPath('', [without, withIt], 'linux')).toEqual({ command: bin });
    expect(resolveServerPath(undefined, [without], 'linux')).toMatchObject({
      error: stringContaining('npm install --save-dev migration-lint'),
    });
  });

  it('is the .cmd shim on Windows', () => {
    const folder = tempDir();
    executable(join(folder, 'node_modules', '.bin', 'migration-lint'));
    const shim = executable(join(folder, 'node_modules', '.bin', 'migration-lint.cmd'));
    expect(resolveServerPath('', [folder], 'win32')).toEqual({ command: shim });
  });

  it('is the configured path, relative to a workspace folder, over the installed one', () => {
    const folder = tempDir();
    executable(join(folder, 'node_modules', '.bin', 'migration-lint'));
    const own = executable(join(folder, 'tools', 'migration-lint'));
    expect(resolveServerPath('tools/migration-lint', [folder], 'linux')).toEqual({ command: own });
    expect(resolveServerPath(own, [], 'linux')).toEqual({ command: own });
    expect(resolveServerPath('tools/missing', [folder], 'linux')).toMatchObject({
      error: stringContaining('tools/missing'),
    });
  });
});

// The extension's own packages (vsce, vscode-languageclient) are installed by .ci/run (`npm ci` in
// editors/vscode); the test itself never goes to the network.
const VSCE_INSTALLED = existsSync(join(EXTENSION, 'node_modules', '.bin', 'vsce'));
if (!VSCE_INSTALLED)
  console.warn('Skipping the vsce packaging test: editors/vscode has no node_modules (run npm ci there; .ci/run does)');

describe.skipIf(!VSCE_INSTALLED)('vsce package', () => {
  let vsix: string;
  beforeAll(() => {
    vsix = join(tempDir(), 'migration-lint.vsix');
    execFileSync(join(EXTENSION, 'node_modules', '.bin', 'vsce'), ['package', '--skip-license', '--out', vsix], {
      cwd: EXTENSION,
      stdio: 'ignore',
    });
  }, 300_000);

  it('holds the client, its language client library and a manifest that starts it', async () => {
    const yauzl = requireFromExtension('yauzl') as {
      open(
        path: string,
        options: { lazyEntries: boolean },
        cb: (
          e: Error | null,
          zip: { readEntry(): void; on(event: string, fn: (entry?: { fileName: string }) => void): void },
        ) => void,
      ): void;
    };
    const names = await new Promise<string[]>((resolve, reject) => {
      yauzl.open(vsix, { lazyEntries: true }, (e, zip) => {
        if (e) return reject(e);
        const out: string[] = [];
        zip.on('entry', (entry) => {
          out.push(entry!.fileName);
          zip.readEntry();
        });
        zip.on('end', () => resolve(out));
        zip.readEntry();
      });
    });
    expect(names).toEqual(
      expect.arrayContaining([
        'extension/extension.js',
        'extension/server-path.js',
        'extension/package.json',
        'extension/node_modules/vscode-languageclient/package.json',
      ]),
    );
    const manifest = requireFromExtension('./package.json') as { main: string; activationEvents: string[] };
    expect(manifest.main).toBe('./extension.js');
    expect(manifest.activationEvents).toContain('onLanguage:sql');
  });
});
