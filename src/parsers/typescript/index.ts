/** The TypeScript/JavaScript migration frontends, one per framework. */
import type { FormatParser } from '../types.js';
import { knex } from './knex.js';
import { kysely } from './kysely.js';
import { mikroOrm } from './mikro-orm.js';
import { nodePgMigrate } from './node-pg-migrate.js';
import { sequelize } from './sequelize.js';
import { typeorm } from './typeorm.js';

export const TS_PARSERS: readonly FormatParser[] = [knex, typeorm, kysely, nodePgMigrate, sequelize, mikroOrm];
