import type { Migration, MigrationFormat } from '../ir/types.js';
import type { FormatParser, ParseOptions, SourceFile } from './types.js';
import { otherDatabaseOf } from './database-names.js';
import { alembic } from './alembic/index.js';
import { alembicSql } from './formats/alembic-sql.js';
import { dbmate } from './formats/dbmate.js';
import { drizzle } from './formats/drizzle.js';
import { flyway } from './formats/flyway.js';
import { golangMigrate } from './formats/golang-migrate.js';
import { pop } from './formats/pop.js';
import { nodePgMigrateSql } from './formats/node-pg-migrate-sql.js';
import { plainSql } from './formats/plain-sql.js';
import { prisma } from './formats/prisma.js';
import { sqlx } from './formats/sqlx.js';
import { knex } from './typescript/knex.js';
import { kysely } from './typescript/kysely.js';
import { mikroOrm } from './typescript/mikro-orm.js';
import { nodePgMigrate } from './typescript/node-pg-migrate.js';
import { sequelize } from './typescript/sequelize.js';
import { typeorm } from './typescript/typeorm.js';

/**
 * Every migration format migration-lint reads, in the order help texts list them. Add a format by
 * adding its parser module and listing it here: the format ids (`--framework`, the config's
 * `framework`), detection and `init` follow from this list. Detection takes the highest score; on
 * a tie, the parser listed first.
 */
export const PARSERS: readonly FormatParser[] = [
  plainSql,
  dbmate,
  golangMigrate,
  pop,
  sqlx,
  flyway,
  prisma,
  drizzle,
  alembicSql,
  nodePgMigrateSql,
  knex,
  typeorm,
  kysely,
  nodePgMigrate,
  sequelize,
  mikroOrm,
  alembic,
];

/** Every format id, in registry order. */
export const FORMAT_IDS: readonly MigrationFormat[] = PARSERS.map((p) => p.format);

export const EXTENSIONS: readonly string[] = [...new Set(PARSERS.flatMap((p) => p.extensions))];

function extensionOf(path: string): string {
  const m = /(\.[^./\\]+)$/.exec(path.toLowerCase());
  return m ? m[1]! : '';
}

/** The parser for a file: the forced framework when it reads this extension, else the most confident one. */
export function chooseParser(file: SourceFile, framework?: MigrationFormat): FormatParser | undefined {
  const ext = extensionOf(file.path);
  const candidates = PARSERS.filter((p) => p.extensions.includes(ext));
  if (framework) {
    const forced = candidates.find((p) => p.format === framework);
    if (forced) return forced;
  }
  let best: FormatParser | undefined;
  let bestScore = 0;
  for (const p of candidates) {
    if (p.notMigration?.(file)) continue;
    const score = p.detect(file);
    if (score > bestScore) {
      best = p;
      bestScore = score;
    }
  }
  return best;
}

/**
 * Puts a run's migrations in the order their tools run them: each format with an `arrangeRun` step
 * rearranges its own migrations, which take the place of that format's first file in the list.
 */
export function arrangeRun(migrations: Migration[]): Migration[] {
  let out = migrations;
  for (const parser of PARSERS) {
    if (!parser.arrangeRun || !out.some((m) => m.format === parser.format)) continue;
    const own = out.filter((m) => m.format === parser.format);
    let arranged: Migration[];
    try {
      arranged = parser.arrangeRun(own);
    } catch {
      continue; // a frontend bug must not stop the run: those files keep path order
    }
    const first = out.findIndex((m) => m.format === parser.format);
    const others = out.filter((m) => m.format !== parser.format);
    const before = out.slice(0, first).filter((m) => m.format !== parser.format).length;
    out = [...others.slice(0, before), ...arranged, ...others.slice(before)];
  }
  // arrangeRun may split a file into new migration objects (one per revision or unit)
  return out.map(withTransactionFacts);
}

/** Databases' names as a reader knows them. */
const DATABASE_TITLE: Record<string, string> = {
  postgresql: 'PostgreSQL',
  sqlite: 'SQLite',
  mysql: 'MySQL',
  mssql: 'SQL Server',
  oracle: 'Oracle',
  cockroachdb: 'CockroachDB',
};

/** Why a file marked for another database than the target is not linted; undefined when it is not. */
function otherDatabaseReason(path: string, dialect: ParseOptions['dialect']): string | undefined {
  const other = otherDatabaseOf(path, dialect);
  if (!other) return undefined;
  const title = (engine: string) => DATABASE_TITLE[engine] ?? engine;
  // MariaDB is read as MySQL, but named as the project names it
  const named = /^mariadb/i.test(other.word) ? 'MariaDB' : title(other.engine);
  const marked =
    'directory' in other
      ? `its directory (${other.directory}/) holds the migrations for ${named}`
      : `its name marks it for ${named}`;
  return (
    `${marked}, not for ${title(dialect)}` +
    (other.engine === 'sqlite' || other.engine === 'postgresql' ? `; --dialect ${other.engine} lints them` : '')
  );
}

/** Why no parser takes a file: its directory is another database's, its extension is not a migration format's, or no format recognises its content. */
export function noParserReason(path: string, text?: string, dialect?: ParseOptions['dialect']): string {
  const otherDatabase = dialect ? otherDatabaseReason(path, dialect) : undefined;
  if (otherDatabase) return otherDatabase;
  const notRun =
    dialect && text !== undefined ? chooseParser({ path, text })?.notRunOn?.({ path, text }, dialect) : undefined;
  if (notRun) return notRun;
  const ext = extensionOf(path);
  if (text !== undefined) {
    for (const p of PARSERS) {
      const why = p.extensions.includes(ext) ? p.notMigration?.({ path, text }) : undefined;
      if (why) return why;
    }
  }
  const formats = [...new Set(PARSERS.filter((p) => p.extensions.includes(ext)).map((p) => p.format))];
  if (formats.length === 0) return 'no migration format reads this file type';
  return `not a migration of any supported framework (${formats.join(', ')}); --framework forces one`;
}

/** Stamps a migration with its format's transaction facts, help and identity (kept on the IR so rules need no format table). */
function withTransactionFacts(migration: Migration): Migration {
  const parser = PARSERS.find((p) => p.format === migration.format);
  if (!migration.transactionFacts && parser?.transactionFacts) migration.transactionFacts = parser.transactionFacts;
  if (!migration.identifiedBy) migration.identifiedBy = parser?.identifiedBy ?? 'file-name';
  if (!migration.formatHelp && parser?.formatHelp) migration.formatHelp = parser.formatHelp;
  return migration;
}

/** The migrations of a file (one, or one per migration a file holding several defines); undefined when no format reads it. */
export async function parseFile(file: SourceFile, options: ParseOptions): Promise<Migration[] | undefined> {
  if (otherDatabaseReason(file.path, options.dialect)) return undefined;
  const parser = chooseParser(file, options.framework);
  if (parser?.notRunOn?.(file, options.dialect)) return undefined;
  return parser ? (await parser.parse(file, options)).map(withTransactionFacts) : undefined;
}
