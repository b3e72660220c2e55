// Node built-ins that dependencies import on code paths the page never takes (reading files,
// tsconfig lookup, Node-only WASM loading): an empty module in the browser build.
export default {};
