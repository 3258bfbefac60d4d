import { expect } from 'vitest'
import { setSiteRole } from '../../src/sites/members.ts'
import { bearer, fromEngawa, signUpAndVerify, widgetToken } from '../helpers/accounts.ts'
import { ARTICLE_URL, SITE_ORIGIN, type TestApp } from '../helpers/harness.ts'

export const LOCKED_URL = `${SITE_ORIGIN}/notes/closed`
/** A word the seeded site holds for approval, so a comment can be pending. */
export const HELD_WORD = 'casino'
/** Where the seeded site's guest reacts from (not the guests' address that gets banned). */
export const GUEST_REACTOR_IP = '198.51.100.7'

/** The seeded reactions, in the order given. */
export const REACTIONS = [
  { by: 'reader', comment: 'edited', kind: 'heart' },
  { by: 'reader', comment: 'edited', kind: 'clap' },
  { by: 'owner', comment: 'edited', kind: 'heart' },
  { by: 'guest', comment: 'edited', kind: 'heart' },
  { by: 'guest', comment: 'reply', kind: 'laugh' },
  { by: 'lurker', comment: 'reply', kind: 'laugh' },
] as const

export interface SeededSite {
  owner: { email: string; cookie: string; user: { id: string } }
  reader: { email: string; user: { id: string } }
  /** An account that reacts and writes a bio (which a moderator hid) but never comments. */
  lurker: { email: string; cookie: string; user: { id: string } }
  ids: Record<'edited' | 'reply' | 'deepReply' | 'hidden' | 'removed' | 'orphanReply' | 'pending' | 'pinned' | 'onLocked' | 'hostile', string>
}

/**
 * A site with what an export must carry: two threads (one keyed and locked), nested replies,
 * an edit, a hidden, a pending, a removed comment that stays as a tombstone for its reply, a
 * pinned comment, Japanese text, a guest who gave an email, an account, a ban and hostile text;
 * reactions of accounts and of a guest (REACTIONS) and bios (one hidden, one emptied).
 * Start the app with `site: { blockedWords: [HELD_WORD] }`.
 */
export async function seedSite(t: TestApp): Promise<SeededSite> {
  const owner = await signUpAndVerify(t, undefined, 'Owner')
  await setSiteRole(t.db, t.site.id, owner.email, 'owner')
  const reader = await signUpAndVerify(t, undefined, 'Hana 花')
  const readerToken = await widgetToken(t, reader.cookie)
  const page = { url: ARTICLE_URL, title: 'Japan and AI training data' }
  const post = async (body: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) => {
    t.clock.advance(60_000)
    const author = headers.authorization ? {} : { author: { name: 'Aki', email: 'aki@mail.example' } }
    const res = await t.post(`/api/v1/sites/${t.site.id}/comments`, { thread: page, body, ...author, ...extra }, { headers })
    const json = await res.json()
    expect(res.status, JSON.stringify(json)).toBe(201)
    return { id: json.comment.id as string, editToken: json.editToken as string }
  }
  const moderate = async (id: string, body: Record<string, unknown>) => {
    const res = await fromEngawa(t, 'POST', `/api/v1/moderation/sites/${t.site.id}/comments/${id}`, body, owner.cookie)
    expect(res.status, await res.clone().text()).toBe(200)
  }

  const edited = await post('First draft, **bold**')
  t.clock.advance(30_000)
  const edit = await t.request('PATCH', `/api/v1/sites/${t.site.id}/comments/${edited.id}`, { body: 'Edited: **bold** and [a link](https://example.org/)' }, { headers: { 'x-edit-token': edited.editToken } })
  expect(edit.status).toBe(200)
  const reply = await post('日本語の返信です。よろしくお願いします。', { parentId: edited.id }, bearer(readerToken))
  const deepReply = await post('A reply to the reply', { parentId: reply.id, author: { name: 'Ren' } })
  const hidden = await post('Something a moderator hides')
  await moderate(hidden.id, { action: 'hide', reason: 'Off topic', showReason: true })
  const removed = await post('Said and then taken back')
  const orphanReply = await post('A reply that outlives its parent', { parentId: removed.id, author: { name: 'Mio' } })
  const del = await t.request('DELETE', `/api/v1/sites/${t.site.id}/comments/${removed.id}`, undefined, { headers: { 'x-edit-token': removed.editToken } })
  expect(del.status).toBe(200)
  const pending = await post(`Visit my ${HELD_WORD}`)
  const pinned = await post('Pinned by the owner')
  await moderate(pinned.id, { action: 'pin' })
  const hostile = await post('Tricky: ]]> & <b>tags</b> \u0001 control, "quotes" \'apostrophes\' 絵文字 🎌', { author: { name: 'Ren <&>' } })
  const onLocked = await post('Before the lock', { thread: { url: LOCKED_URL, key: 'closed-note', title: 'Closed note' } })
  const lock = await fromEngawa(t, 'POST', `/api/v1/moderation/sites/${t.site.id}/threads/lock`, { key: 'closed-note', locked: true }, owner.cookie)
  expect(lock.status).toBe(200)

  const lurker = await signUpAndVerify(t, undefined, 'Mika')
  const ok = async (res: Response) => expect(res.status, await res.clone().text()).toBe(200)
  await ok(await fromEngawa(t, 'PATCH', `/api/v1/admin/sites/${t.site.id}/settings`, { reactions: 'everyone' }, owner.cookie))
  const tokens = { reader: readerToken, owner: await widgetToken(t, owner.cookie), lurker: await widgetToken(t, lurker.cookie) }
  for (const r of REACTIONS) {
    t.clock.advance(1_000)
    const on = `/api/v1/sites/${t.site.id}/comments/${r.comment === 'edited' ? edited.id : reply.id}/reactions/${r.kind}`
    await ok(await t.request('PUT', on, undefined, r.by === 'guest' ? { ip: GUEST_REACTOR_IP } : { headers: bearer(tokens[r.by]) }))
  }
  const bio = async (token: string, text: string) => ok(await t.request('PUT', `/api/v1/sites/${t.site.id}/profile`, { bio: text }, { headers: bearer(token) }))
  await bio(readerToken, 'Illustrator in Osaka. 大阪のイラストレーター')
  await bio(tokens.lurker, 'Buy my course at spam.example')
  await bio(tokens.owner, 'Writes this blog.')
  await bio(tokens.owner, '')
  await ok(await fromEngawa(t, 'PUT', `/api/v1/moderation/sites/${t.site.id}/profiles/${lurker.user.id}/bio`, { hidden: true, reason: 'Advertising' }, owner.cookie))
  const ban = await fromEngawa(t, 'POST', `/api/v1/moderation/sites/${t.site.id}/authors`, { commentId: deepReply.id, action: 'ban', days: 7, reason: 'Trolling' }, owner.cookie)
  expect(ban.status).toBe(200)
  return {
    owner,
    reader,
    lurker,
    ids: {
      edited: edited.id, reply: reply.id, deepReply: deepReply.id, hidden: hidden.id, removed: removed.id, orphanReply: orphanReply.id,
      pending: pending.id, pinned: pinned.id, onLocked: onLocked.id, hostile: hostile.id,
    },
  }
}
