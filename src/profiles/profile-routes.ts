import { createRoute, z } from '@hono/zod-openapi'
import { actorOf, authorize, can } from '../access/can.ts'
import { requireSignedIn } from '../access/require-session.ts'
import { authorToJson } from '../comments/to-json.ts'
import { readCommentsPage } from '../community/community-page.ts'
import { CommunityCommentJson } from '../community/schemas.ts'
import { publicReads, type Deps } from '../deps.ts'
import { AppError } from '../http/errors.ts'
import { errorResponses, jsonBody, jsonResponse, SiteParam } from '../http/openapi.ts'
import { createRouter } from '../http/router.ts'
import { trimmedText } from '../http/text.ts'
import type { CommunityCache } from '../community/community-cache.ts'
import type { SiteRow } from '../db/schema.ts'
import { strongEtag } from '../threads/page-cache.ts'
import { PAGE_CACHE_CONTROL } from '../threads/page-response.ts'
import { moderateBio, writeBio } from './bio.ts'
import { setProfileVisibility } from './profile-visibility.ts'
import { readProfile, type ProfileViewer } from './read-profile.ts'

const ProfileParams = SiteParam.extend({ user: z.uuid().openapi({ param: { name: 'user', in: 'path' } }) })

const ProfileJson = z
  .object({
    id: z.uuid(),
    name: z.string(),
    hue: z.number().int().optional().openapi({ description: "The avatar's colour, as on the reader's comments." }),
    bio: z.string().openapi({ description: 'Their own words, plain text; empty when they wrote none or a moderator hid it.' }),
    bioHidden: z.boolean().optional().openapi({ description: 'To the reader and the site’s moderators: a moderator hid the bio.' }),
    public: z.boolean().optional().openapi({ description: 'To the reader and the site’s moderators: whether others can see this profile.' }),
    shown: z.boolean().optional().openapi({ description: 'To the reader and the site’s moderators: whether the reader chose to show their profile (others see it only where the site allows profiles too).' }),
    joinedAt: z.iso.datetime().openapi({ description: 'Their first published comment on the site (or, before one, when the account was made).' }),
  })
  .openapi('Profile')

const profileRoute = createRoute({
  method: 'get',
  path: '/sites/{site}/profiles/{user}',
  summary: "A reader's profile on a site, with their comments",
  description:
    'Public only when the reader turned their profile on and the site allows profiles; otherwise (and for a shadow-banned ' +
    'reader, or no such account) 404 `profile_not_found`, except to the reader and the site’s moderators. Comments are the ' +
    "reader's published ones on this site, newest first, paged by `nextCursor`.",
  request: {
    params: ProfileParams,
    query: z.object({ cursor: z.string().max(1000).optional(), limit: z.coerce.number().int().min(1).max(50).default(20) }),
  },
  responses: {
    200: jsonResponse(z.object({ profile: ProfileJson, comments: z.array(CommunityCommentJson), nextCursor: z.string().nullable() }).openapi('ProfilePage'), 'The profile; to readers not signed in with `ETag` and `Cache-Control` as on thread pages.'),
    304: { description: 'Not modified since the ETag in If-None-Match.' },
    ...errorResponses(400, 404),
  },
})

const bioRoute = createRoute({
  method: 'put',
  path: '/sites/{site}/profile',
  summary: 'Write your bio on a site',
  description: 'Signed-in readers: a few words about themselves shown on their profile on this site (plain text, up to 300 characters).',
  request: { params: SiteParam, body: jsonBody(z.strictObject({ bio: trimmedText(0, 300) }).openapi('BioChange')) },
  responses: { 200: jsonResponse(z.object({ bio: z.string() }), 'Saved.'), ...errorResponses(400, 401, 403) },
})

const visibilityRoute = createRoute({
  method: 'put',
  path: '/me/profile',
  tags: ['Accounts'],
  summary: 'Show or hide your profile',
  description: 'Profiles are private until their reader turns them on; this turns it on or off on every site that allows profiles.',
  request: { body: jsonBody(z.strictObject({ public: z.boolean() }).openapi('ProfileVisibility')) },
  responses: { 200: jsonResponse(z.object({ public: z.boolean() }), 'Saved.'), ...errorResponses(400, 401) },
})

const hideBioRoute = createRoute({
  method: 'put',
  path: '/moderation/sites/{site}/profiles/{user}/bio',
  summary: "Hide or show a reader's bio",
  description: 'Moderators: a hidden bio is shown to nobody but its reader and the moderators. Written to the audit log.',
  request: {
    params: ProfileParams,
    body: jsonBody(z.strictObject({ hidden: z.boolean(), reason: trimmedText(0, 500).optional() }).openapi('BioModeration')),
  },
  responses: { 200: jsonResponse(z.object({ hidden: z.boolean() }), 'Done.'), ...errorResponses(400, 401, 403, 404) },
})

/** A profile page as `viewer` sees it; undefined when there is nothing they may see. */
async function profilePage(db: Deps['db'], site: SiteRow, userId: string, viewer: ProfileViewer, ask: { cursor?: string | undefined; limit: number }) {
  // One after the other: on one connection (a replica's page) statements cannot overlap, and the
  // comments of a profile nobody may see are never read.
  const profile = await readProfile(db, site, userId, viewer)
  if (!profile) return undefined
  const page = await readCommentsPage(db, site, ask, userId)
  const { hue } = authorToJson({ site_id: site.id, author_user_id: profile.id, author_fingerprint: null, author_name: profile.name, author_role: null })
  return {
    profile: {
      id: profile.id, name: profile.name, hue, bio: profile.bio, joinedAt: profile.joinedAt.toISOString(),
      ...(viewer === 'other' ? {} : { bioHidden: profile.bioHidden, public: profile.isPublic, shown: profile.shown }),
    },
    ...page,
  }
}

const missing = () => new AppError('profile_not_found', 'There is no public profile here.')

export function profileRoutes(deps: Pick<Deps, 'db' | 'readDb' | 'clock' | 'pages'>, cache: CommunityCache) {
  const { db, clock } = deps
  return createRouter()
    .openapi(profileRoute, async (c) => {
      const site = c.var.site
      const { user: userId } = c.req.valid('param')
      const ask = c.req.valid('query')
      const signedIn = c.var.signedIn
      if (!signedIn) {
        // Anyone's view is everyone's: kept and shared like community pages, by requests at once too.
        const shown = await cache.load(site.id, ['profile', userId, ask.cursor ?? '', ask.limit].join('\n'), async () => {
          // One connection for its statements: on read replicas, one server (as a thread page).
          const page = await publicReads(deps).connection().execute((one) => profilePage(one, site, userId, 'other', ask))
          const body = new TextEncoder().encode(JSON.stringify(page ?? null))
          return { body, etag: await strongEtag(body), missing: page === undefined }
        })
        if (shown.missing) throw missing()
        c.header('Cache-Control', PAGE_CACHE_CONTROL)
        c.header('ETag', shown.etag)
        if (c.req.header('if-none-match') === shown.etag) return c.body(null, 304)
        c.header('Content-Type', 'application/json; charset=UTF-8')
        return c.body(shown.body, 200)
      }
      const viewer: ProfileViewer =
        signedIn.user.id === userId ? 'self' : can(await actorOf(db, signedIn), 'site.moderate', { siteId: site.id }) ? 'moderator' : 'other'
      const page = await profilePage(db, site, userId, viewer, ask)
      if (!page) throw missing()
      // A signed-in reader's view may say more than the public one (their own, a moderator's): never shared through a cache.
      c.header('Cache-Control', 'private, no-store')
      return c.json(page, 200)
    })
    .openapi(bioRoute, async (c) => {
      const { user } = requireSignedIn(c.var.signedIn)
      const site = c.var.site
      const { bio } = c.req.valid('json')
      await writeBio(db, site.id, user.id, bio, clock.now())
      cache.changed(site.id)
      return c.json({ bio }, 200)
    })
    .openapi(visibilityRoute, async (c) => {
      const { user } = requireSignedIn(c.var.signedIn)
      const { public: isPublic } = c.req.valid('json')
      await setProfileVisibility(deps, user.id, isPublic)
      return c.json({ public: isPublic }, 200)
    })
    .openapi(hideBioRoute, async (c) => {
      const { user } = requireSignedIn(c.var.signedIn)
      const site = c.var.site
      authorize(await actorOf(db, c.var.signedIn), 'site.moderate', { siteId: site.id })
      const { user: userId } = c.req.valid('param')
      const { hidden, reason } = c.req.valid('json')
      await moderateBio(db, { siteId: site.id, userId, actorUserId: user.id, hidden, reason: reason || null }, clock.now())
      cache.changed(site.id)
      return c.json({ hidden }, 200)
    })
}
