import type { FormatHelp, Migration, MigrationFormat, MigrationIdentity, TransactionFacts } from '../ir/types.js';

/** A file handed to a parser: its path (as given on the command line) and its decoded text. */
export interface SourceFile {
  path: string;
  text: string;
  /** The file began with a UTF-8 byte order mark, not in `text`: a tool that sends the file's bytes as they are sends it too. */
  bom?: boolean;
}

export interface ParseOptions {
  /** Treat plain SQL files as wrapped in a transaction by the tool that runs them. */
  assumeInTransaction: boolean;
  /** Force a framework/format instead of detecting it. */
  framework?: MigrationFormat;
  dialect: 'postgresql' | 'sqlite';
}

/**
 * One migration format. Adding a framework = adding one file that exports a `FormatParser` (and adds
 * its id to `MigrationFormats`) and listing it in `registry.ts`. A parser only translates; it never
 * decides what is dangerous.
 */
export interface FormatParser {
  format: MigrationFormat;
  /** Lower-case file name endings this parser reads, e.g. `.sql`. */
  extensions: readonly string[];
  /**
   * How sure the parser is that the file is its format: 0 = not mine, higher wins. Only called for
   * files with one of `extensions`. Must be cheap: no full parse.
   */
  detect(file: SourceFile): number;
  /** The file's migrations, in file order: one, or one per migration a file holding several defines. */
  parse(file: SourceFile, options: ParseOptions): Migration[] | Promise<Migration[]>;
  /**
   * Why a file of this format's kind is not a migration although it sits with them (a migration
   * provider or runner module, an `index.ts` that lists the migrations); undefined otherwise.
   * Cheap, like `detect`. Such a file is skipped with this reason instead of failing to parse.
   */
  notMigration?(file: SourceFile): string | undefined;
  /**
   * Why the tool does not run this migration on the target database although it is one (pop runs a
   * version's `….postgres.up.sql` instead of its generic `….up.sql`); undefined when it runs it. Such a
   * file is skipped with this reason.
   */
  notRunOn?(file: SourceFile, dialect: ParseOptions['dialect']): string | undefined;
  /** How this format's tool runs files in transactions and how a migration leaves one (for messages). */
  transactionFacts?: TransactionFacts;
  /** How the tool recognises an applied migration; default: by file name. */
  identifiedBy?: MigrationIdentity;
  /** How this format's tool does what rules recommend (build an index concurrently, rebuild a SQLite table). */
  formatHelp?: FormatHelp;
  /**
   * What declares the tool in a repository, for `init`: npm packages, files at the root (or under
   * `prisma/`), Python requirements (pyproject.toml, requirements.txt), Rust crates (Cargo.toml).
   */
  declaredBy?: {
    packages?: readonly string[];
    files?: readonly string[];
    python?: readonly string[];
    crates?: readonly string[];
  };
  /**
   * Run-level step, given every migration of this format in the run (path order): returns them as
   * the units and in the order the tool runs them (Alembic: revisions in graph order; Alembic
   * offline SQL: one migration per revision). Optional: by default files run in path order.
   */
  arrangeRun?(migrations: Migration[]): Migration[];
}
