/**
 * The package's programmatic entry point (`import { lintSources } from 'migration-lint'`): the same
 * pipeline the CLI runs, without its I/O policy.
 */
export {
  lintSources,
  DEFAULT_OPTIONS,
  DEFAULT_PG_VERSION,
  type LinterOptions,
  type LintResult,
  type SourceInput,
} from './linter.js';
export { readSource, decodeSource, type ReadResult } from './files/read.js';
export { discoverFiles } from './files/discover.js';
export { EXTENSIONS } from './parsers/registry.js';
export { ALL_RULES, findRule } from './rules/index.js';
export { REPORTERS } from './report/all.js';
export type { Finding } from './engine/types.js';
export type { FindingKind, Rule, Severity } from './rules/types.js';
export type { Migration, Operation } from './ir/types.js';
export { VERSION } from './version.js';
