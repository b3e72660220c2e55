/**
 * Table constraints a TypeScript migration states inside a CREATE TABLE carry the line that states
 * them (the IR builder's spans), like the columns do.
 */
import { describe, expect, it } from 'vitest';
import type { Migration } from '../../src/ir/types.js';
import { parseTs } from './helpers.js';

function constraintLines(m: Migration): [string, number | undefined][] {
  const create = m.ops.find((o) => o.kind === 'create-table');
  if (create?.kind !== 'create-table') throw new Error('no create-table');
  return create.constraints.map((c) => [c.type, c.span?.line]);
}

const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('constraint spans in CREATE TABLE', () => {
  it('Knex: table.primary() and table.check() on their own lines', async () => {
    const text = [
      'exports.up = (knex) =>',
      "  knex.schema.createTable('memberships', (table) => {",
      "    table.bigInteger('team_id').notNullable();",
      "    table.bigInteger('user_id').notNullable();",
      "    table.primary(['team_id', 'user_id']);",
      "    table.check('?? <> ??', ['team_id', 'user_id'], 'memberships_distinct');",
      '  });',
      "exports.down = (knex) => knex.schema.dropTable('memberships');",
    ].join('\n');
    const m = await parseTs('migrations/20240101000000_memberships.js', text, 'knex');
    expect(constraintLines(m)).toEqual([
      ['primary-key', lineOf(text, 'table.primary(')],
      ['check', lineOf(text, 'table.check(')],
    ]);
  });

  it('TypeORM: a TableUnique, and the primary key on its column', async () => {
    const text = [
      "import { MigrationInterface, QueryRunner, Table } from 'typeorm';",
      'export class Plans1700000000000 implements MigrationInterface {',
      '  public async up(queryRunner: QueryRunner): Promise<void> {',
      '    await queryRunner.createTable(',
      '      new Table({',
      "        name: 'plans',",
      '        columns: [',
      "          { name: 'id', type: 'int', isPrimary: true },",
      "          { name: 'code', type: 'varchar' },",
      '        ],',
      "        uniques: [{ name: 'UQ_plans_code', columnNames: ['code'] }],",
      '      }),',
      '    );',
      '  }',
      '  public async down(queryRunner: QueryRunner): Promise<void> {',
      "    await queryRunner.dropTable('plans');",
      '  }',
      '}',
    ].join('\n');
    const m = await parseTs('src/migrations/1700000000000-Plans.ts', text, 'typeorm');
    expect(constraintLines(m)).toEqual([
      ['unique', lineOf(text, 'UQ_plans_code')],
      ['primary-key', lineOf(text, "name: 'id'")],
    ]);
  });
});
