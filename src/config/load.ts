/**
 * Finding and reading the configuration: `migration-lint.config.json` (JSON with comments), or a
 * `"migration-lint"` key in package.json, in the working directory or the nearest parent that has one.
 */
import { existsSync, statSync } from 'node:fs';
import { readRegularFile, UnreadableFileError } from '../files/read.js';
import { dirname, join, relative, resolve } from 'node:path';
import { JsoncSyntaxError, parseJsonc } from './jsonc.js';
import { type ConfigProblem, type MigrationLintConfig, validateConfig } from './schema.js';

export const CONFIG_FILE_NAME = 'migration-lint.config.json';
export const PACKAGE_JSON_KEY = 'migration-lint';

export interface LoadedConfig {
  config: MigrationLintConfig;
  /** The file the config came from. */
  file: string;
  /** Directory that `include`/`exclude` globs and `baseline` are relative to. */
  dir: string;
  /** `config-file` or `package.json`. */
  source: 'config-file' | 'package.json';
}

/** A config that cannot be used; `problems` name each bad key. The CLI prints them and exits 2. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: ConfigProblem[],
  ) {
    super(problems.map((p) => formatProblem(file, p)).join('\n'));
  }
}

function formatProblem(file: string, p: ConfigProblem): string {
  const where = p.position ? `${file}:${p.position.line}:${p.position.column}` : file;
  return p.path ? `${where}: "${p.path}": ${p.message}` : `${where}: ${p.message}`;
}

/** Largest config (or package.json holding one) read. */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

function readText(file: string): string {
  try {
    return readRegularFile(file, MAX_CONFIG_BYTES).toString('utf8');
  } catch (e) {
    if (e instanceof UnreadableFileError)
      throw new ConfigError(file, [{ path: '', message: `cannot read the config file: ${e.message}` }]);
    const err = e as NodeJS.ErrnoException;
    throw new ConfigError(file, [
      {
        path: '',
        message:
          err.code === 'ENOENT' ? 'config file not found' : `cannot read the config file (${err.code ?? err.message})`,
      },
    ]);
  }
}

function parse(file: string, text: string) {
  try {
    return parseJsonc(text);
  } catch (e) {
    if (e instanceof JsoncSyntaxError)
      throw new ConfigError(file, [{ path: '', message: `not valid JSON: ${e.message}`, position: e.position }]);
    throw e;
  }
}

/** Reads one config file: a migration-lint.config.json (any name), or a package.json's key. */
export function loadConfigFile(
  file: string,
  ruleIds: readonly string[],
  displayFrom = process.cwd(),
): LoadedConfig | undefined {
  const shown = relative(displayFrom, file) || file;
  const text = readText(file);
  const doc = parse(shown, text);
  const isPackageJson = file.endsWith('package.json');
  let value = doc.value;
  let base = '';
  if (isPackageJson) {
    if (
      value === null ||
      typeof value !== 'object' ||
      Array.isArray(value) ||
      !Object.prototype.hasOwnProperty.call(value, PACKAGE_JSON_KEY)
    )
      return undefined;
    value = (value as Record<string, typeof value>)[PACKAGE_JSON_KEY]!;
    base = PACKAGE_JSON_KEY;
  }
  const { config, problems } = validateConfig(doc, value, base, ruleIds);
  if (problems.length) throw new ConfigError(shown, problems);
  return { config, file, dir: dirname(file), source: isPackageJson ? 'package.json' : 'config-file' };
}

/** The nearest config from `cwd` upwards; `undefined` when there is none. */
export function findConfig(cwd: string, ruleIds: readonly string[]): LoadedConfig | undefined {
  let dir = resolve(cwd);
  for (;;) {
    const configFile = join(dir, CONFIG_FILE_NAME);
    if (existsSync(configFile) && statSync(configFile).isFile()) return loadConfigFile(configFile, ruleIds, cwd);
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && statSync(pkg).isFile()) {
      const fromPackage = loadConfigFile(pkg, ruleIds, cwd);
      if (fromPackage) return fromPackage;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
