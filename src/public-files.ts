import { join } from 'node:path'
import { serveStatic } from '@hono/node-server/serve-static'
import { Hono, type Context } from 'hono'
import { NO_SNIFF } from './http/middleware/standard-headers.ts'
import { TDM_HEADERS } from './http/middleware/tdm-reservation.ts'
import { packageRoot } from './package-root.ts'

const PUBLIC_DIR = join(packageRoot(), 'public')

/**
 * The app with public/ (the browser's files) beside it, for Node. Workers serve public/ as
 * static assets (wrangler.toml), so the app itself never touches a file system.
 */
export function withPublicFiles(app: { fetch: (request: Request, env?: unknown) => Response | Promise<Response> }) {
  const root = new Hono()
  // The browser's files carry what every answer of the app does (no sniffing, the TDM reservation).
  const onFound = (_path: string, c: Context) => {
    for (const [name, value] of Object.entries({ 'Cache-Control': 'public, max-age=300', ...NO_SNIFF, ...TDM_HEADERS })) c.header(name, value)
  }
  const cache = { onFound }
  root.use('/static/*', serveStatic({ root: PUBLIC_DIR, ...cache }))
  root.get('/embed.js', serveStatic({ path: `${PUBLIC_DIR}/embed.js`, ...cache }))
  root.get('/count.js', serveStatic({ path: `${PUBLIC_DIR}/count.js`, ...cache }))
  // Modules the widget imports into other sites' pages: module scripts are fetched with CORS.
  for (const module of ['write.js', 'moderate.js', 'report.js', 'react.js', 'inbox.js', 'profile.js', 'community.js'])
    root.get(`/${module}`, serveStatic({ path: `${PUBLIC_DIR}/${module}`, onFound: (path, c) => {
      onFound(path, c)
      c.header('Access-Control-Allow-Origin', '*')
    } }))
  root.all('*', (c) => app.fetch(c.req.raw, c.env))
  return root
}
