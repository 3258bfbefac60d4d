/**
 * A small in-memory cache bounded in size and age (0 turns it off). An entry is stamped with
 * the time its load *started*, so what it holds is never older than `ttlMs`. Past half its
 * life a hit still answers at once while one refresh runs behind it, so readers never wait
 * in a queue behind an expiry. Writes through this instance invalidate at once.
 */
export class TtlCache<V> {
  readonly #entries = new Map<string, { value: V; loadedAt: number; size: number }>()
  readonly #loading = new Map<string, Promise<V>>()
  #size = 0
  /**
   * @param maxSize the budget, in entries, or in what `sizeOf` measures (bytes for pages);
   *   the oldest entries go first, and a value over an eighth of it is not kept at all.
   */
  constructor(
    private readonly ttlMs: number,
    private readonly maxSize: number,
    private readonly now: () => number,
    private readonly sizeOf: (value: V) => number = () => 1,
  ) {}

  #delete(key: string): void {
    const entry = this.#entries.get(key)
    if (!entry) return
    this.#entries.delete(key)
    this.#size -= entry.size
  }

  get(key: string): V | undefined {
    const entry = this.#entries.get(key)
    if (!entry) return undefined
    if (this.now() - entry.loadedAt >= this.ttlMs) {
      this.#delete(key)
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
    this.#delete(key)
    const size = this.sizeOf(value)
    if (this.ttlMs <= 0 || size > this.maxSize / 8) return
    for (const oldest of this.#entries.keys()) {
      if (this.#size + size <= this.maxSize) break
      this.#delete(oldest)
    }
    this.#entries.set(key, { value, loadedAt, size })
    this.#size += size
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
    for (const key of [...this.#entries.keys()]) if (matches(key)) this.#delete(key)
    for (const key of this.#loading.keys()) if (matches(key)) this.#loading.delete(key)
  }
}
