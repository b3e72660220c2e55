/**
 * Settings a run resolves from its command-line flags and the config file (flags win over the config,
 * which wins over the defaults): shared by the CLI and the language server.
 */
import { isAbsolute, relative } from 'node:path';
import { DEFAULT_OPTIONS, DEFAULT_PG_VERSION, type LinterOptions } from '../linter.js';
import type { MigrationFormat } from '../ir/types.js';
import { ACCEPTED_RULE_IDS, resolveRuleId } from '../rules/index.js';
import { fileFilter } from '../files/glob.js';
import type { LoadedConfig } from './load.js';
import {
  type Dialect,
  FAIL_ON,
  type FailOn,
  MAX_PG_VERSION,
  type MigrationLintConfig,
  MIN_PG_VERSION,
  type RuleSetting,
  suggest,
} from './schema.js';

/** A command line (or setting) the user must change: reported as a message, never a stack trace. */
export class UsageError extends Error {}

/** The flags that override config settings. */
export interface SettingFlags {
  pgVersion?: string;
  assumeInTransaction?: boolean;
  exclude?: string;
  checkDowngrade?: boolean;
  framework?: MigrationFormat;
  dialect?: Dialect;
  failOn?: FailOn;
  /** Turn on `unknown-operation` as an error: calls the frontends could not read fail the run. */
  failOnUnknown?: boolean;
}

export function parsePgVersion(v: string | undefined): number {
  if (v === undefined) return DEFAULT_PG_VERSION;
  const n = Number(v);
  if (!Number.isInteger(n) || n < MIN_PG_VERSION || n > MAX_PG_VERSION)
    throw new UsageError(`--pg-version expects a Postgres major version such as 14, got "${v}"`);
  return n;
}

export function parseRuleList(list: string | undefined): string[] {
  if (!list) return [];
  const names = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const name of names)
    if (resolveRuleId(name).length === 0)
      throw new UsageError(
        `unknown rule "${name}"${suggest(name, ACCEPTED_RULE_IDS)}; migration-lint rules lists them`,
      );
  return names.flatMap(resolveRuleId);
}

/** Config `rules` with aliases replaced by the rules they name (a rule's own id wins over an alias). */
function canonicalRules(rules: Record<string, RuleSetting> | undefined): Record<string, RuleSetting> {
  const out: Record<string, RuleSetting> = {};
  const entries = Object.entries(rules ?? {});
  for (const [name, setting] of entries) for (const id of resolveRuleId(name)) if (id !== name) out[id] = setting;
  for (const [name, setting] of entries) if (resolveRuleId(name)[0] === name) out[name] = setting;
  return out;
}

/** The linter options and fail level: command-line flags win over the config file, which wins over the defaults. */
export function resolveSettings(
  flags: SettingFlags,
  config: MigrationLintConfig | undefined,
): { options: LinterOptions; failOn: FailOn } {
  const options: LinterOptions = {
    ...DEFAULT_OPTIONS,
    pgVersion:
      flags.pgVersion !== undefined ? parsePgVersion(flags.pgVersion) : (config?.pgVersion ?? DEFAULT_PG_VERSION),
    assumeInTransaction: flags.assumeInTransaction ?? config?.assumeInTransaction ?? false,
    checkDowngrade: flags.checkDowngrade ?? config?.checkDowngrade ?? false,
    dialect: flags.dialect ?? config?.dialect ?? DEFAULT_OPTIONS.dialect,
    rules: {
      ...canonicalRules(config?.rules),
      ...Object.fromEntries(parseRuleList(flags.exclude).map((id) => [id, 'off' as const])),
    },
  };
  const framework = flags.framework ?? config?.framework;
  if (framework) options.framework = framework;
  if (flags.failOnUnknown ?? config?.failOnUnknown) options.rules = { ...options.rules, 'unknown-operation': 'error' };
  const failOn: FailOn = flags.failOn ?? config?.failOn ?? 'error';
  if (!(FAIL_ON as readonly string[]).includes(failOn))
    throw new UsageError(`--fail-on expects ${FAIL_ON.join(', ')}, got "${failOn}"`);
  return { options, failOn };
}

/** Whether the config's include/exclude globs select a file (every file when there is no config or no globs). */
export function selectedByConfig(loaded: LoadedConfig | undefined): (file: string) => boolean {
  if (!loaded || (!loaded.config.include.length && !loaded.config.exclude.length)) return () => true;
  const passes = fileFilter(loaded.config.include, loaded.config.exclude);
  return (f) => {
    const rel = relative(loaded.dir, f).split('\\').join('/');
    const inside = rel !== '' && !rel.startsWith('../') && !isAbsolute(rel);
    return inside ? passes(rel) : loaded.config.include.length === 0;
  };
}
