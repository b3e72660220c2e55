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

/** Characters of an unquoted ASCII identifier, by char code. */
const ASCII_WORD = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_$') ASCII_WORD[c.charCodeAt(0)] = 1;
const QUOTE = 0x22;

/**
 * In ASCII text a byte is a character: whether some run of 64 identifier characters, or a quote followed by
 * 64 non-quote characters, occurs in `text[start, end)`; undefined when the range holds a non-ASCII
 * character. One pass over the characters (a regex trying a 64-character run at every offset cost
 * ~0.1 s on the bench corpus).
 */
function asciiRunOver63(text: string, start: number, end: number): boolean | undefined {
  let found = false;
  let run = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) return undefined;
    if (found) continue;
    if (ASCII_WORD[c] === 1) {
      if (++run > MAX_IDENTIFIER_BYTES) found = true;
      continue;
    }
    run = 0;
    if (c === QUOTE) {
      const close = text.indexOf('"', i + 1);
      if ((close < 0 || close > end ? end : close) - i > MAX_IDENTIFIER_BYTES + 1) found = true;
    }
  }
  return found;
}

/** Cheap test before scanning: some run of `text[start, end)` is over 63 bytes. */
function mayHaveLongIdentifier(text: string, start: number, end: number): boolean {
  if (end - start <= MAX_IDENTIFIER_BYTES) return false;
  const ascii = asciiRunOver63(text, start, end);
  if (ascii !== undefined) return ascii;
  const statement = text.slice(start, end);
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
    lastTextMayHave = mayHaveLongIdentifier(text, 0, text.length);
  }
  if (!lastTextMayHave || !mayHaveLongIdentifier(text, start, end)) return undefined;
  const statement = text.slice(start, end);
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
