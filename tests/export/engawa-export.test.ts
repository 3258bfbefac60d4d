import { readFileSync } from 'node:fs'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { CompiledQuery } from 'kysely'
import addFormats from 'ajv-formats'
import { describe, expect, it } from 'vitest'
import { setSiteRole } from '../../src/sites/members.ts'
import { exportSite } from '../../src/export/export-site.ts'
import { exportedAuthorId } from '../../src/export/read-site.ts'
import { bearer, fromEngawa, readerOf, signUpAndVerify, widgetToken } from '../helpers/accounts.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { ARTICLE_URL, startApp, type TestApp } from '../helpers/harness.ts'
import { GUEST_REACTOR_IP, HELD_WORD, LOCKED_URL, seedSite } from './seed.ts'

const schema = JSON.parse(readFileSync(new URL('../../src/export/engawa-export-v1.schema.json', import.meta.url), 'utf8'))
// ajv is here through @seriousme/openapi-schema-validator; it checks draft 2020-12 with formats (date-time, uri).
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false })
addFormats.default(ajv)
const validate = ajv.compile(schema)

interface ExportedComment {
  id: string
  threadId: string
  parentId: string | null
  author: { id: string | null; kind: string; name: string; email?: string }
  body: { markdown: string; html: string }
  status: string
  moderationReason: string | null
  reasonPublic: boolean
  editedAt: string | null
  deletedAt: string | null
  reactions: Record<string, number>
}

interface ExportedReaction {
  commentId: string
  kind: string
  author: string
  authorName: string
  counted: boolean
  createdAt: string
}

interface PlanNode {
  'Node Type': string
  'Relation Name'?: string
  'Index Name'?: string
  Plans?: PlanNode[]
}
const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)]

const exportOf = (t: TestApp, cookie: string | undefined, query = '') => fromEngawa(t, 'GET', `/api/v1/admin/sites/${t.site.id}/export${query}`, undefined, cookie)

async function download(t: TestApp, cookie: string) {
  const res = await exportOf(t, cookie)
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8')
  expect(res.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="engawa-${t.site.id}-\\d{4}-\\d\\d-\\d\\d\\.json"$`))
  const text = await res.text()
  const doc = JSON.parse(text)
  const valid = validate(doc)
  expect(valid ? [] : validate.errors).toEqual([])
  return { text, doc }
}

forEachBackend((database) => {
  describe("Engawa's export format v1", () => {
    it("exports a site's threads, comment trees, authors as the site may see them and moderation state, valid against its schema", async () => {
      const t = await startApp(database(), { site: { blockedWords: [HELD_WORD] } })
      const { owner, reader, ids } = await seedSite(t)
      const { text, doc } = await download(t, owner.cookie)

      expect(doc).toMatchObject({ $schema: 'http://127.0.0.1:8787/schemas/engawa-export-v1.json', format: 'engawa-export', version: '1.2' })
      expect(doc.site).toMatchObject({ id: t.site.id, name: 'Test blog', origins: [t.site.origin], settings: { blockedWords: [HELD_WORD], guestsAllowed: true } })
      expect(Object.keys(doc)).toEqual(['$schema', 'format', 'version', 'exportedAt', 'generator', 'site', 'threads', 'comments', 'reactions', 'bios', 'moderation'])

      const threads = new Map<string, { id: string; key: string; lockedAt: string | null; pinnedCommentId: string | null; title: string }>(
        doc.threads.map((th: { url: string }) => [th.url, th]),
      )
      const article = threads.get('https://blog.example/posts/japan-ai-copyright')
      const locked = threads.get(LOCKED_URL)
      expect(article).toMatchObject({ key: 'https://blog.example/posts/japan-ai-copyright', title: 'Japan and AI training data', lockedAt: null, pinnedCommentId: ids.pinned })
      expect(locked).toMatchObject({ key: 'closed-note', title: 'Closed note', pinnedCommentId: null, lockedAt: expect.any(String) })

      const comments: ExportedComment[] = doc.comments
      expect(comments).toHaveLength(Object.keys(ids).length)
      const byId = new Map(comments.map((c) => [c.id, c]))
      // Each thread's comments together, every parent before its replies.
      const seen = new Set<string>()
      for (const c of comments) {
        if (c.parentId) expect(seen.has(c.parentId), `${c.id} before its parent`).toBe(true)
        seen.add(c.id)
      }
      const runs = comments.map((c) => c.threadId).filter((id, i, all) => all[i - 1] !== id)
      expect(runs).toEqual(doc.threads.map((th: { id: string }) => th.id))

      expect(byId.get(ids.edited)).toMatchObject({
        parentId: null,
        status: 'published',
        author: { kind: 'guest', name: 'Aki', email: 'aki@mail.example' },
        body: { markdown: 'Edited: **bold** and [a link](https://example.org/)', html: expect.stringContaining('<strong>bold</strong>') },
        editedAt: expect.any(String),
      })
      expect(byId.get(ids.reply)).toMatchObject({ parentId: ids.edited, author: { kind: 'account', name: 'Hana 花' }, body: { markdown: '日本語の返信です。よろしくお願いします。' } })
      expect(byId.get(ids.reply)?.author).not.toHaveProperty('email')
      expect(byId.get(ids.deepReply)).toMatchObject({ parentId: ids.reply, author: { kind: 'guest', name: 'Ren' } })
      expect(byId.get(ids.hidden)).toMatchObject({ status: 'hidden', moderationReason: 'Off topic', reasonPublic: true, body: { markdown: 'Something a moderator hides' } })
      expect(byId.get(ids.removed)).toMatchObject({ status: 'deleted', deletedAt: expect.any(String), body: { markdown: '', html: '' } })
      expect(byId.get(ids.orphanReply)).toMatchObject({ parentId: ids.removed, status: 'published' })
      expect(byId.get(ids.pending)).toMatchObject({ status: 'pending', moderationReason: expect.any(String) })
      expect(byId.get(ids.hostile)?.body.markdown).toContain(']]> & <b>tags</b>')
      expect(byId.get(ids.onLocked)?.threadId).toBe(locked?.id)

      // Authors are opaque and stable: no account id, account address or network hash leaves.
      const readerId = byId.get(ids.reply)?.author.id
      expect(readerId).toMatch(/^[0-9a-f]{32}$/)
      for (const secret of [reader.user.id, reader.email, owner.user.id, owner.email]) expect(text).not.toContain(secret)
      const guestKeys = await t.db.selectFrom('comments').select('author_fingerprint').where('site_id', '=', t.site.id).where('author_fingerprint', 'is not', null).execute()
      for (const { author_fingerprint } of guestKeys) expect(text).not.toContain(author_fingerprint)
      expect(doc.moderation.bans).toEqual([
        expect.objectContaining({ author: byId.get(ids.deepReply)?.author.id, authorName: 'Ren', reason: 'Trolling', liftedAt: null, expiresAt: expect.any(String) }),
      ])
      expect((await download(t, owner.cookie)).doc.comments.find((c: ExportedComment) => c.id === ids.reply).author.id).toBe(readerId)

      const audit = await t.db.selectFrom('moderation_actions').select(['action', 'target_kind', 'reason']).where('site_id', '=', t.site.id).where('action', '=', 'export').execute()
      expect(audit).toEqual([
        { action: 'export', target_kind: 'site', reason: 'engawa' },
        { action: 'export', target_kind: 'site', reason: 'engawa' },
      ])
    })

    it("exports who reacted with an account and readers' bios, under the ids their comments have; guests' reactions only as counts", async () => {
      const t = await startApp(database(), { site: { blockedWords: [HELD_WORD] } })
      const { owner, reader, lurker, ids } = await seedSite(t)
      // The lurker speaks up once, and is shadow-banned for it: their reaction stops counting.
      const said = await t.post(`/api/v1/sites/${t.site.id}/comments`, { thread: { url: ARTICLE_URL }, body: 'Buy my course' }, { headers: bearer(await widgetToken(t, lurker.cookie)) })
      expect(said.status).toBe(201)
      const spam = (await said.json()).comment.id
      const ban = await fromEngawa(t, 'POST', `/api/v1/moderation/sites/${t.site.id}/authors`, { commentId: spam, action: 'shadow-ban' }, owner.cookie)
      expect(ban.status).toBe(200)

      const { text, doc } = await download(t, owner.cookie)
      const byId = new Map<string, ExportedComment>(doc.comments.map((c: ExportedComment) => [c.id, c]))
      const hana = byId.get(ids.reply)?.author.id
      const mika = byId.get(spam)?.author.id
      expect(byId.get(spam)?.status).toBe('shadowed')
      const ownerId = exportedAuthorId(t.site.id, `user:${owner.user.id}`)
      for (const id of [hana, mika, ownerId]) expect(id).toMatch(/^[0-9a-f]{32}$/)
      expect(new Set([hana, mika, ownerId]).size).toBe(3)

      type Keyed = Pick<ExportedReaction, 'commentId' | 'kind'> & { author: string | null | undefined }
      const order = (a: Keyed, b: Keyed) => `${a.commentId}${a.author}${a.kind}`.localeCompare(`${b.commentId}${b.author}${b.kind}`)
      const reactions: ExportedReaction[] = doc.reactions
      expect([...reactions].sort(order)).toEqual(
        [
          { commentId: ids.edited, kind: 'heart', author: hana, authorName: 'Hana 花', counted: true, createdAt: expect.any(String) },
          { commentId: ids.edited, kind: 'clap', author: hana, authorName: 'Hana 花', counted: true, createdAt: expect.any(String) },
          { commentId: ids.edited, kind: 'heart', author: ownerId, authorName: 'Owner', counted: true, createdAt: expect.any(String) },
          // Shadow-banned: still theirs, in nobody else's counts.
          { commentId: ids.reply, kind: 'laugh', author: mika, authorName: 'Mika', counted: false, createdAt: expect.any(String) },
        ].sort(order),
      )
      // Counts hold everyone's counted reactions, the guest's too (one heart, one laugh), who is never listed.
      expect(byId.get(ids.edited)?.reactions).toEqual({ heart: 3, clap: 1 })
      expect(byId.get(ids.reply)?.reactions).toEqual({ laugh: 1 })
      const stored = await t.db.selectFrom('reactions').select(['comment_id', 'reactor', 'kind', 'counted', 'created_at']).where('site_id', '=', t.site.id).execute()
      const accounts = stored.filter((r) => r.reactor.startsWith('user:'))
      expect(reactions.map((r) => [r.commentId, r.kind, r.author, r.counted, r.createdAt]).sort()).toEqual(
        accounts.map((r) => [r.comment_id, r.kind, exportedAuthorId(t.site.id, r.reactor), r.counted, r.created_at.toISOString()]).sort(),
      )
      const guests = stored.filter((r) => r.reactor.startsWith('guest:'))
      expect(guests).toHaveLength(2)
      for (const g of guests) {
        expect(text).not.toContain(g.reactor.slice('guest:'.length))
        expect(text).not.toContain(g.created_at.toISOString())
      }
      expect(text).not.toContain(GUEST_REACTOR_IP)

      // Bios with their accounts' ids; the owner's, emptied, says nothing and is left out.
      expect([...doc.bios].sort((a, b) => a.authorName.localeCompare(b.authorName))).toEqual([
        { author: hana, authorName: 'Hana 花', bio: 'Illustrator in Osaka. 大阪のイラストレーター', hiddenAt: null, updatedAt: expect.any(String) },
        { author: mika, authorName: 'Mika', bio: 'Buy my course at spam.example', hiddenAt: expect.any(String), updatedAt: expect.any(String) },
      ])
      // Neither account ids nor addresses, nor whether an account shows its profile (the account's, not the site's).
      for (const secret of [reader.user.id, reader.email, lurker.user.id, lurker.email, owner.user.id, owner.email]) expect(text).not.toContain(secret)
      expect(text).not.toMatch(/profilePublic|profile_public|"shown"/)
    })

    it('writes a site as it reads it, one page of rows at a time, the same whatever the page size', async () => {
      const t = await startApp(database())
      const owner = await signUpAndVerify(t, undefined, 'Owner')
      await setSiteRole(t.db, t.site.id, owner.email, 'owner')
      for (let i = 0; i < 4; i++) {
        const url = `${t.site.origin}/p/${i}`
        const top = await (await t.post(`/api/v1/sites/${t.site.id}/comments`, { thread: { url }, author: { name: 'A' }, body: `top ${i}` })).json()
        for (let j = 0; j < 3; j++)
          await t.post(`/api/v1/sites/${t.site.id}/comments`, { thread: { url }, author: { name: 'B' }, body: `reply ${i}.${j}`, parentId: top.comment.id })
      }
      // Reactions and bios enough for several pages of two, pages ending between one comment's reactions.
      const firstComments = await t.db.selectFrom('comments').select('id').where('site_id', '=', t.site.id).where('depth', '=', 0).orderBy('id').limit(2).execute()
      for (const [n, name] of ['Aya', 'Ben', 'Cho'].entries()) {
        const r = await readerOf(t, name)
        for (const [kind, comment] of [['heart', firstComments[0]], ['clap', firstComments[0]], ['eyes', firstComments[n % 2]]] as const) {
          const res = await t.request('PUT', `/api/v1/sites/${t.site.id}/comments/${comment?.id}/reactions/${kind}`, undefined, { headers: bearer(r.token) })
          expect(res.status).toBe(200)
        }
        expect((await t.request('PUT', `/api/v1/sites/${t.site.id}/profile`, { bio: `I am ${name}.` }, { headers: bearer(r.token) })).status).toBe(200)
      }
      const now = t.clock.now()
      const read = async (batchSize: number) => {
        const out = exportSite(t.db, t.site, { format: 'engawa', publicUrl: 'https://comments.example', now, batchSize })
        const chunks: string[] = []
        for await (const chunk of out.chunks) chunks.push(chunk)
        return { chunks, tally: out.tally }
      }
      const db = database()
      db.statements.length = 0
      const small = await read(2)
      const pages = db.statements.filter((q) => /from "(threads|comments|reactions|reader_profiles)"/.test(q.sql) && q.parameters.length > 2)
      const large = await read(500)
      expect(small.chunks.join('')).toBe(large.chunks.join(''))
      expect(small.tally).toEqual({ threads: 4, comments: 16 })
      // 2 threads a page, 2 comments a page: many small writes, never the site in one.
      expect(small.chunks.length).toBeGreaterThan(10)
      expect(Math.max(...small.chunks.slice(1, -1).map((c) => c.length))).toBeLessThan(1000)
      const whole = JSON.parse(large.chunks.join(''))
      expect(validate(whole)).toBe(true)
      expect([whole.reactions.length, whole.bios.length]).toEqual([9, 3])

      // Each page is read through an index (with table scans priced out, a query still scanning a
      // table has none to use); which one the planner picks depends on the table's size.
      expect(pages.length).toBeGreaterThan(4)
      expect(pages.filter((q) => /from "reactions"/.test(q.sql)).length).toBeGreaterThan(4)
      expect(pages.filter((q) => /from "reader_profiles"/.test(q.sql)).length).toBeGreaterThan(1)
      await db.db.transaction().execute(async (trx) => {
        await trx.executeQuery(CompiledQuery.raw('set local enable_seqscan = off'))
        for (const query of pages) {
          const { rows } = await trx.executeQuery<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> | string }>(CompiledQuery.raw(`explain (format json) ${query.sql}`, [...query.parameters]))
          const raw = rows[0]?.['QUERY PLAN']
          const plan = typeof raw === 'string' ? (JSON.parse(raw) as Array<{ Plan: PlanNode }>) : raw
          const nodes = nodesOf(plan?.[0]?.Plan ?? { 'Node Type': 'none' })
          expect(nodes.filter((n) => n['Node Type'] === 'Seq Scan').map((n) => n['Relation Name']), query.sql).toEqual([])
          expect(nodes.some((n) => n['Index Name']), query.sql).toBe(true)
        }
      })
    })

    it('serves its JSON Schema where each export points', async () => {
      const t = await startApp(database())
      const res = await t.get('/schemas/engawa-export-v1.json', { origin: false })
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toMatch(/^application\/schema\+json/)
      expect(await res.json()).toEqual(schema)
      const openapi = await (await t.get('/api/openapi.json', { origin: false })).json()
      expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/api/v1/admin/sites/{site}/export', '/schemas/engawa-export-v1.json']))
    })

    it('lets only owners and instance admins export, from the dashboard, in a known format', async () => {
      const t = await startApp(database())
      const owner = await signUpAndVerify(t, undefined, 'Owner')
      await setSiteRole(t.db, t.site.id, owner.email, 'owner')
      const mod = await signUpAndVerify(t, undefined, 'Mod')
      await setSiteRole(t.db, t.site.id, mod.email, 'moderator')
      const stranger = await signUpAndVerify(t, undefined, 'Stranger')
      const expectError = async (res: Response, status: number, code: string) => {
        expect(res.status).toBe(status)
        expect((await res.json()).error.code).toBe(code)
      }
      await expectError(await exportOf(t, undefined), 401, 'unauthorized')
      await expectError(await exportOf(t, mod.cookie), 403, 'forbidden')
      await expectError(await exportOf(t, stranger.cookie), 403, 'forbidden')
      const ownerToken = await widgetToken(t, owner.cookie)
      await expectError(await t.request('GET', `/api/v1/admin/sites/${t.site.id}/export`, undefined, { origin: false, headers: bearer(ownerToken) }), 403, 'forbidden')
      await expectError(await exportOf(t, owner.cookie, '?format=csv'), 400, 'invalid_request')
      await expectError(await fromEngawa(t, 'GET', '/api/v1/admin/sites/nosuchsite/export', undefined, owner.cookie), 404, 'site_not_found')
      expect(await t.db.selectFrom('moderation_actions').select('id').where('site_id', '=', t.site.id).execute()).toEqual([])
      expect((await exportOf(t, owner.cookie, '?format=engawa')).status).toBe(200)
      const admin = await signUpAndVerify(t, undefined, 'Admin')
      await t.db.updateTable('users').set({ is_instance_admin: true }).where('id', '=', admin.user.id).execute()
      expect((await exportOf(t, admin.cookie, '?format=disqus')).status).toBe(200)
      // The dashboard offers the download on the settings page, to owners only.
      const settings = async (cookie: string) => (await fromEngawa(t, 'GET', `/admin/sites/${t.site.id}/settings`, undefined, cookie)).text()
      const asOwner = await settings(owner.cookie)
      expect(asOwner).toContain(`href="/api/v1/admin/sites/${t.site.id}/export?format=engawa" download`)
      expect(asOwner).toContain(`href="/api/v1/admin/sites/${t.site.id}/export?format=disqus" download`)
      expect(await settings(mod.cookie)).not.toContain('/export?format=')
    })
  })
})
