/**
 * Splits SQL text into statements at top-level semicolons, skipping quoted strings, quoted
 * identifiers, dollar-quoted bodies and comments. Used to parse huge files in chunks and to keep
 * linting the other statements of a file when one of them does not parse. libpg-query remains the
 * only judge of what a statement means.
 */
export interface StatementSlice {
  /** Character offset of the first non-blank, non-comment character. */
  start: number;
  /** Character offset just past the terminating semicolon (or the end of text). */
  end: number;
}

const DOLLAR_TAG = /\$([A-Za-z_\u0080-\uffff][A-Za-z_0-9\u0080-\uffff]*)?\$/y;

export function splitStatements(text: string): StatementSlice[] {
  const out: StatementSlice[] = [];
  const n = text.length;
  let i = 0;
  let start = -1;
  // BEGIN ATOMIC … END bodies contain semicolons; track the nesting of that one construct.
  let atomicDepth = 0;
  let prevWord = '';
  while (i < n) {
    const c = text.charCodeAt(i);
    // whitespace
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12) {
      i++;
      continue;
    }
    // -- comment
    if (c === 45 /* - */ && text.charCodeAt(i + 1) === 45) {
      const nl = text.indexOf('\n', i);
      i = nl === -1 ? n : nl + 1;
      continue;
    }
    // /* nested comment */
    if (c === 47 /* / */ && text.charCodeAt(i + 1) === 42) {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (text.charCodeAt(i) === 47 && text.charCodeAt(i + 1) === 42) {
          depth++;
          i += 2;
        } else if (text.charCodeAt(i) === 42 && text.charCodeAt(i + 1) === 47) {
          depth--;
          i += 2;
        } else i++;
      }
      continue;
    }
    if (start === -1) start = i;
    if (c === 59 /* ; */) {
      if (atomicDepth === 0) {
        out.push({ start, end: i + 1 });
        start = -1;
        prevWord = '';
      }
      i++;
      continue;
    }
    // 'string' (E'…' handles backslash escapes)
    if (c === 39) {
      const escapes = i > 0 && (text[i - 1] === 'E' || text[i - 1] === 'e') && !/[A-Za-z0-9_]/.test(text[i - 2] ?? '');
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (escapes && d === 92) {
          i += 2;
          continue;
        }
        if (d === 39) {
          if (text.charCodeAt(i + 1) === 39) {
            i += 2;
            continue;
          }
          break;
        }
        i++;
      }
      i++;
      continue;
    }
    // "identifier"
    if (c === 34) {
      i++;
      while (i < n) {
        if (text.charCodeAt(i) === 34) {
          if (text.charCodeAt(i + 1) === 34) {
            i += 2;
            continue;
          }
          break;
        }
        i++;
      }
      i++;
      continue;
    }
    // $tag$ … $tag$
    if (c === 36) {
      DOLLAR_TAG.lastIndex = i;
      const m = DOLLAR_TAG.exec(text);
      const prev = text.charCodeAt(i - 1);
      const partOfIdent =
        i > 0 &&
        ((prev >= 48 && prev <= 57) || (prev >= 65 && prev <= 90) || (prev >= 97 && prev <= 122) || prev === 95);
      if (m && !partOfIdent) {
        const close = text.indexOf(m[0], i + m[0].length);
        i = close === -1 ? n : close + m[0].length;
        continue;
      }
      i++;
      continue;
    }
    // words: track BEGIN ATOMIC … END
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_$]/.test(text[j]!)) j++;
      const word = text.slice(i, j).toLowerCase();
      if (word === 'atomic' && prevWord === 'begin') atomicDepth++;
      else if (word === 'end' && atomicDepth > 0) atomicDepth--;
      prevWord = word;
      i = j;
      continue;
    }
    i++;
  }
  if (start !== -1) out.push({ start, end: n });
  return out;
}
