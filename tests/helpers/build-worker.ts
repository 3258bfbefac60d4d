import { build, type Metafile } from 'esbuild'

/** Bundles src/worker.ts as Wrangler would for workerd: platform neutral, worker conditions, Node built-ins external. */
export async function buildWorker(outfile: string): Promise<Metafile> {
  const result = await build({
    entryPoints: ['src/worker.ts'],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    // .wasm: modules Workers compile at deploy, imported as such.
    external: ['*.wasm', 'node:*', 'cloudflare:*', 'fs', 'path', 'url', 'os', 'crypto', 'stream', 'events', 'util', 'net', 'tls', 'dns', 'string_decoder', 'buffer'],
    outfile,
    metafile: true,
    // pg is CommonJS and requires Node built-ins; in an ES module those requires need a real require.
    banner: { js: "import { createRequire as __engawaCreateRequire } from 'node:module'; const require = __engawaCreateRequire('/');" },
    logLevel: 'silent',
  })
  return result.metafile
}
