/**
 * V8 settings for a run over many files (src/cli/wasm-tier.ts decides for small ones), measured on the
 * 2,000-file bench corpus (`npm run bench`), alternating runs with and without each, on 2 busy cores:
 *
 * - libpg-query's WASM stays on V8's baseline (Liftoff) code. Its optimising compiler (TurboFan)
 *   recompiles the parser's hot functions on background threads, and the compiler's scratch memory
 *   stays in those threads' malloc arenas (glibc keeps it) for the rest of the run: peak RSS
 *   ~245 → ~220 MB, CPU time unchanged (the optimised parser is a few percent faster, which about
 *   pays for its compilation).
 * - The young generation stays at its initial size instead of doubling up to 2 × 16 MB as objects
 *   survive: the IR and findings a run keeps survive anyway and move to the old generation, so a large
 *   young generation only holds more garbage between collections. Peak RSS ~210 → ~165 MB, CPU time
 *   unchanged (3.1-3.6 s either way: each scavenge of a small young generation is cheaper).
 */
import { setFlagsFromString } from 'node:v8';

/** Call before the parser's WASM is compiled (V8 reads the tier flag when it compiles a module). */
export function keepMemoryLowForLargeRun(): void {
  setFlagsFromString('--liftoff-only');
  // V8 reads the growth factor each time it considers growing the young generation.
  setFlagsFromString('--semi-space-growth-factor=1');
}
