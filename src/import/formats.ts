import { importDisqus } from './disqus.ts'
import { importArtalk } from './formats/artalk.ts'
import { importCommento } from './formats/commento.ts'
import { importIsso } from './formats/isso.ts'
import { importRemark42 } from './formats/remark42.ts'
import { importWaline } from './formats/waline.ts'
import { importEngawa } from './formats/engawa.ts'
import type { Importer } from './records.ts'
import { importWordPress } from './wordpress.ts'

/** Every format `import` accepts, by the name the CLI, the API and the dashboard use. */
export const IMPORTERS: Record<string, Importer> = {
  disqus: importDisqus,
  wordpress: importWordPress,
  remark42: importRemark42,
  /** Commento's export and Comentario's (versions 1 and 3). */
  commento: importCommento,
  isso: importIsso,
  waline: importWaline,
  artalk: importArtalk,
  engawa: importEngawa,
}
