// Module hook for test/startup.test.ts: prints every module URL the process loads through the ESM
// loader (static and dynamic imports, and CommonJS packages imported from ESM) to stderr.
export async function load(url, context, next) {
  process.stderr.write(`IMPORT ${url}\n`);
  return next(url, context);
}
