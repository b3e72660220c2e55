import type { FormatHelp, Migration, MigrationFormat, TransactionFacts } from '../ir/types.js';

/** A file handed to a parser: its path (as given on the command line) and its decoded text. */
export interface SourceFile {
  path: string;
  text: string;
}

export interface ParseOptions {
  /** Treat plain SQL files as wrapped in a transaction by the tool that runs them. */
  assumeInTransaction: boolean;
  /** Force a framework/format instead of detecting it. */
  framework?: MigrationFormat;
  dialect: 'postgresql' | 'sqlite';
}

/**
 * One migration format. Adding a framework = adding one file that exports a `FormatParser` and
 * listing it in `registry.ts`. A parser only translates; it never decides what is dangerous.
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
  parse(file: SourceFile, options: ParseOptions): Migration | Promise<Migration>;
  /** How this format's tool runs files in transactions and how a migration leaves one (for messages). */
  transactionFacts?: TransactionFacts;
  /** How this format's tool does what rules recommend (build an index concurrently, rebuild a SQLite table). */
  formatHelp?: FormatHelp;
  /**
   * Run-level step, given every migration of this format in the run (path order): returns them as
   * the units and in the order the tool runs them (Alembic: revisions in graph order; Alembic
   * offline SQL: one migration per revision). Optional: by default files run in path order.
   */
  arrangeRun?(migrations: Migration[]): Migration[];
}
