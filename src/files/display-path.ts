import { isAbsolute, relative, resolve } from 'node:path';

// Reporters ask once per finding; the same few files come back thousands of times.
const known = new Map<string, string>();

/** Path relative to cwd with forward slashes (stable across platforms for JSON, SARIF, annotations). */
export function displayPath(file: string, cwd: string): string {
  if (file === '-' || file.startsWith('<')) return file;
  const key = `${cwd}\0${file}`;
  let shown = known.get(key);
  if (shown === undefined) {
    const abs = isAbsolute(file) ? file : resolve(cwd, file);
    shown = (relative(cwd, abs) || '.').split('\\').join('/');
    known.set(key, shown);
  }
  return shown;
}
