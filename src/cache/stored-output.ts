/**
 * The output layer of the cache (`--cache`): the bytes a run printed, stored beside its findings
 * (lint-results.ts), so that an unchanged run writes them out as they are — no findings decoded, no
 * reporter loaded, nothing rendered. Printing a big history's report costs more than reading its
 * stored findings; this layer skips both.
 *
 * The key is a SHA-256 of the stored report's key (tool version, options, inputs, what the parsers read
 * beside them) and everything a reporter reads besides the findings: the format, --verbose, colour,
 * hyperlinks, the working directory, the repository root of the CI formats and the files the selection
 * skipped. Only runs whose output is the reporter's output and nothing else use it: not --since,
 * --baseline, --write-baseline, --sarif-file or --fix, whose output also depends on git, a baseline file
 * or a rewrite (the caller decides, see lint-command.ts).
 *
 * An entry is one line of ASCII JSON (the key, the findings' error and warning counts for --fail-on,
 * the output's length, a checksum of the counts and the output), then the output's bytes. The file name is the stored report's
 * entry name and the format, so a run replaces its previous output in that format. Writes are atomic
 * (temporary file, rename); an entry whose header does not parse, whose key differs, or whose bytes are
 * not as long as or do not sum as the header says (a truncated or damaged file) is a miss, rewritten by
 * the run. A checksum, not a digest: the key already binds the entry to its inputs, and a cache
 * directory git tracks is never used (lint-command.ts), so what it guards against is damage, not forgery.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type { Finding } from '../engine/types.js';
import { removeAbandonedCacheFiles, writeCacheFile } from '../files/cache-file.js';
import type { StoredReports } from './lint-results.js';

/** Bumped when the entry layout or the key's ingredients change. */
const SCHEMA = 1;
const SUBDIR = `output-v${SCHEMA}`;
/** A header longer than this is not this layer's. */
const MAX_HEADER_BYTES = 1024;

/** What a reporter reads besides the findings (see the header). */
export interface OutputSettings {
  format: string;
  verbose: boolean;
  color: boolean;
  hyperlinks: boolean;
  cwd: string;
  /** The CI formats' repository root, when the format uses one, and where the directory is in it. */
  root?: string;
  cwdFromRoot?: string;
  /** Files the selection left out, listed by the report. */
  skippedBySelection: readonly { path: string; reason: string }[];
}

/** A stored output and what --fail-on needs of its findings. */
export interface StoredOutput {
  bytes: Uint8Array;
  errors: number;
  warnings: number;
}

interface Header {
  key: string;
  bytes: number;
  check: string;
  errors: number;
  warnings: number;
}

type Crc32 = (data: Uint8Array | string, value?: number) => number;
let zlibCrc32: Crc32 | null | undefined;
/**
 * zlib.crc32 (Node ≥ 20.15; earlier releases sum with SHA-256, and an entry summed otherwise is a miss),
 * loaded when first used: a run without the cache does not pay for node:zlib.
 */
function crc32Function(): Crc32 | null {
  zlibCrc32 ??= (createRequire(import.meta.url)('node:zlib') as { crc32?: Crc32 }).crc32 ?? null;
  return zlibCrc32;
}
/** The checksum of an output and the counts the exit code comes from. */
function checksum(bytes: Uint8Array, errors: number, warnings: number): string {
  const counts = `${errors},${warnings}\0`;
  const crc32 = crc32Function();
  return crc32
    ? `crc32:${crc32(bytes, crc32(counts))}`
    : `sha256:${createHash('sha256').update(counts).update(bytes).digest('hex')}`;
}

export class StoredOutputs {
  private readonly dir: string;
  private readonly name: string;
  private readonly key: string;

  constructor(reports: StoredReports, settings: OutputSettings) {
    this.dir = join(reports.location, SUBDIR);
    this.name = `${reports.name.replace(/\.json$/, '')}.${settings.format}`;
    this.key = createHash('sha256')
      .update(
        JSON.stringify([
          SCHEMA,
          reports.key,
          settings.format,
          settings.verbose,
          settings.color,
          settings.hyperlinks,
          settings.cwd,
          settings.root ?? null,
          settings.cwdFromRoot ?? null,
          settings.skippedBySelection.map((s) => [s.path, s.reason]),
        ]),
      )
      .digest('hex');
  }

  /** The stored output of this run, or undefined (none, another run's, damaged). */
  get(): StoredOutput | undefined {
    let entry: Buffer;
    try {
      entry = readFileSync(join(this.dir, this.name));
    } catch {
      return undefined;
    }
    const end = entry.subarray(0, MAX_HEADER_BYTES).indexOf(0x0a);
    if (end < 0) return undefined;
    let header: Partial<Header> | null;
    try {
      header = JSON.parse(entry.toString('latin1', 0, end)) as Partial<Header> | null;
    } catch {
      return undefined;
    }
    if (!header || header.key !== this.key) return undefined;
    const { errors, warnings } = header;
    if (!Number.isSafeInteger(errors) || !Number.isSafeInteger(warnings)) return undefined;
    const bytes = entry.subarray(end + 1);
    if (header.bytes !== bytes.length || header.check !== checksum(bytes, errors!, warnings!)) return undefined;
    return { bytes, errors: errors!, warnings: warnings! };
  }

  /** Stores what this run printed. A cache that cannot be written only costs the next run its speed. */
  set(chunks: readonly string[], findings: readonly Finding[]): void {
    // The output's chunks are written into the entry's one buffer, after room for the header: no joined
    // copy of a report that can be tens of megabytes.
    const length = chunks.reduce((n, c) => n + Buffer.byteLength(c, 'utf8'), 0);
    const errors = findings.filter((f) => f.severity === 'error').length;
    const warnings = findings.filter((f) => f.severity === 'warning').length;
    const bytes = Buffer.allocUnsafe(length);
    let at = 0;
    for (const c of chunks) at += bytes.write(c, at, 'utf8');
    const header: Header = {
      key: this.key,
      bytes: bytes.length,
      check: checksum(bytes, errors, warnings),
      errors,
      warnings,
    };
    try {
      mkdirSync(this.dir, { recursive: true });
    } catch {
      return;
    }
    removeAbandonedCacheFiles(this.dir);
    writeCacheFile(this.dir, this.name, [Buffer.from(`${JSON.stringify(header)}\n`, 'latin1'), bytes]);
  }
}
