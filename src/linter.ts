/**
 * The linting pipeline without any I/O policy: sources → parsers → IR → rules → findings.
 * The CLI, the GitHub Action and the tests all go through `lintSources`. Parsing is here (worker
 * threads, the parse caches); what follows it is src/lint-core.ts, shared with the browser playground.
 */
import { type ParseOutcome, parseSources } from './parsers/parse-sources.js';
import type { ParseOptions, SourceFile } from './parsers/types.js';
import { ParseCache } from './parsers/parse-cache.js';
import { reportIsCacheable, StoredReports } from './cache/lint-results.js';
import { createHash } from 'node:crypto';
import { displayPath } from './files/display-path.js';
import {
  DEFAULT_OPTIONS,
  type LinterOptions,
  type LintResult,
  lintParsed,
  type PreviousVersion,
  type SourceInput,
} from './lint-core.js';

export {
  DEFAULT_OPTIONS,
  DEFAULT_PG_VERSION,
  enabledRules,
  type LinterOptions,
  type LintResult,
  type PreviousVersion,
  type SourceInput,
} from './lint-core.js';

/**
 * Parse results kept in memory between runs over the same files (the language server lints a
 * directory on every keystroke): a file whose path, text and parse options are unchanged is not
 * parsed again. Holds the latest result per path. (`--cache` keeps them on disk: src/cache.)
 */
export class MemoryParseCache {
  private readonly byPath = new Map<string, { key: string; outcome: ParseOutcome }>();

  /**
   * Parses the files not parsed before with the same text and options; the others come from the cache.
   * `parseMissing` parses those (the language server shares them with its worker threads).
   */
  async parse(
    files: (SourceFile | undefined)[],
    options: ParseOptions,
    disk?: ParseCache,
    parseMissing: typeof parseSources = parseSources,
  ): Promise<ParseOutcome[]> {
    const optionsKey = JSON.stringify(options);
    const keys = files.map((f) =>
      f
        ? createHash('sha256')
            .update(optionsKey)
            .update(f.bom ? '\0B' : '\0')
            .update(f.text)
            .digest('hex')
        : '',
    );
    const missing = files.map((f, i) => (f && this.byPath.get(f.path)?.key !== keys[i] ? i : -1)).filter((i) => i >= 0);
    // files not in memory come from the persistent cache when there is one (an editor's second start)
    const fresh = await parseMissing(
      missing.map((i) => files[i]),
      options,
      disk,
    );
    missing.forEach((i, k) => this.byPath.set(files[i]!.path, { key: keys[i]!, outcome: fresh[k] }));
    // a shallow copy: the run may set a migration's own fields (arrangeRun), which must not leak into the next run
    return files.map((f) => {
      const outcome = f ? this.byPath.get(f.path)!.outcome : undefined;
      return Array.isArray(outcome) ? outcome.map((m) => ({ ...m })) : outcome;
    });
  }
}

/** What of the linter's options decides a parse (and its cache keys, so built in one place). */
export function parseOptionsOf(options: LinterOptions): ParseOptions {
  return { assumeInTransaction: options.assumeInTransaction, framework: options.framework, dialect: options.dialect };
}

/**
 * The stored reports of a run (`--cache`, src/cache/lint-results.ts), when its report can be stored and
 * reused: the CLI builds them before linting, since its stored output's key builds on theirs.
 */
export function storedReportsOf(
  inputs: readonly SourceInput[],
  options: LinterOptions,
  previous: readonly PreviousVersion[] = [],
): StoredReports | undefined {
  return options.cacheLocation !== undefined && options.cachedReport !== false && reportIsCacheable(inputs, previous)
    ? new StoredReports(options.cacheLocation, inputs, options)
    : undefined;
}

/**
 * `reports`: the run's stored reports (storedReportsOf), when the caller has built them for these
 * inputs and options.
 */
export async function lintSources(
  inputs: SourceInput[],
  options: LinterOptions = DEFAULT_OPTIONS,
  previous: readonly PreviousVersion[] = [],
  memory?: MemoryParseCache,
  reports: StoredReports | undefined = memory ? undefined : storedReportsOf(inputs, options, previous),
): Promise<LintResult> {
  const files = inputs.map((input) =>
    input.content.ok
      ? input.content.bom
        ? { path: input.path, text: input.content.text, bom: true }
        : { path: input.path, text: input.content.text }
      : undefined,
  );
  const parseOptions = parseOptionsOf(options);
  const cache = options.cacheLocation !== undefined ? new ParseCache(options.cacheLocation) : undefined;
  // An unchanged run prints its stored report: nothing parsed, linted or read from the parse cache.
  // (The language server keeps its IR in memory and lints on every keystroke: it has no use for it.)
  const stored = reports?.get();
  if (stored?.result) return { ...stored.result, cache: { hits: 0, misses: 0, rejected: 0, report: stored.status } };
  const parsed = memory
    ? await memory.parse(files, parseOptions, cache)
    : await parseSources(files, parseOptions, cache);
  const result = await lintParsed(inputs, parsed, options, previous, (path) =>
    displayPath(path, options.cwd ?? process.cwd()),
  );
  reports?.set(result);
  if (!cache) return result;
  return { ...result, cache: stored ? { ...cache.stats, report: stored.status } : cache.stats };
}
