/**
 * Python syntax trees through web-tree-sitter and the tree-sitter-python grammar (both WASM). Loaded
 * on first use with a dynamic `import()`, so runs over SQL files never load them.
 */
import { createRequire } from 'node:module';
import type { Node as SyntaxNode, Parser as TreeSitterParser, Tree } from 'web-tree-sitter';

export type { SyntaxNode, Tree };

let loading: Promise<TreeSitterParser> | undefined;

async function load(): Promise<TreeSitterParser> {
  const { Parser, Language } = await import('web-tree-sitter');
  await Parser.init();
  const wasm = createRequire(import.meta.url).resolve('tree-sitter-python/tree-sitter-python.wasm');
  const language = await Language.load(wasm);
  const parser = new Parser();
  parser.setLanguage(language);
  return parser;
}

/** Parses Python source. Node offsets (`startIndex`, `endIndex`) are UTF-16 indexes into `source`. */
export async function parsePython(source: string): Promise<Tree> {
  loading ??= load();
  const parser = await loading;
  const tree = parser.parse(source);
  if (!tree) throw new Error('the Python parser returned no tree');
  return tree;
}

/** Named children without comments (tree-sitter keeps comments as extra nodes anywhere). */
export function children(node: SyntaxNode): SyntaxNode[] {
  return node.namedChildren.filter((c): c is SyntaxNode => c !== null && c.type !== 'comment');
}

/** `op.add_column` → `op.add_column`; `sa.dialects.postgresql.JSONB` → that; anything else → undefined. */
export function dottedName(node: SyntaxNode | null | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === 'identifier') return node.text;
  if (node.type === 'attribute') {
    const object = dottedName(node.childForFieldName('object'));
    const attr = node.childForFieldName('attribute');
    return object && attr ? `${object}.${attr.text}` : undefined;
  }
  return undefined;
}

/** The first syntax error or missing token in a tree, if any. */
export function firstSyntaxError(node: SyntaxNode): SyntaxNode | undefined {
  if (!node.hasError) return undefined;
  if (node.isError || node.isMissing) return node;
  for (const c of node.children) {
    if (!c) continue;
    const found = firstSyntaxError(c);
    if (found) return found;
  }
  return node;
}
