// The `process` that Node-first dependencies (typescript-estree) read for settings: in the page, no
// environment, no argv, and no `versions.node`, so WASM loaders and TypeScript take their browser paths.
export const process = {
  env: {},
  argv: [],
  platform: 'browser',
  versions: {},
  features: {},
  browser: true,
  cwd: () => '/',
};
