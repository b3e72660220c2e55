/**
 * Python syntax trees through web-tree-sitter and the tree-sitter-python grammar (both WASM). Loaded
 * on first use with a dynamic `import()`, so runs over SQL files never load them.
 */
import type { Node as SyntaxNode, Parser as TreeSitterParser, Tree } from 'web-tree-sitter';

export type { SyntaxNode, Tree };

let loading: Promise<TreeSitterParser> | undefined;
/** Where tree-sitter-python's WASM is, when not in node_modules beside this package (the playground's copy). */
let grammarLocation: URL | undefined;
export function setPythonGrammarLocation(location: URL): void {
  grammarLocation = location;
}

async function load(): Promise<TreeSitterParser> {
  const { Parser, Language } = await import('web-tree-sitter');
  await Parser.init();
  // A URL: web-tree-sitter reads it with fs.readFile in Node (which takes a file: URL) and fetch elsewhere.
  const wasm = grammarLocation ?? new URL(import.meta.resolve('tree-sitter-python/tree-sitter-python.wasm'));
  const language = await Language.load(wasm as unknown as string);
  const parser = new Parser();
  parser.setLanguage(language);
  return parser;
}

/**
 * Tree-sitter's error recovery is quadratic in the tokens of one broken line (a line break ends it):
 * 20,000 `if` or `/` tokens on a line cost seconds, 400,000 never finish. So lines with more than
 * `WATCHED_LINE_TOKENS` tokens are parsed under watch, and a watched line on which the parser skips
 * more than `MAX_SKIPPED_TOKENS` tokens ends the parse. Both bounds are counts on the input, not
 * time: the same file gives the same result on a busy machine.
 */
export const WATCHED_LINE_TOKENS = 500;
export const MAX_SKIPPED_TOKENS = 100;

/** The Python parse was abandoned: a line too broken to recover from (see above). */
export class PythonTooComplex extends Error {
  constructor(
    /** UTF-16 offsets of the line. */
    readonly start: number,
    readonly end: number,
  ) {
    super(`a line with more than ${MAX_SKIPPED_TOKENS} tokens the Python grammar cannot place`);
  }
}

const isWordChar = (c: number) =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c > 127;
const isSpace = (c: number) => c === 32 || c === 9 || c === 12 || c === 13;

/**
 * Lines (split at `\n`, as tree-sitter does) with more than `WATCHED_LINE_TOKENS` tokens, counted
 * roughly: a run of word characters or one other non-blank character each. String contents count
 * too: watching a line costs time, never a finding.
 */
export function crowdedLines(source: string): [number, number][] {
  const out: [number, number][] = [];
  let lineStart = 0;
  let tokens = 0;
  let previousWord = false;
  for (let i = 0; i <= source.length; i++) {
    const c = i < source.length ? source.charCodeAt(i) : 10;
    if (c === 10) {
      if (tokens > WATCHED_LINE_TOKENS) out.push([lineStart, i]);
      lineStart = i + 1;
      tokens = 0;
      previousWord = false;
    } else if (isSpace(c)) {
      previousWord = false;
    } else {
      const word = isWordChar(c);
      if (!word || !previousWord) tokens++;
      previousWord = word;
    }
  }
  return out;
}

/** The line of `lines` (sorted, disjoint) that holds `offset`, by binary search. */
function lineHolding(lines: [number, number][], offset: number): [number, number] | undefined {
  let low = 0;
  let high = lines.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const [start, end] = lines[mid]!;
    if (offset < start) high = mid - 1;
    else if (offset > end) low = mid + 1;
    else return lines[mid];
  }
  return undefined;
}

/**
 * Parses Python source. Node offsets (`startIndex`, `endIndex`) are UTF-16 indexes into `source`.
 * Throws `PythonTooComplex` for a crowded line the parser cannot make sense of (see above).
 */
export async function parsePython(source: string): Promise<Tree> {
  loading ??= load();
  const parser = await loading;
  const crowded = crowdedLines(source);
  if (crowded.length === 0) return parsed(parser.parse(source));
  // The parser's log (which names every skipped token) costs several times the parse, so it is on
  // only while the parser is inside a crowded line: the progress callback (every 100 parser
  // operations) stops the parse at each line's edges, and the next call resumes where it stopped.
  let watching: [number, number] | undefined;
  let skipped = 0;
  let tooComplex: [number, number] | undefined;
  const logger = (message: string, isLex: boolean) => {
    if (!isLex && (message.startsWith('skip_token') || message.startsWith('recover_to_previous'))) skipped++;
  };
  const progressCallback = (state: { currentOffset: number }): boolean => {
    const at = state.currentOffset / 2; // bytes of UTF-16 text
    if (watching) {
      if (skipped > MAX_SKIPPED_TOKENS) tooComplex = watching;
      else if (at <= watching[1]) return false;
      watching = undefined;
      return true;
    }
    watching = lineHolding(crowded, at);
    skipped = 0;
    return watching !== undefined;
  };
  try {
    for (let stops = 0; stops <= 2 * crowded.length + 1; stops++) {
      parser.setLogger(watching ? logger : null);
      const tree = parser.parse(source, null, { progressCallback });
      if (tree) return tree;
      if (tooComplex) throw new PythonTooComplex(tooComplex[0], tooComplex[1]);
    }
    throw new Error('the Python parser did not finish');
  } catch (e) {
    parser.reset();
    throw e;
  } finally {
    parser.setLogger(null);
  }
}

function parsed(tree: Tree | null): Tree {
  if (!tree) throw new Error('the Python parser returned no tree');
  return tree;
}

/** Named children without comments (tree-sitter keeps comments as extra nodes anywhere). */
export function children(node: SyntaxNode): SyntaxNode[] {
  return node.namedChildren.filter((c): c is SyntaxNode => c !== null && c.type !== 'comment');
}

/**
 * `op.add_column` → `op.add_column`; `sa.dialects.postgresql.JSONB` → that; anything else → undefined.
 * A loop, not recursion: a hostile file can chain thousands of attributes.
 */
export function dottedName(node: SyntaxNode | null | undefined): string | undefined {
  const parts: string[] = [];
  let current = node;
  while (current?.type === 'attribute') {
    const attr = current.childForFieldName('attribute');
    if (!attr) return undefined;
    parts.push(attr.text);
    current = current.childForFieldName('object');
  }
  if (current?.type !== 'identifier') return undefined;
  parts.push(current.text);
  return parts.reverse().join('.');
}

/** The first syntax error or missing token in a tree, if any (a descent, not recursion: trees can be very deep). */
export function firstSyntaxError(root: SyntaxNode): SyntaxNode | undefined {
  if (!root.hasError) return undefined;
  let node = root;
  for (;;) {
    if (node.isError || node.isMissing) return node;
    const next = node.children.find((c) => c?.hasError);
    if (!next) return node;
    node = next;
  }
}
