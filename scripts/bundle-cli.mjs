/**
 * Bundles the command line (after `tsc`, as the last step of `npm run build`): `bin/migration-lint.js`
 * runs dist/migration-lint.js, where Node reads and compiles a few files instead of the ~180 modules
 * of dist/cli/main.js (module loading was most of a one-file run's start-up). dist/ keeps tsc's
 * module tree, which stays the library API (dist/index.js).
 *
 * - What the CLI imports only on demand (trace, lsp, fix, baseline, git, the TypeScript and Python
 *   frontends' libraries) stays behind a dynamic import: esbuild splits it into chunks, loaded when used.
 * - Packages stay external (installed beside us, loaded by Node as they are), except the small
 *   pure-JavaScript ones every lint run loads (`BUNDLED`).
 * - Every output sits directly in dist/, where tsc's dist/version.js is: the code that finds files
 *   relative to its own module (`new URL('../package.json', import.meta.url)`, the parse worker's script
 *   beside parse-sources) finds them from the bundle too. The worker is bundled as a second entry for
 *   that reason; the build fails if any such relative URL in the output names a missing file.
 * - No source maps: users never see a stack trace (the CLI reports errors as messages).
 *
 *   node scripts/bundle-cli.mjs      (BUNDLE_READABLE=1: keep comments and indentation, for profiling)
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const ENTRIES = {
  'migration-lint': 'src/cli/main.ts',
  'parse-worker': 'src/parsers/parse-worker.ts',
  // the language server's own parse worker (src/lsp/parse-pool.ts finds it beside itself under this name)
  'lsp-parse-worker': 'src/lsp/lsp-parse-worker.ts',
};
/** Shared chunks' names: how a rebuild finds and removes the previous build's. */
const CHUNK_PREFIX = 'cli-chunk-';
/** Small pure-JavaScript packages every lint run loads: bundled, so Node need not resolve and read each module. */
const BUNDLED = new Set([
  'commander',
  'minimatch',
  'brace-expansion',
  'balanced-match',
  '@isaacs/nonrecursive-glob-match',
  '@noble/hashes',
]);

const packageName = (specifier) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

for (const name of readdirSync(DIST))
  if (name.startsWith(CHUNK_PREFIX) || Object.keys(ENTRIES).some((e) => name === `${e}.js`))
    rmSync(join(DIST, name), { force: true });

const result = await esbuild.build({
  absWorkingDir: ROOT,
  entryPoints: ENTRIES,
  outdir: DIST,
  chunkNames: `${CHUNK_PREFIX}[hash]`,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // esbuild's CommonJS interop in an ES module needs `require` (commander is CommonJS).
  banner: {
    js: "import { createRequire as __bundleRequire } from 'node:module';\nconst require = __bundleRequire(import.meta.url);",
  },
  // The bundled packages' license comments, if any, stay with their code (they also ship, installed as
  // dependencies, with their LICENSE files).
  legalComments: 'eof',
  // No comments nor indentation: less to read and scan, and the source stays ASCII (the comments have
  // Unicode; one non-ASCII character makes V8 scan the whole file as two-byte text).
  minifyWhitespace: !process.env.BUNDLE_READABLE,
  logLevel: 'warning',
  metafile: true,
  plugins: [
    {
      name: 'external-packages',
      setup(build) {
        build.onResolve({ filter: /^[^./]/ }, (args) => {
          if (args.path.startsWith('node:')) return { path: args.path, external: true };
          return BUNDLED.has(packageName(args.path)) ? undefined : { path: args.path, external: true };
        });
      },
    },
  ],
});

// Paths a module finds relative to itself must exist relative to the output too.
const problems = [];
for (const out of Object.keys(result.metafile.outputs)) {
  const text = readFileSync(join(ROOT, out), 'utf8');
  for (const m of text.matchAll(/new URL\(\s*["'`](\.{1,2}\/[^"'`]+)["'`]\s*,\s*import\.meta\.url\s*\)/g)) {
    if (!existsSync(fileURLToPath(new URL(m[1], `file://${join(ROOT, out)}`))))
      problems.push(`${out}: ${m[1]} does not exist beside the bundle`);
  }
}
if (problems.length) {
  console.error(`bundle-cli: ${problems.join('\n')}`);
  process.exit(1);
}
