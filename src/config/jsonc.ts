/**
 * A small JSON-with-comments reader for configuration files: accepts `//` and `/* *\/` comments and
 * trailing commas (so `migration-lint init` can write a commented starter config), and records where
 * every value starts so validation errors can point at the offending key.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface JsonPosition {
  line: number;
  column: number;
}

export class JsoncSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: JsonPosition,
  ) {
    super(message);
  }
}

export interface JsoncDocument {
  value: JsonValue;
  /** Start of each value by its path (`rules.ban-drop-column`, `include[2]`); `''` is the root. */
  positions: Map<string, JsonPosition>;
  /** Keys that appear more than once in the same object, by path, with the later position. */
  duplicates: { path: string; position: JsonPosition }[];
}

/** Joins a key to a parent path the way error messages show it. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent ? `${parent}.${key}` : key;
}

export function parseJsonc(text: string): JsoncDocument {
  let i = 0;
  const positions = new Map<string, JsonPosition>();
  const duplicates: JsoncDocument['duplicates'] = [];

  // Offsets where each line starts, found once: every value records its position (a package.json
  // has hundreds), and counting newlines from the start for each made the read quadratic.
  const lineStarts = [0];
  for (let k = text.indexOf('\n'); k !== -1; k = text.indexOf('\n', k + 1)) lineStarts.push(k + 1);
  const positionAt = (offset: number): JsonPosition => {
    const at = Math.min(offset, text.length);
    // the last line starting at or before `at` (a newline at `at` itself still belongs to the line before)
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - lineStarts[lo]! + 1 };
  };
  const fail = (message: string, at = i): never => {
    throw new JsoncSyntaxError(message, positionAt(at));
  };

  const skipTrivia = () => {
    for (;;) {
      const c = text[i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\ufeff') i++;
      else if (c === '/' && text[i + 1] === '/') {
        while (i < text.length && text[i] !== '\n') i++;
      } else if (c === '/' && text[i + 1] === '*') {
        const end = text.indexOf('*/', i + 2);
        if (end === -1) fail('unterminated /* comment');
        i = end + 2;
      } else return;
    }
  };

  const describe = (c: string | undefined) => (c === undefined ? 'end of file' : `"${c}"`);

  const parseString = (): string => {
    const start = i;
    i++; // opening quote
    let out = '';
    for (;;) {
      const c = text[i];
      if (c === undefined || c === '\n') fail('unterminated string', start);
      if (c === '"') {
        i++;
        return out;
      }
      if (c === '\\') {
        const e = text[i + 1];
        const simple: Record<string, string> = {
          '"': '"',
          '\\': '\\',
          '/': '/',
          b: '\b',
          f: '\f',
          n: '\n',
          r: '\r',
          t: '\t',
        };
        if (e !== undefined && e in simple) {
          out += simple[e]!;
          i += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else fail('invalid escape in string');
      } else {
        out += c!;
        i++;
      }
    }
  };

  const parseValue = (path: string): JsonValue => {
    skipTrivia();
    positions.set(path, positionAt(i));
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: Record<string, JsonValue> = {};
      skipTrivia();
      while (text[i] !== '}') {
        if (text[i] !== '"') fail(`expected a "quoted" key or "}", found ${describe(text[i])}`);
        const keyAt = i;
        const key = parseString();
        const keyPath = childPath(path, key);
        if (Object.prototype.hasOwnProperty.call(obj, key))
          duplicates.push({ path: keyPath, position: positionAt(keyAt) });
        skipTrivia();
        if (text[i] !== ':') fail(`expected ":" after key "${key}", found ${describe(text[i])}`);
        i++;
        const value = parseValue(keyPath);
        // Point errors about a key at the key itself, not at its value.
        positions.set(keyPath, positionAt(keyAt));
        Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
        skipTrivia();
        if (text[i] === ',') {
          i++;
          skipTrivia();
        } else if (text[i] !== '}') fail(`expected "," or "}" after the value of "${key}", found ${describe(text[i])}`);
      }
      i++;
      return obj;
    }
    if (c === '[') {
      i++;
      const arr: JsonValue[] = [];
      skipTrivia();
      while (text[i] !== ']') {
        arr.push(parseValue(childPath(path, arr.length)));
        skipTrivia();
        if (text[i] === ',') {
          i++;
          skipTrivia();
        } else if (text[i] !== ']') fail(`expected "," or "]" in array, found ${describe(text[i])}`);
      }
      i++;
      return arr;
    }
    if (c === '"') return parseString();
    const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 64));
    if (!literal) fail(`unexpected ${describe(c)}`);
    i += literal![0].length;
    const word = literal![0];
    return word === 'true' ? true : word === 'false' ? false : word === 'null' ? null : Number(word);
  };

  const value = parseValue('');
  skipTrivia();
  if (i < text.length) fail(`unexpected ${describe(text[i])} after the end of the document`);
  return { value, positions, duplicates };
}
