/**
 * Where the parts of one SQL statement are: a column or constraint of CREATE TABLE, an inline
 * constraint of a column, a sub-command of ALTER TABLE. The parse tree gives the start of columns
 * and constraints (`location`) but not their end, and no position at all for an ALTER TABLE
 * sub-command; Postgres's own scanner (libpg-query `scanSync`) gives the tokens, so the parts are the
 * runs of tokens between top-level commas.
 */
import type { SourceSpan } from '../../ir/types.js';
import { byteToCharMapper } from '../../ir/source-text.js';

interface Token {
  /** Byte offsets into the statement's UTF-8 text. */
  start: number;
  end: number;
  text: string;
}

export interface ItemSpans {
  /**
   * The list item (table element, ALTER TABLE column definition, inline constraint) starting at a
   * parse-tree `location`, up to the comma or closing parenthesis that ends it, or up to `until`
   * (the next inline constraint's location). Undefined when the location is unknown.
   */
  item(location: number | undefined, until?: number): SourceSpan | undefined;
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
  scan(text: string): { tokens: Token[] };
}

const COMMENT = /^(?:--|\/\*)/;

export function itemSpans(statement: StatementText): ItemSpans {
  let tokens: Token[] | undefined;
  let toChar: ((byte: number) => number) | undefined;
  const scanned = (): Token[] => {
    if (!tokens) {
      try {
        tokens = statement.scan(statement.text).tokens.filter((t) => !COMMENT.test(t.text));
      } catch {
        tokens = [];
      }
      toChar = byteToCharMapper(statement.text);
    }
    return tokens;
  };
  const spanOf = (first: Token, last: Token) => statement.span(toChar!(first.start), toChar!(last.end));
  /** The first token ending after a parse-tree location (tokens are in text order: binary search). */
  const indexAt = (location: number): number => {
    const byte = location - statement.startByte;
    const list = scanned();
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.end > byte) hi = mid;
      else lo = mid + 1;
    }
    return lo < list.length ? lo : -1;
  };
  /** Index of the last token of the item starting at token `from` (stops before a top-level `,`, a closing bracket or `;`). */
  const itemEnd = (from: number, untilByte?: number): number => {
    const list = scanned();
    let depth = 0;
    let k = from;
    for (; k < list.length; k++) {
      const t = list[k]!;
      if (k > from && untilByte !== undefined && t.start >= untilByte) break;
      if (t.text === '(' || t.text === '[') depth++;
      else if (t.text === ')' || t.text === ']') {
        if (depth === 0) break;
        depth--;
      } else if (depth === 0 && (t.text === ',' || t.text === ';')) break;
    }
    return Math.max(from, k - 1);
  };

  return {
    item(location, until) {
      if (location === undefined || location < 0) return undefined;
      const from = indexAt(location);
      if (from < 0) return undefined;
      const list = scanned();
      return spanOf(list[from]!, list[itemEnd(from, until === undefined ? undefined : until - statement.startByte)]!);
    },
    subcommands(relationLocation, count) {
      if (relationLocation === undefined || relationLocation < 0) return undefined;
      const list = scanned();
      let k = indexAt(relationLocation);
      if (k < 0) return undefined;
      // Past the (possibly schema-qualified) relation name.
      while (list[k + 1]?.text === '.') k += 2;
      k++;
      const spans: SourceSpan[] = [];
      while (k < list.length && list[k]!.text !== ';') {
        const last = itemEnd(k);
        spans.push(spanOf(list[k]!, list[last]!));
        k = last + 1;
        if (list[k]?.text !== ',') break;
        k++;
      }
      return spans.length === count ? spans : undefined;
    },
  };
}
