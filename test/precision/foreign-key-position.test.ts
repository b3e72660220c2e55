/**
 * require-index-for-foreign-key points at the key it is about: a CREATE TABLE declares several
 * columns and keys, so the finding is on the REFERENCES clause or the column that declares it (in
 * SQL, a Sequelize createTable attribute, a node-pg-migrate column), not on the statement's first line.
 */
import { describe, expect, it } from 'vitest';
import { decodeSource } from '../../src/files/read.js';
import { lintSources } from '../../src/linter.js';

async function keyFindings(path: string, text: string): Promise<string[]> {
  const result = await lintSources([{ path, content: decodeSource(Buffer.from(text)) }]);
  return result.findings
    .filter((f) => f.rule === 'require-index-for-foreign-key')
    .map((f) => `${f.line}:${f.column} ${f.message.slice(0, f.message.indexOf(' has no index'))}`);
}

describe('require-index-for-foreign-key: at the key, not at CREATE TABLE', () => {
  it('SQL: an inline REFERENCES and a table constraint, each on its own line', async () => {
    const sql = [
      'CREATE TABLE shipments (',
      '  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,',
      '  order_id bigint NOT NULL REFERENCES orders (id),',
      '  carrier_id bigint,',
      '  CONSTRAINT shipments_carrier_fk FOREIGN KEY (carrier_id) REFERENCES carriers (id)',
      ');',
      '',
    ].join('\n');
    expect(await keyFindings('db/migrations/20240301_shipments.sql', sql)).toEqual([
      '3:28 Foreign key shipments (order_id) → orders',
      '5:3 Foreign key shipments (carrier_id) → carriers',
    ]);
  });

  it('Sequelize createTable: at the attribute that has references', async () => {
    const js = [
      "'use strict';",
      'module.exports = {',
      '  async up(queryInterface, Sequelize) {',
      "    await queryInterface.createTable('Shipments', {",
      '      id: { type: Sequelize.INTEGER, primaryKey: true, autoIncrement: true },',
      '      OrderId: {',
      '        type: Sequelize.INTEGER,',
      "        references: { model: 'Orders', key: 'id' },",
      "        onDelete: 'CASCADE',",
      '      },',
      '    });',
      '  },',
      "  async down(queryInterface) { await queryInterface.dropTable('Shipments'); },",
      '};',
      '',
    ].join('\n');
    expect(await keyFindings('migrations/20240301000000-create-shipments.js', js)).toEqual([
      '6:16 Foreign key "Shipments" ("OrderId") → "Orders"',
    ]);
  });

  it('node-pg-migrate createTable: at the column with references', async () => {
    const js = [
      'exports.up = (pgm) => {',
      "  pgm.createTable('shipments', {",
      "    id: 'id',",
      "    carrier: { type: 'text', notNull: true },",
      "    order_id: { type: 'bigint', notNull: true, references: 'orders', onDelete: 'CASCADE' },",
      '  });',
      '};',
      '',
    ].join('\n');
    expect(await keyFindings('migrations/1709280000000_shipments.js', js)).toEqual([
      '5:15 Foreign key shipments (order_id) → orders',
    ]);
  });

  it('a unique index on some of the key columns serves the key; a plain index on some of them does not', async () => {
    const js = [
      'exports.up = (pgm) => {',
      "  pgm.createTable('current_holders', {",
      "    token_id: { type: 'numeric', notNull: true },",
      "    block_height: { type: 'bigint', notNull: true },",
      "    tx_index: { type: 'bigint', notNull: true },",
      '  });',
      '  pgm.createConstraint(',
      "    'current_holders',",
      "    'current_holders_transfers_fk',",
      "    'FOREIGN KEY (token_id, block_height, tx_index) REFERENCES transfers (token_id, block_height, tx_index)',",
      '  );',
      "  pgm.createIndex('current_holders', ['token_id'], { unique: true });",
      "  pgm.createTable('holder_log', {",
      "    token_id: { type: 'numeric', notNull: true },",
      "    block_height: { type: 'bigint', notNull: true },",
      '  });',
      "  pgm.createConstraint('holder_log', 'holder_log_fk', 'FOREIGN KEY (token_id, block_height) REFERENCES blocks_tokens (token_id, block_height)');",
      "  pgm.createIndex('holder_log', ['token_id']);",
      '};',
      '',
    ].join('\n');
    expect(await keyFindings('migrations/1709280000001_holders.js', js)).toEqual([
      '17:3 Foreign key holder_log (token_id, block_height) → blocks_tokens',
    ]);
  });
});
