/**
 * Writing a cache entry so that a concurrent reader sees the whole entry or none: the text goes to a
 * temporary file in the same directory, then a rename replaces the entry. Shared by the parse cache,
 * the findings cache and the output cache (`--cache`).
 */
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Writes `text` as `dir/name` atomically; false (nothing left behind) when the directory cannot be written. */
export function writeCacheFile(dir: string, name: string, text: string | Uint8Array | readonly Uint8Array[]): boolean {
  const temp = join(dir, `.${name}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    if (typeof text === 'string' || text instanceof Uint8Array) writeFileSync(temp, text);
    else {
      // parts written one after the other: no joined copy of a large entry
      const fd = openSync(temp, 'w');
      try {
        for (const part of text) for (let at = 0; at < part.length;) at += writeSync(fd, part, at);
      } finally {
        closeSync(fd);
      }
    }
    renameSync(temp, join(dir, name));
    return true;
  } catch {
    rmSync(temp, { force: true });
    return false;
  }
}

/** Whether a directory entry is a temporary file of `writeCacheFile`. */
export const isTemporaryCacheFile = (name: string): boolean => name.startsWith('.') && name.endsWith('.tmp');

/** Removes a temporary file left by a run killed mid-write (an hour is far longer than any write). */
export function removeAbandonedCacheFile(dir: string, name: string): void {
  try {
    if (Date.now() - statSync(join(dir, name)).mtimeMs > 3_600_000) rmSync(join(dir, name), { force: true });
  } catch {
    // gone already: another run cleaned it
  }
}

/** Removes the abandoned temporary files of a cache directory (see removeAbandonedCacheFile). */
export function removeAbandonedCacheFiles(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) if (isTemporaryCacheFile(name)) removeAbandonedCacheFile(dir, name);
}
