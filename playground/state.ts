/**
 * The playground's state (files and options) in the URL fragment, so a link reproduces a case:
 * `#v1=` + base64url of the deflate-raw compressed JSON. A fragment comes from whoever wrote the
 * link: it is decoded with size caps (before and after inflating) and checked field by field; a
 * fragment that fails any check is refused with a reason, never half-applied.
 */
import type { MigrationFormat } from '../src/core.js';

export const FORMATS: readonly { value: MigrationFormat; label: string }[] = [
  { value: 'sql', label: 'Plain SQL' },
  { value: 'dbmate', label: 'dbmate' },
  { value: 'prisma', label: 'Prisma' },
  { value: 'drizzle', label: 'Drizzle' },
  { value: 'knex', label: 'Knex' },
  { value: 'typeorm', label: 'TypeORM' },
  { value: 'kysely', label: 'Kysely' },
  { value: 'node-pg-migrate', label: 'node-pg-migrate' },
  { value: 'sequelize', label: 'Sequelize' },
  { value: 'mikro-orm', label: 'MikroORM' },
  { value: 'alembic', label: 'Alembic' },
];

export const PG_VERSIONS: readonly number[] = [10, 11, 12, 13, 14, 15, 16, 17, 18];

export interface PlaygroundOptions {
  /** `auto`: each file's format is detected, as the CLI does without --framework. */
  format: 'auto' | MigrationFormat;
  pgVersion: number;
  assumeInTransaction: boolean;
  dialect: 'postgresql' | 'sqlite';
}

export interface PlaygroundFile {
  path: string;
  text: string;
}

export interface PlaygroundState {
  files: PlaygroundFile[];
  /** The tab shown. */
  active: number;
  options: PlaygroundOptions;
}

export const LIMITS = {
  /** Characters of the fragment itself. */
  fragment: 1_000_000,
  /** Bytes of JSON once inflated: a small fragment that inflates without end is refused. */
  json: 2_000_000,
  files: 20,
  path: 200,
};

const PREFIX = '#v1=';

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return undefined;
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

async function pipe(bytes: Uint8Array<ArrayBuffer>, stream: CompressionStream | DecompressionStream, cap: number) {
  const writer = stream.writable.getWriter();
  // Not awaited: the reader below drains the output while the input is written; a damaged input
  // fails the read, so the writer's own failure is not a second error.
  writer
    .write(bytes)
    .then(() => writer.close())
    .catch(() => undefined);
  const reader = stream.readable.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > cap) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export async function encodeState(state: PlaygroundState): Promise<string> {
  const json = new TextEncoder().encode(JSON.stringify(state));
  const packed = await pipe(json, new CompressionStream('deflate-raw'), Number.MAX_SAFE_INTEGER);
  if (!packed) throw new Error('compression failed');
  return PREFIX + toBase64Url(packed);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A relative path of plain segments: it names a tab and tells the format, nothing more. */
function validPath(p: unknown): p is string {
  return (
    typeof p === 'string' &&
    p.length > 0 &&
    p.length <= LIMITS.path &&
    /^[\w.@+ -]+(\/[\w.@+ -]+)*$/.test(p) &&
    !p.split('/').some((segment) => segment === '.' || segment === '..')
  );
}

/** The state a decoded value describes, or why it does not describe one. */
export function checkState(value: unknown): PlaygroundState | string {
  if (!isRecord(value)) return 'not an object';
  const { files, active, options } = value;
  if (!Array.isArray(files) || files.length === 0 || files.length > LIMITS.files)
    return `files: expected 1 to ${String(LIMITS.files)} files`;
  const checked: PlaygroundFile[] = [];
  const seen = new Set<string>();
  for (const f of files as unknown[]) {
    if (!isRecord(f) || !validPath(f.path) || typeof f.text !== 'string')
      return 'files: each needs a relative path and a text';
    if (seen.has(f.path)) return `files: ${f.path} appears twice`;
    seen.add(f.path);
    checked.push({ path: f.path, text: f.text });
  }
  if (!isRecord(options)) return 'options: not an object';
  const { format, pgVersion, assumeInTransaction, dialect } = options;
  if (format !== 'auto' && !FORMATS.some((f) => f.value === format)) return 'options.format: unknown format';
  if (typeof pgVersion !== 'number' || !PG_VERSIONS.includes(pgVersion)) return 'options.pgVersion: unknown version';
  if (typeof assumeInTransaction !== 'boolean') return 'options.assumeInTransaction: not a boolean';
  if (dialect !== 'postgresql' && dialect !== 'sqlite') return 'options.dialect: unknown dialect';
  return {
    files: checked,
    active:
      typeof active === 'number' && Number.isInteger(active) && active >= 0 && active < checked.length ? active : 0,
    options: { format: format as PlaygroundOptions['format'], pgVersion, assumeInTransaction, dialect },
  };
}

/** Decodes a location fragment: undefined when there is none, else the state or the reason it is refused. */
export async function decodeState(
  fragment: string,
): Promise<undefined | { ok: true; state: PlaygroundState } | { ok: false; reason: string }> {
  if (fragment === '' || fragment === '#') return undefined;
  if (!fragment.startsWith(PREFIX)) return { ok: false, reason: 'not a playground link' };
  if (fragment.length > LIMITS.fragment) return { ok: false, reason: 'the link is too long' };
  const packed = fromBase64Url(fragment.slice(PREFIX.length));
  if (!packed) return { ok: false, reason: 'the link is not valid base64url' };
  let json: Uint8Array | undefined;
  try {
    json = await pipe(packed, new DecompressionStream('deflate-raw'), LIMITS.json);
  } catch {
    return { ok: false, reason: 'the link does not inflate (damaged or cut short)' };
  }
  if (!json) return { ok: false, reason: 'the link inflates to more than 2 MB' };
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch {
    return { ok: false, reason: 'the link does not hold valid JSON' };
  }
  const state = checkState(value);
  return typeof state === 'string' ? { ok: false, reason: state } : { ok: true, state };
}
