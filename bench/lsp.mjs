#!/usr/bin/env node
/**
 * `npm run bench:lsp`: how fast the language server answers in one large migration directory.
 * Generates --files SQL migrations (bench/generate.mjs) in a temporary directory, starts
 * `migration-lint lsp --stdio`, opens the last migration and times (1) start-up to its first
 * diagnostics, (2) --changes edits, each from didChange to the diagnostics of that version
 * (debounce 0, so the figure is the linting itself), (3) the code actions of a finding, then (4)
 * a second start with the parse cache the first one left. Wall time and the server's CPU time (all its
 * threads, and its main thread alone: the parse workers share a cold start's parsing) are printed, with
 * the load average: on a shared machine the CPU time is the figure to compare.
 *
 *   node bench/lsp.mjs [--files 500] [--changes 20] [--seed 42]
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { generateCorpus } from './generate.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: { files: { type: 'string' }, changes: { type: 'string' }, seed: { type: 'string' } },
});
const FILES = Number(values.files ?? 500);
const CHANGES = Number(values.changes ?? 20);

if (
  !existsSync(join(ROOT, 'dist', 'cli', 'main.js')) &&
  spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' }).status !== 0
)
  process.exit(1);
const dir = mkdtempSync(join(tmpdir(), 'ml-bench-lsp-'));
generateCorpus({ files: FILES, seed: Number(values.seed ?? 42), out: dir });
const last = readdirSync(dir)
  .filter((f) => f.endsWith('.sql'))
  .sort()
  .at(-1);
const path = join(dir, last);
const uri = pathToFileURL(path).href;
const text = readFileSync(path, 'utf8');

/**
 * CPU time (user + system, ms) a process has used: on a busy machine, what wall time cannot show. With
 * `thread`, only its main thread's (the server's parse workers and V8's helper threads left out).
 */
function cpuMs(pid, thread = false) {
  try {
    const fields = readFileSync(thread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8')
      .split(') ')[1]
      .split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in USER_HZ (100)
  } catch {
    return NaN; // not Linux
  }
}

/** One editor session: start the server, open the file, `changes` edits, the code actions of a finding. */
async function session(cacheLocation, changes) {
  const started = performance.now();
  const server = spawn(process.execPath, [join(ROOT, 'bin', 'migration-lint.js'), 'lsp', '--stdio'], {
    cwd: dir,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const client = createMessageConnection(new StreamMessageReader(server.stdout), new StreamMessageWriter(server.stdin));
  const waiting = new Map();
  let lastPublished;
  client.onNotification('textDocument/publishDiagnostics', (p) => {
    if (p.uri !== uri) return;
    lastPublished = p;
    waiting.get(p.version)?.(p);
  });
  const published = (version) => new Promise((resolve) => waiting.set(version, resolve));
  client.listen();
  await client.sendRequest('initialize', {
    processId: process.pid,
    rootUri: pathToFileURL(dir).href,
    capabilities: {},
    initializationOptions: { debounceMs: 0, cacheLocation },
  });
  await client.sendNotification('initialized', {});
  const first = published(1);
  await client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'sql', version: 1, text } });
  await first;
  const out = {
    firstMs: performance.now() - started,
    firstCpuMs: cpuMs(server.pid),
    firstMainCpuMs: cpuMs(server.pid, true),
    changeMs: [],
    changeCpuMs: [],
  };
  for (let v = 2; v < 2 + changes; v++) {
    const next = published(v);
    const t = performance.now();
    const cpu = cpuMs(server.pid);
    await client.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: v },
      contentChanges: [{ text: `${text}\n-- edit ${v}\n` }],
    });
    await next;
    out.changeMs.push(performance.now() - t);
    out.changeCpuMs.push(cpuMs(server.pid) - cpu);
  }
  const flagged = lastPublished.diagnostics[0];
  if (flagged) {
    const t = performance.now();
    await client.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: flagged.range,
      context: { diagnostics: [flagged] },
    });
    out.actionsMs = performance.now() - t;
    out.actionsOf = flagged.code;
  }
  await client.sendRequest('shutdown');
  await client.sendNotification('exit');
  client.dispose();
  return out;
}

// a cache directory of its own: the first session starts cold, the second finds the parses of the first
const cacheLocation = join(dir, '.lsp-cache');
const cold = await session(cacheLocation, CHANGES);
const warm = await session(cacheLocation, 0);
rmSync(dir, { recursive: true, force: true });
const { changeMs, changeCpuMs, firstMs, firstCpuMs, actionsMs } = cold;
const flagged = { code: cold.actionsOf };

const sorted = [...changeMs].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)];
const cpuSorted = [...changeCpuMs].sort((a, b) => a - b);
const { loadavg, cpus } = await import('node:os');
console.log(`lsp: ${FILES} migrations in one directory, ${last} open`);
console.log(
  `  machine: ${cpus().length} cores, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log(
  `  start-up to first diagnostics  ${firstMs.toFixed(0)} ms (server CPU ${firstCpuMs.toFixed(0)} ms, main thread ${cold.firstMainCpuMs.toFixed(0)} ms)`,
);
console.log(
  `  same, second start (parse cache) ${warm.firstMs.toFixed(0)} ms (server CPU ${warm.firstCpuMs.toFixed(0)} ms, main thread ${warm.firstMainCpuMs.toFixed(0)} ms)`,
);
console.log(
  `  per change (median of ${CHANGES})     ${median.toFixed(0)} ms (min ${sorted[0].toFixed(0)}, max ${sorted.at(-1).toFixed(0)}); server CPU median ${cpuSorted[Math.floor(cpuSorted.length / 2)].toFixed(0)} ms`,
);
if (actionsMs !== undefined)
  console.log(`  code actions of a finding      ${actionsMs.toFixed(0)} ms (${flagged.code})`);
