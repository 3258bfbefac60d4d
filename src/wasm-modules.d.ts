// Workers (and wrangler's bundler) import a .wasm file as a module compiled at deploy time.
declare module '*.wasm' {
  const compiled: WebAssembly.Module
  export default compiled
}
