import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect } from 'vitest'
import { setSiteRole } from '../../src/sites/members.ts'
import { createTempUploads } from '../../src/import/temp-uploads.ts'
import type { ImportUploads } from '../../src/import/uploads.ts'
import { ENGAWA_ORIGIN, signUpAndVerify } from '../helpers/accounts.ts'
import type { TestDatabase } from '../helpers/backends.ts'
import { startApp, type StartOptions, type TestApp } from '../helpers/harness.ts'

export const FIXTURES = 'tests/fixtures/imports'

export function fixture(name: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(readFileSync(join(FIXTURES, name)))
}

export interface ImportApp extends TestApp {
  uploads: ImportUploads
  /** The folder uploads are written to: empty once every import has ended. */
  uploadDir: string
  cookie: string
  upload(file: Uint8Array | ReadableStream<Uint8Array>, query: string, headers?: Record<string, string>, cookie?: string): Promise<Response>
  /** Uploads, waits for the import to end and returns it as GET …/imports/{id} shows it. */
  importFile(name: string, query?: string): Promise<ImportJson>
  read(url: string): Promise<ThreadPage>
  countItems(): Promise<{ threads: number; comments: number; staged: number; sources: number }>
}

export interface ImportJson {
  id: string
  status: string
  phase: string
  error: string | null
  threadsDone: number
  threadsTotal: number
  summary: {
    threads: { created: number; updated: number; unchanged: number }
    comments: { imported: number; alreadyImported: number; linkedToAccounts: number; byState: Record<string, number> }
    repaired: { total: number; reasons: Array<{ reason: string; count: number; examples: string[] }> }
    skipped: { total: number; reasons: Array<{ reason: string; count: number; examples: string[] }> }
  } | null
}

export interface CommentJson {
  id: string
  parentId: string | null
  depth: number
  author: { name: string } | null
  html: string
  createdAt: string
  status: string
  replyCount: number
  replies: CommentJson[]
}

export interface ThreadPage {
  thread: { id: string; key: string; url: string; title: string; total: number; locked: boolean } | null
  comments: CommentJson[]
}

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

/** An app with imports on, and a signed-in owner of its site. */
export async function startImportApp(database: TestDatabase, options: StartOptions = {}): Promise<ImportApp> {
  const uploadDir = mkdtempSync(join(tmpdir(), 'engawa-uploads-'))
  dirs.push(uploadDir)
  const uploads = createTempUploads(uploadDir)
  const t = await startApp(database, { ...options, imports: uploads })
  const owner = await signUpAndVerify(t, undefined, 'Owner')
  await setSiteRole(t.db, t.site.id, owner.email, 'owner')
  const upload: ImportApp['upload'] = async (file, query, headers = {}, cookie = owner.cookie) =>
    t.app.request(
      `/api/v1/admin/sites/${t.site.id}/imports?${query}`,
      {
        method: 'POST',
        headers: { origin: ENGAWA_ORIGIN, 'content-type': 'application/octet-stream', ...(cookie ? { cookie } : {}), ...headers },
        body: file,
        ...(file instanceof ReadableStream ? { duplex: 'half' } : {}),
      } as RequestInit,
      { incoming: { socket: { remoteAddress: t.ip } } },
    )
  const getImport = async (id: string): Promise<ImportJson> => {
    const res = await t.request('GET', `/api/v1/admin/sites/${t.site.id}/imports/${id}`, undefined, { origin: ENGAWA_ORIGIN, headers: { cookie: owner.cookie } })
    expect(res.status).toBe(200)
    return (await res.json()).import
  }
  const countOf = async (table: 'threads' | 'comments' | 'import_items' | 'import_sources') => {
    const row = await t.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('site_id', '=', t.site.id).executeTakeFirstOrThrow()
    return Number(row.n)
  }
  return {
    ...t,
    uploads,
    uploadDir,
    cookie: owner.cookie,
    upload,
    async importFile(name, query = '') {
      const format = name.startsWith('wordpress') ? 'wordpress' : 'disqus'
      const res = await upload(fixture(name), `format=${format}&name=${name}${query ? `&${query}` : ''}`)
      const json = await res.json()
      expect(res.status, JSON.stringify(json)).toBe(202)
      await uploads.idle()
      return getImport(json.import.id)
    },
    async read(url) {
      // As a script reads it: sites here allow origins other than the harness default.
      const res = await t.get(`/api/v1/sites/${t.site.id}/thread?url=${encodeURIComponent(url)}&replies=40&limit=20`, { origin: false })
      expect(res.status).toBe(200)
      return res.json()
    },
    async countItems() {
      return { threads: await countOf('threads'), comments: await countOf('comments'), staged: await countOf('import_items'), sources: await countOf('import_sources') }
    },
  }
}

export function uploadsLeft(t: ImportApp): string[] {
  return readdirSync(t.uploadDir)
}

/** A thread page as [author, text, status] trees, for assertions that read like the page. */
export function outline(comments: CommentJson[]): unknown[] {
  return comments.map((c) => {
    const text = c.html.replace(/<[^>]+>/g, '').trim()
    const own = [c.author?.name ?? null, text, c.status]
    return c.replies.length ? [...own, outline(c.replies)] : own
  })
}
