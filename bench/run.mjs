#!/usr/bin/env node
/**
 * `npm run bench`: times migration-lint against Squawk on the same generated corpus, and prints
 * the four figures of issue 12 in one run:
 *   1. cold run on the corpus (no cache) against Squawk's native binary, with its floor: libpg-query's
 *      parse of the same files alone (bench/parse-only.mjs), on one thread,
 *   2. warm run (`--cache`, every file unchanged) against the same,
 *   3. start-up on one SQL file against Squawk's npm shim (what `npx squawk` runs) and against a bare
 *      `node -e 0` plus libpg-query's own load, with a warm and a cold filesystem cache,
 *   4. peak RSS on the corpus, and with --series the time and peak RSS at 2,000/5,000/10,000 files.
 *
 * Both tools get the same explicit list of files, write JSON to /dev/null (no terminal, so no
 * colour) and run alternately — one warm-up each, then --runs timed runs each. Before timing, one
 * run of each is checked: every file linted, nothing failing to parse. Wall time, CPU time and peak
 * RSS of each run come from GNU time (/usr/bin/time) where it exists. On a busy machine wall times
 * swing: the CPU-time ratio and the load average printed with them say how far to trust them.
 *
 *   node bench/run.mjs [--runs 5] [--files 2000] [--seed 42] [--startup-runs 10] [--series]
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { existsSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateCorpus } from './generate.mjs';
import { findSquawk, squawkDir } from '../scripts/squawk.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    runs: { type: 'string' },
    files: { type: 'string' },
    seed: { type: 'string' },
    'startup-runs': { type: 'string' },
    series: { type: 'boolean' },
  },
});
const RUNS = Number(values.runs ?? 5);
const FILES = Number(values.files ?? 2000);
const SEED = Number(values.seed ?? 42);
const STARTUP_RUNS = Number(values['startup-runs'] ?? 10);
const load = () =>
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} on ${availableParallelism()} cores`;

function fail(message) {
  console.error(`bench: ${message}`);
  process.exit(1);
}

// --- the corpus (deterministic: regenerated whenever the parameters differ) ---
/** The corpus of `count` files (in bench/corpus, or bench/corpus/<count> for the series), as paths relative to ROOT. */
function corpus(count, dir) {
  const stamp = join(ROOT, dir, '.params');
  const params = JSON.stringify({
    files: count,
    seed: SEED,
    generator: statSync(join(ROOT, 'bench', 'generate.mjs')).mtimeMs,
  });
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== params) {
    const g = generateCorpus({ files: count, seed: SEED, out: join(ROOT, dir) });
    writeFileSync(stamp, params);
    console.log(`generated ${g.files} migrations (${g.statements} statements) in ${dir}`);
  }
  const list = readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => join(dir, f));
  if (list.length !== count) fail(`expected ${count} files in ${dir}, found ${list.length}`);
  return list;
}
const files = corpus(FILES, join('bench', 'corpus'));
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
  // The floor of figure 1: libpg-query's parse of every file on one thread, and nothing else.
  { name: 'libpg-query parse only', cmd: process.execPath, args: [join(ROOT, 'bench', 'parse-only.mjs'), ...files] },
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
/** GNU time, for each run's peak RSS (Node cannot read a child's rusage). */
const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const TIME_OUT = join(CACHE_DIR, 'time.txt');
function timeOnce(tool) {
  const cpu0 = childCpu();
  const t0 = process.hrtime.bigint();
  const [cmd, args] = GNU_TIME
    ? [GNU_TIME, ['-o', TIME_OUT, '-f', '%M', tool.cmd, ...tool.args]]
    : [tool.cmd, tool.args];
  const r = spawnSync(cmd, args, { cwd: ROOT, env, stdio: ['ignore', devNull, devNull] });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu1 = childCpu();
  if (r.status !== 0 && r.status !== 1) fail(`${tool.name} exited with ${r.status}`);
  const rssKb = GNU_TIME ? Number(readFileSync(TIME_OUT, 'utf8').trim().split('\n').at(-1)) : NaN;
  return {
    wall,
    cpu: cpu0 === undefined || cpu1 === undefined ? undefined : cpu1 - cpu0,
    rss: Number.isFinite(rssKb) ? rssKb / 1024 : undefined,
  };
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const loadBefore = load();
for (const tool of tools) timeOnce(tool); // warm-up: file cache, WASM compile cache
const results = tools.map(() => []);
for (let i = 0; i < RUNS; i++) tools.forEach((tool, k) => results[k].push(timeOnce(tool)));

console.log(
  `\n${FILES} files, ${(bytes / 1e6).toFixed(1)} MB; ${RUNS} timed runs each, alternating, after one warm-up each`,
);
console.log(`${loadBefore} before, ${load()} after`);
const mb = (x) => (x === undefined ? 'n/a' : `${x.toFixed(0)} MB`);
const medians = results.map((rs, k) => {
  const wall = median(rs.map((r) => r.wall));
  const cpus = rs.map((r) => r.cpu).filter((c) => c !== undefined);
  const cpu = cpus.length ? median(cpus) : undefined;
  const rsses = rs.map((r) => r.rss).filter((x) => x !== undefined);
  const rss = rsses.length ? Math.max(...rsses) : undefined;
  console.log(
    `${tools[k].name.padEnd(22)} median ${wall.toFixed(2)} s${cpu !== undefined ? `  (CPU ${cpu.toFixed(2)} s)` : ''}  peak RSS ${mb(rss)}   runs: ${rs.map((r) => r.wall.toFixed(2)).join(' ')}`,
  );
  return { wall, cpu, rss };
});
console.log(`(ratio against the npm bin: ${(medians[0].wall / medians[2].wall).toFixed(2)})`);
const cpuRatio = (a, b) => (a.cpu !== undefined && b.cpu ? `; CPU-time ratio ${(a.cpu / b.cpu).toFixed(2)}` : '');
const figures = [];
figures.push(
  `1. cold run/squawk (median wall time): ${(medians[0].wall / medians[1].wall).toFixed(2)} (${medians[0].wall.toFixed(2)} s vs ${medians[1].wall.toFixed(2)} s${cpuRatio(medians[0], medians[1])})  goal ≤ 1.0`,
);
figures.push(
  `   floor: libpg-query's parse alone/squawk: ${(medians[4].wall / medians[1].wall).toFixed(2)} (${medians[4].wall.toFixed(2)} s${cpuRatio(medians[4], medians[1])}): what any run on one thread costs before its IR and rules`,
);
figures.push(
  `2. warm cache/squawk (median wall time): ${(medians[3].wall / medians[1].wall).toFixed(2)} (${medians[3].wall.toFixed(2)} s vs ${medians[1].wall.toFixed(2)} s${cpuRatio(medians[3], medians[1])})  goal ≤ 0.25`,
);

// --- start-up: one SQL file ---
const ONE = join(CACHE_DIR, 'one.sql');
writeFileSync(ONE, 'CREATE INDEX users_email_idx ON users (email);\n');
const startupTools = [
  { name: 'migration-lint one.sql', cmd: process.execPath, args: [join(ROOT, 'bin', 'migration-lint.js'), ONE] },
  { name: 'squawk npm bin one.sql', cmd: process.execPath, args: [tools[2].args[0], ONE] },
  { name: 'squawk native one.sql', cmd: SQUAWK, args: [ONE] },
  { name: 'node -e 0', cmd: process.execPath, args: ['-e', '0'] },
  {
    name: 'node + libpg-query load',
    cmd: process.execPath,
    args: ['-e', `require(${JSON.stringify(join(ROOT, 'node_modules', 'libpg-query'))}).loadModule()`],
  },
];
/**
 * A cold filesystem cache without root: GNU dd's `iflag=nocache` drops the page cache of each file
 * of both tools (our bin, dist, package.json and the packages a SQL run loads; Squawk's shim and
 * binary). Node's own binary stays cached: both tools start it.
 */
function dropCaches() {
  const roots = [
    join(ROOT, 'bin'),
    join(ROOT, 'dist'),
    join(ROOT, 'package.json'),
    join(ROOT, 'node_modules', 'libpg-query'),
    join(ROOT, 'node_modules', 'commander'),
    join(squawkDir(), 'node_modules'),
  ];
  const walk = (p) => {
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) return [];
    return st.isDirectory() ? readdirSync(p).flatMap((e) => walk(join(p, e))) : [p];
  };
  const all = roots.flatMap(walk);
  for (let i = 0; i < all.length; i += 500)
    spawnSync('xargs', ['-0', '-I{}', 'dd', 'if={}', 'iflag=nocache', 'count=0', 'status=none'], {
      input: all.slice(i, i + 500).join('\0'),
    });
}
const canDropCaches = spawnSync('dd', ['if=' + ONE, 'iflag=nocache', 'count=0', 'status=none']).status === 0;
const startup = { warm: startupTools.map(() => []), cold: startupTools.map(() => []) };
for (const tool of startupTools) timeOnce(tool);
// Wall and CPU time: on a busy machine the CPU time of a run tells more than its wall time.
for (let i = 0; i < STARTUP_RUNS; i++) startupTools.forEach((tool, k) => startup.warm[k].push(timeOnce(tool)));
if (canDropCaches)
  for (let i = 0; i < Math.ceil(STARTUP_RUNS / 2); i++)
    startupTools.forEach((tool, k) => {
      dropCaches();
      startup.cold[k].push(timeOnce(tool));
    });
console.log(
  `\nstart-up on one SQL file, ${STARTUP_RUNS} warm${canDropCaches ? ` and ${Math.ceil(STARTUP_RUNS / 2)} cold` : ''} runs each, alternating; ${load()}`,
);
const ms = (xs) => (xs.length ? `${(median(xs) * 1000).toFixed(0)} ms` : 'n/a');
const wallAndCpu = (runs) => {
  const cpus = runs.map((r) => r.cpu).filter((c) => c !== undefined);
  return `${ms(runs.map((r) => r.wall)).padStart(7)}${cpus.length === runs.length && runs.length ? ` (CPU ${ms(cpus).padStart(6)})` : ''}`;
};
startupTools.forEach((tool, k) =>
  console.log(`${tool.name.padEnd(24)} warm ${wallAndCpu(startup.warm[k])}   cold ${wallAndCpu(startup.cold[k])}`),
);
for (const cache of canDropCaches ? ['warm', 'cold'] : ['warm']) {
  const m = startup[cache].map((runs) => median(runs.map((r) => r.wall)));
  const c = startup[cache].map((runs) =>
    runs.every((r) => r.cpu !== undefined) ? median(runs.map((r) => r.cpu)) : NaN,
  );
  const cpuRatios = Number.isFinite(c[0] / c[1] / c[4])
    ? `; CPU-time ratios ${(c[0] / c[1]).toFixed(2)} and ${(c[0] / c[4]).toFixed(2)}`
    : '';
  figures.push(
    `3. start-up (${cache} fs cache): ${(m[0] / m[1]).toFixed(2)}× squawk's npm bin, ${(m[0] / m[4]).toFixed(2)}× node + libpg-query load (${(m[0] * 1000).toFixed(0)} vs ${(m[1] * 1000).toFixed(0)} vs ${(m[4] * 1000).toFixed(0)} ms${cpuRatios})  goal ≤ 1.5 and ≤ 1.5`,
  );
}
figures.push(
  `4. peak RSS on ${FILES} files: ${mb(medians[0].rss)} (squawk ${mb(medians[1].rss)}; --cache warm ${mb(medians[3].rss)})  goal ≤ 200 MB`,
);

// --- the series: linear time, flat memory per file ---
if (values.series) {
  console.log(`\nseries (one run each after a warm-up; ${load()}):`);
  for (const count of [2000, 5000, 10000]) {
    const list = count === FILES ? files : corpus(count, join('bench', `corpus-${count}`));
    const ours = {
      name: `migration-lint ${count}`,
      cmd: tools[0].cmd,
      args: [tools[0].args[0], '--format', 'json', ...list],
    };
    const theirs = { name: `squawk ${count}`, cmd: SQUAWK, args: ['--reporter', 'json', ...list] };
    timeOnce(ours);
    const a = timeOnce(ours);
    const b = timeOnce(theirs);
    const line = `${String(count).padStart(6)} files: migration-lint ${a.wall.toFixed(2)} s (${((a.wall / count) * 1000).toFixed(2)} ms/file${a.cpu !== undefined ? `, CPU ${a.cpu.toFixed(2)} s` : ''}), peak RSS ${mb(a.rss)}; squawk ${b.wall.toFixed(2)} s, ${mb(b.rss)}`;
    console.log(line);
    figures.push(`4. series ${line.trim()}`);
  }
}

console.log(`\nfigures (${load()}):\n${figures.map((f) => `  ${f}`).join('\n')}`);
