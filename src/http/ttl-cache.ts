/**
 * A small in-memory cache whose entries live `ttlMs` at most (0 turns it off), bounded in
 * size. Instances share nothing, so the TTL is the bound on how stale another instance's
 * write can look; writes through this instance invalidate at once.
 */
export class TtlCache<V> {
  readonly #entries = new Map<string, { value: V; expiresAt: number }>()
  readonly #loading = new Map<string, Promise<V>>()
  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number,
  ) {}

  get(key: string): V | undefined {
    const entry = this.#entries.get(key)
    if (!entry) return undefined
    if (entry.expiresAt <= this.now()) {
      this.#entries.delete(key)
      return undefined
    }
    return entry.value
  }

  set(key: string, value: V): void {
    if (this.ttlMs <= 0) return
    if (this.#entries.size >= this.maxEntries) {
      const oldest = this.#entries.keys().next()
      if (!oldest.done) this.#entries.delete(oldest.value)
    }
    this.#entries.delete(key)
    this.#entries.set(key, { value, expiresAt: this.now() + this.ttlMs })
  }

  /** Concurrent misses on one key share one load, so a burst costs the database one query. */
  async getOrLoad(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.get(key)
    if (hit !== undefined) return hit
    const pending = this.#loading.get(key)
    if (pending) return pending
    const loading = load()
      .then((value) => {
        if (this.#loading.get(key) === loading) this.set(key, value)
        return value
      })
      .finally(() => {
        if (this.#loading.get(key) === loading) this.#loading.delete(key)
      })
    this.#loading.set(key, loading)
    return loading
  }

  /** Drops entries and in-flight loads (which may have read before the write) for these keys. */
  deleteWhere(matches: (key: string) => boolean): void {
    for (const key of this.#entries.keys()) if (matches(key)) this.#entries.delete(key)
    for (const key of this.#loading.keys()) if (matches(key)) this.#loading.delete(key)
  }
}
