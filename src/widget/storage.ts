// What the widget keeps in the page's storage, per site: the session token, guests' edit
// tokens, the comments reported, and the key that spares a guest a second mail confirmation (localStorage, so they
// outlive the tab), drafts (sessionStorage, so a reload keeps
// them). Storage can be missing or full (private modes): then nothing is kept, nothing breaks.

function safe<T>(run: () => T, fallback: T): T {
  try {
    return run()
  } catch {
    return fallback
  }
}

export function createStore(site: string) {
  const key = (name: string) => `engawa:${site}:${name}`
  const readJson = <T>(store: Storage, name: string, fallback: T): T => safe(() => JSON.parse(store.getItem(key(name)) ?? 'null') ?? fallback, fallback)
  const write = (store: Storage, name: string, value: unknown) =>
    safe(() => (value === null ? store.removeItem(key(name)) : store.setItem(key(name), JSON.stringify(value))), undefined)

  return {
    session: () => readJson<string | null>(localStorage, 'session', null),
    /** `bySso`: the host site signed this reader in, so it may sign them out too. */
    setSession(token: string | null, bySso = false) {
      write(localStorage, 'session', token)
      write(localStorage, 'sso', token && bySso ? true : null)
    },
    sessionBySso: () => readJson<boolean>(localStorage, 'sso', false),
    editTokens: () => readJson<Record<string, string>>(localStorage, 'edit', {}),
    addEditToken(id: string, token: string) {
      write(localStorage, 'edit', { ...this.editTokens(), [id]: token })
    },
    /** The key the server last gave this browser for a guest's notifications. Not the address: scripts of the host page can read this. */
    notifyKey: () => readJson<string | undefined>(localStorage, 'notify', undefined),
    setNotifyKey: (token: string) => write(localStorage, 'notify', token),
    guestName: () => readJson<string>(localStorage, 'guest-name', ''),
    setGuestName: (name: string) => write(localStorage, 'guest-name', name || null),
    /** Comments this browser has reported (the most recent 500), so the menu says so. */
    reported: () => readJson<string[]>(localStorage, 'reported', []),
    addReported(id: string) {
      write(localStorage, 'reported', [...this.reported().filter((r) => r !== id), id].slice(-500))
    },
    /** The thread's version this tab's last post on a page made: its reads ask for at least that, however far a read replica lags. */
    written: (page: string) => readJson<number>(sessionStorage, `v:${page}`, 0),
    setWritten(page: string, version: number) {
      write(sessionStorage, `v:${page}`, Math.max(version, this.written(page)))
    },
    draft: (slot: string) => readJson<string>(sessionStorage, `draft:${slot}`, ''),
    setDraft: (slot: string, text: string) => write(sessionStorage, `draft:${slot}`, text || null),
  }
}

export type Store = ReturnType<typeof createStore>
