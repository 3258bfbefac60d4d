import { describe, expect, it } from 'vitest'
import { bearer, ENGAWA_ORIGIN, fromEngawa, signUpAndVerify, widgetToken, staffOf } from '../helpers/accounts.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { postGuest } from '../helpers/comments.ts'
import { ARTICLE_URL, startApp, type TestApp } from '../helpers/harness.ts'

const DAY_MS = 86_400_000

/** A page as the browser asks for it: a GET without Origin, with the dashboard cookie when given. */
const open = (t: TestApp, path: string, cookie?: string, headers: Record<string, string> = {}) =>
  t.request('GET', path, undefined, { origin: false, headers: { ...headers, ...(cookie ? { cookie } : {}) } })

const act = (t: TestApp, cookie: string, id: string, body: Record<string, unknown>) =>
  fromEngawa(t, 'POST', `/api/v1/moderation/sites/${t.site.id}/comments/${id}`, body, cookie)

const report = (t: TestApp, id: string, ip: string, text?: string) =>
  t.request('POST', `/api/v1/sites/${t.site.id}/comments/${id}/reports`, { reason: 'abuse', ...(text ? { text } : {}) }, { ip })

/** The overview's table, day by day: [day, comments posted, queue at the day's end]. */
function activityRows(html: string): Array<[string, number, number]> {
  return [...html.matchAll(/<tr data-day="([\d-]+)">.*?<td>(\d+)<\/td><td>(\d+)<\/td><\/tr>/g)].map((m) => [m[1] as string, Number(m[2]), Number(m[3])])
}

forEachBackend((database) => {
  describe('the moderation dashboard', () => {
    it('sends an anonymous visitor to sign in, from every page', async () => {
      const t = await startApp(database())
      for (const path of ['/admin', '/admin?sort=reports', `/admin/sites/${t.site.id}`, `/admin/sites/${t.site.id}/settings`]) {
        const res = await open(t, path)
        expect(res.status, path).toBe(302)
        expect(res.headers.get('location'), path).toBe(`/auth/popup?${new URLSearchParams({ next: path })}`)
      }
    })

    it('refuses a widget’s bearer token, even a moderator’s: only the dashboard cookie opens it', async () => {
      const t = await startApp(database())
      const mod = await staffOf(t, 'Mod')
      const token = await widgetToken(t, mod.cookie)
      const res = await open(t, '/admin', undefined, bearer(token))
      expect(res.status).toBe(403)
      expect(await res.text()).toContain('Open the dashboard from Engawa itself')
      expect((await open(t, `/admin/sites/${t.site.id}`, undefined, bearer(token))).status).toBe(403)
    })

    it('tells a signed-in account that moderates nothing so, under a strict content security policy', async () => {
      const t = await startApp(database())
      const reader = await signUpAndVerify(t, undefined, 'Reader')
      const res = await open(t, '/admin', reader.cookie)
      expect(res.status).toBe(200)
      const csp = res.headers.get('content-security-policy') ?? ''
      for (const rule of ["default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"]) expect(csp).toContain(rule)
      expect(csp).not.toContain('unsafe-inline')
      expect(res.headers.get('cache-control')).toBe('no-store')
      const body = await res.text()
      expect(body).toContain('Nothing to moderate yet')
      expect(body).toContain('<script src="/static/dashboard.js" defer="">')
      // Nothing inline: no script body, no <style>, no style attribute.
      expect(body).not.toMatch(/<script>|<script [^>]*>[^<]|<style|\sstyle=/)
    })

    it("shows a moderator their sites' queue in context, escaped where it must be, and nothing of another site", async () => {
      const t = await startApp(database(), { site: { premoderation: 'all', name: 'Blog <A>' } })
      const other = await startApp(database(), { site: { premoderation: 'all', name: 'Other blog' } })
      const mod = await staffOf(t, 'Mod')
      const parentOwner = await staffOf(t, 'Owner', 'owner')
      const parent = await t.post(
        `/api/v1/sites/${t.site.id}/comments`,
        { thread: { url: ARTICLE_URL, title: 'Tea & <i>cakes</i>' }, body: 'The parent says *hello*' },
        { headers: bearer(await widgetToken(t, parentOwner.cookie)) },
      )
      const parentId = (await parent.json()).comment.id
      const pending = await postGuest(t, 'Hello <script>alert(1)</script> **bold**', {
        parentId,
        author: { name: '<img src=x onerror=alert(2)>' },
        thread: { url: ARTICLE_URL, title: 'Tea & <i>cakes</i>' },
      })
      await act(t, mod.cookie, pending.id, { action: 'approve' })
      expect((await report(t, pending.id, '192.0.2.10', 'Rude <b>words</b>')).status).toBe(201)
      t.clock.advance(60_000)
      const waiting = await postGuest(t, 'Still waiting for a look')
      await postGuest(other, 'A secret of the other site')

      const res = await open(t, '/admin', mod.cookie)
      expect(res.status).toBe(200)
      const html = await res.text()
      // Newest first: the pending one, then the reported one.
      expect(html.indexOf(`data-id="${waiting.id}"`)).toBeGreaterThan(0)
      expect(html.indexOf(`data-id="${waiting.id}"`)).toBeLessThan(html.indexOf(`data-id="${pending.id}"`))
      expect(html).toContain('Held for approval:</strong> Every comment on this site is approved first.')
      expect(html).toContain('Reported by 1 reader</strong>: abuse')
      expect(html).toContain('<q>Rude &lt;b&gt;words&lt;/b&gt;</q>')
      // Comment HTML was sanitised when written and goes in as it is; every other string is escaped.
      expect(html).toContain('<strong>bold</strong>')
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
      expect(html).not.toContain('<script>alert')
      expect(html).toContain('&lt;img src=x onerror=alert(2)&gt;')
      expect(html).not.toContain('<img src=x')
      expect(html).toContain('Tea &amp; &lt;i&gt;cakes&lt;/i&gt;')
      expect(html).toContain('In reply to <bdi>Owner</bdi>')
      expect(html).toContain('The parent says <em>hello</em>')
      expect(html).toContain(`href="${ARTICLE_URL}"`)
      expect(html).not.toContain('A secret of the other site')
      expect(html).not.toContain('Other blog')

      const byReports = await (await open(t, '/admin?sort=reports', mod.cookie)).text()
      expect(byReports.indexOf(`data-id="${pending.id}"`)).toBeLessThan(byReports.indexOf(`data-id="${waiting.id}"`))
      expect(byReports).toMatch(/<a href="\/admin\?sort=reports" aria-current="page">/)

      // An instance admin sees every site's queue.
      const admin = await signUpAndVerify(t, undefined, 'Admin')
      await t.db.updateTable('users').set({ is_instance_admin: true }).where('id', '=', admin.user.id).execute()
      const all = await (await open(t, '/admin', admin.cookie)).text()
      expect(all).toContain('A secret of the other site')
      expect(all).toContain('Still waiting for a look')
    })

    it("answers 403 on another site's pages and 404 on a site that does not exist", async () => {
      const t = await startApp(database())
      const other = await startApp(database())
      const mod = await staffOf(t, 'Mod')
      const hisComment = await postGuest(other, 'Over there')
      const author = (await other.db.selectFrom('comments').select('author_fingerprint').where('id', '=', hisComment.id).executeTakeFirstOrThrow()).author_fingerprint
      const paths = ['', '/search', '/search?text=Over', '/bans', '/audit', '/settings', `/authors/guest:${author}`]
      for (const suffix of paths) {
        const mine = await open(t, `/admin/sites/${t.site.id}${suffix.replace(`guest:${author}`, `user:${mod.user.id}`)}`, mod.cookie)
        expect(mine.status, `own ${suffix}`).toBe(200)
        const res = await open(t, `/admin/sites/${other.site.id}${suffix}`, mod.cookie)
        expect(res.status, suffix).toBe(403)
        const body = await res.text()
        expect(body).toContain('You do not moderate this site')
        expect(body).not.toContain('Over there')
      }
      expect((await open(t, '/admin/sites/nosuchsite', mod.cookie)).status).toBe(404)
      expect((await open(t, `/admin?site=${other.site.id}`, mod.cookie)).status).toBe(200)
      expect(await (await open(t, `/admin?site=${other.site.id}`, mod.cookie)).text()).not.toContain('Over there')
    })

    it('gives owners the settings form and the people, and moderators the rules to read', async () => {
      const t = await startApp(database(), { site: { blockedWords: ['casino'] } })
      const mod = await staffOf(t, 'Mod')
      const owner = await staffOf(t, 'Owner', 'owner')
      const path = `/admin/sites/${t.site.id}/settings`

      const asOwner = await (await open(t, path, owner.cookie)).text()
      expect(asOwner).toContain('id="settings-form"')
      expect(asOwner).toContain('Save the settings')
      expect(asOwner).toMatch(/<textarea name="blockedWords" rows="4">casino<\/textarea>/)
      expect(asOwner).toContain('id="invite-form"')
      expect(asOwner).toContain(mod.email)
      expect(asOwner).toContain('id="notify-queue"')

      const asMod = await (await open(t, path, mod.cookie)).text()
      expect(asMod).not.toContain('id="settings-form"')
      expect(asMod).not.toContain('Save the settings')
      expect(asMod).not.toContain('id="invite-form"')
      expect(asMod).not.toContain(owner.email)
      expect(asMod).toContain('Only the site’s owners can change these.')
      expect(asMod).toContain('<dd>casino</dd>')
      expect(asMod).toContain('id="notify-queue"')
      // And the API the form would call refuses them.
      const patch = await fromEngawa(t, 'PATCH', `/api/v1/admin/sites/${t.site.id}/settings`, { maxLinks: 1 }, mod.cookie)
      expect(patch.status).toBe(403)
      expect((await fromEngawa(t, 'PATCH', `/api/v1/admin/sites/${t.site.id}/settings`, { maxLinks: 1 }, owner.cookie)).status).toBe(200)
    })

    it("charts the last 30 days: comments posted and the queue at each day's end", async () => {
      const t = await startApp(database(), { site: { premoderation: 'all' } })
      const mod = await staffOf(t, 'Mod')
      // 1 June
      const c1 = await postGuest(t, 'One')
      const c2 = await postGuest(t, 'Two')
      // 2 June: one more waits; the first is approved.
      t.clock.advance(DAY_MS)
      const c3 = await postGuest(t, 'Three')
      expect((await act(t, mod.cookie, c1.id, { action: 'approve' })).status).toBe(200)
      // 3 June: the second is rejected, the first reported, a fourth waits.
      t.clock.advance(DAY_MS)
      expect((await act(t, mod.cookie, c2.id, { action: 'reject' })).status).toBe(200)
      expect((await report(t, c1.id, '192.0.2.20')).status).toBe(201)
      expect((await report(t, c1.id, '192.0.2.21')).status).toBe(201)
      await postGuest(t, 'Four')
      // 4 June: the third is spam, the reported one hidden (which settles its reports).
      t.clock.advance(DAY_MS)
      expect((await act(t, mod.cookie, c3.id, { action: 'spam' })).status).toBe(200)
      expect((await act(t, mod.cookie, c1.id, { action: 'hide', reason: 'Rude' })).status).toBe(200)

      const res = await open(t, `/admin/sites/${t.site.id}`, mod.cookie)
      expect(res.status).toBe(200)
      const html = await res.text()
      const rows = activityRows(html)
      expect(rows).toHaveLength(30)
      expect(rows.slice(0, 4)).toEqual([
        ['2026-06-04', 0, 1],
        ['2026-06-03', 1, 3],
        ['2026-06-02', 1, 2],
        ['2026-06-01', 2, 2],
      ])
      expect(rows.at(-1)).toEqual(['2026-05-06', 0, 0])
      expect(rows.slice(4).every(([, posted, queued]) => posted === 0 && queued === 0)).toBe(true)
      // The drawing is for eyes only; the caption points to the table.
      expect(html).toMatch(/<svg [^>]*aria-hidden="true"/)
      expect(html).toContain('<caption>Comments and queue per day (UTC)</caption>')
      // The embed code, escaped for the page, with its copy button.
      expect(html).toContain(`&lt;script src=&quot;${ENGAWA_ORIGIN}/embed.js&quot; data-site=&quot;${t.site.id}&quot; async&gt;&lt;/script&gt;`)
      expect(html).toContain('data-copy="snippet"')
      // And the site's own discussions page on Engawa, which nothing else would lead an owner to.
      expect(html).toContain(`<a href="/s/${t.site.id}" id="community-page">`)
      // Days follow the fake clock: a month later the history has scrolled away.
      t.clock.advance(30 * DAY_MS)
      const later = activityRows(await (await open(t, `/admin/sites/${t.site.id}`, (await staffOf(t, 'Later')).cookie)).text())
      expect(later[0]).toEqual(['2026-07-04', 0, 1])
      expect(later.every(([, posted]) => posted === 0)).toBe(true)
    })

    it('searches, shows an author’s history and standing, bans and the audit log', async () => {
      const t = await startApp(database())
      const mod = await staffOf(t, 'Mod')
      const c = await postGuest(t, 'Findable needle text')
      await postGuest(t, 'Something else')
      const ban = await fromEngawa(t, 'POST', `/api/v1/moderation/sites/${t.site.id}/authors`, { commentId: c.id, action: 'ban', days: 7, reason: 'Trolling' }, mod.cookie)
      expect(ban.status).toBe(200)
      const author = (await ban.json()).author as string

      const search = await (await open(t, `/admin/sites/${t.site.id}/search?text=needle&status=`, mod.cookie)).text()
      expect(search).toContain('Findable needle text')
      expect(search).not.toContain('Something else')
      expect(search).toContain(`href="/admin/sites/${t.site.id}/authors/${encodeURIComponent(author)}"`)
      expect((await open(t, `/admin/sites/${t.site.id}/search?status=nonsense`, mod.cookie)).status).toBe(400)

      const history = await open(t, `/admin/sites/${t.site.id}/authors/${encodeURIComponent(author)}`, mod.cookie)
      expect(history.status).toBe(200)
      const historyHtml = await history.text()
      expect(historyHtml).toContain('Findable needle text')
      expect(historyHtml).toContain('Something else')
      expect(historyHtml).toMatch(/Banned, ending <time datetime="2026-06-08T09:00:00.000Z"/)
      expect(historyHtml).toContain(': Trolling')
      expect((await open(t, `/admin/sites/${t.site.id}/authors/nobody`, mod.cookie)).status).toBe(404)

      const bans = await (await open(t, `/admin/sites/${t.site.id}/bans`, mod.cookie)).text()
      expect(bans).toContain(`data-author="${author}"`)
      expect(bans).toContain('Trolling')
      expect(bans).toContain('by Mod')

      const audit = await (await open(t, `/admin/sites/${t.site.id}/audit`, mod.cookie)).text()
      expect(audit).toContain('<strong><bdi>Mod</bdi></strong> banned')
      // What was acted on, named: the author, not an id.
      expect(audit).toContain('<bdi>Aki</bdi> (guest)</a>')
      expect(audit).toContain('for 7 days: Trolling')
    })

    it('names what each audit entry acted on: a comment by its author, its first words and its page', async () => {
      const t = await startApp(database())
      const mod = await staffOf(t, 'Mod')
      const c = await postGuest(t, `A comment whose first words are shown, ${'and then a great deal more. '.repeat(10)}`)
      const hide = await fromEngawa(t, 'POST', `/api/v1/moderation/sites/${t.site.id}/comments/${c.id}`, { action: 'hide' }, mod.cookie)
      expect(hide.status).toBe(200)
      const html = await (await open(t, `/admin/sites/${t.site.id}/audit`, mod.cookie)).text()
      expect(html).toContain('a comment by <bdi>Aki</bdi> (“<bdi>A comment whose first words are shown, and then a great deal more. and then a g…</bdi>”)')
      expect(html).toContain(`on <a href="${ARTICLE_URL}">Japan and AI training data</a>`)
      const api = await (await fromEngawa(t, 'GET', `/api/v1/moderation/sites/${t.site.id}/audit`, undefined, mod.cookie)).json()
      expect(api.entries[0].target).toEqual({
        name: 'Aki',
        excerpt: 'A comment whose first words are shown, and then a great deal more. and then a g…',
        page: { title: 'Japan and AI training data', url: ARTICLE_URL },
      })
    })
  })
})
