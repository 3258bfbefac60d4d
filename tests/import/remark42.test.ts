import { readFileSync, statSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { importRemark42 } from '../../src/import/formats/remark42.ts'
import { ImportFormatError } from '../../src/import/records.ts'
import { fixturePath, parse, tempFile, threadsComeFirst } from './parse-fixture.ts'

const ID = (n: number) => `2f2a5f42-8c3e-4f8e-9a53-0a6d1c3e0b0${n}`

describe('Remark42 backup', () => {
  it('reads threads, the reply tree, authors, dates, states and bodies', async () => {
    const { threads, comments, skipped, items, error, progress } = await parse(importRemark42, fixturePath('remark42-normal.json'))
    expect(error).toBeUndefined()
    expect(skipped).toEqual([])
    expect(threadsComeFirst(items)).toBe(true)
    expect(progress).toBe(statSync(fixturePath('remark42-normal.json')).size)
    expect(threads).toEqual([
      { sourceId: 'https://blog.example/posts/first/', url: 'https://blog.example/posts/first/', title: 'First post' },
      { sourceId: 'https://blog.example/posts/closed/', url: 'https://blog.example/posts/closed/', title: 'Closed post', locked: true },
    ])
    expect(comments.map((c) => [c.sourceId, c.parentSourceId, c.state])).toEqual([
      [ID(1), null, 'published'],
      [ID(2), ID(1), 'published'],
      [ID(3), null, 'removed'],
      [ID(4), ID(3), 'published'],
      [ID(5), null, 'published'],
    ])
    const [first, second, , , fifth] = comments
    expect(first?.author).toEqual({ name: 'Aki Tanaka' })
    expect(first?.body).toEqual({ markdown: 'Hello **world**' })
    expect(first?.createdAt.toISOString()).toBe('2019-03-01T07:00:00.123Z')
    expect(first?.editedAt).toBeUndefined()
    expect(second?.editedAt?.toISOString()).toBe('2019-03-01T12:35:00.000Z')
    // No `orig`: Remark42's own HTML is all there is.
    expect(fifth?.body).toEqual({ html: '<p>Imported long ago, <em>HTML only</em>.</p>' })
    expect(fifth?.threadSourceId).toBe('https://blog.example/posts/closed/')
  })

  it('reads Japanese text and the gzipped backups Remark42 writes', async () => {
    const gz = tempFile('backup-nikki-20230402.gz', gzipSync(readFileSync(fixturePath('remark42-japanese.json'))))
    for (const path of [fixturePath('remark42-japanese.json'), gz]) {
      const { threads, comments, error, progress } = await parse(importRemark42, path)
      expect(error).toBeUndefined()
      expect(progress).toBe(statSync(path).size)
      expect(threads).toEqual([{ sourceId: 'https://nikki.example/posts/%E7%B8%81%E5%81%B4/', url: 'https://nikki.example/posts/%E7%B8%81%E5%81%B4/', title: '縁側のある家' }])
      expect(comments.map((c) => [c.author.name, c.body])).toEqual([
        ['田中 明', { markdown: 'はじめまして。**縁側**で話しましょう。' }],
        ['さくら', { markdown: '素敵な記事ですね！🌸' }],
      ])
      expect(comments[1]?.createdAt.toISOString()).toBe('2023-04-01T01:15:30.000Z')
    }
  })

  it('skips damaged lines and keeps the rest', async () => {
    const { comments, skipped, error } = await parse(importRemark42, fixturePath('remark42-damaged.json'))
    expect(error).toBeUndefined()
    expect(comments.map((c) => c.sourceId)).toEqual(['d0000000-0000-4000-8000-000000000001', 'd0000000-0000-4000-8000-000000000003'])
    expect(skipped).toEqual([
      { what: 'line 3', reason: 'it is not valid JSON' },
      { what: 'line 5', reason: 'it is not valid JSON' },
    ])
  })

  it('repairs or skips odd records, with reasons', async () => {
    const { comments, skipped, error } = await parse(importRemark42, fixturePath('remark42-odd.json'))
    expect(error).toBeUndefined()
    expect(skipped).toEqual([
      { what: 'comment e0000000-0000-4000-8000-000000000001', reason: 'it names no page (locator.url is empty)' },
      { what: 'line 6', reason: 'it is not a comment (no id)' },
      { what: 'line 7', reason: 'it is not a comment (no id)' },
    ])
    const [zeroTime, repaired, orphan] = comments
    // Go's zero time is no date: left invalid for the writer to repair from the thread and report.
    expect(zeroTime?.sourceId).toBe('e0000000-0000-4000-8000-000000000002')
    expect(zeroTime?.createdAt.getTime()).toBeNaN()
    expect(repaired?.createdAt.toISOString()).toBe('2020-02-02T02:02:02.000Z')
    // The writer decides what an unknown parent becomes; the parser passes it on.
    expect(orphan).toMatchObject({ parentSourceId: 'no-such-parent', author: { name: '' } })
  })

  it.each([
    { case: 'an empty file', content: '' },
    { case: 'a Disqus XML export', content: '<?xml version="1.0" encoding="utf-8"?>\n<disqus xmlns="http://disqus.com"><thread dsq:id="1"/></disqus>' },
    { case: 'a Commento export', path: fixturePath('commento-remark42.json') },
    { case: 'a JSON array', content: '[{"id":1}]' },
    { case: 'a first line that is neither metadata nor a comment', content: '{"hello":"world"}\n' },
  ])('refuses $case before yielding anything', async ({ content, path }) => {
    const { items, error } = await parse(importRemark42, path ?? tempFile('wrong.json', content ?? ''))
    expect(error).toBeInstanceOf(ImportFormatError)
    expect(items).toEqual([])
  })

  it('refuses a gzip archive cut short', async () => {
    const gz = gzipSync(readFileSync(fixturePath('remark42-normal.json')))
    const { error } = await parse(importRemark42, tempFile('cut.gz', gz.subarray(0, gz.length - 40)))
    expect(error).toBeInstanceOf(ImportFormatError)
    expect((error as Error).message).toMatch(/gzip/)
  })
})
