import type { ReadResult } from './read-result.js';
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readFileSync,
  readlinkSync,
  readSync,
  type Stats,
} from 'node:fs';

/** Largest migration file read (a bigger one is an io-error): far above any real migration or seed file. */
export const MAX_MIGRATION_BYTES = 100 * 1024 * 1024;

/** Why `readRegularFile` refused a file that exists. */
export class UnreadableFileError extends Error {
  constructor(
    readonly reason: 'not-regular' | 'too-large',
    message: string,
  ) {
    super(message);
  }
}

const MB = 1024 * 1024;
const megabytes = (n: number) => `${(n / MB).toFixed(n < 10 * MB ? 1 : 0)} MB`;

/** Opens a file for reading; O_NONBLOCK: opening a FIFO would otherwise wait for a writer (Windows has no such flag). */
const openForReading = (path: string) =>
  openSync(path, constants.O_RDONLY | ((constants.O_NONBLOCK as number | undefined) ?? 0));

/**
 * Reads a file that must be a regular file of at most `maxBytes`. A FIFO, socket or device
 * (`/dev/zero`, `/dev/stdin`, or a symbolic link to one in a pull request) would block or never
 * end: it is refused without reading, as is a larger file. Other errors (ENOENT…) are thrown as is.
 */
export function readRegularFile(path: string, maxBytes: number): Buffer {
  const fd = openForReading(path);
  try {
    return readOpenFile(fd, fstatSync(fd), maxBytes);
  } finally {
    closeSync(fd);
  }
}

/** The bytes of an open file whose stat is `st` (see readRegularFile). */
function readOpenFile(fd: number, st: Stats, maxBytes: number): Buffer {
  if (!st.isFile()) throw new UnreadableFileError('not-regular', 'not a regular file (a device, FIFO or socket)');
  const tooLarge = (size: number) =>
    new UnreadableFileError('too-large', `too large (${megabytes(size)}; the limit is ${megabytes(maxBytes)})`);
  if (st.size > maxBytes) throw tooLarge(st.size);
  // The file may grow while read: read at most one byte past the limit.
  const buffer = Buffer.alloc(Math.min(st.size + 1, maxBytes + 1));
  let length = 0;
  for (;;) {
    if (length === buffer.length) break;
    // from the file's start whatever was read through the descriptor before (see readOpenSource)
    const n = readSync(fd, buffer, length, buffer.length - length, length);
    if (n === 0) break;
    length += n;
  }
  if (length > maxBytes) throw tooLarge(length);
  return buffer.subarray(0, length);
}

export type { ReadResult };

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Decodes migration bytes as UTF-8 text, refusing binary data and invalid encodings with a clear message. */
export function decodeSource(bytes: Uint8Array): ReadResult {
  const probe = bytes.subarray(0, 8192);
  if (probe.includes(0))
    return {
      ok: false,
      rule: 'parse-error',
      message: 'File looks binary (it contains NUL bytes); not a migration text file.',
    };
  try {
    // The decoder drops a byte order mark itself (it keeps a second one).
    const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
    let text = decoder.decode(bytes);
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return bom ? { ok: true, text, bom } : { ok: true, text };
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
  let fd: number;
  try {
    fd = openForReading(path);
  } catch (e) {
    return unreadable(path, e);
  }
  try {
    return readOpenSource(path, fd, fstatSync(fd));
  } catch (e) {
    return unreadable(path, e);
  } finally {
    closeSync(fd);
  }
}

/**
 * A path named on the command line, opened once: its text (as readSource) when it is not a directory,
 * `directory` for a directory, undefined when it cannot be opened (the caller stats it to tell why).
 * Spares a named file the stat that would tell it from a directory before it is read.
 */
export function readNamedPath(path: string): ReadResult | 'directory' | undefined {
  let fd: number;
  try {
    fd = openForReading(path);
  } catch {
    return undefined;
  }
  try {
    const st = fstatSync(fd);
    return st.isDirectory() ? 'directory' : readOpenSource(path, fd, st);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * The text of an open migration file whose stat is `st`. The usual file — regular, valid UTF-8, no NUL
 * near its start — is read and decoded in one native call (a large history's files are read once per
 * run, before the JIT has warmed up); any other goes the byte path (readOpenFile, decodeSource), which
 * decides exactly and says what is wrong.
 */
function readOpenSource(path: string, fd: number, st: Stats): ReadResult {
  if (st.isFile() && st.size <= MAX_MIGRATION_BYTES) {
    let text = readFileSync(fd, 'utf8');
    // a replacement character may be an invalid byte, a NUL may make the file binary: the byte path tells
    if (text.length <= MAX_MIGRATION_BYTES && !text.includes('\ufffd') && !text.slice(0, 8192).includes('\0')) {
      // as decodeSource: the decoder drops a byte order mark, and decodeSource one more
      const bom = text.charCodeAt(0) === 0xfeff;
      if (bom) text = text.slice(1);
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      return bom ? { ok: true, text, bom } : { ok: true, text };
    }
  }
  let bytes: Buffer;
  try {
    bytes = readOpenFile(fd, st, MAX_MIGRATION_BYTES);
  } catch (e) {
    return unreadable(path, e);
  }
  return decodeSource(bytes);
}

/** Why a migration file could not be read, as a result. */
function unreadable(path: string, e: unknown): ReadResult {
  if (e instanceof UnreadableFileError)
    return { ok: false, rule: 'io-error', message: `Cannot read file: ${e.message}.` };
  const err = e as Partial<NodeJS.ErrnoException>;
  const why =
    err.code === 'EACCES'
      ? 'permission denied'
      : err.code === 'EISDIR'
        ? 'is a directory'
        : err.code === 'ENOENT'
          ? missingWhy(path)
          : (err.message ?? String(e));
  return { ok: false, rule: 'io-error', message: `Cannot read file: ${why}.` };
}

/** A listed file that cannot be opened as missing is usually a symbolic link to nothing. */
function missingWhy(path: string): string {
  try {
    if (lstatSync(path).isSymbolicLink())
      return `broken symbolic link (it points to ${readlinkSync(path)}, which does not exist)`;
  } catch {
    // gone entirely
  }
  return 'no such file';
}
