import { build, type Metafile } from 'esbuild'
import { fileURLToPath } from 'node:url'

// npm run build: the browser's scripts, from src/widget/ into public/ (build outputs, not committed).
const root = fileURLToPath(new URL('../..', import.meta.url))

/** Builds the widget's scripts; the metafile says which sources went into them. */
export async function buildWidget(outdir = 'public'): Promise<Metafile> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: { embed: 'src/widget/embed.ts', count: 'src/widget/count.ts' },
    outdir,
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2022'],
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
  })
  return result.metafile
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildWidget()
