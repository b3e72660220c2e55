/**
 * The configuration file's keys, their validation and their meaning. Every key is documented in
 * docs/integrations.md; unknown keys and bad values are errors that name the key and what was expected.
 */
import type { MigrationFormat } from '../ir/types.js';
import { FORMAT_IDS } from '../parsers/registry.js';
import type { Severity } from '../rules/types.js';
import { childPath, type JsoncDocument, type JsonPosition, type JsonValue } from './jsonc.js';
import { compileGlob, GlobSyntaxError } from '../files/glob.js';

export type RuleSetting = Severity | 'off';
export type FailOn = 'error' | 'warning' | 'never';
export type Dialect = 'postgresql' | 'sqlite';

/** The format ids `framework` accepts: the parser registry's. */
export const MIGRATION_FORMATS: readonly MigrationFormat[] = FORMAT_IDS;
export const RULE_SETTINGS: readonly RuleSetting[] = ['error', 'warning', 'info', 'off'];
export const FAIL_ON: readonly FailOn[] = ['error', 'warning', 'never'];
export const DIALECTS: readonly Dialect[] = ['postgresql', 'sqlite'];
export const MIN_PG_VERSION = 9;
export const MAX_PG_VERSION = 30;

/** A validated config file. Paths in it are resolved against `dir` by the loader. */
export interface MigrationLintConfig {
  rules: Record<string, RuleSetting>;
  pgVersion?: number;
  assumeInTransaction?: boolean;
  checkDowngrade?: boolean;
  framework?: MigrationFormat;
  dialect?: Dialect;
  include: string[];
  exclude: string[];
  /** Globs (relative to the config file) of migrations whose edits edited-migration accepts. */
  allowedEdits?: string[];
  failOn?: FailOn;
  /** Report calls the frontends could not read as errors (rule `unknown-operation`). */
  failOnUnknown?: boolean;
  /** Baseline file, relative to the config file's directory. */
  baseline?: string;
  /** A run that finds no migration file to lint succeeds instead of exiting 2. */
  allowEmpty?: boolean;
  /** Keep a parse cache between runs (`--cache`). */
  cache?: boolean;
  /** The parse cache's directory, relative to the config file. */
  cacheLocation?: string;
}

export interface ConfigProblem {
  /** Dotted path of the key, e.g. `rules.ban-drop-column`. */
  path: string;
  message: string;
  position?: JsonPosition;
}

const KEYS = [
  '$schema',
  'rules',
  'pgVersion',
  'assumeInTransaction',
  'checkDowngrade',
  'framework',
  'dialect',
  'include',
  'exclude',
  'allowedEdits',
  'failOn',
  'failOnUnknown',
  'baseline',
  'allowEmpty',
  'cache',
  'cacheLocation',
] as const;

function quoteList(values: readonly string[]): string {
  const q = values.map((v) => `"${v}"`);
  return q.length <= 1 ? q.join('') : `${q.slice(0, -1).join(', ')} or ${q[q.length - 1]}`;
}

function show(v: JsonValue): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return JSON.stringify(v);
}

/** Levenshtein distance, for "did you mean" hints on misspelt keys and rule ids. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

export function suggest(word: string, candidates: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  if (best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 4)))
    return ` (did you mean "${best}"?)`;
  // A shortened name (`adding-not-null`, `concurrent-index`): the few candidates that contain it.
  const needle = word.toLowerCase();
  const containing = needle.length >= 4 ? candidates.filter((c) => c.toLowerCase().includes(needle)) : [];
  if (containing.length === 0 || containing.length > 3) return '';
  return ` (did you mean ${containing.map((c) => `"${c}"`).join(' or ')}?)`;
}

/**
 * Checks a parsed config object. `base` is the path prefix of the object inside its document
 * (`migration-lint` for the package.json key) so positions and messages name the real key.
 */
export function validateConfig(
  doc: JsoncDocument,
  value: JsonValue,
  base: string,
  ruleIds: readonly string[],
): { config: MigrationLintConfig; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const config: MigrationLintConfig = { rules: {}, include: [], exclude: [] };
  const at = (key: string) => childPath(base, key);
  const problem = (path: string, message: string) =>
    problems.push({ path, message, position: doc.positions.get(path) });

  for (const d of doc.duplicates)
    if (d.path === base || d.path.startsWith(base ? `${base}.` : ''))
      problems.push({ path: d.path, message: 'appears more than once; keep one', position: d.position });

  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    problem(base, `expected an object of settings, got ${show(value)}`);
    return { config, problems };
  }

  for (const [key, v] of Object.entries(value)) {
    const path = at(key);
    switch (key as (typeof KEYS)[number]) {
      case '$schema':
        if (typeof v !== 'string') problem(path, `expected a URL string, got ${show(v)}`);
        break;
      case 'rules': {
        if (v === null || typeof v !== 'object' || Array.isArray(v)) {
          problem(path, `expected an object mapping rule ids to ${quoteList(RULE_SETTINGS)}, got ${show(v)}`);
          break;
        }
        for (const [id, setting] of Object.entries(v)) {
          const rulePath = childPath(path, id);
          if (!ruleIds.includes(id))
            problem(rulePath, `unknown rule "${id}"${suggest(id, ruleIds)}; \`migration-lint rules\` lists them`);
          else if (typeof setting !== 'string' || !(RULE_SETTINGS as readonly string[]).includes(setting))
            problem(rulePath, `expected ${quoteList(RULE_SETTINGS)}, got ${show(setting)}`);
          else config.rules[id] = setting as RuleSetting;
        }
        break;
      }
      case 'pgVersion':
        if (typeof v !== 'number' || !Number.isInteger(v) || v < MIN_PG_VERSION || v > MAX_PG_VERSION)
          problem(
            path,
            `expected a Postgres major version as a number between ${MIN_PG_VERSION} and ${MAX_PG_VERSION} (e.g. 16), got ${show(v)}`,
          );
        else config.pgVersion = v;
        break;
      case 'assumeInTransaction':
      case 'checkDowngrade':
      case 'allowEmpty':
      case 'cache':
        if (typeof v !== 'boolean') problem(path, `expected true or false, got ${show(v)}`);
        else config[key as 'assumeInTransaction' | 'checkDowngrade' | 'allowEmpty' | 'cache'] = v;
        break;
      case 'framework':
        if (typeof v !== 'string' || !(MIGRATION_FORMATS as readonly string[]).includes(v))
          problem(
            path,
            `expected one of ${quoteList(MIGRATION_FORMATS)}, got ${show(v)}${typeof v === 'string' ? suggest(v, MIGRATION_FORMATS) : ''}`,
          );
        else config.framework = v as MigrationFormat;
        break;
      case 'dialect':
        if (typeof v !== 'string' || !(DIALECTS as readonly string[]).includes(v))
          problem(path, `expected ${quoteList(DIALECTS)}, got ${show(v)}`);
        else config.dialect = v as Dialect;
        break;
      case 'failOn':
        if (typeof v !== 'string' || !(FAIL_ON as readonly string[]).includes(v))
          problem(path, `expected ${quoteList(FAIL_ON)}, got ${show(v)}`);
        else config.failOn = v as FailOn;
        break;
      case 'failOnUnknown':
        if (typeof v !== 'boolean') problem(path, `expected true or false, got ${show(v)}`);
        else config.failOnUnknown = v;
        break;
      case 'include':
      case 'exclude':
      case 'allowedEdits': {
        if (!Array.isArray(v)) {
          problem(path, `expected an array of glob patterns such as ["db/migrations/**"], got ${show(v)}`);
          break;
        }
        v.forEach((g, n) => {
          const itemPath = childPath(path, n);
          if (typeof g !== 'string' || g.trim() === '')
            problem(itemPath, `expected a non-empty glob pattern string, got ${show(g)}`);
          else {
            try {
              compileGlob(g);
              (config[key as 'include' | 'exclude' | 'allowedEdits'] ??= []).push(g);
            } catch (e) {
              if (e instanceof GlobSyntaxError) problem(itemPath, `invalid glob pattern: ${e.message}`);
              else throw e;
            }
          }
        });
        break;
      }
      case 'baseline':
        if (typeof v !== 'string' || v.trim() === '')
          problem(path, `expected the path of a baseline file (written by --write-baseline), got ${show(v)}`);
        else config.baseline = v;
        break;
      case 'cacheLocation':
        if (typeof v !== 'string' || v.trim() === '')
          problem(path, `expected the path of a cache directory, got ${show(v)}`);
        else config.cacheLocation = v;
        break;
      default:
        problem(
          path,
          `unknown key "${key}"${suggest(key, KEYS)}; expected one of ${quoteList(KEYS.filter((k) => k !== '$schema'))}`,
        );
    }
  }
  return { config, problems };
}
