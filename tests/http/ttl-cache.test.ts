import { describe, expect, it } from 'vitest'
import { TtlCache } from '../../src/http/ttl-cache.ts'

function setup(ttlMs = 1000) {
  let now = 0
  let version = 0
  let loads = 0
  const cache = new TtlCache<number>(ttlMs, 10, () => now)
  const load = async () => {
    loads++
    return version
  }
  return {
    cache,
    read: () => cache.getOrLoad('k', load),
    tick: (ms: number) => (now += ms),
    write: () => version++,
    loads: () => loads,
  }
}

describe('TtlCache', () => {
  it('never serves data read longer ago than its ttl', async () => {
    const c = setup()
    expect(await c.read()).toBe(0)
    c.write()
    c.tick(400)
    expect(await c.read()).toBe(0)
    c.tick(200) // past half-life: the stale value answers while a refresh runs
    expect(await c.read()).toBe(0)
    await Promise.resolve()
    expect(await c.read()).toBe(1)
    c.write()
    c.tick(1000)
    expect(await c.read()).toBe(2)
  })

  it('shares one load between concurrent misses', async () => {
    const c = setup()
    await Promise.all([c.read(), c.read(), c.read()])
    expect(c.loads()).toBe(1)
  })

  it('caches nothing with a ttl of 0', async () => {
    const c = setup(0)
    await c.read()
    await c.read()
    expect(c.loads()).toBe(2)
  })

  it('keeps within its size budget, oldest out first, and never keeps an oversized value', () => {
    const cache = new TtlCache<string>(1000, 80, () => 0, (v) => v.length)
    cache.set('a', 'x'.repeat(8))
    cache.set('b', 'x'.repeat(10))
    for (let i = 0; i < 8; i++) cache.set(`c${i}`, 'x'.repeat(10))
    expect(cache.get('a')).toBeUndefined()
    expect(cache.get('b')).toBeUndefined()
    expect(cache.get('c7')).toBe('x'.repeat(10))
    cache.set('huge', 'x'.repeat(11))
    expect(cache.get('huge')).toBeUndefined()
  })

  it('drops matching entries on invalidation', async () => {
    const c = setup()
    await c.read()
    c.write()
    c.cache.deleteWhere((k) => k === 'k')
    expect(await c.read()).toBe(1)
  })
})
