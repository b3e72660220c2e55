/**
 * Names of databases as migration code spells them (Knex `client`, TypeORM `type`, Sequelize
 * `getDialect()`, SQLAlchemy dialect names and URL schemes, helpers such as `isSQLite(knex)` or
 * `is_postgres()`), for the frontends that decide which branch of a migration runs on the target.
 */

/** A database's name → the engine it means (`postgresql`, `sqlite`, `mysql`…). A name not listed cannot be decided. */
const ENGINE_OF: Record<string, string> = {
  pg: 'postgresql',
  postgres: 'postgresql',
  postgresql: 'postgresql',
  pgnative: 'postgresql',
  'pg-native': 'postgresql',
  'aurora-postgres': 'postgresql',
  // n8n's DB_TYPE values (its MigrationContext's `dbType`)
  postgresdb: 'postgresql',
  mysqldb: 'mysql',
  sqlite: 'sqlite',
  sqlite3: 'sqlite',
  'better-sqlite3': 'sqlite',
  sqljs: 'sqlite',
  libsql: 'sqlite',
  capacitor: 'sqlite',
  cordova: 'sqlite',
  expo: 'sqlite',
  nativescript: 'sqlite',
  'react-native': 'sqlite',
  mysql: 'mysql',
  mysql2: 'mysql',
  mariadb: 'mysql',
  'aurora-mysql': 'mysql',
  mssql: 'mssql',
  oracle: 'oracle',
  oracledb: 'oracle',
  cockroachdb: 'cockroachdb',
  cockroach: 'cockroachdb',
  redshift: 'redshift',
  spanner: 'spanner',
  sap: 'sap',
  mongodb: 'mongodb',
  db2: 'db2',
};

/** The engine a database's name means; undefined when the name is not one of a known database. */
export function engineOf(name: string): string | undefined {
  return Object.hasOwn(ENGINE_OF, name.toLowerCase()) ? ENGINE_OF[name.toLowerCase()] : undefined;
}

/**
 * The engine a helper named after the database it tests checks for: `isSQLite`, `isPostgres`,
 * `DatabaseInfo.isMySQL` (JavaScript), `is_postgres`, `is_sqlite` (Python); undefined for other names.
 */
export function databaseTestedBy(helper: string): string | undefined {
  const m = /^is_?(sqlite3?|postgres(?:ql)?|pg|mysql|mariadb|mssql|oracle)$/i.exec(helper);
  return m ? engineOf(m[1]!) : undefined;
}

/** The name of a database as a whole word of a directory's name: `sqlite`, `mysql`, n8n's `postgresdb`, `mysqldb`. */
function engineOfDirectoryName(name: string): string | undefined {
  return engineOf(name) ?? (/^(\w+?)_?db$/i.test(name) ? engineOf(/^(\w+?)_?db$/i.exec(name)![1]!) : undefined);
}

/**
 * The database a migration file is marked for, when it is another than `target`. Projects that
 * support several databases keep one migration directory per database (`versions/sqlite` beside
 * `versions/postgresql`, `migrations/mysqldb` beside `migrations/postgresdb`), or one file per
 * database (gobuffalo/pop's `…_init.mysql.up.sql` beside `…_init.postgres.up.sql`); only the target's
 * run on it. Only the two directories nearest the file count: a repository or home directory named
 * like a database says nothing about the migrations in it.
 */
export function otherDatabaseOf(
  path: string,
  target: string,
): { engine: string; word: string; directory: string } | { engine: string; word: string; name: string } | undefined {
  const parts = path.replace(/\\/g, '/').split('/');
  const name = parts.at(-1) ?? '';
  // the dotted parts between a file's name and its extension
  for (const part of name.split('.').slice(1, -1)) {
    const engine = engineOf(part);
    if (engine !== undefined) return engine === target ? undefined : { engine, word: part, name };
  }
  for (const directory of parts.slice(-3, -1).reverse()) {
    const engine = engineOfDirectoryName(directory);
    if (engine !== undefined) return engine === target ? undefined : { engine, word: directory, directory };
  }
  return undefined;
}
