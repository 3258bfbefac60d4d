import { build } from 'esbuild'
import { fileURLToPath } from 'node:url'
import { buildPgliteTemplate } from './db/pglite-template.ts'
import { buildWidget } from './widget/build.ts'
import { writeOutputs } from './write-outputs.ts'

// npm run build (before start, test and bench): the widget and the scripts of Engawa's own pages
// into public/, the Node server as one file (dist/server.js), and the migrated embedded database
// a new data folder starts from (dist/pglite-template/). Build outputs, not committed.
const root = fileURLToPath(new URL('..', import.meta.url))

/** The scripts of Engawa's own pages, each beside the feature that serves its page. */
const PAGE_SCRIPTS = { setup: 'src/setup/setup-form.ts', auth: 'src/auth/pages/auth-script.ts', dashboard: 'src/dashboard/script/dashboard.ts' }

await buildWidget()
const pages = await build({
  absWorkingDir: root,
  outdir: 'public/static',
  entryPoints: PAGE_SCRIPTS,
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2022',
  legalComments: 'none',
  logLevel: 'warning',
  write: false,
})
await writeOutputs(pages.outputFiles)
// `npm run build:assets` (wrangler's build step): what Workers serve as static assets, no more.
if (process.argv.includes('--assets')) process.exit(0)
// The Node server as one file, its packages in it: node starts it in a fraction of the time tsx
// takes to compile src/ at each start, and without resolving hundreds of package files. What
// loads files beside its own code (WebAssembly, native addons) stays in node_modules. The
// source map points errors back to src/.
const LOADS_FILES_BESIDE_ITSELF = ['@electric-sql/pglite', '@node-rs/argon2', 'sql.js', 'pg-native']
await build({
  absWorkingDir: root,
  entryPoints: ['src/server.ts'],
  outfile: 'dist/server.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: LOADS_FILES_BESIDE_ITSELF,
  // Bundled CommonJS packages require() Node's modules; an ES module has no require of its own.
  banner: { js: "import { createRequire as engawaCreateRequire } from 'node:module'; const require = engawaCreateRequire(import.meta.url);" },
  sourcemap: 'linked',
  sourcesContent: false,
  logLevel: 'warning',
})
const template = await buildPgliteTemplate()
if (template.built) console.error(`Made the embedded database's template in ${template.dir}.`)
