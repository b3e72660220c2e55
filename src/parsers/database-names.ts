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
