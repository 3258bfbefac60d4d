// The widget's only way to the server: JSON over fetch, a bearer token when signed in, never
// cookies (the browser would block or partition them inside someone else's page).

export interface Author {
  name: string
  kind: 'guest' | 'reader' | 'moderator' | 'owner'
  deleted?: boolean
  /** The colour behind the author's initials, 0–359. */
  hue?: number
  /** The author shows their profile (at /s/{site}/u/{profileId}). */
  profileId?: string
}

export interface Comment {
  id: string
  parentId: string | null
  depth: number
  author: Author | null
  html: string
  createdAt: string
  editedAt: string | null
  score: number
  /** Reactions by kind; kinds nobody gave are left out. */
  reactions?: Record<string, number>
  replyCount: number
  status: 'published' | 'pending' | 'hidden' | 'deleted' | 'spam' | 'shadowed'
  /** Why a moderator hid it, when they chose to say. */
  reason?: string
  repliesCursor: string | null
  replies: Comment[]
}

export interface ThreadPage {
  thread: { id: string; total: number; locked: boolean; pinnedId: string | null; lastSeq: number } | null
  comments: Comment[]
  nextCursor: string | null
}

/** Seconds its author has left to edit and to delete a comment: 0 once closed, null for never. */
export interface TimeLeft {
  edit: number
  delete: number | null
}

export interface Overlay {
  comments: Comment[]
  votes: Record<string, number>
  reactions: Record<string, string[]>
  /** Where the reaction counts this reader sees differ from the page's. */
  counts?: Record<string, Record<string, number>>
  /** The reader's own comments here: id to their Markdown. */
  own: Record<string, string>
  timeLeft: Record<string, TimeLeft>
}

/** What the site lets its readers do. */
export interface SiteRules {
  guestsAllowed: boolean
  maxCommentLength: number
  editWindowSeconds: number
  reactions: 'off' | 'accounts' | 'everyone'
}

export type ReportReason = 'spam' | 'abuse' | 'off-topic' | 'other'

export interface User {
  id: string
  displayName: string
  isInstanceAdmin?: boolean
}

/** Replies to the reader and mentions of them on the site, newest first. */
export interface Inbox {
  unread: number
  items: Array<{ kind: 'reply' | 'mention'; commentId: string; author: string; link: string; title: string; createdAt: string; read: boolean }>
}

export interface Me {
  user: User
  memberships: Array<{ siteId: string; role: 'owner' | 'moderator' }>
}

export class ApiError extends Error {
  override name = 'ApiError'
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds the server asked to wait (Retry-After) before trying again. */
    readonly retryAfter = 0,
  ) {
    super(message)
  }
}

/**
 * Whether a failure is the server's (or the network's) answer. By name, not instanceof: the
 * widget's on-demand files (write.js, report.js) each carry their own copy of the class.
 */
export function isApiError(error: unknown): error is ApiError {
  return error instanceof Error && error.name === 'ApiError'
}

/** Tries a post again through a short outage (a database restart answers 503): its Idempotency-Key makes that safe. */
async function withRetries<T>(attempt: () => Promise<T>, tries = 3): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt()
    } catch (e) {
      if (n >= tries || !isApiError(e) || (e.status !== 503 && e.code !== 'offline')) throw e
      await new Promise((resume) => setTimeout(resume, Math.min(e.retryAfter || 1, 5) * 1000))
    }
  }
}

/** An answer's JSON, or its error as an ApiError (every error answer of a site's routes is readable: CORS `*`). */
export async function answer<T>(res: Response): Promise<T> {
  if (res.status === 204) return undefined as T
  const json = await res.json().catch(() => ({}))
  if (!res.ok) throw new ApiError(res.status, json.error?.code ?? 'failed', json.error?.message ?? '', Number(res.headers.get('retry-after')) || 0)
  return json as T
}

export interface Page {
  url: string
  key?: string
  title: string
}

/** A request of the API in the reader's name (their session token, when they have one), never with cookies. */
export async function callApi<T>(root: string, token: string | null, path: string, init: RequestInit = {}, headers: Record<string, string> = {}): Promise<T> {
  const all: Record<string, string> = { ...headers }
  if (init.body) all['content-type'] = 'application/json'
  if (token) all.authorization = `Bearer ${token}`
  let res: Response
  try {
    res = await fetch(`${root}${path}`, { ...init, headers: all, credentials: 'omit' })
  } catch {
    throw new ApiError(0, 'offline', 'offline')
  }
  return answer<T>(res)
}

/** A stream of the reader's (Server-Sent Events read through fetch, which can send their token). */
export function openStream(url: string, token: string, signal: AbortSignal): Promise<Response> {
  return fetch(url, { headers: { authorization: `Bearer ${token}` }, credentials: 'omit', signal })
}

/** `versions`: the thread's version the reader's last write made (0: none), which pages read must show at least. */
export function createApi(base: string, site: string, page: Page, session: () => string | null, versions: { get(): number; set(version: number): void }) {
  const root = `${base}/api/v1`
  const pageQuery = () => (page.key ? `key=${encodeURIComponent(page.key)}` : `url=${encodeURIComponent(page.url)}`)
  const call = <T>(path: string, init?: RequestInit, headers?: Record<string, string>) => callApi<T>(root, session(), path, init, headers)

  /** A public read: asked without credentials, so it is the same for everyone and stays cacheable. */
  const read = <T>(path: string) =>
    fetch(`${root}${path}`).then(answer<T>, () => {
      throw new ApiError(0, 'offline', 'offline')
    })
  const send = (method: string, body: unknown) => ({ method, body: JSON.stringify(body) })
  const thread = { url: page.url, title: page.title, ...(page.key ? { key: page.key } : {}) }
  /** A write's answer: the thread's version it made is what this tab's reads ask for from now on (an older server answers a deletion with none). */
  const noted = <T extends { threadVersion: number }>(answer: Promise<T>) => answer.then((a) => (versions.set(a?.threadVersion | 0), a))

  return {
    /** `since`: the thread's lastSeq on the page shown; the stream sends whatever came after it first. */
    liveUrl: (since: number) => `${root}/sites/${site}/thread/live?${pageQuery()}&since=${since}`,
    feedUrl: () => `${root}/sites/${site}/feed.atom?${pageQuery()}`,
    read: (query: Record<string, string | number>) => {
      const extra = Object.entries(versions.get() ? { ...query, version: versions.get() } : query).map(([k, v]) => `&${k}=${encodeURIComponent(String(v))}`).join('')
      return read<ThreadPage>(`/sites/${site}/thread?${pageQuery()}${extra}`)
    },
    rules: () => read<SiteRules>(`/sites/${site}`),
    mine: (editTokens: string[]) =>
      call<Overlay>(`/sites/${site}/thread/mine?${pageQuery()}`, {}, editTokens.length ? { 'x-edit-token': editTokens.join(',') } : {}),
    /**
     * `notify`: mail replies to this address (a guest's), '' to the account's own, null for no mail; `notifyKey`: the key the
     * server gave this browser for guest mail; `idempotencyKey`: one per submission, the same when the reader sends it again.
     */
    post: (body: string, parentId: string | null, guestName: string | null, honeypot: string, notify: string | null, notifyKey: string | undefined, locale: string, idempotencyKey: string) =>
      noted(withRetries(() =>
        call<{ comment: Comment; threadVersion: number; timeLeft: TimeLeft; editToken?: string; notify?: { state: 'on' | 'confirm' | 'wait'; key?: string } }>(
          `/sites/${site}/comments`,
          send('POST', {
            thread, body, ...(parentId ? { parentId } : {}), ...(honeypot ? { website: honeypot } : {}),
            ...(guestName !== null ? { author: { name: guestName, ...(notify ? { email: notify } : {}) } } : {}),
            ...(notify !== null ? { notify: 'replies', locale, ...(notifyKey ? { notifyKey } : {}) } : {}),
          }),
          { 'idempotency-key': idempotencyKey },
        ),
      )),
    following: () => call<{ following: boolean }>(`/sites/${site}/thread/subscription?${pageQuery()}`),
    follow: (on: boolean, locale: string) =>
      call<{ following: boolean }>(`/sites/${site}/thread/subscription?${pageQuery()}`, on ? send('PUT', { locale }) : { method: 'DELETE' }),
    edit: (id: string, body: string, editToken?: string) =>
      noted(call<{ comment: Comment; threadVersion: number }>(`/sites/${site}/comments/${id}`, send('PATCH', { body }), editToken ? { 'x-edit-token': editToken } : {})),
    remove: (id: string, editToken?: string) =>
      noted(call<{ threadVersion: number }>(`/sites/${site}/comments/${id}`, { method: 'DELETE' }, editToken ? { 'x-edit-token': editToken } : {})),
    report: (id: string, reason: ReportReason, text: string) =>
      call<{ hidden: boolean }>(`/sites/${site}/comments/${id}/reports`, send('POST', { reason, ...(text.trim() ? { text: text.trim() } : {}) })),
    react: (id: string, kind: string, on: boolean) =>
      call<{ reactions: Record<string, number>; mine: string[] }>(`/sites/${site}/comments/${id}/reactions/${kind}`, { method: on ? 'PUT' : 'DELETE' }),
    reactors: (id: string) => call<{ reactions: Array<{ kind: string; names: string[]; guests: number }> }>(`/sites/${site}/comments/${id}/reactions`),
    inbox: () => call<Inbox>(`/sites/${site}/inbox`),
    inboxRead: () => call<{ unread: number }>(`/sites/${site}/inbox/read`, send('POST', {})),
    vote: (id: string, value: number) => call<{ score: number; value: number }>(`/sites/${site}/comments/${id}/vote`, send('PUT', { value })),
    preview: (body: string) => call<{ html: string }>('/preview', send('POST', { body })),
    me: () => call<Me>('/me'),
    sso: (token: string) => call<{ token: string; user: User }>(`/sites/${site}/sso`, send('POST', { token })),
    moderate: (id: string, action: string, reason: string | null) =>
      call<{ comment: Comment }>(`/moderation/sites/${site}/comments/${id}`, send('POST', { action, ...(reason ? { reason } : {}) })),
    moderateAuthor: (commentId: string, action: string, days?: number) =>
      call<unknown>(`/moderation/sites/${site}/authors`, send('POST', { commentId, action, ...(days ? { days } : {}) })),
    lock: (locked: boolean) => call<{ locked: boolean }>(`/moderation/sites/${site}/threads/lock`, send('POST', { url: page.url, ...(page.key ? { key: page.key } : {}), locked })),
    signOut: () => call<void>('/auth/logout', send('POST', {})),
  }
}

export type Api = ReturnType<typeof createApi>
