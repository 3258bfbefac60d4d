import { statSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { importArtalk } from '../../src/import/formats/artalk.ts'
import { ImportFormatError } from '../../src/import/records.ts'
import { fixturePath, parse, tempFile, threadsComeFirst } from './parse-fixture.ts'

describe('Artalk export (artrans)', () => {
  it('reads threads, the reply tree, authors, dates and states', async () => {
    const path = fixturePath('artalk-normal.artrans')
    const { threads, comments, skipped, items, error, progress } = await parse(importArtalk, path)
    expect(error).toBeUndefined()
    expect(skipped).toEqual([])
    expect(threadsComeFirst(items)).toBe(true)
    expect(progress).toBe(statSync(path).size)
    // A path key is resolved against the site's first URL; a URL key is kept.
    expect(threads).toEqual([
      { sourceId: 'My Blog /posts/hello/', url: 'https://blog.example/posts/hello/', title: 'Hello, Artalk' },
      { sourceId: 'My Blog https://blog.example/about/', url: 'https://blog.example/about/', title: 'About' },
    ])
    expect(comments.map((c) => [c.sourceId, c.parentSourceId, c.author.name, c.state, c.createdAt.toISOString()])).toEqual([
      ['1', null, 'Aki', 'published', '2022-08-01T02:00:00.000Z'],
      ['2', '1', 'Ben', 'published', '2022-08-01T03:30:15.000Z'],
      // Collapsed is only folded in Artalk's list, shown to everyone.
      ['3', '2', 'Cy', 'published', '2022-08-01T04:00:00.000Z'],
      ['4', null, 'Dee', 'pending', '2022-08-03T08:00:00.000Z'],
      ['5', null, 'Eve', 'published', '2022-09-01T00:00:00.000Z'],
    ])
    expect(comments[0]?.author).toEqual({ name: 'Aki', email: 'aki@mail.example', url: 'https://aki.example' })
    expect(comments[0]?.body).toEqual({ markdown: 'Great write-up, **thanks**!' })
    // Artalk moves updated_at on any change: no edit date is claimed.
    expect(comments[1]?.editedAt).toBeUndefined()
  })

  it('reads Japanese text, titles and paths', async () => {
    const { threads, comments, error } = await parse(importArtalk, fixturePath('artalk-japanese.artrans'))
    expect(error).toBeUndefined()
    expect(threads).toEqual([{ sourceId: '日記 /posts/縁側と本/', url: 'https://nikki.example/posts/%E7%B8%81%E5%81%B4%E3%81%A8%E6%9C%AC/', title: '縁側と本' }])
    expect(comments.map((c) => [c.sourceId, c.parentSourceId, c.author.name, c.body, c.createdAt.toISOString()])).toEqual([
      ['101', null, '読書家', { markdown: '縁側で読む本は格別です。📚' }, '2024-01-15T11:00:00.000Z'],
      ['102', '101', 'ねこ', { markdown: 'おすすめの本はありますか？' }, '2024-01-15T12:05:00.000Z'],
    ])
  })

  it('repairs or skips odd records, with reasons', async () => {
    const { threads, comments, skipped, error } = await parse(importArtalk, fixturePath('artalk-odd.artrans'))
    expect(error).toBeUndefined()
    expect(skipped).toEqual([
      { what: 'comment 204', reason: 'it names no page (page_key is empty)' },
      { what: 'a comment', reason: 'it has no id' },
      { what: 'a comment', reason: 'it has no id' },
    ])
    // Without a site URL the path is kept for the writer to resolve against the site's origin.
    expect(threads).toEqual([
      { sourceId: 'notes/one', url: '/notes/one' },
      { sourceId: 'Other notes/one', url: 'https://other.example/notes/one' },
    ])
    expect(comments.map((c) => [c.sourceId, c.threadSourceId, c.parentSourceId, c.author, c.state, c.createdAt.getTime() ? c.createdAt.toISOString() : 'invalid'])).toEqual([
      ['201', 'notes/one', null, { name: '' }, 'published', '2021-06-01T09:00:00.000Z'],
      ['202', 'notes/one', '201', { name: 'Fixer' }, 'published', '2021-06-02T10:00:00.000Z'],
      // No date at all: left invalid for the writer to repair from the thread and report.
      ['203', 'notes/one', null, { name: 'X' }, 'published', 'invalid'],
      ['206', 'Other notes/one', '999', { name: 'Y' }, 'published', '2021-06-04T00:00:00.000Z'],
    ])
  })

  it.each([
    { case: 'an empty file', content: '' },
    { case: 'a Disqus XML export', content: '<?xml version="1.0"?><disqus/>' },
    { case: 'a Commento export', path: fixturePath('commento-remark42.json') },
    { case: 'a JSON array of something else', content: '[{"name":"not a comment"}]' },
    { case: 'a file cut short', path: fixturePath('artalk-damaged.artrans') },
  ])('refuses $case', async ({ content, path }) => {
    const { items, error } = await parse(importArtalk, path ?? tempFile('wrong.artrans', content ?? ''))
    expect(error).toBeInstanceOf(ImportFormatError)
    if (!path?.includes('damaged')) expect(items).toEqual([])
  })
})
