import { expect } from 'vitest'
import { ARTICLE_URL, type TestApp } from './harness.ts'

export interface PostedComment {
  id: string
  editToken: string
  status: string
}

export function guestComment(body: string, extra: Record<string, unknown> = {}) {
  return { thread: { url: ARTICLE_URL, title: 'Japan and AI training data' }, author: { name: 'Aki' }, body, ...extra }
}

/** Posts a guest comment (or a reply) and fails the test unless it is created. */
export async function postGuest(t: TestApp, body: string, extra: Record<string, unknown> = {}): Promise<PostedComment> {
  const res = await t.post(`/api/v1/sites/${t.site.id}/comments`, guestComment(body, extra))
  const json = await res.json()
  expect(res.status, JSON.stringify(json)).toBe(201)
  return { id: json.comment.id, editToken: json.editToken, status: json.comment.status }
}

export async function readThread(t: TestApp, query: Record<string, string | number> = {}) {
  const params = new URLSearchParams({ url: ARTICLE_URL, ...Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)])) })
  const res = await t.get(`/api/v1/sites/${t.site.id}/thread?${params}`)
  expect(res.status).toBe(200)
  return res.json()
}

/** Posts as a signed-in reader, with the widget's bearer token. */
export function postAs(t: TestApp, token: string, body: string, extra: Record<string, unknown> = {}) {
  return t.post(`/api/v1/sites/${t.site.id}/comments`, { thread: { url: ARTICLE_URL, title: 'Japan and AI training data' }, body, ...extra }, { headers: { authorization: `Bearer ${token}` } })
}

/** Posts as a signed-in reader and fails the test unless the comment is created. */
export async function postSignedIn(t: TestApp, token: string, body: string, extra: Record<string, unknown> = {}): Promise<PostedComment> {
  const res = await postAs(t, token, body, extra)
  const json = await res.json()
  expect(res.status, JSON.stringify(json)).toBe(201)
  return { id: json.comment.id, editToken: json.editToken, status: json.comment.status }
}
