/**
 * Memory settings for a run over many files (src/cli/wasm-tier.ts decides for small ones).
 *
 * libpg-query's WASM stays on V8's baseline (Liftoff) code here too. Its optimising compiler (TurboFan)
 * recompiles the parser's hot functions on background threads, and the compiler's scratch memory stays
 * in those threads' malloc arenas (glibc keeps it) for the rest of the run: about 30 MB of resident
 * memory. On the 2,000-file bench corpus peak RSS fell from ~245 to ~220 MB with this, and CPU time did
 * not rise (the optimised parser is a few percent faster, which about pays for its compilation).
 */
import { setFlagsFromString } from 'node:v8';

/** Call before the parser's WASM is compiled (V8 reads the flag when it compiles a module). */
export function keepWasmOffOptimisingTier(): void {
  setFlagsFromString('--liftoff-only');
}
