import { beforeAll, describe, expect, it } from 'vitest';
import { parseSync } from 'libpg-query';
import { nodeOf } from '../../src/parsers/sql/expr.js';
import { initSqlParser } from '../../src/parsers/sql/parse-sql.js';
import { quoteIdent, tableName } from '../../src/rules/support/helpers.js';

describe('identifiers in messages and fix SQL', () => {
  beforeAll(async () => {
    await initSqlParser();
  });

  it('quotes only what Postgres would not read back unchanged', () => {
    expect(quoteIdent('users')).toBe('users');
    expect(quoteIdent('name')).toBe('name'); // unreserved keyword: a valid bare column name
    expect(quoteIdent('user')).toBe('"user"'); // reserved
    expect(quoteIdent('left')).toBe('"left"'); // type/function-name keyword
    expect(quoteIdent('lastName')).toBe('"lastName"'); // upper case would be folded
    expect(quoteIdent('order items')).toBe('"order items"');
    expect(quoteIdent('say"hi')).toBe('"say""hi"');
    expect(tableName({ schema: 'Billing', name: 'user' })).toBe('"Billing"."user"');
  });

  it('the quoted names round-trip through the Postgres parser to the original identifiers', () => {
    for (const [table, column] of [
      ['user', 'lastName'],
      ['orders', 'order'],
      ['Invoice Lines', 'left'],
      ['plain', 'name'],
    ] as const) {
      const sql = `ALTER TABLE ${tableName({ name: table })} RENAME COLUMN ${quoteIdent(column)} TO x`;
      const stmt = nodeOf(parseSync(sql).stmts?.[0]?.stmt, 'RenameStmt');
      expect([stmt?.relation?.relname, stmt?.subname]).toEqual([table, column]);
    }
  });
});
