/**
 * libpg-query for the bundled command line (scripts/bundle-cli.mjs maps the `libpg-query` imports of
 * the sources here; in the library and the playground they stay libpg-query's own, and the parsers free
 * of Node built-ins): the package is required on the first `loadModule()`, not when the bundle loads,
 * so a run that never parses (`rules`, `--help`, a `--cache` hit) neither reads nor compiles its WASM.
 *
 * On the first `loadModule()` (parse-sql.ts's initSqlParser, which lint-command.ts calls as soon as it
 * knows the run will parse) the WASM file is read and compiled here, on
 * V8's background threads, while libpg-query's JavaScript is required and compiled on this one; its
 * Emscripten loader is handed the compiled module (its `instantiateWasm` hook) instead of reading and
 * compiling the file itself.
 */
import { readFile } from 'node:fs';
import { createRequire } from 'node:module';
import type * as LibpgQuery from 'libpg-query';

type Api = typeof LibpgQuery;
type EmscriptenFactory = (options?: Record<string, unknown>) => Promise<unknown>;
/** The part of the WebAssembly API used here (this project's `lib` has no DOM types, where it is declared). */
interface WasmModule {
  readonly compiledWasm: unique symbol;
}
interface WasmApi {
  compile(bytes: Uint8Array): Promise<WasmModule>;
  Instance: new (module: WasmModule, imports: object) => object;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

// Node's own require, not an import: the bundle maps `libpg-query` imports to this file.
const nodeRequire = createRequire(import.meta.url);

/** libpg-query, required, and its load (which settles once its WASM instance is ready). */
let required: { api: Api; loaded: Promise<void> } | undefined;
let api: Api | undefined;

/** Starts reading and compiling libpg-query's WASM, and requires the package meanwhile (once). */
function startLoading(): void {
  // fs's callback API: node:fs/promises is one more module to load (about 1 ms).
  required ??= requireWith(
    new Promise<Buffer>((resolve, reject) => {
      readFile(nodeRequire.resolve('libpg-query/wasm/libpg-query.wasm'), (error, bytes) => {
        if (error) reject(error);
        else resolve(bytes);
      });
    }).then((bytes) => wasm.compile(bytes)),
  );
}

/**
 * Requires libpg-query with its Emscripten loader (wasm/libpg-query.js, which its index.cjs calls when
 * required, and again when parse-sql.ts replaces a broken instance) instantiating the `compiled` module.
 */
function requireWith(compiled: Promise<WasmModule>): { api: Api; loaded: Promise<void> } {
  let module: WasmModule | undefined;
  let failed: (reason: unknown) => void = () => undefined;
  const failure = new Promise<never>((_, reject) => (failed = reject));
  failure.catch(() => undefined);
  compiled.then(
    (m) => (module = m),
    (e: unknown) => failed(e),
  );
  const loaderPath = nodeRequire.resolve('libpg-query/wasm/libpg-query.js');
  const factory = nodeRequire(loaderPath) as EmscriptenFactory;
  const cached = nodeRequire.cache[loaderPath];
  if (cached)
    cached.exports = (options: Record<string, unknown> = {}) =>
      factory({
        ...options,
        instantiateWasm(imports: object, receive: (instance: object) => void) {
          // Once compiled, synchronously: a failure then rejects the loader's own promise.
          if (module) receive(new wasm.Instance(module, imports));
          else
            compiled
              .then((m) => {
                receive(new wasm.Instance(m, imports));
              })
              .catch(failed);
          return {};
        },
      });
  const loaded = nodeRequire('libpg-query') as Api;
  return { api: loaded, loaded: Promise.race([loaded.loadModule(), failure]) };
}

export function loadModule(): Promise<void> {
  startLoading();
  const { api: loaded, loaded: ready } = required!;
  return ready.then(() => {
    api = loaded;
  });
}

function ready(): Api {
  if (!api) throw new Error('WASM module not initialized. Call loadModule() first.');
  return api;
}

export const parseSync: Api['parseSync'] = (query) => ready().parseSync(query);
export const scanSync: Api['scanSync'] = (query) => ready().scanSync(query);
export const parsePlPgSQLSync: Api['parsePlPgSQLSync'] = (query) => ready().parsePlPgSQLSync(query);
