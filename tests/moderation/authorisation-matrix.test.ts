import { describe, expect, it } from 'vitest'
import { setSiteRole } from '../../src/sites/members.ts'
import { bearer, ENGAWA_ORIGIN, fromEngawa, signUpAndVerify, widgetToken } from '../helpers/accounts.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { ARTICLE_URL, startApp } from '../helpers/harness.ts'

type Actor = 'anonymous' | 'reader' | 'author' | 'foreign moderator' | 'moderator' | 'moderator (widget)' | 'owner' | 'instance admin'
const ACTORS: Actor[] = ['anonymous', 'reader', 'author', 'foreign moderator', 'moderator', 'moderator (widget)', 'owner', 'instance admin']
const MODERATORS: Actor[] = ['moderator', 'moderator (widget)', 'owner', 'instance admin']
const MANAGERS: Actor[] = ['owner', 'instance admin']

/** One route or action: how to make a fresh target for it, and the request. */
interface Case {
  name: string
  allowed: Actor[]
  /** The audit action an allowed request records; undefined for reads. */
  audit?: string
  request: (target: string) => { method: string; path: string; body?: unknown }
  prepare: () => Promise<string>
  /** Refusals other than 401/403. */
  refused?: Partial<Record<Actor, number>>
}

forEachBackend((database) => {
  describe('the moderation authorisation matrix', () => {
    // 27 routes × 8 actors: well over the default timeout on a loaded two-core machine.
    it('allows every moderation route and action to exactly its actors, audits each, and a refusal writes nothing', { timeout: 180_000 }, async () => {
      const t = await startApp(database(), { site: { blockedWords: ['holdme'] } })
      const other = await startApp(database())
      const people = {} as Record<Exclude<Actor, 'anonymous' | 'moderator (widget)'>, { cookie: string; token: string; email: string; user: { id: string } }>
      for (const who of ['reader', 'author', 'foreign moderator', 'moderator', 'owner', 'instance admin'] as const) {
        const a = await signUpAndVerify(t, undefined, who)
        people[who] = { ...a, token: await widgetToken(t, a.cookie) }
      }
      await setSiteRole(t.db, other.site.id, people['foreign moderator'].email, 'moderator')
      await setSiteRole(t.db, t.site.id, people.moderator.email, 'moderator')
      await setSiteRole(t.db, t.site.id, people.owner.email, 'owner')
      await t.db.updateTable('users').set({ is_instance_admin: true }).where('id', '=', people['instance admin'].user.id).execute()
      const modCookie = people.moderator.cookie
      const site = t.site.id

      let n = 0
      const post = async (body: string) => {
        const res = await t.post(`/api/v1/sites/${site}/comments`, { thread: { url: ARTICLE_URL }, body: `${body} ${n++}` }, { headers: bearer(people.author.token) })
        expect(res.status).toBe(201)
        return (await res.json()).comment.id as string
      }
      const modAct = async (path: string, body: unknown) => expect((await fromEngawa(t, 'POST', path, body, modCookie)).status).toBe(200)
      const commentPath = (id: string) => `/api/v1/moderation/sites/${site}/comments/${id}`
      const authors = `/api/v1/moderation/sites/${site}/authors`
      const authorKey = `user:${people.author.user.id}`
      const commentCase = (action: string, prepare: () => Promise<string>): Case => ({
        name: `comment ${action}`, allowed: MODERATORS, audit: action, prepare,
        request: (id) => ({ method: 'POST', path: commentPath(id), body: { action, reason: 'matrix' } }),
      })
      const published = () => post('Published')
      const pending = () => post('Please holdme')
      const hidden = async () => { const id = await post('Hidden'); await modAct(commentPath(id), { action: 'hide' }); return id }
      const pinned = async () => { const id = await post('Pinned'); await modAct(commentPath(id), { action: 'pin' }); return id }
      const authorCase = (action: string, before?: string): Case => ({
        name: `author ${action}`, allowed: MODERATORS, audit: action,
        prepare: async () => {
          const id = await published()
          if (before) await modAct(authors, { commentId: id, action: before })
          return id
        },
        request: (id) => ({ method: 'POST', path: authors, body: { commentId: id, action, reason: 'matrix' } }),
      })
      const read = (name: string, path: (id: string) => string, allowed = MODERATORS): Case => ({
        name, allowed, prepare: published, request: (id) => ({ method: 'GET', path: path(id) }),
      })

      const cases: Case[] = [
        commentCase('approve', pending),
        commentCase('reject', pending),
        commentCase('hide', published),
        commentCase('unhide', hidden),
        commentCase('spam', published),
        commentCase('delete', published),
        commentCase('dismiss', async () => {
          const id = await published()
          const reported = await t.post(`/api/v1/sites/${site}/comments/${id}/reports`, { reason: 'spam' }, { ip: `192.0.2.${n++ % 250}` })
          expect(reported.status).toBe(201)
          return id
        }),
        commentCase('pin', published),
        commentCase('unpin', pinned),
        {
          name: 'thread lock', allowed: MODERATORS, audit: 'lock', prepare: published,
          request: () => ({ method: 'POST', path: `/api/v1/moderation/sites/${site}/threads/lock`, body: { url: ARTICLE_URL, locked: true } }),
        },
        authorCase('ban'),
        authorCase('unban', 'ban'),
        authorCase('shadow-ban'),
        authorCase('unshadow-ban', 'shadow-ban'),
        authorCase('trust'),
        authorCase('untrust', 'trust'),
        read('queue of the site', () => `/api/v1/moderation/sites/${site}/queue`),
        read('audit log', () => `/api/v1/moderation/sites/${site}/audit`),
        read('versions', (id) => `/api/v1/moderation/sites/${site}/comments/${id}/versions`),
        read('bans', () => `/api/v1/moderation/sites/${site}/bans`),
        read('search', () => `/api/v1/moderation/sites/${site}/search?text=Published`),
        read('author history', () => `/api/v1/moderation/sites/${site}/authors/${authorKey}`),
        read('settings', () => `/api/v1/admin/sites/${site}/settings`, ['owner', 'instance admin']),
        {
          name: 'settings change', allowed: MANAGERS, audit: 'settings', prepare: published,
          request: () => ({ method: 'PATCH', path: `/api/v1/admin/sites/${site}/settings`, body: { maxLinks: 3 + n++ } }),
        },
        {
          // An instance admin who is not a member of the site has no queue to be mailed.
          name: 'queue mail preference', allowed: ['moderator', 'moderator (widget)', 'owner'], refused: { 'instance admin': 409 }, prepare: published,
          request: () => ({ method: 'PUT', path: `/api/v1/moderation/sites/${site}/notifications`, body: { queue: n++ % 2 === 0 } }),
        },
      ]

      const snapshot = async () =>
        JSON.stringify(
          await Promise.all([
            t.db.selectFrom('comments').select(['id', 'status']).where('site_id', '=', site).orderBy('id').execute(),
            t.db.selectFrom('threads').select(['locked_at', 'pinned_comment_id', 'version']).where('site_id', '=', site).execute(),
            t.db.selectFrom('bans').select(['id', 'lifted_at']).where('site_id', '=', site).orderBy('id').execute(),
            t.db.selectFrom('site_authors').selectAll().where('site_id', '=', site).orderBy('author').execute(),
            t.db.selectFrom('sites').selectAll().where('id', '=', site).execute(),
            t.db.selectFrom('site_members').select(['user_id', 'notify_queue']).where('site_id', '=', site).orderBy('user_id').execute(),
            t.db.selectFrom('moderation_actions').select(['id']).where('site_id', '=', site).orderBy('id').execute(),
          ]),
        )
      const send = (who: Actor, r: { method: string; path: string; body?: unknown }) => {
        if (who === 'anonymous') return t.request(r.method, r.path, r.body, { origin: ENGAWA_ORIGIN })
        if (who === 'moderator (widget)') return t.request(r.method, r.path, r.body, { origin: t.site.origin, headers: bearer(people.moderator.token) })
        return fromEngawa(t, r.method, r.path, r.body, people[who].cookie)
      }

      // Between requests the author may post again: no ban, flag or lock left over.
      const resetAuthor = async () => {
        await t.db.updateTable('bans').set({ lifted_at: new Date() }).where('site_id', '=', site).execute()
        await t.db.deleteFrom('site_authors').where('site_id', '=', site).execute()
        await t.db.updateTable('threads').set({ locked_at: null }).where('site_id', '=', site).execute()
      }
      const allowedSeen: Record<string, Actor[]> = {}
      for (const c of cases) {
        allowedSeen[c.name] = []
        for (const who of ACTORS) {
          const target = await c.prepare()
          const before = await snapshot()
          const auditBefore = await t.db.selectFrom('moderation_actions').select(['id']).where('site_id', '=', site).execute()
          const res = await send(who, c.request(target))
          const label = `${c.name} by ${who}`
          if (res.ok) allowedSeen[c.name]!.push(who)
          if (!c.allowed.includes(who)) {
            expect(res.status, label).toBe(c.refused?.[who] ?? (who === 'anonymous' ? 401 : 403))
            expect(await snapshot(), label).toBe(before)
          } else if (c.audit) {
            expect(res.status, `${label}: ${await res.clone().text()}`).toBe(200)
            const entries = await t.db
              .selectFrom('moderation_actions')
              .select(['action', 'actor_user_id'])
              .where('site_id', '=', site)
              .where('id', 'not in', auditBefore.length ? auditBefore.map((a) => a.id) : ['00000000-0000-0000-0000-000000000000'])
              .execute()
            expect(entries.map((e) => e.action), label).toEqual([c.audit])
            const actorId = who === 'moderator (widget)' ? people.moderator.user.id : people[who as keyof typeof people].user.id
            expect(entries[0]?.actor_user_id, label).toBe(actorId)
          }
          await resetAuthor()
        }
        expect(allowedSeen[c.name], c.name).toEqual(c.allowed)
      }

      // The queue across sites answers every signed-in account, with only what they moderate.
      await post('Please holdme, across sites')
      for (const who of ACTORS) {
        const res = await send(who, { method: 'GET', path: '/api/v1/moderation/queue' })
        if (who === 'anonymous') {
          expect(res.status).toBe(401)
          continue
        }
        const items = (await res.json()).items as Array<{ site: { id: string } }>
        expect(items.some((i) => i.site.id === site), who).toBe(MODERATORS.includes(who))
      }
    })
  })
})
