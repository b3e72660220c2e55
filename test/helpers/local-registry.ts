/**
 * A local npm registry on 127.0.0.1 holding one packed migration-lint release and its runtime
 * dependencies, as the public registry would after `npm publish`: the tarball's npm-shrinkwrap.json
 * names every dependency (version, integrity, dependencies, os/cpu), and their tarballs come from
 * npm's content-addressed cache, where the project's own `npm ci` left them. Install paths are then
 * tested the way users run them (`npm install migration-lint@<version>`, `npx --yes …`) without the
 * network. Anything the registry cannot serve is recorded in `missing`.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

interface LockEntry {
  name?: string;
  version: string;
  integrity?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, unknown>;
  bin?: Record<string, string>;
  engines?: Record<string, string>;
  os?: string[];
  cpu?: string[];
  license?: string;
}

export interface LocalRegistry {
  url: string;
  /** Request paths the registry had nothing for. */
  missing: string[];
  close(): Promise<void>;
}

const npmCacheDir = () => execFileSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).trim();

/** A tarball in npm's cache (cacache stores content under its hash: content-v2/<algo>/<hex path>). */
function cachedContent(cache: string, integrity: string): Buffer | undefined {
  const [algorithm, digest] = integrity.split(/\s+/)[0]!.split('-', 2) as [string, string];
  const hex = Buffer.from(digest, 'base64').toString('hex');
  const file = join(cache, '_cacache', 'content-v2', algorithm, hex.slice(0, 2), hex.slice(2, 4), hex.slice(4));
  return existsSync(file) ? readFileSync(file) : undefined;
}

const tarText = (tarball: string, member: string) =>
  execFileSync('tar', ['-xzOf', tarball, `package/${member}`], { encoding: 'utf8' });

/**
 * `lockfile` (a package-lock.json) adds every package it names, development tools included: for
 * installs that build from the repository, as pre-commit does.
 */
export async function startLocalRegistry(tarball: string, options: { lockfile?: string } = {}): Promise<LocalRegistry> {
  const cache = join(npmCacheDir());
  const manifest = JSON.parse(tarText(tarball, 'package.json')) as LockEntry & { name: string };
  const shrinkwrap = JSON.parse(tarText(tarball, 'npm-shrinkwrap.json')) as { packages: Record<string, LockEntry> };
  const ownTarball = readFileSync(tarball);
  /** name → version → manifest (without dist) and where its tarball is. */
  const versions = new Map<
    string,
    Map<string, { manifest: Record<string, unknown>; integrity: string; content: () => Buffer | undefined }>
  >();
  const add = (
    name: string,
    manifest: Record<string, unknown>,
    integrity: string,
    content: () => Buffer | undefined,
  ) => {
    if (!versions.has(name)) versions.set(name, new Map());
    versions.get(name)!.set(String(manifest.version), { manifest, integrity, content });
  };
  add(
    manifest.name,
    { ...manifest, _hasShrinkwrap: true },
    `sha512-${createHash('sha512').update(ownTarball).digest('base64')}`,
    () => ownTarball,
  );
  const lock = options.lockfile
    ? (JSON.parse(readFileSync(options.lockfile, 'utf8')) as typeof shrinkwrap)
    : { packages: {} };
  for (const [path, entry] of [...Object.entries(shrinkwrap.packages), ...Object.entries(lock.packages)]) {
    if (!path || !entry.integrity) continue;
    const name = entry.name ?? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const { integrity, ...fields } = entry;
    const lockOnly = ['dev', 'devOptional', 'optional', 'peer', 'resolved', 'inBundle'];
    const manifestFields = Object.fromEntries(Object.entries(fields).filter(([k]) => !lockOnly.includes(k)));
    add(name, { ...manifestFields, name }, integrity, () => cachedContent(cache, integrity));
  }
  const missing: string[] = [];
  const server = createServer((req, res) => {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]!);
    const tarballMatch = /^\/(.+)\/-\/[^/]+-(\d[^/]*)\.tgz$/.exec(path);
    if (tarballMatch) {
      const content = versions.get(tarballMatch[1]!)?.get(tarballMatch[2]!)?.content();
      if (content) {
        res.setHeader('content-type', 'application/octet-stream');
        res.end(content);
        return;
      }
    } else {
      const name = path.slice(1);
      const known = versions.get(name);
      if (known) {
        const packument = {
          name,
          'dist-tags': { latest: [...known.keys()].at(-1) },
          versions: Object.fromEntries(
            [...known].map(([version, v]) => [
              version,
              {
                ...v.manifest,
                dist: { integrity: v.integrity, tarball: `${base}/${name}/-/${name.split('/').at(-1)}-${version}.tgz` },
              },
            ]),
          ),
        };
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(packument));
        return;
      }
    }
    missing.push(path);
    res.statusCode = 404;
    res.setHeader('content-type', 'application/json');
    res.end('{"error":"not found"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    missing,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // npm's idle keep-alive connections would hold close() open
      }),
  };
}

/** Environment for npm talking to `registry` only, with an empty cache of its own (nothing preinstalled). */
export function npmEnvFor(registry: LocalRegistry, cacheDir: string): Record<string, string> {
  return {
    npm_config_registry: registry.url,
    npm_config_cache: cacheDir,
    npm_config_fetch_retries: '0',
    npm_config_update_notifier: 'false',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
  };
}
