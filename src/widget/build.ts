import { build, type Metafile } from 'esbuild'
import { fileURLToPath } from 'node:url'

// npm run build: the browser's scripts, from src/widget/ into public/ (build outputs, not committed).
const root = fileURLToPath(new URL('../..', import.meta.url))

/** Builds the widget's scripts; the metafile says which sources went into them. */
export async function buildWidget(outdir = 'public'): Promise<Metafile> {
  const common = { absWorkingDir: root, outdir, bundle: true, minify: true, target: 'es2022', legalComments: 'none', logLevel: 'warning', metafile: true } as const
  const [scripts, modules] = await Promise.all([
    build({ ...common, entryPoints: { embed: 'src/widget/embed.ts', count: 'src/widget/count.ts' }, format: 'iife' }),
    // Modules the widget imports when needed: the composer after the first paint, reporting and moderators' menus on demand.
    build({ ...common, entryPoints: { write: 'src/widget/composer.ts', moderate: 'src/widget/moderation.ts', report: 'src/widget/report.ts' }, format: 'esm' }),
  ])
  return { inputs: { ...scripts.metafile.inputs, ...modules.metafile.inputs }, outputs: { ...scripts.metafile.outputs, ...modules.metafile.outputs } }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildWidget()
