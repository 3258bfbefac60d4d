import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses, jsonResponse, SiteParam } from '../http/openapi.ts'
import { createRouter } from '../http/router.ts'
import { REACTION_POLICIES } from './settings.ts'

const PublicSiteJson = z
  .object({
    id: z.string(),
    name: z.string(),
    guestsAllowed: z.boolean().openapi({ description: 'Readers may comment without an account.' }),
    maxCommentLength: z.number().int().openapi({ description: 'Characters a comment may have, counted as a reader sees them (a kanji or an emoji is one).' }),
    editWindowSeconds: z.number().int().openapi({ description: 'How long after posting its author may edit a comment.' }),
    reactions: z.enum(REACTION_POLICIES).openapi({ description: 'Who may react to comments: nobody, signed-in readers, or guests too.' }),
  })
  .openapi('PublicSite')

const publicSiteRoute = createRoute({
  method: 'get',
  path: '/sites/{site}',
  summary: "A site's rules for its readers",
  description: 'What the widget needs before a reader writes: whether guests may comment, the length limit, the edit window.',
  request: { params: SiteParam },
  responses: { 200: jsonResponse(PublicSiteJson, 'Cacheable for a minute.'), ...errorResponses(403, 404) },
})

export function publicSiteRoutes() {
  return createRouter().openapi(publicSiteRoute, (c) => {
    const site = c.var.site
    c.header('Cache-Control', 'public, max-age=60')
    return c.json(
      { id: site.id, name: site.name, guestsAllowed: site.guests_allowed, maxCommentLength: site.max_comment_length, editWindowSeconds: site.edit_window_seconds, reactions: site.reactions },
      200,
    )
  })
}
