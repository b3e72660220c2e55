import { isAbsolute, relative, resolve } from 'node:path';

/** Path relative to cwd with forward slashes (stable across platforms for JSON, SARIF, annotations). */
export function displayPath(file: string, cwd: string): string {
  if (file === '-' || file.startsWith('<')) return file;
  const abs = isAbsolute(file) ? file : resolve(cwd, file);
  const rel = relative(cwd, abs) || file;
  return rel.split('\\').join('/');
}
