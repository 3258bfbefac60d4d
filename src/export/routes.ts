import { createRoute, z } from '@hono/zod-openapi'
import { stream } from 'hono/streaming'
import { SiteParam, errorResponses } from '../http/openapi.ts'
import type { Deps } from '../deps.ts'
import { recordAction } from '../audit/audit-log.ts'
import { managedSite } from '../access/site-access.ts'
import { ENGAWA_EXPORT_SCHEMA_PATH } from './engawa-json.ts'
import schema from './engawa-export-v1.schema.json' with { type: 'json' }
import { EXPORT_FORMATS, exportSite } from './export-site.ts'
import { createRouter } from '../http/router.ts'

const exportRoute = createRoute({
  method: 'get',
  path: '/admin/sites/{site}/export',
  tags: ['Administration'],
  summary: "Download the site's whole comment data",
  description:
    `\`format=engawa\` (the default): Engawa's export format v1, JSON described by the JSON Schema at \`${ENGAWA_EXPORT_SCHEMA_PATH}\`, ` +
    'which `import engawa` reads back. `format=disqus`: the XML a Disqus export has, for services that import Disqus. ' +
    'Streamed as it is read; owners and instance admins, from the dashboard.',
  request: { params: SiteParam, query: z.object({ format: z.enum(EXPORT_FORMATS).default('engawa') }) },
  responses: {
    200: {
      description: 'The export, as an attachment.',
      content: { 'application/json': { schema: z.object({}).passthrough() }, 'application/xml': { schema: z.string() } },
    },
    ...errorResponses(400, 401, 403, 404),
  },
})

const schemaRoute = createRoute({
  method: 'get',
  path: ENGAWA_EXPORT_SCHEMA_PATH,
  tags: ['Administration'],
  summary: "The JSON Schema (draft 2020-12) of Engawa's export format v1",
  responses: { 200: { description: 'A JSON Schema.', content: { 'application/schema+json': { schema: z.object({}).passthrough() } } } },
})

export function exportRoutes(deps: Deps) {
  return createRouter().openapi(exportRoute, async (c) => {
    const { site, user } = await managedSite(deps, c.var.signedIn, c.var.site)
    const { format } = c.req.valid('query')
    const now = deps.clock.now()
    // Every export leaves a line in the audit log: it holds the guests' addresses.
    await recordAction(deps.db, { siteId: site.id, actorUserId: user.id, action: 'export', targetKind: 'site', targetId: site.id, reason: format }, now)
    const out = exportSite(deps.db, site, { format, publicUrl: deps.config.publicUrl, now })
    c.header('Content-Type', out.contentType)
    c.header('Content-Disposition', `attachment; filename="${out.fileName}"`)
    c.header('Cache-Control', 'no-store')
    return stream(
      c,
      async (s) => {
        for await (const chunk of out.chunks) {
          if (s.aborted) return
          await s.write(chunk)
        }
      },
      // The status is sent by now: the download ends short (invalid JSON or XML), and the log says why.
      async (error) => deps.log.error('export failed', { site: site.id, format, error: String(error) }),
    )
  })
}

/** The export format's schema, where each export's `$schema` points. Anyone may read it. */
export function exportSchemaRoutes() {
  const headers = { 'Content-Type': 'application/schema+json', 'Access-Control-Allow-Origin': '*', 'Cache-Control': 'public, max-age=3600' }
  return createRouter().openapi(schemaRoute, (c) => c.json(schema, 200, headers))
}
