/**
 * The linter for in-memory files, with no Node built-ins: the entry the browser playground bundles
 * (test/core-bundle.test.ts bundles it for the browser and fails on any Node built-in). The same
 * parsers, rules and post-parse pipeline (src/lint-core.ts) as the CLI; only reading files, worker
 * threads and caches stay on the Node side (src/linter.ts).
 */
import type { MigrationFormat } from './ir/types.js';
import { DEFAULT_OPTIONS, type LinterOptions, type LintResult, lintParsed, type SourceInput } from './lint-core.js';
import { chooseParser } from './parsers/registry.js';
import { type ParseOutcome, parseOne } from './parsers/parse-one.js';
import { setDrizzleJournalProbe } from './parsers/formats/drizzle.js';
import { setPopDirectoryProbe } from './parsers/formats/pop.js';
import { cargoNamesSqlx, setSqlxProjectProbe } from './parsers/formats/sqlx.js';
import type { ParseOptions } from './parsers/types.js';
import { parseModule } from './parsers/typescript/estree.js';
import { parsePython } from './parsers/alembic/python-tree.js';

export { DEFAULT_OPTIONS, DEFAULT_PG_VERSION, type LinterOptions, type LintResult } from './lint-core.js';
export { ALL_RULES } from './rules/index.js';
export { EXTENSIONS } from './parsers/registry.js';
export { setPythonGrammarLocation } from './parsers/alembic/python-tree.js';
export { packageIdentity, type PackageMetadata } from './package-identity.js';
export type { Finding, Severity } from './engine/types.js';
export type { MigrationFormat } from './ir/types.js';

export interface InMemoryFile {
  /** A relative path: its extension and name tell the format, as on disk (`migrations/001_init.sql`). */
  path: string;
  text: string;
}

/** The options a run in memory takes: the CLI's, less those about the disk (cwd, cache). */
export type InMemoryOptions = Partial<Omit<LinterOptions, 'cwd' | 'cacheLocation'>>;

/** The format the linter reads a file as (`framework` forces one where the extension allows), or undefined. */
export function detectFormat(file: InMemoryFile, framework?: MigrationFormat): MigrationFormat | undefined {
  return chooseParser(file, framework)?.format;
}

/**
 * Lints a migration set held in memory, in the order given (Alembic revisions are put in graph order,
 * as on the CLI). Every file is reported: one that no format reads gets a finding saying why.
 */
export async function lintFiles(files: readonly InMemoryFile[], options: InMemoryOptions = {}): Promise<LintResult> {
  const linterOptions: LinterOptions = { ...DEFAULT_OPTIONS, ...options };
  const parseOptions: ParseOptions = {
    assumeInTransaction: linterOptions.assumeInTransaction,
    framework: linterOptions.framework,
    dialect: linterOptions.dialect,
  };
  // drizzle-kit's journal, when the set holds one beside a migration (`dir/meta/_journal.json`).
  const paths = new Set(files.map((f) => f.path));
  const platformProbe = setDrizzleJournalProbe((path) =>
    paths.has(`${path.slice(0, path.lastIndexOf('/') + 1)}meta/_journal.json`),
  );
  // sqlx's Cargo.toml, when the set holds one naming sqlx in a migration's directory or above it: a
  // project file that tells how migrations run, not one to lint.
  const isCargoToml = (f: InMemoryFile) => /(?:^|\/)Cargo\.toml$/.test(f.path);
  const sqlxCrates = files
    .filter((f) => isCargoToml(f) && cargoNamesSqlx(f.text))
    .map((f) => f.path.slice(0, f.path.lastIndexOf('/') + 1));
  const migrationFiles = files.filter((f) => !isCargoToml(f));
  const platformSqlxProbe = setSqlxProjectProbe((path) => sqlxCrates.some((dir) => path.startsWith(dir)));
  // pop's migrations: the names of the set's files in a migration's directory.
  const dirOf = (path: string) => path.slice(0, path.lastIndexOf('/') + 1);
  const byDirectory = new Map<string, string[]>();
  for (const f of files) {
    const names = byDirectory.get(dirOf(f.path)) ?? [];
    names.push(f.path.slice(f.path.lastIndexOf('/') + 1));
    byDirectory.set(dirOf(f.path), names);
  }
  const platformPopProbe = setPopDirectoryProbe((path) => byDirectory.get(dirOf(path)) ?? []);
  const parsed: ParseOutcome[] = [];
  try {
    for (const file of migrationFiles) parsed.push(await parseOne({ path: file.path, text: file.text }, parseOptions));
    const inputs: SourceInput[] = migrationFiles.map((f) => ({
      path: f.path,
      content: { ok: true, text: f.text },
      explicit: true,
    }));
    // (the reasons for files not linted are found with the same probes)
    return await lintParsed(inputs, parsed, linterOptions, [], (path) => path);
  } finally {
    // A process that also lints files on disk (the tests) keeps looking for journals there.
    setDrizzleJournalProbe(platformProbe);
    setSqlxProjectProbe(platformSqlxProbe);
    setPopDirectoryProbe(platformPopProbe);
  }
}

/**
 * Loads the parsers that otherwise load on a run's first TypeScript/JavaScript or Python file (the
 * TypeScript compiler, tree-sitter and its grammar), so that a page loaded once lints offline.
 */
export async function loadAllParsers(): Promise<void> {
  await Promise.all([parseModule('', 'warm-up.ts'), parsePython('')]);
}
