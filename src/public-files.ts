import { fileURLToPath } from 'node:url'
import { serveStatic } from '@hono/node-server/serve-static'
import { Hono, type Context } from 'hono'

const PUBLIC_DIR = fileURLToPath(new URL('../public', import.meta.url))

/**
 * The app with public/ (the browser's files) beside it, for Node. Workers serve public/ as
 * static assets (wrangler.toml), so the app itself never touches a file system.
 */
export function withPublicFiles(app: { fetch: (request: Request, env?: unknown) => Response | Promise<Response> }) {
  const root = new Hono()
  const cache = { onFound: (_path: string, c: Context) => c.header('Cache-Control', 'public, max-age=300') }
  root.use('/static/*', serveStatic({ root: PUBLIC_DIR, ...cache }))
  root.get('/embed.js', serveStatic({ path: `${PUBLIC_DIR}/embed.js`, ...cache }))
  root.get('/count.js', serveStatic({ path: `${PUBLIC_DIR}/count.js`, ...cache }))
  root.all('*', (c) => app.fetch(c.req.raw, c.env))
  return root
}
