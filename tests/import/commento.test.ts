import { readFileSync, statSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { importCommento } from '../../src/import/formats/commento.ts'
import { ImportFormatError } from '../../src/import/records.ts'
import { fixturePath, parse, tempFile, threadsComeFirst } from './parse-fixture.ts'

const HEX = (n: number) => `c1a000000000000000000000000000000000000000000000000000000000000${n}`
const ODD = (n: number) => `0dd000000000000000000000000000000000000000000000000000000000000${n}`
const V3 = (n: number) => `0a0a0a0a-0000-4000-8000-00000000000${n}`

describe('Commento export', () => {
  it("reads the real file from Remark42's test data", async () => {
    const { threads, comments, skipped, error } = await parse(importCommento, fixturePath('commento-remark42.json'))
    expect(error).toBeUndefined()
    expect(skipped).toEqual([])
    expect(threads).toEqual([
      { sourceId: 'https://example.com/blog/post/2', url: 'https://example.com/blog/post/2' },
      { sourceId: 'https://example.com/blog/post/1', url: 'https://example.com/blog/post/1' },
    ])
    expect(comments.map((c) => [c.threadSourceId, c.parentSourceId?.slice(0, 6) ?? null, c.author, c.state])).toEqual([
      ['https://example.com/blog/post/2', null, { name: '' }, 'published'],
      ['https://example.com/blog/post/1', null, { name: 'User5276', email: 'somegreatmail@gmail.com', url: 'https://example.com/profile/257' }, 'published'],
      ['https://example.com/blog/post/1', '7d77e3', { name: 'Saturnin Uf', email: 'moregreatmail@gmail.com', url: 'https://example.com/profile/259' }, 'published'],
    ])
    expect(comments[1]?.createdAt.toISOString()).toBe('2021-03-17T12:09:47.722Z')
    expect(comments[0]?.body).toEqual({ markdown: 'Example comment created by user.' })
  })

  it('maps each state, anonymous commenters and the tree, with commenters listed after their comments', async () => {
    const path = fixturePath('commento-normal.json')
    const { threads, comments, skipped, items, error, progress } = await parse(importCommento, path)
    expect(error).toBeUndefined()
    expect(skipped).toEqual([])
    expect(threadsComeFirst(items)).toBe(true)
    // Read twice (commenters come last), reported as one run to the end of the file.
    expect(progress).toBe(statSync(path).size)
    expect(threads.map((t) => t.url)).toEqual(['https://blog.example/posts/hello/', 'https://blog.example/posts/second'])
    expect(comments.map((c) => [c.sourceId, c.parentSourceId, c.author.name, c.state])).toEqual([
      [HEX(1), null, 'Aki', 'published'],
      [HEX(2), HEX(1), '', 'published'],
      [HEX(3), null, 'Ben', 'pending'],
      [HEX(4), null, '', 'spam'],
      [HEX(5), null, 'Ben', 'removed'],
      [HEX(6), HEX(5), 'Aki', 'published'],
    ])
    // Commento writes "undefined" for a missing link: not a website.
    expect(comments[2]?.author).toEqual({ name: 'Ben', email: 'ben@mail.example' })
  })

  it("reads Comentario's version 3 in Japanese, gzipped as Comentario hands it out", async () => {
    const gz = tempFile('comentario-export.json.gz', gzipSync(readFileSync(fixturePath('comentario-v3-japanese.json'))))
    for (const path of [fixturePath('comentario-v3-japanese.json'), gz]) {
      const { threads, comments, skipped, items, error } = await parse(importCommento, path)
      expect(error).toBeUndefined()
      expect(skipped).toEqual([])
      expect(threadsComeFirst(items)).toBe(true)
      // Version 3 has no host: paths, for the writer to resolve against the site's origin.
      expect(threads).toEqual([
        { sourceId: '7f0c3c1e-1111-4a4a-8b8b-000000000001', url: '/posts/engawa/', title: '縁側のある暮らし' },
        { sourceId: '7f0c3c1e-1111-4a4a-8b8b-000000000002', url: '/posts/closed/', title: '終了した話題', locked: true },
      ])
      expect(comments.map((c) => [c.sourceId, c.parentSourceId, c.author, c.state])).toEqual([
        [V3(1), null, { name: '山田 花子', email: 'hanako@mail.example', url: 'https://hanako.example/' }, 'published'],
        [V3(2), V3(1), { name: '名無しさん' }, 'published'],
        [V3(3), null, { name: '鈴木 太郎', email: 'taro@mail.example' }, 'pending'],
        [V3(4), null, { name: '鈴木 太郎', email: 'taro@mail.example' }, 'hidden'],
        [V3(5), null, { name: '山田 花子', email: 'hanako@mail.example', url: 'https://hanako.example/' }, 'removed'],
      ])
      expect(comments[0]?.body).toEqual({ markdown: '縁側でお茶を飲むのが好きです。' })
      expect(comments[0]?.editedAt?.toISOString()).toBe('2023-01-12T03:10:00.000Z')
    }
  })

  it('repairs or skips odd records, with reasons', async () => {
    const { threads, comments, skipped, error } = await parse(importCommento, fixturePath('commento-odd.json'))
    expect(error).toBeUndefined()
    expect(skipped).toEqual([
      { what: `comment ${ODD(3)}`, reason: 'it names no page (its url is empty)' },
      { what: 'a comment', reason: 'it has no commentHex' },
      { what: 'a comment', reason: 'it has no commentHex' },
    ])
    // Early Comentario's `host` and `path`; a domain left empty gives a path for the writer to resolve.
    expect(threads.map((t) => t.url)).toEqual(['https://old.example/notes/one', '/notes/two'])
    expect(comments.map((c) => [c.sourceId, c.author, c.body, c.createdAt.getTime() ? c.createdAt.toISOString() : 'invalid'])).toEqual([
      [ODD(1), { name: '' }, { markdown: 'Its commenter is gone.' }, '2019-01-01T00:00:00.000Z'],
      // Go's zero time is no date: left invalid for the writer to repair from the thread and report.
      [ODD(2), { name: 'No Mail' }, { markdown: 'Zero date.' }, 'invalid'],
      // No email, and a javascript: link dropped.
      [ODD(5), { name: 'No Mail' }, { html: '<p>Only <b>HTML</b> here.</p>' }, '2019-01-03T10:00:00.000Z'],
    ])
  })

  it('streams a large export, reading its commenters first', async () => {
    const comments = Array.from({ length: 20_000 }, (_, i) =>
      JSON.stringify({ commentHex: `h${i}`, domain: 'blog.example', url: `/p/${i % 2000}`, commenterHex: `u${i % 500}`, markdown: `Comment ${i}`, parentHex: i % 4 ? `h${i - 1}` : 'root', state: 'approved', creationDate: '2021-01-01T00:00:00Z', deleted: false }))
    const commenters = Array.from({ length: 500 }, (_, i) => JSON.stringify({ commenterHex: `u${i}`, email: `u${i}@mail.example`, name: `User ${i}` }))
    const path = tempFile('huge.json', `{"version":1,"comments":[${comments.join(',\n')}],"commenters":[${commenters.join(',')}]}`)
    const parsed = await parse(importCommento, path)
    expect(parsed.error).toBeUndefined()
    expect(parsed.threads).toHaveLength(2000)
    expect(parsed.comments).toHaveLength(20_000)
    expect(parsed.comments[19_999]).toMatchObject({ parentSourceId: 'h19998', author: { name: 'User 499', email: 'u499@mail.example' } })
  })

  it.each([
    { case: 'an empty file', content: '' },
    { case: 'a Disqus XML export', content: '<?xml version="1.0"?><disqus/>' },
    { case: 'an Artalk export', content: '[{"id":"1","page_key":"/a","content":"hi"}]' },
    { case: 'a Waline export', content: '{"type":"waline","version":1,"data":{"Comment":[]}}' },
    { case: 'JSON without a version', content: '{"comments":[{"commentHex":"x"}]}' },
    { case: 'an unknown version', content: '{"version":2,"comments":[]}' },
    { case: 'a file cut short', path: fixturePath('commento-damaged.json') },
  ])('refuses $case before yielding anything', async ({ content, path }) => {
    const { items, error } = await parse(importCommento, path ?? tempFile('wrong.json', content ?? ''))
    expect(error).toBeInstanceOf(ImportFormatError)
    expect(items).toEqual([])
  })
})
