import { statSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { importWaline } from '../../src/import/formats/waline.ts'
import { ImportFormatError } from '../../src/import/records.ts'
import { fixturePath, parse, tempFile, threadsComeFirst } from './parse-fixture.ts'

describe('Waline export', () => {
  it('reads threads, the reply tree, users over guests, dates and states', async () => {
    const path = fixturePath('waline-normal.json')
    const { threads, comments, skipped, items, error, progress } = await parse(importWaline, path)
    expect(error).toBeUndefined()
    expect(skipped).toEqual([])
    expect(threadsComeFirst(items)).toBe(true)
    expect(progress).toBe(statSync(path).size)
    // Waline keeps paths only: the writer resolves them against the site's origin.
    expect(threads).toEqual([{ sourceId: '/posts/hello/', url: '/posts/hello/' }, { sourceId: '/posts/second/', url: '/posts/second/' }])
    expect(comments.map((c) => [c.sourceId, c.threadSourceId, c.parentSourceId, c.author.name, c.state])).toEqual([
      ['1', '/posts/hello/', null, 'Blog Admin', 'published'],
      ['2', '/posts/hello/', '1', 'Guest', 'published'],
      ['3', '/posts/hello/', '2', 'Blog Admin', 'published'],
      ['4', '/posts/hello/', null, '', 'pending'],
      ['5', '/posts/hello/', null, 'Pills', 'spam'],
      ['6', '/posts/second/', null, 'Mika', 'published'],
    ])
    expect(comments[0]?.author).toEqual({ name: 'Blog Admin', email: 'admin@blog.example', url: 'https://blog.example/about/' })
    expect(comments[1]?.author).toEqual({ name: 'Guest', email: 'guest@mail.example', url: 'https://guest.example' })
    expect(comments[0]?.body).toEqual({ markdown: 'Welcome! Comments are **Markdown**.' })
    expect(comments[0]?.createdAt.toISOString()).toBe('2022-04-01T09:00:00.000Z')
    // `updatedAt` moves with likes and moderation: it is no edit.
    expect(comments[0]?.editedAt).toBeUndefined()
  })

  it('reads Japanese text and LeanCloud-style string ids', async () => {
    const { threads, comments, error } = await parse(importWaline, fixturePath('waline-japanese.json'))
    expect(error).toBeUndefined()
    expect(threads).toEqual([{ sourceId: '/posts/%E7%B8%81%E5%81%B4/', url: '/posts/%E7%B8%81%E5%81%B4/' }])
    expect(comments.map((c) => [c.sourceId, c.parentSourceId, c.author, c.body])).toEqual([
      ['6423a1f0c2b5a1001a000001', null, { name: '春子', email: 'haru@mail.example' }, { markdown: '春の縁側は最高ですね。' }],
      ['6423a1f0c2b5a1001a000002', '6423a1f0c2b5a1001a000001', { name: '夏男', url: 'https://natsu.example' }, { markdown: '同感です🍵' }],
    ])
  })

  it('repairs or skips odd records, with reasons', async () => {
    const { comments, skipped, error } = await parse(importWaline, fixturePath('waline-odd.json'))
    expect(error).toBeUndefined()
    expect(skipped).toEqual([
      { what: 'comment 1', reason: 'it names no page (its url is empty)' },
      { what: 'a comment', reason: 'it has no objectId' },
      { what: 'a comment', reason: 'it has no objectId' },
    ])
    expect(comments.map((c) => [c.sourceId, c.parentSourceId, c.author, c.state, c.createdAt.getTime() ? c.createdAt.toISOString() : 'invalid'])).toEqual([
      ['2', null, { name: 'B' }, 'published', '2022-01-02T00:00:00.000Z'],
      ['3', null, { name: 'C' }, 'published', '2022-01-03T00:00:00.000Z'],
      // No date at all: left invalid for the writer to repair from the thread and report.
      ['4', null, { name: 'D' }, 'published', 'invalid'],
      ['6', '3', { name: '' }, 'published', '2022-01-06T08:00:00.000Z'],
    ])
  })

  it.each([
    { case: 'an empty file', content: '' },
    { case: 'a Disqus XML export', content: '<?xml version="1.0"?><disqus/>' },
    { case: 'a Commento export', path: fixturePath('commento-remark42.json') },
    { case: 'an Artalk export', content: '[{"id":"1","page_key":"/a","content":"hi"}]' },
    { case: 'a file cut short', path: fixturePath('waline-damaged.json') },
  ])('refuses $case before yielding anything', async ({ content, path }) => {
    const { items, error } = await parse(importWaline, path ?? tempFile('wrong.json', content ?? ''))
    expect(error).toBeInstanceOf(ImportFormatError)
    expect(items).toEqual([])
  })
})
