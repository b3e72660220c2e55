/**
 * The findings layer of the cache (`--cache`): a run's report, stored under a key of everything it
 * depends on, so that a run whose files, options and tool version are all unchanged prints the stored
 * report without parsing, without loading rules and without reading the parse cache's entries (one
 * file read instead of one per migration). Any change is a miss: the run goes through the parse cache
 * and the rules as usual and stores its report again.
 *
 * The unit is the whole run, not a migration set: findings cross sets (run-level rules such as
 * require-index-for-foreign-key group every migration without a stamped set together, and reports are
 * sorted in the order `arrangeRun` gives all formats together), so a set's findings cannot be reused
 * without the others' IR.
 *
 * The key is a SHA-256 of: this layer's schema, the tool version, every linter option (rules and their
 * severities, Postgres version, dialect, framework…), the directory messages are relative to, and each
 * input in order (path, named on the command line or found, full text) — plus what the parsers read
 * beside the inputs: whether drizzle-kit's journal exists in each SQL file's directory (and a Cargo.toml
 * naming sqlx above it), and Alembic's
 * env.py above each Python file's directory (not the project modules env.py imports). The entry's file
 * name is a hash of the options and the inputs' directories only, so a run over the same directories
 * replaces its previous entry (about one entry per directory set and options linted). Writes are atomic (temporary
 * file, rename); an entry that is not valid JSON of the expected shape and key is a miss, never trusted.
 *
 * What a stored report keeps of each migration is what reporters read: its file, format, transaction,
 * diagnostics and the operations the frontends did not understand (`unknown`, listed by --verbose); its
 * source is the input's text. Callers that need the full IR (--fix) do not use this layer.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Finding, RelatedLocation } from '../engine/types.js';
import { removeAbandonedCacheFiles, writeCacheFile } from '../files/cache-file.js';
import type { Migration, UnknownOp } from '../ir/types.js';
import type { LinterOptions, LintResult, SourceInput } from '../lint-core.js';
import { alembicEnvFact } from '../parsers/parse-cache.js';
import { sqlxProjectAt } from '../parsers/node-platform.js';
import type { CacheStats } from '../parsers/stats.js';
import { VERSION } from '../version.js';

/** Bumped when the entry layout or the key's ingredients change. */
const SCHEMA = 1;
/** Entries live in a subdirectory per schema, beside the parse cache's. */
const SUBDIR = `results-v${SCHEMA}`;

/** A migration as the reporters read it (see the header). */
interface StoredMigration {
  file: string;
  format: Migration['format'];
  transaction: Migration['transaction'];
  diagnostics: Migration['diagnostics'];
  unknown: UnknownOp[];
}

interface Entry {
  schema: number;
  version: string;
  key: string;
  findings: StoredFindings;
  skipped: LintResult['skipped'];
  migrations: StoredMigration[];
}

/**
 * Findings as rows of numbers, their strings in one table: a big history's report holds tens of
 * thousands of findings whose rule, file, help and lock texts repeat, and rows of numbers parse
 * several times faster than as many objects. Each row is FIELDS in order: a string's index in
 * `strings` (-1: absent), a number as is, `related` an index in `related`.
 */
interface StoredFindings {
  strings: string[];
  rows: number[][];
  related: RelatedLocation[][];
}

/** A finding's fields in the order the engine builds them (src/engine/lint.ts `finding`). */
const FIELDS = [
  'rule',
  'severity',
  'file',
  'line',
  'column',
  'endLine',
  'endColumn',
  'message',
  'direction',
  'help',
  'lock',
  'revision',
  'related',
] as const satisfies readonly (keyof Finding)[];
const NUMBERS: ReadonlySet<string> = new Set(['line', 'column', 'endLine', 'endColumn']);
const OPTIONAL: ReadonlySet<string> = new Set(['help', 'lock', 'revision', 'related']);

/** The findings as rows; undefined when a finding has a field or order this layout does not restore as it was. */
function encodeFindings(findings: readonly Finding[]): StoredFindings | undefined {
  const strings: string[] = [];
  const indexes = new Map<string, number>();
  const related: RelatedLocation[][] = [];
  const rows: number[][] = [];
  for (const f of findings) {
    const present = Object.keys(f);
    if (present.join() !== FIELDS.filter((k) => f[k] !== undefined).join()) return undefined;
    rows.push(
      FIELDS.map((k) => {
        const v = f[k];
        if (v === undefined) return -1;
        if (k === 'related') return related.push(v as RelatedLocation[]) - 1;
        if (typeof v === 'number') return v;
        let i = indexes.get(v as string);
        if (i === undefined) indexes.set(v as string, (i = strings.push(v as string) - 1));
        return i;
      }),
    );
  }
  return { strings, rows, related };
}

/** The findings of a stored report; undefined when any row does not fit the layout (never trusted). */
function decodeFindings(stored: unknown): Finding[] | undefined {
  if (!isObject(stored)) return undefined;
  const { strings, rows, related } = stored;
  if (!Array.isArray(strings) || !Array.isArray(rows) || !Array.isArray(related)) return undefined;
  const isLocation = (l: unknown) => isObject(l) && typeof l.file === 'string' && typeof l.line === 'number';
  if (!strings.every((x) => typeof x === 'string')) return undefined;
  if (!related.every((r) => Array.isArray(r) && r.every(isLocation))) return undefined;
  const findings: Finding[] = [];
  for (const row of rows as unknown[]) {
    if (!Array.isArray(row) || row.length !== FIELDS.length) return undefined;
    const f: Record<string, unknown> = {};
    for (let k = 0; k < FIELDS.length; k++) {
      const field = FIELDS[k]!;
      const v: unknown = row[k];
      if (typeof v !== 'number' || !Number.isInteger(v)) return undefined;
      if (NUMBERS.has(field)) f[field] = v;
      else if (v === -1 && OPTIONAL.has(field)) continue;
      else if (field === 'related' && v >= 0 && v < related.length) f[field] = related[v];
      else if (field !== 'related' && v >= 0 && v < strings.length) f[field] = strings[v];
      else return undefined;
    }
    findings.push(f as unknown as Finding);
  }
  return findings;
}

/** How the findings layer served a run: `rejected` is an entry that existed but was not trusted. */
export type StoredReportStatus = NonNullable<CacheStats['report']>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function isStoredMigration(v: unknown, texts: ReadonlyMap<string, string>): v is StoredMigration {
  return (
    isObject(v) &&
    typeof v.file === 'string' &&
    texts.has(v.file) &&
    typeof v.format === 'string' &&
    typeof v.transaction === 'string' &&
    Array.isArray(v.diagnostics) &&
    Array.isArray(v.unknown) &&
    v.unknown.every((op) => isObject(op) && op.kind === 'unknown' && isObject(op.span))
  );
}

/** Whether a run's report can be stored and reused: what it depends on is all in the key. */
export function reportIsCacheable(inputs: readonly SourceInput[], previous: readonly unknown[]): boolean {
  // --since compares with git's base versions and reports only changed files: not in the key, not stored.
  // An unreadable file's message comes from the read, not from its (absent) text.
  return previous.length === 0 && inputs.every((i) => i.content.ok && !i.contextOnly);
}

export class StoredReports {
  /** The cache directory (`--cache-location`). */
  readonly location: string;
  readonly dir: string;
  /** The entry's file name: the options and the inputs' directories (see the header). */
  readonly name: string;
  /** What the stored report depends on, hashed (the output layer's key builds on it: stored-output.ts). */
  readonly key: string;
  private readonly inputs: readonly SourceInput[];
  private textsByPath: Map<string, string> | undefined;
  /** The inputs' texts by path (sources of the stored migrations): made when an entry is read or written. */
  private get texts(): Map<string, string> {
    return (this.textsByPath ??= new Map(this.inputs.map((i) => [i.path, i.content.ok ? i.content.text : ''])));
  }

  /** `inputs` must pass reportIsCacheable. */
  constructor(location: string, inputs: readonly SourceInput[], options: LinterOptions) {
    this.location = location;
    this.dir = join(location, SUBDIR);
    this.inputs = inputs;
    const { cacheLocation: _location, cachedReport: _reuse, ...rest } = options;
    const settings = JSON.stringify(
      Object.entries({ ...rest, cwd: options.cwd ?? process.cwd() }).sort(([a], [b]) => (a < b ? -1 : 1)),
    );
    // each directory once, with whether it holds SQL and Python files (a history is mostly one directory)
    const sqlDirs = new Set<string>();
    const pyDirs = new Set<string>();
    const seen = new Set<string>();
    for (const { path } of inputs) {
      const dir = dirname(path);
      seen.add(dir);
      if (/\.sql$/i.test(path)) sqlDirs.add(dir);
      else if (/\.py$/i.test(path)) pyDirs.add(dir);
    }
    const dirs = [...seen].sort();
    // Without the version: a new release replaces the previous release's entry instead of adding one.
    this.name = `${sha256(`${settings}\0${dirs.join('\0')}`).slice(0, 32)}.json`;
    // drizzle-kit's journal beside SQL files, and a Cargo.toml naming sqlx above them, decide their format
    // (node-platform.ts probes both)
    const journals = dirs
      .filter((d) => sqlDirs.has(d))
      .map((d) => `${existsSync(join(d, 'meta', '_journal.json')) ? 1 : 0}${sqlxProjectAt(resolve(d)) ? 1 : 0}`);
    // and Alembic's env.py decides how the revisions of the versions directory below it run
    const envs = dirs.filter((d) => pyDirs.has(d)).map((d) => alembicEnvFact(join(d, 'revision.py'), new Map()));
    const hash = createHash('sha256').update(JSON.stringify([SCHEMA, VERSION, settings, journals, envs]));
    for (const input of inputs)
      hash
        .update(`\0${input.explicit ? 1 : 0}${input.content.ok && input.content.bom ? 'B' : ''}${input.path}\0`)
        .update(input.content.ok ? input.content.text : '');
    this.key = hash.digest('hex');
  }

  /** The stored report of these inputs and options, or why there is none. */
  get(): { result?: LintResult; status: StoredReportStatus } {
    let text: string;
    try {
      // Written as ASCII (see `set`): read byte for byte, without UTF-8 decoding ten megabytes.
      text = readFileSync(join(this.dir, this.name), 'latin1');
    } catch {
      return { status: 'missing' };
    }
    if (NOT_ASCII.test(text)) return { status: 'rejected' };
    let entry: Partial<Entry> | null;
    try {
      entry = JSON.parse(text) as Partial<Entry> | null;
    } catch {
      return { status: 'rejected' };
    }
    if (!entry || entry.schema !== SCHEMA || entry.version !== VERSION) return { status: 'rejected' };
    // the same directories under other contents: the previous run's entry, replaced by this one's
    if (entry.key !== this.key) return { status: 'missing' };
    const { skipped, migrations } = entry;
    const findings = decodeFindings(entry.findings);
    if (
      !findings ||
      !Array.isArray(skipped) ||
      !skipped.every((s) => isObject(s) && typeof s.path === 'string' && typeof s.reason === 'string') ||
      !Array.isArray(migrations) ||
      !migrations.every((m) => isStoredMigration(m, this.texts))
    )
      return { status: 'rejected' };
    return {
      status: 'reused',
      result: {
        findings,
        skipped,
        migrations: migrations.map((m): Migration => ({
          file: m.file,
          format: m.format,
          transaction: m.transaction,
          diagnostics: m.diagnostics,
          ops: m.unknown,
          source: this.texts.get(m.file) ?? '',
        })),
      },
    };
  }

  /**
   * Stores a run's report. Not stored when a migration's source is not its input's text, or a finding
   * has a field the layout does not know (what `get` could not restore as it was). A cache that cannot be written only costs the next run its speed.
   */
  set(result: LintResult): void {
    if (!result.migrations.every((m) => this.texts.get(m.file) === m.source)) return;
    const findings = encodeFindings(result.findings);
    if (!findings) return;
    const entry: Entry = {
      schema: SCHEMA,
      version: VERSION,
      key: this.key,
      findings,
      skipped: result.skipped,
      migrations: result.migrations.map((m) => ({
        file: m.file,
        format: m.format,
        transaction: m.transaction,
        diagnostics: m.diagnostics,
        unknown: m.ops.filter((op): op is UnknownOp => op.kind === 'unknown'),
      })),
    };
    try {
      mkdirSync(this.dir, { recursive: true });
    } catch {
      return;
    }
    removeAbandonedCacheFiles(this.dir);
    writeCacheFile(this.dir, this.name, JSON.stringify(entry).replace(NOT_ASCII_ALL, escapeCodeUnit));
  }
}

/** Any character outside printable ASCII (JSON.stringify leaves control characters escaped already). */
const NOT_ASCII = /[^\x20-\x7e]/;
const NOT_ASCII_ALL = /[^\x20-\x7e]/g;
/** A UTF-16 code unit as a JSON escape (a surrogate pair becomes two escapes, which JSON.parse joins again). */
const escapeCodeUnit = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
