import { describe, expect, it } from 'vitest'
import { setSiteRole } from '../../src/sites/members.ts'
import { runMaintenance } from '../../src/jobs/maintenance.ts'
import { ENGAWA_ORIGIN, signUpAndVerify } from '../helpers/accounts.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { SITE_ORIGIN, startApp } from '../helpers/harness.ts'
import { fixture, startImportApp, uploadsLeft, type ImportApp } from './helpers.ts'

/** A Disqus export of `posts` posts on one page, then `tail` (well-formed or not). */
function generatedDisqus(posts: number, tail = '</disqus>'): Uint8Array {
  const parts = [`<?xml version="1.0"?><disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">`, `<thread dsq:id="t"><link>${SITE_ORIGIN}/big</link></thread>`]
  for (let i = 0; i < posts; i++)
    parts.push(`<post dsq:id="p${i}"><message>&lt;p&gt;${i}&lt;/p&gt;</message><createdAt>2020-01-01T00:00:00Z</createdAt><author><name>A</name></author><thread dsq:id="t"/></post>`)
  parts.push(tail)
  return new TextEncoder().encode(parts.join('\n'))
}

async function expectNothingWritten(t: ImportApp) {
  expect(await t.countItems()).toEqual({ threads: 0, comments: 0, staged: 0, sources: 0 })
  expect(uploadsLeft(t)).toEqual([])
}

forEachBackend((database) => {
  describe('refused imports', () => {
    it.each([
      { case: 'a Disqus file cut off in the middle', file: 'disqus-damaged.xml', format: 'disqus', says: /not well-formed/ },
      { case: 'a WXR file cut off in the middle', file: 'wordpress-damaged.xml', format: 'wordpress', says: /not well-formed/ },
      { case: 'the billion laughs (Disqus)', file: 'disqus-billion-laughs.xml', format: 'disqus', says: /declares its own XML entities/ },
      { case: 'the billion laughs (WXR)', file: 'wordpress-billion-laughs.xml', format: 'wordpress', says: /declares its own XML entities/ },
      { case: 'a WordPress export under the disqus flag', file: 'wordpress-blog.xml', format: 'disqus', says: /not a Disqus export/ },
      { case: 'a Disqus export under the wordpress flag', file: 'disqus-blog.xml', format: 'wordpress', says: /not a WordPress export/ },
      { case: 'a Commento JSON export under the disqus flag', file: 'commento-remark42.json', format: 'disqus', says: /not an XML file/ },
    ])('refuses $case with a 422 and writes nothing', async ({ file, format, says }) => {
      const t = await startImportApp(database())
      const res = await t.upload(fixture(file), `format=${format}`)
      const body = await res.json()
      expect(res.status).toBe(422)
      expect(body.error.code).toBe('invalid_import_file')
      expect(body.error.message).toMatch(says)
      await t.uploads.idle()
      await expectNothingWritten(t)
      const runs = await t.db.selectFrom('imports').select(['status', 'error']).where('site_id', '=', t.site.id).execute()
      expect(runs).toEqual([{ status: 'failed', error: expect.stringMatching(says) }])
    })

    it('fails a large file that breaks after its first records without writing any of them', async () => {
      const t = await startImportApp(database())
      const res = await t.upload(generatedDisqus(1500, '<post dsq:id="broken"><message>never closed'), 'format=disqus')
      // Past the first batch, the answer comes before the end of the file: the run fails after.
      expect(res.status).toBe(202)
      const { import: started } = await res.json()
      await t.uploads.idle()
      const got = await t.request('GET', `/api/v1/admin/sites/${t.site.id}/imports/${started.id}`, undefined, { origin: ENGAWA_ORIGIN, headers: { cookie: t.cookie } })
      const run = (await got.json()).import
      expect(run).toMatchObject({ status: 'failed', error: expect.stringMatching(/not well-formed/) })
      await expectNothingWritten(t)
    })

    it('imports the same large file when whole, a thread of 1500 comments in one transaction', async () => {
      const t = await startImportApp(database())
      const res = await t.upload(generatedDisqus(1500), 'format=disqus')
      expect(res.status).toBe(202)
      await t.uploads.idle()
      expect((await t.read(`${SITE_ORIGIN}/big`)).thread?.total).toBe(1500)
    })

    it('refuses an upload past IMPORT_MAX_BYTES with a 413 as soon as the limit is crossed, and removes the part it kept', async () => {
      const t = await startImportApp(database(), { config: { importMaxBytes: 1 << 20 } })
      // Two gigabytes, made as they are read: the server must stop reading long before the end.
      let pulled = 0
      const chunk = new Uint8Array(64 * 1024).fill(0x20)
      const twoGigabytes = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (pulled >= 2 * 1024 ** 3) return controller.close()
          pulled += chunk.byteLength
          controller.enqueue(chunk)
        },
      })
      const res = await t.upload(twoGigabytes, 'format=disqus')
      expect(res.status).toBe(413)
      expect((await res.json()).error.code).toBe('payload_too_large')
      expect(pulled).toBeLessThan(4 << 20)
      await expectNothingWritten(t)
      expect(await t.db.selectFrom('imports').selectAll().where('site_id', '=', t.site.id).execute()).toEqual([])

      const declared = await t.upload(new Uint8Array(10), 'format=disqus', { 'content-length': String(2 * 1024 ** 3) })
      expect(declared.status).toBe(413)
    })

    it.each([
      { case: 'an unknown format', query: 'format=myspace', code: 'invalid_request' },
      { case: 'a bad origin mapping', query: 'format=disqus&mapOrigin=old.example', code: 'invalid_request' },
      { case: 'no format', query: '', code: 'invalid_request' },
    ])('refuses $case with a 400', async ({ query, code }) => {
      const t = await startImportApp(database())
      const res = await t.upload(fixture('disqus-blog.xml'), query)
      expect(res.status).toBe(400)
      expect((await res.json()).error.code).toBe(code)
      await expectNothingWritten(t)
    })

    it('refuses an empty upload', async () => {
      const t = await startImportApp(database())
      const res = await t.upload(new Uint8Array(0), 'format=disqus')
      expect(res.status).toBe(400)
      await expectNothingWritten(t)
    })

    it('lets only owners and instance admins import: others are refused before the file is read', async () => {
      const t = await startImportApp(database())
      const moderator = await signUpAndVerify(t, undefined, 'Mod')
      await setSiteRole(t.db, t.site.id, moderator.email, 'moderator')
      const stranger = await signUpAndVerify(t, undefined, 'Stranger')
      const file = fixture('disqus-blog.xml')
      for (const [cookie, status] of [
        [moderator.cookie, 403],
        [stranger.cookie, 403],
        ['', 401],
      ] as const) {
        const res = await t.upload(file, 'format=disqus', {}, cookie)
        expect(res.status).toBe(status)
      }
      const foreignOrigin = await t.upload(file, 'format=disqus', { origin: 'https://evil.example' })
      expect(foreignOrigin.status).toBe(403)
      const formPost = await t.upload(file, 'format=disqus', { 'content-type': 'text/plain' })
      expect(formPost.status).toBe(415)
      const listed = await t.request('GET', `/api/v1/admin/sites/${t.site.id}/imports`, undefined, { origin: ENGAWA_ORIGIN, headers: { cookie: moderator.cookie } })
      expect(listed.status).toBe(403)
      await expectNothingWritten(t)
      expect(await t.db.selectFrom('imports').selectAll().where('site_id', '=', t.site.id).execute()).toEqual([])
    })

    it('ends a run whose process died: shown as failed, then marked so by maintenance, its staged records gone', async () => {
      const t = await startImportApp(database())
      const then = t.clock.now()
      const run = await t.db
        .insertInto('imports')
        .values({ site_id: t.site.id, format: 'disqus', status: 'running', created_at: then, updated_at: then })
        .returning('id')
        .executeTakeFirstOrThrow()
      await t.db.insertInto('import_items').values({ site_id: t.site.id, import_id: run.id, n: 1, kind: 'thread', source_id: 't', thread_source_id: 't', parent_source_id: null, data: '{}' }).execute()
      const read = async () => (await (await t.request('GET', `/api/v1/admin/sites/${t.site.id}/imports/${run.id}`, undefined, { origin: ENGAWA_ORIGIN, headers: { cookie: t.cookie } })).json()).import
      expect((await read()).status).toBe('running')
      t.clock.advance(11 * 60 * 1000)
      expect(await read()).toMatchObject({ status: 'failed', error: expect.stringMatching(/Import the file again/) })
      expect((await runMaintenance(t.db, t.clock.now(), ENGAWA_ORIGIN)).abandonedImports).toBe(1)
      expect((await t.countItems()).staged).toBe(0)
      expect((await t.db.selectFrom('imports').select('status').where('id', '=', run.id).executeTakeFirstOrThrow()).status).toBe('failed')
    })

    it('answers 501 where imports do not run (Workers: no disk, no long requests)', async () => {
      const t = await startApp(database())
      const owner = await signUpAndVerify(t, undefined, 'Owner')
      await setSiteRole(t.db, t.site.id, owner.email, 'owner')
      const res = await t.app.request(`/api/v1/admin/sites/${t.site.id}/imports?format=disqus`, {
        method: 'POST',
        headers: { origin: ENGAWA_ORIGIN, cookie: owner.cookie, 'content-type': 'application/octet-stream' },
        body: fixture('disqus-blog.xml') as Uint8Array<ArrayBuffer>,
      })
      expect(res.status).toBe(501)
      expect((await res.json()).error.code).toBe('imports_unavailable')
    })
  })
})
