/**
 * `migration-lint trace` as a library call: parse the migration set with the normal frontends,
 * replay its upgrade statements on Postgres (embedded PGlite unless a server URL is given) and
 * return what Postgres did, plus the findings for the reporters.
 */
import type { Finding } from '../engine/types.js';
import type { Migration } from '../ir/types.js';
import { DEFAULT_OPTIONS, type LintResult, lintSources, type SourceInput } from '../linter.js';
import { parseFile } from '../parsers/registry.js';
import { initSqlParser } from '../parsers/sql/parse-sql.js';
import { ALL_RULES } from '../rules/index.js';
import type { MigrationFormat } from '../ir/types.js';
import type { TraceDatabase } from './database.js';
import { traceFindings, traceNotRun } from './findings.js';
import { prepareSetupText } from './setup.js';
import { planMigrations } from './plan.js';
import { PgliteDatabase } from './pglite-database.js';
import { PostgresDatabase, redactUrl } from './postgres-database.js';
import { checkServerRole, PrivilegedRoleRefused } from './server-role.js';
import { runTrace } from './run.js';
import type { TraceReport } from './types.js';

export interface TraceOptions {
  /** Trace on this server (via node-postgres). Without it, on an embedded PGlite: no connection is made. */
  databaseUrl?: string;
  /** With a server: commit each statement, and run statements that cannot run in a transaction. */
  allowCommit?: boolean;
  /** Rows to seed into each table before every migration. */
  rows?: number;
  /** SQL run before the migrations: the schema they start from. */
  setup?: SourceInput;
  framework?: MigrationFormat;
  assumeInTransaction?: boolean;
  /** On a server: how long a statement may wait for a lock another session holds (default 30s). */
  serverLockTimeout?: string;
  /**
   * On a server: trace even when the role is a superuser or may reach the host or other sessions
   * (pg_execute_server_program…). Without it such a role is refused before anything runs.
   */
  allowPrivilegedRole?: boolean;
  /** An open database to trace on (left open); tests share one PGlite this way. */
  database?: TraceDatabase;
}

export interface TraceResult {
  report: TraceReport;
  /** Read and parse errors of the migration files and the setup, then trace's own findings. */
  findings: Finding[];
  /** The parsed migrations and skipped files, as the lint reporters expect them. */
  lint: LintResult;
  /** The setup file as parsed, when there is one (its source feeds the reporters' code frames). */
  setupMigration?: Migration;
}

function setupError(path: string, rule: 'parse-error' | 'io-error', message: string): Migration {
  return {
    file: path,
    format: 'sql',
    ops: [],
    transaction: 'none',
    diagnostics: [{ rule, message, span: { file: path, line: 1, column: 1, endLine: 1, endColumn: 1 } }],
    source: '',
  };
}

export async function traceSources(inputs: SourceInput[], options: TraceOptions = {}): Promise<TraceResult> {
  // Only parsing is wanted from the lint pipeline: every rule off leaves the file diagnostics.
  const rulesOff = Object.fromEntries(ALL_RULES.map((r) => [r.meta.id, 'off' as const]));
  const lint = await lintSources(inputs, {
    ...DEFAULT_OPTIONS,
    assumeInTransaction: Boolean(options.assumeInTransaction),
    ...(options.framework ? { framework: options.framework } : {}),
    rules: rulesOff,
  });

  // The setup and the plan parse SQL on this thread (rendered statements are checked, names
  // quoted), while the lint pipeline may have parsed every file on worker threads.
  await initSqlParser();
  let setupMigration: Migration | undefined;
  const setupNotes: Finding[] = [];
  if (options.setup) {
    const content = options.setup.content;
    if (content.ok) {
      const prepared = prepareSetupText(content.text);
      // plain SQL: one migration per file
      [setupMigration] =
        (await parseFile(
          { path: options.setup.path, text: prepared.text },
          { assumeInTransaction: false, framework: 'sql', dialect: 'postgresql' },
        )) ?? [];
      if (setupMigration) setupMigration.source = content.text;
      for (const o of prepared.omitted) {
        const line = o.line;
        setupNotes.push({
          rule: traceNotRun.meta.id,
          severity: 'info',
          file: options.setup.path,
          line,
          column: 1,
          endLine: line,
          endColumn: 1,
          message: `Setup line not run: ${o.what}.`,
          direction: 'upgrade',
        });
      }
    } else {
      setupMigration = setupError(options.setup.path, content.rule, content.message);
    }
  }

  const db =
    options.database ??
    (options.databaseUrl ? await PostgresDatabase.connect(options.databaseUrl) : await PgliteDatabase.create());
  let report: TraceReport;
  try {
    const privileged = db.engine === 'postgres' ? await checkServerRole(db) : undefined;
    if (privileged?.reasons.length && !options.allowPrivilegedRole) {
      throw new PrivilegedRoleRefused(privileged, options.databaseUrl ? redactUrl(options.databaseUrl) : 'the server');
    }
    report = await runTrace(
      db,
      setupMigration ? planMigrations([setupMigration]) : [],
      planMigrations(lint.migrations),
      {
        rows: options.rows ?? 0,
        allowCommit: Boolean(options.allowCommit),
        ...(options.setup ? { setupFile: options.setup.path } : {}),
        ...(options.serverLockTimeout ? { serverLockTimeout: options.serverLockTimeout } : {}),
      },
    );
    if (privileged?.reasons.length) {
      report.notes.push(
        `Ran as the privileged role "${privileged.role}" (--allow-privileged-role): ${privileged.reasons.join('; ')}.`,
      );
    }
  } finally {
    if (!options.database) await db.close();
  }

  // Read and parse errors straight from the parsed files (the lint pipeline's own findings are not wanted).
  const diagnostics: Finding[] = [...(setupMigration ? [setupMigration] : []), ...lint.migrations].flatMap((m) =>
    m.diagnostics.map((d) => ({
      rule: d.rule,
      severity: 'error' as const,
      file: d.span.file,
      line: d.span.line,
      column: d.span.column,
      endLine: d.span.endLine,
      endColumn: d.span.endColumn,
      message: m === setupMigration ? `${d.message} (setup file: not run)` : `${d.message} (not run)`,
      direction: 'upgrade' as const,
    })),
  );
  const order = new Map<string, number>(lint.migrations.map((m, i) => [m.file, i + 1]));
  if (options.setup) order.set(options.setup.path, 0);
  const findings = [...setupNotes, ...diagnostics, ...traceFindings(report)];
  findings.sort(
    (a, b) =>
      (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0) ||
      a.line - b.line ||
      a.column - b.column ||
      a.rule.localeCompare(b.rule),
  );
  const result: TraceResult = { report, findings, lint };
  if (setupMigration) result.setupMigration = setupMigration;
  return result;
}

export type { TraceReport } from './types.js';
