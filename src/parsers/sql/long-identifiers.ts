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

/** Characters of an unquoted ASCII identifier, by char code. */
const ASCII_WORD = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_$') ASCII_WORD[c.charCodeAt(0)] = 1;
const LONG = MAX_IDENTIFIER_BYTES + 1;

/**
 * In ASCII text (a byte is a character): whether `text[start, end)` holds a run of 64 identifier
 * characters, or a quote followed by 64 characters that are not quotes. A run of 64 covers one offset
 * of every residue modulo 64, so only every 64th character is looked at, and the run around it
 * measured (a regex trying a 64-character run at every offset cost ~0.1 s on the bench corpus).
 */
function asciiRunOver63(text: string, start: number, end: number): boolean {
  const word = (i: number) => ASCII_WORD[text.charCodeAt(i)] === 1;
  for (let i = start + LONG - 1; i < end; i += LONG) {
    if (!word(i)) continue;
    let from = i;
    while (from > start && word(from - 1)) from--;
    let to = i + 1;
    while (to < end && word(to)) to++;
    if (to - from >= LONG) return true;
    i = to; // not a word character: a longer run starts after it, and covers one of to + 64k
  }
  for (let q = text.indexOf('"', start); q !== -1 && q < end;) {
    const next = text.indexOf('"', q + 1);
    if ((next === -1 || next > end ? end : next) - q > LONG) return true;
    q = next;
  }
  return false;
}

/** Cheap test before scanning: some run of `text[start, end)` is over 63 bytes. */
function mayHaveLongIdentifier(text: string, start: number, end: number): boolean {
  if (end - start <= MAX_IDENTIFIER_BYTES) return false;
  const statement = start === 0 && end === text.length ? text : text.slice(start, end);
  if (!NON_ASCII.test(statement)) return asciiRunOver63(text, start, end);
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
