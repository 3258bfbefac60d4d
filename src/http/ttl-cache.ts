/**
 * A small in-memory cache bounded in size and age (0 turns it off). An entry is stamped with
 * the time its load *started*, so what it holds is never older than `ttlMs`. Past half its
 * life a hit still answers at once while one refresh runs behind it, so readers never wait
 * in a queue behind an expiry. Writes through this instance invalidate at once.
 */
export class TtlCache<V> {
  readonly #entries = new Map<string, { value: V; loadedAt: number }>()
  readonly #loading = new Map<string, Promise<V>>()
  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number,
  ) {}

  get(key: string): V | undefined {
    const entry = this.#entries.get(key)
    if (!entry) return undefined
    if (this.now() - entry.loadedAt >= this.ttlMs) {
      this.#entries.delete(key)
      return undefined
    }
    return entry.value
  }

  /** A value young enough not to need a refresh yet (under half its life). */
  getFresh(key: string): V | undefined {
    const entry = this.#entries.get(key)
    return entry && this.now() - entry.loadedAt < this.ttlMs / 2 ? entry.value : undefined
  }

  set(key: string, value: V, loadedAt = this.now()): void {
    if (this.ttlMs <= 0) return
    if (this.#entries.size >= this.maxEntries) {
      const oldest = this.#entries.keys().next()
      if (!oldest.done) this.#entries.delete(oldest.value)
    }
    this.#entries.delete(key)
    this.#entries.set(key, { value, loadedAt })
  }

  /** Concurrent misses on one key share one load, so a burst costs the database one query. */
  async getOrLoad(key: string, load: () => Promise<V>): Promise<V> {
    const entry = this.#entries.get(key)
    const age = entry ? this.now() - entry.loadedAt : Infinity
    if (entry && age < this.ttlMs) {
      // A failed refresh leaves the entry to expire; the next foreground load reports the error.
      if (age >= this.ttlMs / 2 && !this.#loading.has(key)) this.#load(key, load).catch(() => undefined)
      return entry.value
    }
    return this.#loading.get(key) ?? this.#load(key, load)
  }

  #load(key: string, load: () => Promise<V>): Promise<V> {
    const startedAt = this.now()
    const loading = load()
      .then((value) => {
        if (this.#loading.get(key) === loading) this.set(key, value, startedAt)
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
