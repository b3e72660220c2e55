import { lstatSync, readFileSync, readlinkSync } from 'node:fs';

export type ReadResult = { ok: true; text: string } | { ok: false; rule: 'parse-error' | 'io-error'; message: string; line?: number; column?: number };

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Decodes migration bytes as UTF-8 text, refusing binary data and invalid encodings with a clear message. */
export function decodeSource(bytes: Uint8Array): ReadResult {
  const probe = bytes.subarray(0, 8192);
  if (probe.includes(0)) return { ok: false, rule: 'parse-error', message: 'File looks binary (it contains NUL bytes); not a migration text file.' };
  try {
    let text = decoder.decode(bytes);
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return { ok: true, text };
  } catch {
    // Position of the first replacement character in a lenient decode = where the bad byte is.
    const lenient = new TextDecoder('utf-8').decode(bytes);
    const at = lenient.indexOf('\ufffd');
    const before = lenient.slice(0, Math.max(0, at));
    const line = before.split('\n').length;
    const column = before.length - before.lastIndexOf('\n');
    return { ok: false, rule: 'parse-error', message: 'File is not valid UTF-8 text; save it as UTF-8.', line, column };
  }
}

export function readSource(path: string): ReadResult {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'EACCES' ? 'permission denied' : err.code === 'EISDIR' ? 'is a directory' : err.code === 'ENOENT' ? missingWhy(path) : (err.message ?? String(e));
    return { ok: false, rule: 'io-error', message: `Cannot read file: ${why}.` };
  }
  return decodeSource(bytes);
}

/** A listed file that cannot be opened as missing is usually a symbolic link to nothing. */
function missingWhy(path: string): string {
  try {
    if (lstatSync(path).isSymbolicLink()) return `broken symbolic link (it points to ${readlinkSync(path)}, which does not exist)`;
  } catch {
    // gone entirely
  }
  return 'no such file';
}
