import { createHash } from 'node:crypto'
import { build, type Metafile } from 'esbuild'
import { fileURLToPath } from 'node:url'
import { writeOutputs } from '../write-outputs.ts'

// npm run build: the browser's scripts, from src/widget/ into public/ (build outputs, not committed).
const root = fileURLToPath(new URL('../..', import.meta.url))

/** Builds the widget's scripts; the metafile says which sources went into them. */
export async function buildWidget(outdir = 'public'): Promise<Metafile> {
  const common = { absWorkingDir: root, outdir, bundle: true, minify: true, target: 'es2022', legalComments: 'none', logLevel: 'warning', metafile: true } as const
  // Modules the widget imports when needed: the composer after the first paint, reporting and
  // moderators' menus on demand. Built first: embed.js asks for them by their build's hash, so a
  // page that loaded embed.js before a deploy never mixes it with modules made after.
  const modules = await build({
    ...common,
    write: false,
    entryPoints: { write: 'src/widget/composer.ts', moderate: 'src/widget/moderation.ts', report: 'src/widget/report.ts', react: 'src/widget/reactions.ts', inbox: 'src/widget/inbox.ts', profile: 'src/widget/profile-editor.ts', community: 'src/widget/community.ts' },
    format: 'esm',
  })
  const hash = createHash('sha256')
  for (const file of modules.outputFiles) hash.update(file.contents)
  await writeOutputs(modules.outputFiles)
  const scripts = await build({
    ...common,
    write: false,
    entryPoints: { embed: 'src/widget/embed.ts', count: 'src/widget/count.ts' },
    format: 'iife',
    define: { BUILD: JSON.stringify(hash.digest('hex').slice(0, 12)) },
  })
  await writeOutputs(scripts.outputFiles)
  return { inputs: { ...scripts.metafile.inputs, ...modules.metafile.inputs }, outputs: { ...scripts.metafile.outputs, ...modules.metafile.outputs } }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildWidget()
