/**
 * Builds the playground (playground/dist: a static page, all assets local) from the same src/ as the
 * CLI, with esbuild. `node playground/build.mjs --serve [port]` also serves it (npm run playground).
 */
import { builtinModules } from 'node:module';
import { copyFileSync, cpSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const HERE = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(HERE, '..');
const require = createRequire(import.meta.url);

const BUILTINS = new Set(builtinModules);
/** `fs`, `node:fs`, `fs/promises`: a Node built-in, whatever the spelling. */
export function isBuiltin(specifier) {
  const bare = specifier.replace(/^node:/, '');
  return specifier.startsWith('node:') || BUILTINS.has(bare) || BUILTINS.has(bare.split('/')[0]);
}

/**
 * The esbuild options shared by the page build and the core-bundle test. Dependencies written for Node
 * (typescript-estree, TypeScript, the WASM loaders) import built-ins on paths the page never takes:
 * `path` becomes path-browserify, the others an empty module, `process` a settings-only object.
 * `builtinImports` collects every such import with its importer, so the test can hold src/ to none.
 */
export function browserBuildOptions(builtinImports = []) {
  return {
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    inject: [join(HERE, 'shims', 'process.js')],
    logLevel: 'warning',
    plugins: [
      {
        name: 'node-builtins',
        setup(build) {
          build.onResolve({ filter: /.*/ }, (args) => {
            if (!isBuiltin(args.path)) return undefined;
            builtinImports.push({ specifier: args.path, importer: args.importer });
            const bare = args.path.replace(/^node:/, '');
            if (bare === 'path' || bare === 'path/posix') return { path: require.resolve('path-browserify') };
            return { path: join(HERE, 'shims', 'empty.js') };
          });
        },
      },
    ],
  };
}

/** The WASM files the parsers fetch at run time, copied beside the page. */
const WASM = [
  'libpg-query/wasm/libpg-query.wasm',
  'web-tree-sitter/tree-sitter.wasm',
  'tree-sitter-python/tree-sitter-python.wasm',
];

export async function buildPlayground(outdir = join(HERE, 'dist')) {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const builtinImports = [];
  await esbuild.build({
    ...browserBuildOptions(builtinImports),
    entryPoints: [join(HERE, 'main.ts')],
    outdir,
    splitting: true, // the TypeScript and Python parsers load on first use, as on the CLI
    minify: process.env.PLAYGROUND_MINIFY !== '0',
  });
  for (const w of WASM) copyFileSync(require.resolve(w), join(outdir, w.split('/').pop()));
  cpSync(join(HERE, 'index.html'), join(outdir, 'index.html'));
  cpSync(join(HERE, 'style.css'), join(outdir, 'style.css'));
  return { outdir, builtinImports };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const { outdir } = await buildPlayground();
  console.log(`playground built in ${Date.now() - started} ms: ${outdir}`);
  const serveAt = process.argv.indexOf('--serve');
  if (serveAt > 0) {
    const { serveDirectory } = await import('./serve.mjs');
    const { url } = await serveDirectory(outdir, Number(process.argv[serveAt + 1] ?? 5173));
    console.log(`playground at ${url} (Ctrl-C stops)`);
  }
}
