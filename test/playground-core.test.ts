/**
 * The playground's core (src/core.ts): built for the browser it imports no Node built-in, it finds
 * exactly what the CLI's pipeline finds, and a link's state survives a round trip while hostile
 * fragments are refused.
 */
import { relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as esbuild from 'esbuild';
import { browserBuildOptions, isBuiltin } from '../playground/build.mjs';
import { EXAMPLES } from '../playground/examples.js';
import { decodeState, encodeState, LIMITS, type PlaygroundState } from '../playground/state.js';
import { lintFiles } from '../src/core.js';
import { lintSources } from '../src/linter.js';
import { utf8ByteLength } from '../src/ir/identifiers.js';
import { REPO_ROOT } from './integrations/helpers.js';

interface BuiltinImport {
  specifier: string;
  importer: string;
}

describe('the core bundled for the browser', () => {
  it('no module of src/ imports a Node built-in, and the bundle imports none', async () => {
    const builtinImports: BuiltinImport[] = [];
    const result = await esbuild.build({
      ...browserBuildOptions(builtinImports),
      entryPoints: [`${REPO_ROOT}/src/core.ts`],
      write: false,
      metafile: true,
      outdir: '/virtual', // not written
      splitting: true,
    });
    const fromSrc = builtinImports
      .map((b) => ({ ...b, importer: relative(REPO_ROOT, b.importer).split(sep).join('/') }))
      .filter((b) => b.importer.startsWith('src/'));
    expect(fromSrc).toEqual([]);
    // The check sees imports: the Node-first dependencies do import built-ins (shimmed for the page).
    expect(builtinImports.some((b) => b.importer.includes('typescript-estree'))).toBe(true);
    const metafile = result.metafile;
    const src = Object.keys(metafile.inputs).filter((p) => p.startsWith('src/'));
    expect(src).toContain('src/linter.ts'.replace('linter', 'lint-core'));
    expect(src).not.toContain('src/linter.ts');
    expect(src).not.toContain('src/parsers/parse-sources.ts');
    expect(src).not.toContain('src/parsers/node-platform.ts');
    const leftOver = Object.values(metafile.outputs).flatMap((o) =>
      o.imports.filter((i) => i.external && isBuiltin(i.path)).map((i) => i.path),
    );
    expect(leftOver).toEqual([]);
  });
});

function exampleFiles(format: string): { path: string; text: string }[] {
  const example = EXAMPLES.find((e) => e.format === format);
  if (!example) throw new Error(`no ${format} example`);
  return example.files;
}

describe('lintFiles (the page) and lintSources (the CLI)', () => {
  it.each(EXAMPLES.map((e) => [e.label, e] as const))('find the same on the %s example', async (_label, example) => {
    const page = await lintFiles(example.files);
    const cli = await lintSources(
      example.files.map((f) => ({ path: f.path, content: { ok: true, text: f.text }, explicit: true })),
      undefined,
      [],
    );
    expect(page.findings.length).toBeGreaterThan(0);
    expect(page.findings).toEqual(cli.findings);
  });

  it('a set mixing Knex and Alembic, with forced options, lints the same', async () => {
    const files = [...exampleFiles('knex'), ...exampleFiles('alembic')];
    const options = { pgVersion: 10, assumeInTransaction: true, dialect: 'postgresql' as const };
    const page = await lintFiles(files, options);
    const cli = await lintSources(
      files.map((f) => ({ path: f.path, content: { ok: true, text: f.text }, explicit: true })),
      { ...options, checkDowngrade: false, rules: {} },
    );
    expect(page.findings).toEqual(cli.findings);
    expect(new Set(page.findings.map((f) => f.file)).size).toBe(4);
  });

  it('a drizzle migration with no breakpoint is read as drizzle when the set holds its journal', async () => {
    const migration = { path: 'drizzle/0001_index.sql', text: 'CREATE INDEX users_email_idx ON users (email);\n' };
    const journal = { path: 'drizzle/meta/_journal.json', text: '{"entries":[]}' };
    const [alone, withJournal] = [await lintFiles([migration]), await lintFiles([migration, journal])];
    const help = (r: typeof alone) => r.findings.find((f) => f.rule === 'require-concurrent-index-creation')?.help;
    expect(help(alone)).not.toMatch(/drizzle/);
    expect(help(withJournal)).toMatch(/With drizzle/);
  });

  it('utf8ByteLength counts what Buffer.byteLength counts, lone surrogates included', () => {
    const samples = ['', 'abc', 'é', '€', '😀', 'a\ud800b', '\udc00', '\ud83d', 'x\ud83d\ude00y', 'ñandú_ß_数据'];
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let k = 0; k < 2000; k++)
      samples.push(
        Array.from({ length: 6 }, () =>
          String.fromCharCode(Math.floor(random() * (random() < 0.5 ? 0x800 : 0x10000))),
        ).join(''),
      );
    for (const s of samples) expect(utf8ByteLength(s), JSON.stringify(s)).toBe(Buffer.byteLength(s, 'utf8'));
  });
});

describe('the state in the URL fragment', () => {
  const state: PlaygroundState = {
    files: [
      { path: 'migrations/001_a.sql', text: 'CREATE INDEX a_idx ON a (b);\n' },
      { path: 'alembic/versions/x1_fk.py', text: 'revision = "x1"\n# ünïcödé 😀\n' },
    ],
    active: 1,
    options: { format: 'alembic', pgVersion: 16, assumeInTransaction: true, dialect: 'postgresql' },
  };

  async function fragmentOf(json: string): Promise<string> {
    const packed = new Uint8Array(
      await new Response(new Blob([json]).stream().pipeThrough(new CompressionStream('deflate-raw'))).arrayBuffer(),
    );
    return `#v1=${Buffer.from(packed).toString('base64url')}`;
  }

  it('round-trips files, the shown tab and the options', async () => {
    const fragment = await encodeState(state);
    expect(fragment).toMatch(/^#v1=[A-Za-z0-9_-]+$/);
    expect(await decodeState(fragment)).toEqual({ ok: true, state });
  });

  it('no fragment is no state; hostile fragments are refused with a reason', async () => {
    expect(await decodeState('')).toBeUndefined();
    const refused = async (fragment: string) => {
      const r = await decodeState(fragment);
      expect(r?.ok, fragment.slice(0, 60)).toBe(false);
      return r && !r.ok ? r.reason : '';
    };
    expect(await refused('#something-else')).toMatch(/not a playground link/);
    expect(await refused('#v1=<script>')).toMatch(/base64url/);
    expect(await refused('#v1=AAAA')).toMatch(/inflate/);
    expect(await refused(`#v1=${'A'.repeat(LIMITS.fragment)}`)).toMatch(/too long/);
    // 64 MB of zeros deflate to ~64 KB: refused once inflating passes the cap, not after.
    expect(await refused(await fragmentOf(' '.repeat(64 * 1024 * 1024)))).toMatch(/more than 2 MB/);
    expect(await refused(await fragmentOf('{"files":'))).toMatch(/JSON/);
    const withState = (patch: object) => fragmentOf(JSON.stringify({ ...state, ...patch }));
    expect(await refused(await withState({ files: [] }))).toMatch(/files/);
    expect(await refused(await withState({ files: [{ path: '../../etc/passwd', text: '' }] }))).toMatch(
      /relative path/,
    );
    expect(await refused(await withState({ files: [{ path: '/abs.sql', text: '' }] }))).toMatch(/relative path/);
    expect(await refused(await withState({ files: [{ path: 'a.sql', text: 1 }] }))).toMatch(/text/);
    expect(await refused(await withState({ files: [{ path: 'a"><img src=x>.sql', text: '' }] }))).toMatch(
      /relative path/,
    );
    const twice = [state.files[0], state.files[0]];
    expect(await refused(await withState({ files: twice }))).toMatch(/twice/);
    const many = Array.from({ length: LIMITS.files + 1 }, (_, i) => ({ path: `m/${String(i)}.sql`, text: '' }));
    expect(await refused(await withState({ files: many }))).toMatch(/files/);
    expect(await refused(await withState({ options: { ...state.options, format: 'rails' } }))).toMatch(/format/);
    expect(await refused(await withState({ options: { ...state.options, pgVersion: 1e9 } }))).toMatch(/pgVersion/);
    expect(await refused(await withState({ options: { ...state.options, dialect: 'mysql' } }))).toMatch(/dialect/);
    expect(await refused(await withState({ options: null }))).toMatch(/options/);
    // Out-of-range tab index: the state loads, showing the first tab.
    expect(await decodeState(await withState({ active: 99 }))).toEqual({ ok: true, state: { ...state, active: 0 } });
  });
});
