/**
 * Compiles JavaScript a differential test wrote itself, so the real framework can run that migration and
 * show the SQL it generates. A user's migration file is never run (the linter only reads files).
 */
export function compileTestCode(params: string[], body: string): (...args: unknown[]) => unknown {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the test's own migration source, run to see the SQL its framework generates
  return new Function(...params, body) as (...args: unknown[]) => unknown;
}
