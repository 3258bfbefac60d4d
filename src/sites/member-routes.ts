import { SiteParam, errorResponses, jsonBody, jsonResponse } from '../http/openapi.ts'
import { createRoute, z } from '@hono/zod-openapi'
import type { Deps } from '../deps.ts'
import { managedSite } from '../access/site-access.ts'
import type { SiteRow } from '../db/schema.ts'
import type { SignedIn } from '../http/app-env.ts'
import { AppError } from '../http/errors.ts'
import { listMembers } from './members.ts'
import { requireDashboardSession } from '../access/require-session.ts'
import { acceptInvitation, inviteMember } from './invitations.ts'
import { createRouter } from '../http/router.ts'

const tags = ['Administration']
const Role = z.enum(['owner', 'moderator'])

const MembersJson = z
  .object({
    members: z.array(z.object({ userId: z.uuid(), displayName: z.string(), email: z.string().nullable(), role: Role })),
    invitations: z.array(z.object({ id: z.string(), email: z.string(), role: Role, expiresAt: z.string() })),
  })
  .openapi('SiteMembers')

const listRoute = createRoute({
  method: 'get',
  path: '/admin/sites/{site}/members',
  tags,
  summary: "A site's owners and moderators, and open invitations",
  request: { params: SiteParam },
  responses: { 200: jsonResponse(MembersJson, 'Members.'), ...errorResponses(401, 403, 404) },
})

const inviteRoute = createRoute({
  method: 'post',
  path: '/admin/sites/{site}/invitations',
  tags,
  summary: 'Invite a moderator (or owner) by email',
  request: { params: SiteParam, body: jsonBody(z.strictObject({ email: z.email().max(254), role: Role.default('moderator') }).openapi('Invitation')) },
  responses: { 201: jsonResponse(z.object({ id: z.string() }), 'Invited; a mail is on its way.'), ...errorResponses(400, 401, 403, 404, 415) },
})

const removeRoute = createRoute({
  method: 'delete',
  path: '/admin/sites/{site}/members/{userId}',
  tags,
  summary: "Take someone's role on a site away",
  request: { params: SiteParam.extend({ userId: z.uuid().openapi({ param: { name: 'userId', in: 'path' } }) }) },
  responses: { 204: { description: 'Removed.' }, ...errorResponses(400, 401, 403, 404, 409) },
})

const acceptRoute = createRoute({
  method: 'post',
  path: '/auth/invitations/accept',
  tags: ['Accounts'],
  summary: 'Accept an invitation to help run a site',
  description: 'Signed in with the invited address (the dashboard cookie).',
  request: { body: jsonBody(z.strictObject({ token: z.string().max(100) }).openapi('InvitationAcceptance')) },
  responses: { 200: jsonResponse(z.object({ siteId: z.string(), role: Role }), 'Accepted.'), ...errorResponses(400, 401, 403, 415) },
})

export function adminRoutes(deps: Deps) {
  const manage = (signedIn: SignedIn | undefined, site: SiteRow) => managedSite(deps, signedIn, site)

  return createRouter()
    .openapi(listRoute, async (c) => {
      const { site } = await manage(c.var.signedIn, c.var.site)
      const { members, invitations } = await listMembers(deps.db, site.id, deps.clock.now())
      return c.json({ members, invitations: invitations.map((i) => ({ ...i, expiresAt: i.expiresAt.toISOString() })) }, 200)
    })
    .openapi(inviteRoute, async (c) => {
      const { site, signedIn } = await manage(c.var.signedIn, c.var.site)
      const { email, role } = c.req.valid('json')
      const invitation = await inviteMember(
        deps.db,
        deps.config.publicUrl,
        { site, email, role, invitedBy: signedIn.user.id, inviterName: signedIn.user.display_name },
        deps.clock.now(),
      )
      return c.json(invitation, 201)
    })
    .openapi(removeRoute, async (c) => {
      const { userId } = c.req.valid('param')
      const { site } = await manage(c.var.signedIn, c.var.site)
      await deps.db.transaction().execute(async (tx) => {
        const owners = await tx.selectFrom('site_members').select('user_id').where('site_id', '=', site.id).where('role', '=', 'owner').forUpdate().execute()
        if (owners.length === 1 && owners[0]?.user_id === userId)
          throw new AppError('conflict', 'A site keeps at least one owner: make someone else owner first.')
        const removed = await tx.deleteFrom('site_members').where('site_id', '=', site.id).where('user_id', '=', userId).executeTakeFirst()
        if (Number(removed.numDeletedRows) === 0) throw new AppError('not_found', 'That person has no role on this site.')
      })
      return c.body(null, 204)
    })
    .openapi(acceptRoute, async (c) => {
      const { user } = requireDashboardSession(c.var.signedIn)
      return c.json(await acceptInvitation(deps.db, c.req.valid('json').token, user, deps.clock.now()), 200)
    })
}
