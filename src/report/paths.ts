import { realpathSync } from 'node:fs';
import { isAbsolute, posix, relative } from 'node:path';
import { gitTopLevel } from '../git/changed-files.js';
import type { ReportInput } from './types.js';
import { displayPath } from '../files/display-path.js';

function realPath(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/**
 * Where the working directory sits in the repository (`services/api`; `` at the root): compared
 * on real paths, so a symlinked checkout or temp directory does not add `../` detours.
 */
export function pathFromRoot(root: string, cwd: string): string {
  return relative(realPath(root), realPath(cwd)).split('\\').join('/');
}

/**
 * Path relative to the repository root, for the reports CI systems place on a pull request's lines
 * (GitHub annotations, SARIF, GitLab Code Quality): they resolve paths from the root whatever
 * directory the linter ran in. `cwdFromRoot` is `pathFromRoot(root, cwd)`.
 */
export function rootPath(file: string, cwd: string, cwdFromRoot: string): string {
  const shown = displayPath(file, cwd);
  if (!cwdFromRoot || shown.startsWith('<') || shown === '-') return shown;
  return posix.normalize(`${cwdFromRoot}/${shown}`);
}

/**
 * The directory CI systems resolve report paths from: the checkout the CI names (GITHUB_WORKSPACE on
 * GitHub Actions, CI_PROJECT_DIR on GitLab, which holds even in an image without git) when it
 * contains the working directory, else git's top level, else `cwd`.
 */
export function repositoryRoot(cwd: string, env: Readonly<Record<string, string | undefined>>): string {
  for (const checkout of [env.GITHUB_WORKSPACE, env.CI_PROJECT_DIR]) {
    if (!checkout) continue;
    const fromCheckout = pathFromRoot(checkout, cwd);
    if (!fromCheckout.startsWith('..') && !isAbsolute(fromCheckout)) return checkout;
  }
  return gitTopLevel(cwd) ?? cwd;
}

/** `file` → its path from the report's repository root (ReportInput.root; the working directory when unset). */
export function rootPathOf(input: Pick<ReportInput, 'cwd' | 'root'>): (file: string) => string {
  const fromRoot = input.root === undefined ? '' : pathFromRoot(input.root, input.cwd);
  return (file) => rootPath(file, input.cwd, fromRoot);
}
