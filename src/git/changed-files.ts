/**
 * `--since <ref>`: which files a branch adds or changes, from git.
 *
 * Compared: the merge base of `<ref>` and HEAD (what a pull request's diff shows) against the working
 * tree, plus untracked files git does not ignore. In CI the working tree is the commit, so this is
 * exactly the pull request's files; locally it also covers work not yet committed, which is what a
 * developer wants checked before pushing. Deleted files are not included (there is nothing to lint).
 */
import { execFileSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { join } from 'node:path';

export class GitError extends Error {}

function git(cwd: string, args: string[]): string {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string; status?: number };
    if (err.code === 'ENOENT') throw new GitError('--since needs git, and the git command was not found');
    const detail = (err.stderr ?? '').trim().split('\n').filter(Boolean).pop() ?? err.message;
    throw new GitError(detail);
  }
}

export interface ChangedFiles {
  /** Real paths of added, modified, renamed or copied files (and untracked ones). */
  files: Set<string>;
  /** The commit the changes are measured from. */
  base: string;
  /** Set when no merge base was found and the ref itself was used (shallow clone, unrelated histories). */
  note?: string;
}

function realpath(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/** The top-level directory of the git work tree holding `cwd`; undefined outside one (or without git). */
export function gitTopLevel(cwd: string): string | undefined {
  try {
    return git(cwd, ['rev-parse', '--show-toplevel']).trim() || undefined;
  } catch {
    return undefined;
  }
}

export function changedFilesSince(ref: string, cwd: string): ChangedFiles {
  let top: string;
  try {
    top = git(cwd, ['rev-parse', '--show-toplevel']).trim();
  } catch (e) {
    throw new GitError(`--since needs a git repository: ${(e as Error).message}`);
  }
  let target: string;
  try {
    target = git(cwd, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]).trim();
  } catch {
    throw new GitError(`--since: "${ref}" is not a commit, branch or tag in this repository (in CI, fetch it first, e.g. git fetch origin ${ref})`);
  }
  let base = target;
  let note: string | undefined;
  try {
    base = git(cwd, ['merge-base', target, 'HEAD']).trim();
  } catch {
    note = `no common ancestor of ${ref} and HEAD was found (shallow clone?); comparing with ${ref} itself`;
  }
  const files = new Set<string>();
  const diff = git(top, ['-c', 'core.quotepath=off', 'diff', '--name-only', '-z', '--diff-filter=ACMR', '--find-renames', base, '--']);
  const untracked = git(top, ['ls-files', '-z', '--others', '--exclude-standard']);
  for (const name of [...diff.split('\0'), ...untracked.split('\0')]) if (name) files.add(realpath(join(top, name)));
  const result: ChangedFiles = { files, base };
  if (note) result.note = note;
  return result;
}
