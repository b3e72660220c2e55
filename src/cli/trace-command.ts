/**
 * `migration-lint trace <paths…>`: replay the migrations on Postgres and show the locks each
 * statement really takes. Embedded PGlite by default; a server only with --database-url.
 */
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { expandArgument, PathNotFoundError } from '../files/discover.js';
import { GlobSyntaxError } from '../files/glob.js';
import { readSource } from '../files/read.js';
import type { SourceInput } from '../linter.js';
import type { MigrationFormat } from '../ir/types.js';
import { EXTENSIONS } from '../parsers/registry.js';
import { REPORT_FORMATS, REPORTER_LOADERS, ROOT_RELATIVE_FORMATS } from '../report/index.js';
import type { ReportInput } from '../report/types.js';
import { VERSION } from '../version.js';
import { type CliIO, type CommandRegistrar, reportRoot, useColor, useHyperlinks } from './io.js';
import { UsageError } from '../config/settings.js';
import { FORMATS } from './lint-command.js';

export interface TraceFlags {
  format: string;
  databaseUrl?: string;
  allowCommit?: boolean;
  allowPrivilegedRole?: boolean;
  setup?: string;
  rows?: string;
  framework?: MigrationFormat;
  assumeInTransaction?: boolean;
  verbose?: boolean;
  color?: boolean;
}

const MAX_ROWS = 10_000_000;

export function parseRows(value: string | undefined): number {
  if (value === undefined) return 0;
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 0 || n > MAX_ROWS)
    throw new UsageError(`--rows expects a whole number from 0 to ${MAX_ROWS.toLocaleString('en-US')}, got "${value}"`);
  return n;
}

export async function traceCommand(paths: string[], flags: TraceFlags, io: CliIO): Promise<number> {
  const loadReporter = REPORTER_LOADERS[flags.format];
  if (!loadReporter) throw new UsageError(`unknown format "${flags.format}" (expected ${REPORT_FORMATS.join(', ')})`);
  if (flags.allowCommit && !flags.databaseUrl)
    throw new UsageError(
      '--allow-commit only applies with --database-url (the embedded database is thrown away anyway)',
    );
  if (flags.allowPrivilegedRole && !flags.databaseUrl)
    throw new UsageError(
      '--allow-privileged-role only applies with --database-url (the embedded database has no host to reach)',
    );
  if (flags.databaseUrl !== undefined && !/^postgres(ql)?:\/\//i.test(flags.databaseUrl)) {
    throw new UsageError('--database-url expects a postgres:// or postgresql:// URL');
  }
  const rows = parseRows(flags.rows);
  if (paths.length === 0) throw new UsageError('no paths given (try: migration-lint trace migrations/)');
  // Relative paths and patterns are the caller's: resolve them against the CLI's working directory.
  const files: string[] = [];
  for (const p of paths) {
    try {
      files.push(...expandArgument(p, io.cwd, EXTENSIONS).files);
    } catch (e) {
      if (e instanceof PathNotFoundError) throw new UsageError(`no such file or directory: ${p}`);
      if (e instanceof GlobSyntaxError) throw new UsageError(`invalid glob pattern ${p}: ${e.message}`);
      throw e;
    }
  }
  let setup: SourceInput | undefined;
  if (flags.setup !== undefined) {
    const path = resolve(io.cwd, flags.setup);
    const content = readSource(path);
    if (!content.ok && content.rule === 'io-error')
      throw new UsageError(`cannot read --setup ${flags.setup}: ${content.message}`);
    setup = { path, content };
  }
  const inputs: SourceInput[] = files.map((f) => ({ path: f, content: readSource(f) }));

  // Loaded here, not at start-up: PGlite and pg would add ~200 ms to every lint run.
  const { traceSources } = await import('../trace/index.js');
  const { ConnectionFailure } = await import('../trace/postgres-database.js');
  const { PrivilegedRoleRefused } = await import('../trace/server-role.js');
  const { SqlFailure } = await import('../trace/database.js');
  const { traceJson, traceTable } = await import('../trace/output.js');
  let result;
  try {
    result = await traceSources(inputs, {
      rows,
      allowCommit: Boolean(flags.allowCommit),
      allowPrivilegedRole: Boolean(flags.allowPrivilegedRole),
      assumeInTransaction: Boolean(flags.assumeInTransaction),
      ...(flags.databaseUrl !== undefined ? { databaseUrl: flags.databaseUrl } : {}),
      ...(flags.framework ? { framework: flags.framework } : {}),
      ...(setup ? { setup } : {}),
    });
  } catch (e) {
    if (e instanceof ConnectionFailure || e instanceof PrivilegedRoleRefused) {
      io.stderr(`migration-lint trace: ${e.message}\n`);
      return 2;
    }
    // The database itself failed (connection lost, server shut down): say so, without a stack trace.
    if (e instanceof SqlFailure) {
      io.stderr(`migration-lint trace: the database stopped the trace: ${e.message}\n`);
      return 2;
    }
    throw e;
  }

  const sources = new Map<string, string>();
  for (const m of result.lint.migrations) sources.set(m.file, m.source);
  if (result.setupMigration) sources.set(result.setupMigration.file, result.setupMigration.source);
  const input: ReportInput = {
    findings: result.findings,
    migrations: result.setupMigration ? [result.setupMigration, ...result.lint.migrations] : result.lint.migrations,
    skipped: result.lint.skipped,
    cwd: io.cwd,
    sources,
    verbose: Boolean(flags.verbose),
    ...(ROOT_RELATIVE_FORMATS.has(flags.format) ? { root: await reportRoot(io) } : {}),
    color: useColor(flags.color, io),
    hyperlinks: useHyperlinks(io),
    toolVersion: VERSION,
  };
  const reporter = await loadReporter();
  if (flags.format === 'text') {
    io.stdout(traceTable(result.report, io.cwd) + '\n' + reporter(input));
  } else if (flags.format === 'json') {
    // The findings document of `--format json`, with the observations under `trace`.
    const doc = JSON.parse(reporter(input)) as Record<string, unknown>;
    io.stdout(JSON.stringify({ ...doc, trace: traceJson(result.report, io.cwd) }, null, 2) + '\n');
  } else {
    // Other formats (SARIF, annotations…) carry findings only.
    io.stdout(reporter(input));
  }
  return result.findings.some((f) => f.severity === 'error') ? 1 : 0;
}

/** Options trace shares with the root lint command: commander lets the root take them wherever they appear. */
const SHARED_OPTIONS = ['format', 'framework', 'assumeInTransaction', 'verbose', 'color'] as const;

function withSharedOptions(flags: TraceFlags, command: Command): TraceFlags {
  const root = command.parent;
  if (!root) return flags;
  const merged: Record<string, unknown> = { ...flags };
  for (const key of SHARED_OPTIONS) {
    if (command.getOptionValueSource(key) !== 'cli' && root.getOptionValueSource(key) === 'cli')
      merged[key] = root.opts()[key];
  }
  return merged as unknown as TraceFlags;
}

export const registerTraceCommand: CommandRegistrar = (program, { io, setExit }) => {
  program.addCommand(
    new Command('trace')
      .description(
        'run the migrations on Postgres (embedded, no server) and show the locks each statement takes, table rewrites and timings',
      )
      .argument('<paths...>', 'migration files or directories, replayed in the order the tool runs them')
      .addOption(
        new Option(
          '-f, --format <format>',
          'output format: text (table + findings), json (findings + trace), or any lint format (findings only)',
        )
          .choices(REPORT_FORMATS)
          .default('text'),
      )
      .option(
        '--database-url <url>',
        'trace on this Postgres server instead of the embedded one (inside a transaction that is rolled back)',
      )
      .option(
        '--allow-commit',
        'with --database-url: commit each statement, and run those that cannot run in a transaction (use a scratch database)',
      )
      .option(
        '--allow-privileged-role',
        'with --database-url: trace even as a superuser or a role that can reach the database host or other sessions (only for migrations you trust)',
      )
      .option('--setup <schema.sql>', 'SQL to run first: the schema the migrations start from')
      .option(
        '--rows <n>',
        'seed every table with N rows before each migration so scans and rewrites cost something',
        '0',
      )
      .addOption(
        new Option('--framework <name>', 'force the migration format instead of detecting it').choices(FORMATS),
      )
      .option('--assume-in-transaction', 'treat plain SQL files as run inside a transaction by your migration tool')
      .option('--verbose', 'list framework calls that could not be interpreted and skipped files')
      .option('--color', 'colour the output even when it is not a terminal')
      .option('--no-color', 'never colour the output')
      .action(async (paths: string[], flags: TraceFlags, command: Command) => {
        setExit(await traceCommand(paths, withSharedOptions(flags, command), io));
      }),
  );
};
