/**
 * `--since <ref>`: which files a branch adds or changes, from git.
 *
 * Compared: the merge base of `<ref>` and HEAD (what a pull request's diff shows) against the working
 * tree, plus untracked files git does not ignore. In CI the working tree is the commit, so this is
 * exactly the pull request's files; locally it also covers work not yet committed, which is what a
 * developer wants checked before pushing. Deleted files are not included (there is nothing to lint).
 */
import { execFileSync, spawn } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { join } from 'node:path';

export class GitError extends Error {}

function git(cwd: string, args: string[]): string {
  try {
    return execFileSync('git', args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 256 * 1024 * 1024,
    });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string; status?: number };
    if (err.code === 'ENOENT') throw new GitError('--since needs git, and the git command was not found');
    const detail = (err.stderr ?? '').trim().split('\n').filter(Boolean).pop() ?? err.message;
    throw new GitError(detail);
  }
}

/** A file that existed at the base and was modified, renamed or deleted since. */
export interface EditedFile {
  status: 'modified' | 'renamed' | 'deleted';
  /** Real path now (for a deleted file: where it was). */
  path: string;
  /** Path at the base relative to the repository root, for a rename. */
  previousPath?: string;
  /** The file's content at the base (undefined when git cannot give it as text). */
  previousText?: string;
}

export interface ChangedFiles {
  /** Real paths of added, modified, renamed or copied files (and untracked ones). */
  files: Set<string>;
  /** Files of the base that were changed, renamed or deleted (candidates for edited-migration). */
  edited: EditedFile[];
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

/**
 * Whether git tracks any file under `dir` in the work tree holding `cwd` (false outside one, or without
 * git). Asynchronous, so that the caller goes on while git looks.
 */
export function tracksFilesUnder(dir: string, cwd: string): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('git', ['ls-files', '-z', '--', dir], { cwd, stdio: ['ignore', 'pipe', 'ignore'] });
    let listed = false;
    child.stdout.on('data', () => (listed = true));
    // not a repository, a directory outside it, no git
    child.on('error', () => resolve(false));
    child.on('close', (code) => resolve(code === 0 && listed));
  });
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
    throw new GitError(
      `--since: "${ref}" is not a commit, branch or tag in this repository (in CI, fetch it first, e.g. git fetch origin ${ref})`,
    );
  }
  let base = target;
  let note: string | undefined;
  try {
    base = git(cwd, ['merge-base', target, 'HEAD']).trim();
  } catch {
    note = `no common ancestor of ${ref} and HEAD was found (shallow clone?); comparing with ${ref} itself`;
  }
  const files = new Set<string>();
  const diff = git(top, [
    '-c',
    'core.quotepath=off',
    'diff',
    '--name-only',
    '-z',
    '--diff-filter=ACMR',
    '--find-renames',
    base,
    '--',
  ]);
  const untracked = git(top, ['ls-files', '-z', '--others', '--exclude-standard']);
  for (const name of [...diff.split('\0'), ...untracked.split('\0')]) if (name) files.add(realpath(join(top, name)));
  const result: ChangedFiles = { files, base, edited: editedSince(top, base) };
  if (note) result.note = note;
  return result;
}

/** Largest base version of a file read back for comparison; bigger ones count as changed. */
const MAX_PREVIOUS_BYTES = 8 * 1024 * 1024;

function editedSince(top: string, base: string): EditedFile[] {
  // -z --name-status: "M\0path\0", "D\0path\0", "R100\0old\0new\0".
  const fields = git(top, [
    '-c',
    'core.quotepath=off',
    'diff',
    '--name-status',
    '-z',
    '--diff-filter=MRD',
    '--find-renames',
    base,
    '--',
  ]).split('\0');
  const out: EditedFile[] = [];
  for (let i = 0; i < fields.length - 1;) {
    const code = fields[i++]!;
    const first = fields[i++]!;
    const status = code.startsWith('R') ? 'renamed' : code === 'D' ? 'deleted' : 'modified';
    const now = status === 'renamed' ? fields[i++]! : first;
    const edit: EditedFile = { status, path: realpath(join(top, now)) };
    if (status === 'renamed') edit.previousPath = first;
    const text = previousText(top, base, first);
    if (text !== undefined) edit.previousText = text;
    out.push(edit);
  }
  return out;
}

function previousText(top: string, base: string, path: string): string | undefined {
  try {
    const size = Number(git(top, ['cat-file', '-s', `${base}:${path}`]).trim());
    if (!(size <= MAX_PREVIOUS_BYTES)) return undefined;
    return git(top, ['cat-file', 'blob', `${base}:${path}`]);
  } catch {
    return undefined;
  }
}
