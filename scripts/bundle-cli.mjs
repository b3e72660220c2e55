/**
 * Bundles the command line (after `tsc`, as the last step of `npm run build`). dist/ keeps tsc's
 * module tree, which stays the library API (dist/index.js).
 *
 * - The command line is one CommonJS script, dist/migration-lint.cjs, which bin/load-bundle.js compiles
 *   with a V8 code cache made here (dist/migration-lint.cjs.v8cache): a run then neither parses the
 *   bundle nor compiles the functions a lint of a small SQL file calls (reading, parsing and compiling
 *   modules was most of a one-file run's start-up). Node 20 has no code cache for ES modules, hence a
 *   script. What a run loads only on demand (trace, lsp, fix, baseline, git, the frontends' code) is in
 *   it too, but evaluated only when imported, and compiled only when called.
 * - The parse workers stay ES modules (dist/parse-worker.js, dist/lsp-parse-worker.js), sharing chunks.
 * - Packages stay external (installed beside us, loaded by Node as they are), except the small
 *   pure-JavaScript ones every lint run loads (`BUNDLED`).
 * - Every output sits directly in dist/, where tsc's dist/version.js is: the code that finds files
 *   relative to its own module (`new URL('../package.json', import.meta.url)`, the parse worker's script
 *   beside parse-sources) finds them from the bundles too; the build fails if any such relative URL in
 *   the output names a missing file.
 * - No source maps: users never see a stack trace (the CLI reports errors as messages).
 *
 *   node scripts/bundle-cli.mjs      (BUNDLE_READABLE=1: keep comments and indentation, for profiling)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
/** The command line's bundle and its code cache (names bin/load-bundle.js reads). */
const CLI = 'migration-lint';
const CODE_CACHE = `${CLI}.cjs.v8cache`;
const WORKERS = {
  'parse-worker': 'src/parsers/parse-worker.ts',
  // the language server's own parse worker (src/lsp/parse-pool.ts finds it beside itself under this name)
  'lsp-parse-worker': 'src/lsp/lsp-parse-worker.ts',
};
const LAZY_LIBPG_QUERY = 'src/cli/lazy-libpg-query.ts';
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

// The previous build's outputs (the code cache first: it must never outlive its bundle).
for (const name of readdirSync(DIST))
  if (
    name === CODE_CACHE ||
    name === `${CLI}.cjs` ||
    name === `${CLI}.js` ||
    name.startsWith(CHUNK_PREFIX) ||
    Object.keys(WORKERS).some((e) => name === `${e}.js`)
  )
    rmSync(join(DIST, name), { force: true });

const externalPackages = (build) => {
  build.onResolve({ filter: /^[^./]/ }, (args) => {
    if (args.path.startsWith('node:')) return { path: args.path, external: true };
    return BUNDLED.has(packageName(args.path)) ? undefined : { path: args.path, external: true };
  });
};

const common = {
  absWorkingDir: ROOT,
  outdir: DIST,
  bundle: true,
  platform: 'node',
  target: 'node20',
  // The bundled packages' license comments, if any, stay with their code (they also ship, installed as
  // dependencies, with their LICENSE files).
  legalComments: 'eof',
  // No comments nor indentation: less to read and scan, and the source stays ASCII (the comments have
  // Unicode; one non-ASCII character makes V8 scan the whole file as two-byte text).
  minifyWhitespace: !process.env.BUNDLE_READABLE,
  logLevel: 'warning',
  metafile: true,
  plugins: [{ name: 'external-packages', setup: externalPackages }],
};

const cli = await esbuild.build({
  ...common,
  entryPoints: { [CLI]: 'src/cli/main.ts' },
  format: 'cjs',
  // A quarter less source to read (and to compile, for the functions the code cache does not hold).
  // Names are never shown: the command line reports errors as messages, without stack traces.
  minifySyntax: true,
  minifyIdentifiers: true,
  outExtension: { '.js': '.cjs' },
  // The frontends' packages through require (both ship CommonJS): V8 loses a script's import() callback
  // when the script comes from a code cache ("A dynamic import callback was not specified").
  supported: { 'dynamic-import': false },
  // A script has no import.meta: its own file's URL, and require's resolution, stand in.
  define: { 'import.meta.url': '__bundleUrl', 'import.meta.resolve': '__bundleResolve' },
  plugins: [
    {
      // libpg-query loaded on first use (src/cli/lazy-libpg-query.ts)
      name: 'lazy-libpg-query',
      setup(build) {
        build.onResolve({ filter: /^libpg-query$/ }, () => ({ path: join(ROOT, LAZY_LIBPG_QUERY) }));
        // Built-ins a run may not need, loaded when first used (each cost a few ms of every run): commander
        // requires child_process (and with it net and dgram) for subcommands that are executables, which
        // we have none of; node:crypto hashes only for the caches and fingerprints.
        build.onResolve({ filter: /^(node:)?(child_process|crypto)$/ }, (args) => {
          const name = args.path.replace(/^node:/, '');
          if (args.namespace === 'on-first-use') return { path: `node:${name}`, external: true };
          if (name === 'child_process' && !/[\\/]node_modules[\\/]commander[\\/]/.test(args.importer)) return undefined;
          return { path: name, namespace: 'on-first-use' };
        });
        build.onLoad({ filter: /.*/, namespace: 'on-first-use' }, async (args) => {
          const builtin = await import(`node:${args.path}`);
          // its functions (not its classes, which a wrapper would not construct): an import of another name
          // fails the build
          const functions = Object.keys(builtin).filter((k) => /^[a-z]/.test(k) && typeof builtin[k] === 'function');
          return {
            contents: [
              `import { createRequire } from 'node:module';`,
              `let loaded;`,
              `const load = () => (loaded ??= createRequire(__filename)('node:${args.path}'));`,
              `export default new Proxy({}, { get: (_, key) => load()[key] });`,
              ...functions.map((f) => `export function ${f}(...args) { return load().${f}(...args); }`),
            ].join('\n'),
            loader: 'js',
          };
        });
        externalPackages(build);
      },
    },
  ],
  banner: {
    js: [
      "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;",
      "const __bundleResolve = (specifier) => require('node:url').pathToFileURL(require.resolve(specifier)).href;",
    ].join('\n'),
  },
});

const workers = await esbuild.build({
  ...common,
  entryPoints: WORKERS,
  chunkNames: `${CHUNK_PREFIX}[hash]`,
  splitting: true,
  format: 'esm',
  // esbuild's CommonJS interop in an ES module needs `require` (commander is CommonJS).
  banner: {
    js: "import { createRequire as __bundleRequire } from 'node:module';\nconst require = __bundleRequire(import.meta.url);",
  },
});

// Paths a module finds relative to itself must exist relative to the output too.
const problems = [];
for (const out of [...Object.keys(cli.metafile.outputs), ...Object.keys(workers.metafile.outputs)]) {
  const text = readFileSync(join(ROOT, out), 'utf8');
  for (const m of text.matchAll(
    /new URL\(\s*["'`](\.{1,2}\/[^"'`]+)["'`]\s*,\s*(?:import\.meta\.url|__bundleUrl)\s*\)/g,
  )) {
    if (!existsSync(fileURLToPath(new URL(m[1], `file://${join(ROOT, out)}`))))
      problems.push(`${out}: ${m[1]} does not exist beside the bundle`);
  }
}
if (problems.length) {
  console.error(`bundle-cli: ${problems.join('\n')}`);
  process.exit(1);
}

/**
 * The code cache: V8's bytecode of the bundle after it linted a small SQL file, in a fresh Node (no
 * NODE_OPTIONS: V8 accepts a cache only under the flags it was made with, and Node's version). Where
 * V8 rejects it (another Node, other flags) or it is missing, the bundle compiles as any script.
 */
const sample = mkdtempSync(join(tmpdir(), 'migration-lint-code-cache-'));
try {
  writeFileSync(
    join(sample, '0001_users.sql'),
    [
      'CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL);',
      'CREATE INDEX users_email_idx ON users (email);',
      'ALTER TABLE users ADD COLUMN created_at timestamptz DEFAULT now();',
      '',
    ].join('\n'),
  );
  const loader = JSON.stringify(join(ROOT, 'bin', 'load-bundle.js'));
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const made = spawnSync(
    process.execPath,
    [
      '-e',
      `require(${loader}).writeCodeCache(${JSON.stringify(join(sample, '0001_users.sql'))}).catch((e) => { console.error(e); process.exit(1); });`,
    ],
    { cwd: sample, env, encoding: 'utf8' },
  );
  if (made.status !== 0 || !existsSync(join(DIST, CODE_CACHE)))
    console.warn(`bundle-cli: no code cache (the command line still runs, slower to start): ${made.stderr}`);
  // A cache V8 would reject in every run is only bytes to read: checked in another fresh process.
  else if (
    spawnSync(process.execPath, ['-e', `require(${loader}).checkCodeCache();`], { cwd: sample, env }).status !== 0
  ) {
    rmSync(join(DIST, CODE_CACHE), { force: true });
    console.warn('bundle-cli: V8 rejects the code cache it made: built without one');
  }
} finally {
  rmSync(sample, { recursive: true, force: true });
}
