import { describe, expect, it } from 'vitest'
import { announcementText, inboxKey } from '../../src/threads/thread-changes.ts'
import { durableObjectRelay } from '../../src/workers/live-relay.ts'
import type { DurableObjectNamespaceLike } from '../../src/workers/worker-env.ts'

// Which Durable Object each stream and each announcement reaches: a thread's by its site and key,
// a reader's by a name no thread can have, whatever key a site sends.

function namespaceThatRecords() {
  const reached: string[] = []
  const namespace: DurableObjectNamespaceLike = {
    idFromName: (name) => name,
    get: (id) => ({
      fetch: async () => {
        reached.push(String(id))
        return new Response(null, { status: 204 })
      },
    }),
  }
  return { namespace, reached }
}

describe('the Durable Object relay', () => {
  it('keeps a reader’s own object apart from a thread whose key reads like theirs', async () => {
    const { namespace, reached } = namespaceThatRecords()
    const pending: Array<Promise<unknown>> = []
    const relay = durableObjectRelay(namespace, (work) => pending.push(work), (error) => { throw error })
    const key = inboxKey('3f1c9a0e-8b1d-4c55-9a51-1f0f2a9d7e42')
    // A site may call a thread anything, "inbox:<someone's id>" too.
    await relay.connect('site1', key, new Request('https://engawa.example/'))
    await relay.connect('site1', key, new Request('https://engawa.example/'), 'reader')
    relay.announce('site1', key, announcementText('site1', key, 'inbox', null))
    relay.announce('site1', key, announcementText('site1', key, 'new', 'c1'))
    await Promise.all(pending)
    const [threadStream, readerStream, readerNews, threadNews] = reached
    expect(threadStream).toBe(`site1\n${key}`)
    expect(readerStream).not.toBe(threadStream)
    expect(readerNews).toBe(readerStream)
    expect(threadNews).toBe(threadStream)
  })
})
