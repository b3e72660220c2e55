/**
 * Loads `@typescript-eslint/typescript-estree` on first use: it pulls in the TypeScript compiler
 * (~0.4 s), which runs that only lint SQL must never pay for. Files are parsed, never executed.
 */
import type { Node } from './ast.js';

type EstreeModule = typeof import('@typescript-eslint/typescript-estree');

let loading: Promise<EstreeModule> | undefined;

function loadEstree(): Promise<EstreeModule> {
  loading ??= import('@typescript-eslint/typescript-estree');
  return loading;
}

export type ModuleParse = { ok: true; program: Node } | { ok: false; message: string; offset: number };

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
    }) as unknown as Node;
    return { ok: true, program };
  } catch (e) {
    const err = e as { message?: string; index?: number };
    return { ok: false, message: String(err.message ?? e), offset: typeof err.index === 'number' ? err.index : 0 };
  }
}
