/**
 * Identifiers longer than Postgres's limit (NAMEDATALEN − 1 = 63 bytes). The Postgres scanner
 * truncates them before the parser sees them, so the parse tree — and the IR built from it — only
 * holds the truncated names; this finds the originals in the statement's text.
 */
import * as libpgQuery from 'libpg-query';
import type { LongIdentifier } from '../../ir/types.js';
import { byteToCharMapper, type Locator } from '../../ir/source-text.js';
import { MAX_IDENTIFIER_BYTES, truncateIdentifier, utf8ByteLength } from '../../ir/identifiers.js';

/** Word runs and quoted names long enough to pass 63 bytes, whatever their characters (4-byte ones reach 64 bytes in 16). */
const RUNS = /[\p{L}\p{N}_$]{16,}|"(?:[^"]|""){16,}"/gu;

// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\x00-\x7f]/;
/** In ASCII text a byte is a character: a run of 64 identifier characters, or a quoted name of 64. */
const ASCII_LONG = /[A-Za-z0-9_$]{64}|"[^"]{64}/;

/** Cheap test before scanning: some run of the statement is over 63 bytes. */
function mayHaveLongIdentifier(statement: string): boolean {
  if (statement.length <= MAX_IDENTIFIER_BYTES) return false;
  if (!NON_ASCII.test(statement)) return ASCII_LONG.test(statement);
  RUNS.lastIndex = 0;
  for (let m = RUNS.exec(statement); m; m = RUNS.exec(statement)) {
    if (m[0].length > MAX_IDENTIFIER_BYTES || utf8ByteLength(m[0]) > MAX_IDENTIFIER_BYTES) return true;
  }
  return false;
}

/** The identifier a token names: quoted ones as written (without quotes), unquoted ones folded to lower case. */
function identifierName(token: string): string {
  if (token.startsWith('"')) return token.slice(1, -1).replace(/""/g, '"');
  if (/^[uU]&"/.test(token)) return token.slice(3, -1);
  return token.toLowerCase();
}

/**
 * The text whose statements were last asked about, and whether it may hold a long identifier at all:
 * a run in a statement is part of a run at least as long in the whole text, so one test of the file
 * spares one test per statement (45,000 on the bench corpus).
 */
let lastText: string | undefined;
let lastTextMayHave = true;

/** Long identifiers in `text[start, end)`, positioned in the file; undefined when there are none (the common case). */
export function findLongIdentifiers(
  text: string,
  start: number,
  end: number,
  locate: Locator,
  file: string,
): LongIdentifier[] | undefined {
  if (text !== lastText) {
    lastText = text;
    lastTextMayHave = mayHaveLongIdentifier(text);
  }
  if (!lastTextMayHave) return undefined;
  const statement = text.slice(start, end);
  if (!mayHaveLongIdentifier(statement)) return undefined;
  let tokens: { start: number; end: number; text: string; tokenName: string }[];
  try {
    tokens = libpgQuery.scanSync(statement).tokens;
  } catch {
    return undefined;
  }
  const toChar = byteToCharMapper(statement);
  const found: LongIdentifier[] = [];
  for (const t of tokens) {
    if (t.tokenName !== 'IDENT') continue;
    const name = identifierName(t.text);
    if (utf8ByteLength(name) <= MAX_IDENTIFIER_BYTES) continue;
    const a = locate(start + toChar(t.start));
    const b = locate(start + toChar(t.end));
    found.push({
      text: name,
      truncated: truncateIdentifier(name),
      span: { file, line: a.line, column: a.column, endLine: b.line, endColumn: b.column },
    });
  }
  return found.length ? found : undefined;
}
