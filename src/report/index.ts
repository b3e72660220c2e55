import type { Reporter } from './types.js';

/**
 * Output formats by `--format` name, each loaded when a run asks for it: a run prints one format, and
 * the others' modules (SARIF's rule catalogue, the fingerprints' hashing) need not load. Add a format
 * here and in all.ts (the library's eager `REPORTERS`).
 */
export const REPORTER_LOADERS: Readonly<Record<string, () => Promise<Reporter>>> = {
  text: async () => (await import('./text.js')).textReporter,
  json: async () => (await import('./json.js')).jsonReporter,
  sarif: async () => (await import('./sarif.js')).sarifReporter,
  github: async () => (await import('./github.js')).githubReporter,
  gitlab: async () => (await import('./gitlab.js')).gitlabReporter,
};

/** The `--format` names, in the order help texts list them. */
export const REPORT_FORMATS: readonly string[] = Object.keys(REPORTER_LOADERS);

/** Formats read by CI systems, which resolve file paths from the repository root. */
export const ROOT_RELATIVE_FORMATS: ReadonlySet<string> = new Set(['sarif', 'github', 'gitlab']);
