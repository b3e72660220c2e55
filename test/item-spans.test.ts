/**
 * item-spans.ts cuts columns, constraints and ALTER TABLE sub-commands out of a statement with its
 * own small tokenizer. These tests hold it to Postgres's scanner: on every SQL fixture and on text
 * made of the hard cases (strings with commas and brackets, E'' escapes, dollar quotes, nested
 * comments, quoted and non-ASCII identifiers), the spans equal those cut from libpg-query's tokens.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModule, parseSync, scanSync } from 'libpg-query';
import { byteToCharMapper } from '../src/ir/source-text.js';
import type { SourceSpan } from '../src/ir/types.js';
import { initSqlParser, parseSql } from '../src/parsers/sql/parse-sql.js';
import { itemSpans, spansFromTokens, type StatementText, type Tokens } from '../src/parsers/sql/item-spans.js';

const HARD_CASES = `-- a comment with a comma, and a (bracket
CREATE TABLE "wéird"."tåble" (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, -- trailing, comment (
  note text DEFAULT E'it\\'s, (a) test' NOT NULL CHECK (note <> ''),
  body text DEFAULT $body$ a, b ) ; $body$ /* nested /* comment, ) */ still */ NOT NULL,
  "odd "" name" int[] DEFAULT '{1,2}' CONSTRAINT c_pos CHECK ("odd "" name"[1] > 0) REFERENCES other (id),
  price numeric(10, 2) DEFAULT 1.5e3 CHECK (price >= -1.0),
  ünïcode varchar(20) COLLATE "C" UNIQUE,
  dollarish$ int DEFAULT $q1$x$q1$::int,
  CONSTRAINT pair UNIQUE (note, body),
  FOREIGN KEY (price) REFERENCES prices (p)
);
ALTER TABLE ONLY public.accounts
  ADD COLUMN a text DEFAULT 'x, y' NOT NULL /* c, */,
  ALTER COLUMN b SET DEFAULT E'\\\\', -- ,
  ADD CONSTRAINT fk_x FOREIGN KEY (x) REFERENCES y (id) NOT VALID,
  DROP COLUMN IF EXISTS "c,d";
ALTER TABLE IF EXISTS s . t ADD COLUMN q int CHECK (q > 0) DEFAULT 0, ADD COLUMN r int[][] DEFAULT ARRAY[[1,2],[3,4]];
ALTER TABLE t2 ADD COLUMN z text DEFAULT U&'d\\0061t\\+000061', ADD COLUMN y bytea DEFAULT X'FF' ;
CREATE TABLE t3 (a int CONSTRAINT nn NOT NULL CONSTRAINT ck CHECK (a > 0) DEFAULT (1 + 2) /* x */, b int);
ALTER TABLE t4 ADD COLUMN w text DEFAULT 'a'
  'b', ADD COLUMN v int;
`;

type Node = Record<string, unknown>;

/** Tokens from Postgres's own scanner, comments left out, as character offsets. */
function scannerTokens(text: string): Tokens {
  const toChar = byteToCharMapper(text);
  const tokens: Tokens = { start: [], end: [], mark: [] };
  for (const t of scanSync(text).tokens) {
    if (/^(?:--|\/\*)/.test(t.text)) continue;
    tokens.start.push(toChar(t.start));
    tokens.end.push(toChar(t.end));
    tokens.mark.push(t.text.length === 1 && '()[],.;'.includes(t.text) ? t.text.charCodeAt(0) : 0);
  }
  return tokens;
}

interface Asked {
  items: [number, number | undefined][];
  alters: [number, number][];
}

/** The locations translate.ts asks spans for: table elements, inline constraints, ALTER TABLE sub-commands. */
function askedLocations(node: unknown, asked: Asked): Asked {
  if (Array.isArray(node)) node.forEach((n) => askedLocations(n, asked));
  else if (node && typeof node === 'object') {
    const n = node as Node;
    const col = n.ColumnDef as
      { location?: number; constraints?: { Constraint?: { location?: number } }[] } | undefined;
    if (col?.location !== undefined) asked.items.push([col.location, undefined]);
    const inline = col?.constraints ?? [];
    inline.forEach((c, i) => {
      if (c.Constraint?.location !== undefined)
        asked.items.push([c.Constraint.location, inline[i + 1]?.Constraint?.location]);
    });
    const constraint = n.Constraint as { location?: number } | undefined;
    if (constraint?.location !== undefined) asked.items.push([constraint.location, undefined]);
    const alter = n.AlterTableStmt as { relation?: { location?: number }; cmds?: unknown[] } | undefined;
    if (alter?.relation?.location !== undefined) asked.alters.push([alter.relation.location, alter.cmds?.length ?? 0]);
    Object.values(n).forEach((v) => askedLocations(v, asked));
  }
  return asked;
}

/** For each statement of `sql`: the spans (as character ranges) from our tokens and from the scanner's. */
function compareSpans(sql: string): { ours: unknown[]; scanner: unknown[]; asked: number } {
  const bytes = Buffer.from(sql);
  const ours: unknown[] = [];
  const scanner: unknown[] = [];
  let asked = 0;
  for (const s of (parseSync(sql) as { stmts?: Node[] }).stmts ?? []) {
    const startByte = (s.stmt_location as number | undefined) ?? 0;
    const len = (s.stmt_len as number | undefined) || bytes.length - startByte;
    const statement: StatementText = {
      text: bytes.subarray(startByte, startByte + len).toString(),
      startByte,
      span: (start, end) => ({ start, end }) as unknown as SourceSpan,
    };
    const a = itemSpans(statement);
    const b = spansFromTokens(statement, () => scannerTokens(statement.text));
    const { items, alters } = askedLocations(s.stmt, { items: [], alters: [] });
    for (const [location, until] of items) {
      ours.push(a.item(location, until));
      scanner.push(b.item(location, until));
    }
    for (const [location, count] of alters) {
      ours.push(a.subcommands(location, count));
      scanner.push(b.subcommands(location, count));
    }
    asked += items.length + alters.length;
  }
  return { ours, scanner, asked };
}

function sqlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? sqlFiles(p) : e.endsWith('.sql') ? [p] : [];
  });
}

beforeAll(async () => {
  await loadModule();
  await initSqlParser();
});

describe('item spans', () => {
  it('equal the spans cut from Postgres scanner tokens on the hard cases', () => {
    const { ours, scanner, asked } = compareSpans(HARD_CASES);
    expect(asked).toBeGreaterThan(30);
    expect(ours.filter((s) => s === undefined)).toEqual([]);
    expect(ours).toEqual(scanner);
  });

  it('equal the spans cut from Postgres scanner tokens on every SQL fixture', () => {
    const files = [...sqlFiles('fixtures'), ...sqlFiles('test/precision/fixtures')];
    let compared = 0;
    for (const file of files) {
      let result;
      try {
        result = compareSpans(readFileSync(file, 'utf8'));
      } catch {
        continue; // a fixture that does not parse as a whole (a parse-error fixture)
      }
      expect(result.ours, file).toEqual(result.scanner);
      compared += result.asked;
    }
    expect(compared).toBeGreaterThan(200);
  });

  it('positions columns whose defaults hold commas, brackets and semicolons in quotes and comments', () => {
    const { ops } = parseSql(HARD_CASES, { file: 'm.sql', direction: 'upgrade' });
    const lines = HARD_CASES.split('\n');
    const textOf = (span: SourceSpan | undefined) =>
      span && span.line === span.endLine ? lines[span.line - 1]?.slice(span.column - 1, span.endColumn - 1) : span;
    const table = ops.find((o) => o.kind === 'create-table');
    const columns = table?.kind === 'create-table' ? table.columns : [];
    expect(columns.map((c) => textOf(c.span))).toEqual([
      'id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY',
      "note text DEFAULT E'it\\'s, (a) test' NOT NULL CHECK (note <> '')",
      'body text DEFAULT $body$ a, b ) ; $body$ /* nested /* comment, ) */ still */ NOT NULL',
      `"odd "" name" int[] DEFAULT '{1,2}' CONSTRAINT c_pos CHECK ("odd "" name"[1] > 0) REFERENCES other (id)`,
      'price numeric(10, 2) DEFAULT 1.5e3 CHECK (price >= -1.0)',
      'ünïcode varchar(20) COLLATE "C" UNIQUE',
      'dollarish$ int DEFAULT $q1$x$q1$::int',
    ]);
    const accounts = ops.filter((o) => o.statementIndex === 1);
    expect(accounts.map((o) => textOf(o.span))).toEqual([
      "ADD COLUMN a text DEFAULT 'x, y' NOT NULL",
      "ALTER COLUMN b SET DEFAULT E'\\\\'",
      'ADD CONSTRAINT fk_x FOREIGN KEY (x) REFERENCES y (id) NOT VALID',
      'DROP COLUMN IF EXISTS "c,d"',
    ]);
  });
});
