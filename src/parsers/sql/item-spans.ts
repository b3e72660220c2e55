/**
 * Where the parts of one SQL statement are: a column or constraint of CREATE TABLE, an inline
 * constraint of a column, a sub-command of ALTER TABLE. The parse tree gives the start of columns
 * and constraints (`location`) but not their end, and no position at all for an ALTER TABLE
 * sub-command; so the parts are the runs of tokens between top-level commas. The statement has
 * already parsed, so the tokens need not be Postgres's own (libpg-query's `scanSync` cost a fifth
 * of a run): only their boundaries, and which of them are brackets, commas, dots and semicolons.
 * Strings, quoted identifiers, dollar-quoted bodies and comments are skipped whole, as Postgres's
 * scanner skips them (test/item-spans.test.ts compares the spans with ones cut from its tokens).
 */
import type { SourceSpan } from '../../ir/types.js';
import { byteToCharMapper } from '../../ir/source-text.js';

/** Tokens as parallel arrays of character offsets; `mark` is the character code of a bracket, `,`, `.` or `;`, else 0. */
export interface Tokens {
  start: number[];
  end: number[];
  mark: number[];
}

export interface ItemSpans {
  /**
   * The list item (table element, ALTER TABLE column definition, inline constraint) starting at a
   * parse-tree `location`, up to the comma or closing parenthesis that ends it, or up to `until`
   * (the next inline constraint's location). Undefined when the location is unknown.
   */
  item(location: number | undefined, until?: number): SourceSpan | undefined;
  /**
   * The token (a name, a literal, a bracket) at a parse-tree `location`, or the run of `count` tokens
   * from it (`u.id` is three). Undefined when the location is unknown.
   */
  token(location: number | undefined, count?: number): SourceSpan | undefined;
  /**
   * Each sub-command of an ALTER TABLE whose relation name starts at `relationLocation`, in order;
   * undefined when the text does not show exactly `count` of them.
   */
  subcommands(relationLocation: number | undefined, count: number): SourceSpan[] | undefined;
}

export interface StatementText {
  /** The statement's text, as sliced from the file (or embedded string). */
  text: string;
  /** Parse-tree byte location of the statement's first character (locations are relative to what was parsed). */
  startByte: number;
  /** Span of a character range of `text`. */
  span(start: number, end: number): SourceSpan;
}

const OPEN_PAREN = 40;
const CLOSE_PAREN = 41;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const COMMA = 44;
const DOT = 46;
const SEMICOLON = 59;
const QUOTE = 39;
const DOUBLE_QUOTE = 34;
const DOLLAR = 36;
const BACKSLASH = 92;

const DOLLAR_TAG = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z_0-9\u0080-\uffff]*)?\$/y;

const isSpace = (c: number) => c === 32 || (c >= 9 && c <= 13);
const isDigit = (c: number) => c >= 48 && c <= 57;
const isIdentStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c >= 0x80;
const isIdentPart = (c: number) => isIdentStart(c) || isDigit(c) || c === DOLLAR;

/** End of a quoted run opened at `i` (`'…'` or `"…"`, the quote doubled inside; backslash escapes when `escapes`). */
function quotedEnd(text: string, i: number, quote: number, escapes: boolean): number {
  const n = text.length;
  let k = i + 1;
  while (k < n) {
    const c = text.charCodeAt(k);
    if (escapes && c === BACKSLASH) k += 2;
    else if (c === quote) {
      if (text.charCodeAt(k + 1) !== quote) return k + 1;
      k += 2;
    } else k++;
  }
  return n;
}

/** The statement's tokens, without whitespace and comments. */
export function tokenize(text: string): Tokens {
  const tokens: Tokens = { start: [], end: [], mark: [] };
  const push = (start: number, end: number, mark: number) => {
    tokens.start.push(start);
    tokens.end.push(end);
    tokens.mark.push(mark);
  };
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    if (isSpace(c)) i++;
    else if (c === 45 /* - */ && next === 45) {
      // -- comment, to the end of the line
      while (i < n && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
    } else if (c === 47 /* / */ && next === 42 /* * */) {
      // /* comment */, nested
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        const d = text.charCodeAt(i);
        if (d === 47 && text.charCodeAt(i + 1) === 42) {
          depth++;
          i += 2;
        } else if (d === 42 && text.charCodeAt(i + 1) === 47) {
          depth--;
          i += 2;
        } else i++;
      }
    } else if (c === QUOTE || c === DOUBLE_QUOTE) {
      const end = quotedEnd(text, i, c, false);
      push(i, end, 0);
      i = end;
    } else if (c === DOLLAR) {
      let end = i + 1;
      if (isDigit(next))
        while (end < n && isDigit(text.charCodeAt(end))) end++; // $1 parameter
      else {
        DOLLAR_TAG.lastIndex = i;
        const tag = DOLLAR_TAG.exec(text)?.[0];
        if (tag) {
          const close = text.indexOf(tag, i + tag.length);
          end = close === -1 ? n : close + tag.length;
        }
      }
      push(i, end, 0);
      i = end;
    } else if (isIdentStart(c)) {
      let end = i + 1;
      while (end < n && isIdentPart(text.charCodeAt(end))) end++;
      // E'…': a string with backslash escapes (the prefix is its own word, as in Postgres's scanner)
      if (end === i + 1 && (c === 69 || c === 101) && next === QUOTE) end = quotedEnd(text, i + 1, QUOTE, true);
      push(i, end, 0);
      i = end;
    } else if (isDigit(c) || (c === DOT && isDigit(next))) {
      // A number (digits, a decimal point, an exponent or radix letters): never a boundary that matters.
      let end = i + 1;
      while (end < n && (isIdentPart(text.charCodeAt(end)) || text.charCodeAt(end) === DOT)) end++;
      push(i, end, 0);
      i = end;
    } else {
      const mark =
        c === OPEN_PAREN ||
        c === CLOSE_PAREN ||
        c === OPEN_BRACKET ||
        c === CLOSE_BRACKET ||
        c === COMMA ||
        c === DOT ||
        c === SEMICOLON
          ? c
          : 0;
      push(i, i + 1, mark);
      i++;
    }
  }
  return tokens;
}

export function itemSpans(statement: StatementText): ItemSpans {
  return spansFromTokens(statement, () => tokenize(statement.text));
}

/** `itemSpans` over tokens from `scan` (called once, when a span is first asked for). */
export function spansFromTokens(statement: StatementText, scan: () => Tokens): ItemSpans {
  let scannedOnce: { tokens: Tokens; toChar: (byte: number) => number } | undefined;
  const scanned = () => (scannedOnce ??= { tokens: scan(), toChar: byteToCharMapper(statement.text) });
  const spanOf = (first: number, last: number) => {
    const { start, end } = scanned().tokens;
    return statement.span(start[first] ?? 0, end[last] ?? 0);
  };
  /** Character offset in the statement of a parse-tree byte location. */
  const charAt = (location: number) => scanned().toChar(location - statement.startByte);
  /** The first token ending after a parse-tree location (tokens are in text order: binary search). */
  const indexAt = (location: number): number => {
    const offset = charAt(location);
    const ends = scanned().tokens.end;
    let lo = 0;
    let hi = ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((ends[mid] ?? 0) > offset) hi = mid;
      else lo = mid + 1;
    }
    return lo < ends.length ? lo : -1;
  };
  /** Index of the last token of the item starting at token `from` (stops before a top-level `,`, a closing bracket or `;`). */
  const itemEnd = (from: number, until?: number): number => {
    const { start, mark } = scanned().tokens;
    let depth = 0;
    let k = from;
    for (; k < mark.length; k++) {
      if (k > from && until !== undefined && (start[k] ?? 0) >= until) break;
      const m = mark[k];
      if (m === OPEN_PAREN || m === OPEN_BRACKET) depth++;
      else if (m === CLOSE_PAREN || m === CLOSE_BRACKET) {
        if (depth === 0) break;
        depth--;
      } else if (depth === 0 && (m === COMMA || m === SEMICOLON)) break;
    }
    return Math.max(from, k - 1);
  };

  return {
    item(location, until) {
      if (location === undefined || location < 0) return undefined;
      const from = indexAt(location);
      if (from < 0) return undefined;
      return spanOf(from, itemEnd(from, until === undefined ? undefined : charAt(until)));
    },
    token(location, count = 1) {
      if (location === undefined || location < 0) return undefined;
      const at = indexAt(location);
      if (at < 0) return undefined;
      return spanOf(at, Math.min(at + Math.max(count, 1), scanned().tokens.end.length) - 1);
    },
    subcommands(relationLocation, count) {
      if (relationLocation === undefined || relationLocation < 0) return undefined;
      let k = indexAt(relationLocation);
      if (k < 0) return undefined;
      const { mark } = scanned().tokens;
      // Past the (possibly schema-qualified) relation name.
      while (mark[k + 1] === DOT) k += 2;
      k++;
      const spans: SourceSpan[] = [];
      while (k < mark.length && mark[k] !== SEMICOLON) {
        const last = itemEnd(k);
        spans.push(spanOf(k, last));
        k = last + 1;
        if (mark[k] !== COMMA) break;
        k++;
      }
      return spans.length === count ? spans : undefined;
    },
  };
}
