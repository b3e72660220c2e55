/**
 * Loads `@typescript-eslint/typescript-estree` on first use: it pulls in the TypeScript compiler
 * (~0.4 s), which runs that only lint SQL must never pay for. Files are parsed, never executed.
 */
import type { TSESTree } from '@typescript-eslint/typescript-estree';

type EstreeModule = typeof import('@typescript-eslint/typescript-estree');

let loading: Promise<EstreeModule> | undefined;

function loadEstree(): Promise<EstreeModule> {
  // A CommonJS module: Node names its exports, a bundler's split chunk (the playground) may give only `default`.
  loading ??= import('@typescript-eslint/typescript-estree').then(
    (m) => (m as { default?: EstreeModule }).default ?? m,
  );
  return loading;
}

export type ModuleParse = { ok: true; program: TSESTree.Program } | { ok: false; message: string; offset: number };

export async function parseModule(text: string, path: string): Promise<ModuleParse> {
  const estree = await loadEstree();
  try {
    const program = estree.parse(text, {
      range: true,
      loc: false,
      comment: false,
      jsx: /\.[jt]sx$/i.test(path),
      // Decides TS vs JS script kind from the extension; no tsconfig or type information is read.
      filePath: path,
    });
    return { ok: true, program };
  } catch (e) {
    // TypeScript's parser recurses per nesting level: a few thousand nested brackets exhaust the stack.
    if (e instanceof RangeError)
      return {
        ok: false,
        message: 'the code is nested too deeply to read (the parser ran out of stack)',
        offset: deepestBracket(text),
      };
    const err = e as { message?: string; index?: number };
    return { ok: false, message: String(err.message ?? e), offset: typeof err.index === 'number' ? err.index : 0 };
  }
}

/** Where the bracket nesting first reaches its deepest (strings and comments not skipped: an estimate for the message). */
function deepestBracket(text: string): number {
  let depth = 0;
  let deepest = 0;
  let at = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 40 || c === 91 || c === 123) {
      if (++depth > deepest) {
        deepest = depth;
        at = i;
      }
    } else if (c === 41 || c === 93 || c === 125) depth--;
  }
  return at;
}
