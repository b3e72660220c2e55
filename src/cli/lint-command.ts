/**
 * The default command: lint paths and print findings with the chosen reporter.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import { discoverFiles, PathNotFoundError } from '../files/discover.js';
import { decodeSource, readSource } from '../files/read.js';
import { DEFAULT_OPTIONS, DEFAULT_PG_VERSION, type LinterOptions, lintSources, type SourceInput } from '../linter.js';
import { EXTENSIONS } from '../parsers/registry.js';
import { findRule } from '../rules/index.js';
import type { MigrationFormat } from '../ir/types.js';
import { REPORTERS } from '../report/index.js';
import { VERSION } from '../version.js';
import { type CliIO, UsageError } from './io.js';

export const FORMATS: MigrationFormat[] = [
  'sql', 'dbmate', 'golang-migrate', 'flyway', 'prisma', 'drizzle', 'alembic-sql', 'node-pg-migrate-sql',
  'knex', 'typeorm', 'kysely', 'node-pg-migrate', 'sequelize', 'mikro-orm', 'alembic',
];

export interface LintFlags {
  format: string;
  pgVersion?: string;
  assumeInTransaction?: boolean;
  exclude?: string;
  checkDowngrade?: boolean;
  stdinFilename?: string;
  framework?: MigrationFormat;
  verbose?: boolean;
  color?: boolean;
}

export function parsePgVersion(v: string | undefined): number {
  if (v === undefined) return DEFAULT_PG_VERSION;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 9 || n > 30) throw new UsageError(`--pg-version expects a Postgres major version such as 14, got "${v}"`);
  return n;
}

export function parseRuleList(list: string | undefined): string[] {
  if (!list) return [];
  const ids = list.split(',').map((s) => s.trim()).filter(Boolean);
  for (const id of ids) if (!findRule(id)) throw new UsageError(`unknown rule "${id}" (migration-lint rules lists them)`);
  return ids;
}

export async function lintCommand(paths: string[], flags: LintFlags, io: CliIO): Promise<number> {
  const reporter = REPORTERS[flags.format];
  if (!reporter) throw new UsageError(`unknown format "${flags.format}" (expected ${Object.keys(REPORTERS).join(', ')})`);
  const options: LinterOptions = {
    ...DEFAULT_OPTIONS,
    pgVersion: parsePgVersion(flags.pgVersion),
    assumeInTransaction: Boolean(flags.assumeInTransaction),
    checkDowngrade: Boolean(flags.checkDowngrade),
    rules: Object.fromEntries(parseRuleList(flags.exclude).map((id) => [id, 'off' as const])),
  };
  if (flags.framework) options.framework = flags.framework;

  if (paths.length === 0) throw new UsageError('no paths given (try: migration-lint migrations/)');
  const inputs: SourceInput[] = [];
  const fromDisk = paths.filter((p) => p !== '-');
  let files: string[];
  try {
    files = discoverFiles(fromDisk, EXTENSIONS);
  } catch (e) {
    if (e instanceof PathNotFoundError) throw new UsageError(`no such file or directory: ${e.message}`);
    throw e;
  }
  if (paths.includes('-')) {
    const name = flags.stdinFilename ?? '<stdin>.sql';
    inputs.push({ path: name, content: decodeSource(await io.readStdin()) });
  }
  for (const f of files) inputs.push({ path: f, content: readSource(f) });

  const result = await lintSources(inputs, options);
  const sources = new Map<string, string>();
  for (const m of result.migrations) sources.set(m.file, m.source);
  io.stdout(
    reporter({
      ...result,
      cwd: io.cwd,
      sources,
      verbose: Boolean(flags.verbose),
      color: flags.color === false ? false : io.isTTY,
      toolVersion: VERSION,
    }),
  );
  return result.findings.some((f) => f.severity === 'error') ? 1 : 0;
}


/** The lint options, on the root program (`migration-lint [options] [paths...]`). */
export function addLintOptions(program: Command): Command {
  return program
    .argument('[paths...]', 'migration files or directories (walked recursively); - reads stdin')
    .addOption(new Option('-f, --format <format>', 'output format').choices(Object.keys(REPORTERS)).default('text'))
    .option('--pg-version <major>', `target Postgres major version (default ${DEFAULT_PG_VERSION})`)
    .option('--assume-in-transaction', 'treat plain SQL files as run inside a transaction by your migration tool')
    .option('--exclude <rules>', 'comma-separated rule ids to turn off')
    .option('--check-downgrade', 'also lint downgrade (down) migrations')
    .option('--stdin-filename <name>', 'file name to report for stdin input (its extension picks the format)')
    .addOption(new Option('--framework <name>', 'force the migration format instead of detecting it').choices(FORMATS))
    .option('--verbose', 'list framework calls that could not be interpreted and skipped files')
    .option('--no-color', 'never colour the output (colours are used only on a terminal)');
}
