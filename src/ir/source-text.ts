import type { Position, SourceSpan } from './types.js';
import { utf8ByteLength } from './identifiers.js';

/** Maps character offsets (UTF-16 indexes into a JS string) to 1-based line/column positions. */
export class LineIndex {
  private readonly lineStarts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
  }

  position(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: o - this.lineStarts[lo]! + 1 };
  }

  /** Offset of the first character of a 1-based line. */
  lineStart(line: number): number {
    return this.lineStarts[Math.max(0, Math.min(line - 1, this.lineStarts.length - 1))]!;
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  lineText(line: number): string {
    const start = this.lineStart(line);
    const end = line < this.lineStarts.length ? this.lineStarts[line]! - 1 : this.text.length;
    return this.text.slice(start, end).replace(/\r$/, '');
  }

  span(file: string, start: number, end: number): SourceSpan {
    const a = this.position(start);
    const b = this.position(end);
    return { file, line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
  }
}

/** Maps offsets in a text to positions in its file: identity for SQL files, shifted for SQL embedded in code. */
export type Locator = (offset: number) => Position;

// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\x00-\x7f]/;

/**
 * libpg-query reports byte offsets into the UTF-8 encoding of the text. Returns a function mapping a
 * byte offset to a UTF-16 character offset (identity when the text is pure ASCII).
 */
export function byteToCharMapper(text: string): (byteOffset: number) => number {
  if (!NON_ASCII.test(text)) return (b) => b;
  const map = new Uint32Array(utf8ByteLength(text) + 1);
  let byte = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.codePointAt(i)!;
    const bytes = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    for (let k = 0; k < bytes; k++) map[byte + k] = i;
    byte += bytes;
    if (code >= 0x10000) i++; // surrogate pair: two UTF-16 units, one code point
  }
  map[byte] = text.length;
  return (b) => (b >= map.length ? text.length : map[b]!);
}
