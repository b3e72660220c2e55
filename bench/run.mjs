#!/usr/bin/env node
/**
 * `npm run bench`: times migration-lint against Squawk on the same generated corpus.
 *
 * Both tools get the same explicit list of files, write JSON to /dev/null (no terminal, so no
 * colour) and run alternately — one warm-up each, then --runs timed runs each. Before timing, one
 * run of each is checked: every file linted, nothing failing to parse. The ratio is against Squawk's
 * native binary; the npm package's `squawk` command (a Node wrapper that spawns that binary, what
 * `npx squawk` runs) is timed too, for reference.
 *
 *   node bench/run.mjs [--runs 5] [--files 2000] [--seed 42]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateCorpus } from './generate.mjs';
import { findSquawk, squawkDir } from '../scripts/squawk.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CORPUS = join(ROOT, 'bench', 'corpus');
const { values } = parseArgs({
  options: { runs: { type: 'string' }, files: { type: 'string' }, seed: { type: 'string' } },
});
const RUNS = Number(values.runs ?? 5);
const FILES = Number(values.files ?? 2000);
const SEED = Number(values.seed ?? 42);

function fail(message) {
  console.error(`bench: ${message}`);
  process.exit(1);
}

// --- the corpus (deterministic: regenerated whenever the parameters differ) ---
const stamp = join(CORPUS, '.params');
const params = JSON.stringify({
  files: FILES,
  seed: SEED,
  generator: statSync(join(ROOT, 'bench', 'generate.mjs')).mtimeMs,
});
if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== params) {
  const g = generateCorpus({ files: FILES, seed: SEED, out: CORPUS });
  writeFileSync(stamp, params);
  console.log(`generated ${g.files} migrations (${g.statements} statements) in bench/corpus`);
}
const files = readdirSync(CORPUS)
  .filter((f) => f.endsWith('.sql'))
  .sort()
  .map((f) => join('bench', 'corpus', f));
if (files.length !== FILES) fail(`expected ${FILES} files in bench/corpus, found ${files.length}`);
const bytes = files.reduce((n, f) => n + statSync(join(ROOT, f)).size, 0);

// --- the two commands ---
if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
  console.log('building migration-lint (npm run build)…');
  if (spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' }).status !== 0) fail('build failed');
}
// Squawk is installed on demand at a pinned version into a cache directory (scripts/squawk.mjs).
const squawk = findSquawk({ install: 'online' });
if (!squawk.binary) fail(squawk.reason);
const SQUAWK = squawk.binary;
const squawkVersion = squawk.version;
const ourVersion = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
const CACHE_DIR = mkdtempSync(join(tmpdir(), 'migration-lint-bench-cache-'));
process.on('exit', () => rmSync(CACHE_DIR, { recursive: true, force: true }));
const tools = [
  {
    name: `migration-lint ${ourVersion}`,
    cmd: process.execPath,
    args: [join(ROOT, 'bin', 'migration-lint.js'), '--format', 'json', ...files],
  },
  { name: `squawk ${squawkVersion}`, cmd: SQUAWK, args: ['--reporter', 'json', ...files] },
  // For reference: what `npx squawk` runs (a Node start-up, then the binary).
  {
    name: 'squawk via npm bin',
    cmd: process.execPath,
    args: [join(squawkDir(), 'node_modules', 'squawk-cli', 'js', 'bin', 'squawk'), '--reporter', 'json', ...files],
  },
  // A warm parse cache: the warm-up run fills it, so every timed run finds all files unchanged.
  {
    name: 'migration-lint --cache',
    cmd: process.execPath,
    args: [
      join(ROOT, 'bin', 'migration-lint.js'),
      '--cache',
      '--cache-location',
      CACHE_DIR,
      '--format',
      'json',
      ...files,
    ],
  },
];

// --- check that both really lint every file ---
const env = { ...process.env, NO_COLOR: '1' };
delete env.FORCE_COLOR;
{
  const r = spawnSync(tools[0].cmd, tools[0].args, { cwd: ROOT, env, encoding: 'utf8', maxBuffer: 1 << 30 });
  const doc = JSON.parse(r.stdout);
  const parseErrors = doc.findings.filter((f) => f.rule === 'parse-error').length;
  if (doc.summary.files !== FILES || parseErrors)
    fail(`migration-lint linted ${doc.summary.files} files with ${parseErrors} parse errors (stderr: ${r.stderr})`);
  console.log(`check: migration-lint linted ${doc.summary.files} files: ${doc.summary.findings} findings`);
}
{
  const r = spawnSync(tools[1].cmd, tools[1].args, { cwd: ROOT, env, encoding: 'utf8', maxBuffer: 1 << 30 });
  const violations = JSON.parse(r.stdout || '[]');
  const seen = new Set(violations.map((v) => v.file)).size;
  const parseErrors = violations.filter((v) => /syntax|parse/i.test(v.rule_name)).length;
  // Squawk lists files only through their findings: every generated file has at least one.
  if (seen !== FILES || parseErrors)
    fail(`squawk reported on ${seen} of ${FILES} files, ${parseErrors} syntax errors (stderr: ${r.stderr})`);
  console.log(`check: squawk reported on ${seen} files: ${violations.length} findings`);
}

// --- timing ---
/** CPU seconds used by waited-for children so far (Linux /proc; undefined elsewhere). */
function childCpu() {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100; // cutime + cstime, in clock ticks (USER_HZ = 100)
  } catch {
    return undefined;
  }
}
const devNull = openSync(process.platform === 'win32' ? 'NUL' : '/dev/null', 'w');
function timeOnce(tool) {
  const cpu0 = childCpu();
  const t0 = process.hrtime.bigint();
  const r = spawnSync(tool.cmd, tool.args, { cwd: ROOT, env, stdio: ['ignore', devNull, devNull] });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu1 = childCpu();
  if (r.status !== 0 && r.status !== 1) fail(`${tool.name} exited with ${r.status}`);
  return { wall, cpu: cpu0 === undefined || cpu1 === undefined ? undefined : cpu1 - cpu0 };
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
for (const tool of tools) timeOnce(tool); // warm-up: file cache, WASM compile cache
const results = tools.map(() => []);
for (let i = 0; i < RUNS; i++) tools.forEach((tool, k) => results[k].push(timeOnce(tool)));

console.log(
  `\n${FILES} files, ${(bytes / 1e6).toFixed(1)} MB; ${RUNS} timed runs each, alternating, after one warm-up each`,
);
const medians = results.map((rs, k) => {
  const wall = median(rs.map((r) => r.wall));
  const cpus = rs.map((r) => r.cpu).filter((c) => c !== undefined);
  const cpu = cpus.length ? median(cpus) : undefined;
  console.log(
    `${tools[k].name.padEnd(22)} median ${wall.toFixed(2)} s${cpu !== undefined ? `  (CPU ${cpu.toFixed(2)} s)` : ''}   runs: ${rs.map((r) => r.wall.toFixed(2)).join(' ')}`,
  );
  return { wall, cpu };
});
console.log(`(ratio against the npm bin: ${(medians[0].wall / medians[2].wall).toFixed(2)})`);
const ratio = medians[0].wall / medians[1].wall;
const cpuRatio =
  medians[0].cpu !== undefined && medians[1].cpu
    ? `; CPU-time ratio ${(medians[0].cpu / medians[1].cpu).toFixed(2)}`
    : '';
console.log(
  `ratio migration-lint/squawk (median wall time): ${ratio.toFixed(2)} (${medians[0].wall.toFixed(2)} s vs ${medians[1].wall.toFixed(2)} s${cpuRatio})`,
);
console.log(
  `ratio warm cache/squawk (median wall time): ${(medians[3].wall / medians[1].wall).toFixed(2)} (${medians[3].wall.toFixed(2)} s vs ${medians[1].wall.toFixed(2)} s)`,
);
