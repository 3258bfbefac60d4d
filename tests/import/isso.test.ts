import { readFileSync } from 'node:fs'
import initSqlJs from 'sql.js'
import { describe, expect, it } from 'vitest'
import { importIsso } from '../../src/import/formats/isso.ts'
import { ImportFormatError } from '../../src/import/records.ts'
import { issoDatabase } from './isso-database.ts'
import { fixturePath, parse, tempFile, threadsComeFirst } from './parse-fixture.ts'

const MARCH_2021 = 1614556800 // 2021-03-01T00:00:00Z

describe('Isso database', () => {
  it('reads threads, the reply tree, authors, dates, modes and Markdown', async () => {
    const path = await issoDatabase('comments.db', [[1, '/posts/hello/', 'Hello, Isso'], [2, '/posts/untitled/', null]], [
      { id: 1, tid: 1, created: MARCH_2021 + 0.25, mode: 1, text: 'First *comment*.', author: 'Aki', email: 'aki@mail.example', website: 'https://aki.example/' },
      { id: 2, tid: 1, parent: 1, created: MARCH_2021 + 60, modified: MARCH_2021 + 120, mode: 1, text: 'A reply, edited.', author: 'Ben' },
      { id: 3, tid: 1, created: MARCH_2021 + 180, mode: 2, text: 'Awaiting moderation.' },
      // Deleted with a reply: Isso blanks the text and author and keeps the row.
      { id: 4, tid: 2, created: MARCH_2021 + 240, mode: 4, text: '' },
      { id: 5, tid: 2, parent: 4, created: MARCH_2021 + 300, mode: 1, text: 'Outlived its parent.', author: 'Cy' },
    ])
    const { threads, comments, skipped, items, error } = await parse(importIsso, path)
    expect(error).toBeUndefined()
    expect(skipped).toEqual([])
    expect(threadsComeFirst(items)).toBe(true)
    // Isso knows paths only: the writer resolves them against the site's origin.
    expect(threads).toEqual([{ sourceId: '1', url: '/posts/hello/', title: 'Hello, Isso' }, { sourceId: '2', url: '/posts/untitled/' }])
    expect(comments.map((c) => [c.sourceId, c.threadSourceId, c.parentSourceId, c.author, c.state])).toEqual([
      ['1', '1', null, { name: 'Aki', email: 'aki@mail.example', url: 'https://aki.example/' }, 'published'],
      ['2', '1', '1', { name: 'Ben' }, 'published'],
      ['3', '1', null, { name: '' }, 'pending'],
      ['4', '2', null, { name: '' }, 'removed'],
      ['5', '2', '4', { name: 'Cy' }, 'published'],
    ])
    expect(comments[0]?.createdAt.toISOString()).toBe('2021-03-01T00:00:00.250Z')
    expect(comments[0]?.body).toEqual({ markdown: 'First *comment*.' })
    expect(comments[1]?.editedAt?.toISOString()).toBe('2021-03-01T00:02:00.000Z')
  })

  it('reads Japanese text, titles and paths', async () => {
    const path = await issoDatabase('japanese.db', [[1, '/記事/縁側/', '縁側で話そう']], [
      { id: 1, tid: 1, created: MARCH_2021, mode: 1, text: '素敵な**縁側**ですね。', author: '佐藤 花子' },
      { id: 2, tid: 1, parent: 1, created: MARCH_2021 + 10, mode: 1, text: 'ありがとうございます！', author: '管理人' },
    ])
    const { threads, comments, error } = await parse(importIsso, path)
    expect(error).toBeUndefined()
    expect(threads).toEqual([{ sourceId: '1', url: '/記事/縁側/', title: '縁側で話そう' }])
    expect(comments.map((c) => [c.author.name, c.body])).toEqual([
      ['佐藤 花子', { markdown: '素敵な**縁側**ですね。' }],
      ['管理人', { markdown: 'ありがとうございます！' }],
    ])
  })

  it('repairs or skips odd rows, with reasons', async () => {
    const path = await issoDatabase('odd.db', [[1, '/a/', 'A'], [2, null, 'No uri']], [
      { id: 1, tid: 99, created: MARCH_2021, mode: 1, text: 'Thread gone.' },
      { id: 2, tid: 1, created: MARCH_2021, mode: 8, text: 'Unknown mode.' },
      { id: 3, tid: 1, created: 0, modified: MARCH_2021 + 5, mode: 1, text: 'Zero date, edited.' },
      { id: 4, tid: 1, created: 0, mode: 1, text: 'Zero date.' },
      { id: 5, tid: 1, created: MARCH_2021, mode: 1, text: 'Odd author.', author: '  ', email: 'not-an-email', website: 'example.org/me' },
      { id: 6, tid: 1, created: MARCH_2021, mode: 1, text: 'Hostile link.', author: 'X', website: 'javascript:alert(1)' },
    ])
    const { threads, comments, skipped, error } = await parse(importIsso, path)
    expect(error).toBeUndefined()
    expect(threads.map((t) => t.sourceId)).toEqual(['1'])
    expect(skipped).toEqual([
      { what: 'thread 2', reason: 'it has no uri' },
      { what: 'comment 1', reason: 'its thread 99 does not exist' },
      { what: 'comment 2', reason: 'its mode 8 is none Isso writes (1, 2 or 4)' },
    ])
    expect(comments.map((c) => [c.sourceId, c.author, c.createdAt.getTime() ? c.createdAt.toISOString() : 'invalid'])).toEqual([
      ['3', { name: '' }, '2021-03-01T00:00:05.000Z'],
      // The epoch is no date: left invalid for the writer to repair from the thread and report.
      ['4', { name: '' }, 'invalid'],
      ['5', { name: '', url: 'http://example.org/me' }, '2021-03-01T00:00:00.000Z'],
      ['6', { name: 'X' }, '2021-03-01T00:00:00.000Z'],
    ])
  })

  it.each([
    { case: 'cut short', damage: (whole: Buffer) => whole.subarray(0, Math.floor(whole.length * 0.75)) },
    { case: 'overwritten in the middle', damage: (whole: Buffer) => Buffer.from(whole).fill(0x41, whole.length / 2, whole.length / 2 + 4096) },
  ])('refuses a database $case before yielding anything', async ({ damage }) => {
    const rows = Array.from({ length: 400 }, (_, i) => ({ id: i + 1, tid: 1, created: MARCH_2021 + i, mode: 1, text: `Comment ${i} `.repeat(20) }))
    const whole = readFileSync(await issoDatabase('whole.db', [[1, '/a/', 'A']], rows))
    expect((await parse(importIsso, tempFile('whole.db', whole))).comments).toHaveLength(400)
    const { items, error } = await parse(importIsso, tempFile('damaged.db', damage(whole)))
    expect(error).toBeInstanceOf(ImportFormatError)
    expect(items).toEqual([])
  })

  it.each([
    { case: 'an empty file', content: () => '' },
    { case: 'a Disqus XML export', content: () => '<?xml version="1.0"?><disqus/>' },
    { case: 'a Commento export', content: () => readFileSync(fixturePath('commento-remark42.json')) },
    {
      case: 'another SQLite database',
      content: async () => {
        const db = new (await initSqlJs()).Database()
        db.run('create table notes (id integer primary key, body text)')
        return db.export()
      },
    },
  ])('refuses $case before yielding anything', async ({ content }) => {
    const { items, error } = await parse(importIsso, tempFile('wrong.db', await content()))
    expect(error).toBeInstanceOf(ImportFormatError)
    expect(items).toEqual([])
  })
})
