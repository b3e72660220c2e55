/**
 * Whether the parsers' WASM (libpg-query, tree-sitter) is optimised during a run. V8 runs WASM first
 * as baseline (Liftoff) code and recompiles the functions that get hot with its optimising compiler
 * (TurboFan) on a background thread; Node waits for those compiles before the process exits. One
 * parse of a one-statement file makes libpg-query's parser hot enough, and recompiling it costs more
 * (≈0.1 s of CPU, most of it waited for at exit) than a small run saves by it: the optimised parser
 * is only a few percent faster (parse time of the 2,000-file bench corpus).
 */
import { statSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';

/** Below this many bytes of input, a run keeps the baseline code. */
const SMALL_RUN_BYTES = 2_000_000;

/** Whether these files add up to less than SMALL_RUN_BYTES (stdin is not counted). */
export function smallRun(files: readonly string[]): boolean {
  let bytes = 0;
  for (const f of files) {
    bytes += statSync(f, { throwIfNoEntry: false })?.size ?? 0;
    if (bytes >= SMALL_RUN_BYTES) return false;
  }
  return true;
}

/**
 * The V8 flags of a small run (bin/load-bundle.js sets them back to their defaults before the build
 * writes the code cache, which V8 accepts only under the flags it was made with):
 * - no function reaches the tier-up threshold (V8 reads it when a WASM module is compiled). Functions
 *   Liftoff cannot compile still go to TurboFan;
 * - each function is validated when it is first compiled (on its first call, as it is compiled then
 *   anyway), not all of them before the module's compile resolves: that took the background threads
 *   10–100 ms of wall time on a busy machine, which a small run waited for. V8 still validates every
 *   function it compiles; the WASM is libpg-query's own, installed with it.
 */
export const SMALL_RUN_V8_FLAGS = [`--wasm-tiering-budget=${2 ** 31 - 1}`, '--wasm-lazy-validation'];

/** Sets SMALL_RUN_V8_FLAGS: call this before the parser's WASM compiles. */
export function keepWasmOnBaselineTier(): void {
  for (const flag of SMALL_RUN_V8_FLAGS) setFlagsFromString(flag);
}
