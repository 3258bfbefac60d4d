import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { importCommento } from '../../src/import/formats/commento.ts'
import { importRemark42 } from '../../src/import/formats/remark42.ts'
import { ImportFormatError } from '../../src/import/records.ts'
import { parse, tempFile } from './parse-fixture.ts'

// Files made to exhaust memory, found by a security review: a first pass that kept every
// author whole, and a line reader that held a line of any length. Both must stay bounded.
describe('imports made to exhaust memory', () => {
  it('keeps only what a real profile holds of each author a first pass remembers', async () => {
    const huge = 'x'.repeat(1024 * 1024)
    const file = {
      version: 1,
      comments: [{ commentHex: 'c1', domain: 'blog.example', url: '/a', commenterHex: 'h1', markdown: 'Hi', parentHex: 'root', state: 'approved', creationDate: '2021-03-12T11:21:56Z', deleted: false }],
      commenters: [{ commenterHex: 'h1', name: huge, email: `${huge}@mail.example`, link: `https://${huge}` }],
    }
    const gz = tempFile('commento-huge.json.gz', gzipSync(JSON.stringify(file)))
    const { comments, error } = await parse(importCommento, gz)
    expect(error).toBeUndefined()
    expect(comments[0]?.author.name).toHaveLength(200)
    expect(comments[0]?.author.email).toBeUndefined()
    expect(comments[0]?.author.url).toBeUndefined()
  })

  it('refuses a line far longer than any comment instead of holding it whole', async () => {
    const meta = JSON.stringify({ version: 1, users: [], posts: [] })
    const gz = tempFile('backup-bomb.gz', gzipSync(`${meta}\n{"id":"${'x'.repeat(17 * 1024 * 1024)}"}\n`))
    const { error } = await parse(importRemark42, gz)
    expect(error).toBeInstanceOf(ImportFormatError)
    expect((error as Error).message).toMatch(/longer than 16 MiB/)
  })
})
