import type { BuildOptions } from 'esbuild';

export const ROOT: string;
export function isBuiltin(specifier: string): boolean;
export function browserBuildOptions(builtinImports?: { specifier: string; importer: string }[]): BuildOptions;
export function buildPlayground(
  outdir?: string,
): Promise<{ outdir: string; builtinImports: { specifier: string; importer: string }[] }>;
