import { isAbsolute, relative, resolve } from 'node:path';

// Reporters ask once per finding; the same few files come back thousands of times. Keyed by cwd, then
// by file: a joined key would be a new string to build and hash for every finding.
const known = new Map<string, Map<string, string>>();

/** Path relative to cwd with forward slashes (stable across platforms for JSON, SARIF, annotations). */
export function displayPath(file: string, cwd: string): string {
  if (file === '-' || file.startsWith('<')) return file;
  let inCwd = known.get(cwd);
  if (!inCwd) known.set(cwd, (inCwd = new Map<string, string>()));
  let shown = inCwd.get(file);
  if (shown === undefined) {
    const abs = isAbsolute(file) ? file : resolve(cwd, file);
    shown = (relative(cwd, abs) || '.').split('\\').join('/');
    inCwd.set(file, shown);
  }
  return shown;
}
