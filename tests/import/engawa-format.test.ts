import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { afterAll, describe, expect, it } from 'vitest'
import { IMPORTERS } from '../../src/import/formats.ts'
import { ImportFormatError, type ImportItem } from '../../src/import/records.ts'
import { fromEngawa } from '../helpers/accounts.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { startApp } from '../helpers/harness.ts'
import { HELD_WORD, LOCKED_URL, seedSite } from '../export/seed.ts'

const dir = mkdtempSync(join(tmpdir(), 'engawa-import-engawa-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let files = 0

function fileWith(text: string) {
  const path = join(dir, `export-${files++}.json`)
  writeFileSync(path, text)
  return { path, size: statSync(path).size }
}

async function readAll(file: { path: string; size: number }, onProgress?: (n: number) => void) {
  const importer = IMPORTERS.engawa
  if (!importer) throw new Error('no engawa importer')
  const items: ImportItem[] = []
  for await (const item of importer({ ...file, onProgress })) items.push(item)
  return items
}

const header = { format: 'engawa-export', version: '1.0', exportedAt: '2026-11-25T18:00:00.000Z', site: {} }
const thread = { id: 't1', key: 'k1', url: 'https://blog.example/a', title: 'A', createdAt: '2026-11-01T00:00:00.000Z', lockedAt: null, pinnedCommentId: null }
const comment = {
  id: 'c1', threadId: 't1', parentId: null, author: { id: null, kind: 'guest', name: 'Aki' }, body: { markdown: 'hi', html: '<p>hi</p>' },
  status: 'published', moderationReason: null, reasonPublic: false, createdAt: '2026-11-01T00:00:01.000Z', editedAt: null, deletedAt: null,
  score: 0, upvotes: 0, downvotes: 0,
}
const document = (extra: Record<string, unknown> = {}) => JSON.stringify({ ...header, threads: [thread], comments: [comment], ...extra })

/** Written from a function of its own, so that none of the text is still held when memory is measured. */
function writeBigExport(path: string, n: number) {
  const lines = [`${JSON.stringify(header).slice(0, -1)},"threads":[${JSON.stringify(thread)}],"comments":[`]
  for (let i = 0; i < n; i++) lines.push(`${i ? ',' : ''}${JSON.stringify({ ...comment, id: `c${i}`, body: { markdown: `Comment ${i} ${'文'.repeat(200)}`, html: '' } })}`)
  writeFileSync(path, `${lines.join('\n')}]}`)
}

describe('the Engawa export importer, on files', () => {
  it.each([
    { case: 'a Disqus XML file', text: '<?xml version="1.0"?><disqus xmlns="http://disqus.com"></disqus>' },
    { case: "another service's JSON", text: JSON.stringify([{ commentHex: 'x', url: '/a' }]) },
    { case: 'JSON of another format name', text: JSON.stringify({ format: 'remark42', version: '1.0', threads: [] }) },
    { case: 'a future major version', text: document({ version: '2.0' }) },
    { case: 'no version', text: JSON.stringify({ format: 'engawa-export', threads: [thread] }) },
    { case: 'the header after the records (keys reordered)', text: JSON.stringify({ threads: [thread], format: 'engawa-export', version: '1.0' }) },
    { case: 'truncated JSON', text: document().slice(0, -40) },
    { case: 'an empty file', text: '' },
  ])('refuses $case with a format error, before yielding anything', async ({ text }) => {
    const importer = IMPORTERS.engawa
    const seen: ImportItem[] = []
    const run = async () => {
      for await (const item of importer!({ ...fileWith(text) })) seen.push(item)
    }
    await expect(run()).rejects.toBeInstanceOf(ImportFormatError)
    if (!text.startsWith('{"format":"engawa-export","version":"1.0"')) expect(seen).toEqual([])
  })

  it('reads any 1.x file, ignoring members it does not know', async () => {
    const items = await readAll(fileWith(document({ version: '1.7', future: { anything: [1, 2] } })))
    expect(items.map((i) => i.kind)).toEqual(['thread', 'comment'])
  })

  it("reads a 1.2 file's threads and comments, leaving who reacted and bios out", async () => {
    const author = 'a'.repeat(32)
    const reactions = [{ commentId: 'c1', kind: 'heart', author, authorName: 'Hana', counted: true, createdAt: '2026-11-01T00:00:02.000Z' }]
    const bios = [{ author, authorName: 'Hana', bio: 'Illustrator', hiddenAt: null, updatedAt: '2026-11-01T00:00:03.000Z' }]
    const items = await readAll(fileWith(document({ version: '1.2', comments: [{ ...comment, reactions: { heart: 2 } }], reactions, bios })))
    expect(items.map((i) => i.kind)).toEqual(['thread', 'comment'])
    const read = items[1]?.kind === 'comment' ? items[1].comment : undefined
    expect(read).toMatchObject({ sourceId: 'c1', author: { name: 'Aki' } })
    expect(read).not.toHaveProperty('reactions')
  })

  it('skips a damaged record with its reason and reads on', async () => {
    const broken = { ...comment, id: 'c2', createdAt: 'last Tuesday' }
    const items = await readAll(fileWith(JSON.stringify({ ...header, threads: [thread, { id: 't2' }], comments: [broken, comment] })))
    expect(items).toEqual([
      expect.objectContaining({ kind: 'thread' }),
      { kind: 'skipped', what: 'thread 2', reason: expect.stringContaining('key') },
      { kind: 'skipped', what: 'comment 1', reason: expect.stringContaining('createdAt') },
      expect.objectContaining({ kind: 'comment' }),
    ])
  })

  it('reads a large export record by record, reporting progress, in flat memory', async () => {
    const n = 60_000
    const big = join(dir, 'big.json')
    writeBigExport(big, n)
    const size = statSync(big).size
    let progress = 0
    let comments = 0
    // Memory still held (after a full collection), not garbage not yet collected.
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as () => void
    const held = () => {
      gc()
      return process.memoryUsage().heapUsed
    }
    const before = held()
    let peak = before
    for await (const item of IMPORTERS.engawa!({ path: big, size, onProgress: (read) => (progress = read) })) {
      if (item.kind === 'comment') comments++
      if (comments % 10_000 === 0) peak = Math.max(peak, held())
    }
    expect(comments).toBe(n)
    expect(progress).toBe(size)
    // The file is ~55 MB; what the importer holds stays far below it (keeping the records would hold ~400 MB).
    expect(size).toBeGreaterThan(50_000_000)
    expect(peak - before).toBeLessThan(size / 5)
  }, 60_000)
})

forEachBackend((database) => {
  describe('the Engawa export importer, on a real export', () => {
    it('yields every thread, then every comment with its parent before it, as the neutral import records', async () => {
      const t = await startApp(database(), { site: { blockedWords: [HELD_WORD] } })
      const { owner, ids } = await seedSite(t)
      const res = await fromEngawa(t, 'GET', `/api/v1/admin/sites/${t.site.id}/export`, undefined, owner.cookie)
      const text = await res.text()
      // The file has who reacted and bios (1.2); none of it becomes an import record.
      expect(JSON.parse(text)).toMatchObject({ version: '1.2', reactions: expect.arrayContaining([expect.anything()]), bios: expect.arrayContaining([expect.anything()]) })
      const items = await readAll(fileWith(text))
      expect(new Set(items.map((i) => i.kind))).toEqual(new Set(['thread', 'comment']))
      const threads = items.flatMap((i) => (i.kind === 'thread' ? [i.thread] : []))
      const comments = new Map(items.flatMap((i) => (i.kind === 'comment' ? [[i.comment.sourceId, i.comment] as const] : [])))
      expect(items.filter((i) => i.kind === 'skipped')).toEqual([])
      expect(items.findIndex((i) => i.kind === 'comment')).toBe(threads.length)
      expect(threads.find((th) => th.url === LOCKED_URL)).toMatchObject({ key: 'closed-note', title: 'Closed note', locked: true, createdAt: expect.any(Date) })
      expect(comments.size).toBe(Object.keys(ids).length)
      expect(comments.get(ids.edited)).toMatchObject({
        parentSourceId: null,
        author: { name: 'Aki', email: 'aki@mail.example' },
        body: { markdown: 'Edited: **bold** and [a link](https://example.org/)' },
        state: 'published',
        editedAt: expect.any(Date),
      })
      expect(comments.get(ids.reply)).toMatchObject({ parentSourceId: ids.edited, author: { name: 'Hana 花' }, body: { markdown: '日本語の返信です。よろしくお願いします。' } })
      expect(comments.get(ids.reply)?.author).not.toHaveProperty('email')
      expect(comments.get(ids.hidden)).toMatchObject({ state: 'hidden', moderationReason: 'Off topic' })
      expect(comments.get(ids.removed)).toMatchObject({ state: 'removed', body: { markdown: '' } })
      expect(comments.get(ids.orphanReply)?.parentSourceId).toBe(ids.removed)
      expect(comments.get(ids.pending)?.state).toBe('pending')
    })
  })
})
