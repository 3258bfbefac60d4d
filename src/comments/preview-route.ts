import { createRoute, z } from '@hono/zod-openapi'
import type { Deps } from '../deps.ts'
import { errorResponses, jsonBody, jsonResponse } from '../http/openapi.ts'
import { text, trimBlankLines } from '../http/text.ts'
import { MAX_COMMENT_LENGTH_LIMIT } from '../sites/settings.ts'
import { createRouter } from '../http/router.ts'

const previewRoute = createRoute({
  method: 'post',
  path: '/preview',
  summary: 'Preview Markdown',
  description: 'The exact sanitised HTML a comment with this body would store (images as on a site that disallows them unless `allowsImages`).',
  request: {
    body: jsonBody(
      z.strictObject({ body: text().max(MAX_COMMENT_LENGTH_LIMIT * 2), allowsImages: z.boolean().optional() }).openapi('PreviewRequest'),
    ),
  },
  responses: { 200: jsonResponse(z.object({ html: z.string() }).openapi('Preview'), 'The HTML.'), ...errorResponses(400, 413) },
})

export function previewRoutes({ markdown }: Pick<Deps, 'markdown'>) {
  return createRouter().openapi(previewRoute, (c) => {
    const { body, allowsImages = false } = c.req.valid('json')
    return c.json({ html: markdown.render(trimBlankLines(body), { allowsImages }) }, 200)
  })
}
