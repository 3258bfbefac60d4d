import { readFileSync } from 'node:fs'
import { SourceMap } from 'node:module'
import { dirname, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * Stack traces of the bundled server (dist/server.js) name the files under src/ and
 * node_modules/ they came from. `node --enable-source-maps` does this too, but reads and
 * parses the 2 MB map as the bundle loads, a tenth of every start; here the map is read when
 * the first trace is written, which most processes never do.
 */
export function mapBundleStackTraces(bundleUrl: string): void {
  const bundle = fileURLToPath(bundleUrl)
  const root = resolve(dirname(bundle), '..')
  let map: SourceMap | null | undefined
  const loadMap = () => {
    try {
      return new SourceMap(JSON.parse(readFileSync(`${bundle}.map`, 'utf8')))
    } catch {
      return null // no map beside the bundle: traces stay as V8 writes them
    }
  }
  Error.prepareStackTrace = (error: Error, frames: NodeJS.CallSite[]) => {
    const lines = frames.map((frame) => {
      const file = frame.getFileName()
      if (file !== bundleUrl && file !== bundle) return `    at ${frame}`
      map ??= loadMap()
      const entry = map?.findEntry((frame.getLineNumber() ?? 1) - 1, (frame.getColumnNumber() ?? 1) - 1)
      if (!entry || !('originalSource' in entry)) return `    at ${frame}`
      const source = relative(root, resolve(dirname(bundle), entry.originalSource))
      const name = frame.getFunctionName() ?? frame.getMethodName()
      const place = `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`
      return `    at ${frame.isAsync() ? 'async ' : ''}${name ? `${name} (${place})` : place}`
    })
    return [Error.prototype.toString.call(error), ...lines].join('\n')
  }
}
