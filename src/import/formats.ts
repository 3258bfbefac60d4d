import { importDisqus } from './disqus.ts'
import { importEngawa } from './formats/engawa.ts'
import type { Importer } from './records.ts'
import { importWordPress } from './wordpress.ts'

/** Every format `import` accepts, by the name the CLI, the API and the dashboard use. */
export const IMPORTERS: Record<string, Importer> = {
  disqus: importDisqus,
  wordpress: importWordPress,
  engawa: importEngawa,
}
