import type { Api, Comment, SiteRules, User } from './api.ts'
import type { Rights } from './countdown.ts'
import type { Translator } from './i18n.ts'
import type { Store } from './storage.ts'
import type { ThreadView } from './thread-view.ts'

export type Sort = 'oldest' | 'newest' | 'top'

/** What one mounted widget knows about its reader and its thread. */
export interface State {
  sort: Sort
  user: User | null
  /** Finding out who the reader is (a stored session checked, a host's sign-in or sign-out): what a vote before it waits for. */
  known?: Promise<unknown>
  moderates: boolean
  following: boolean
  pinnedId: string | null
  locked: boolean
  votes: Record<string, number>
  /** The reader's own reactions, by comment. */
  reactions: Record<string, string[]>
  /** The reader's own comments: id to their Markdown, to edit from. */
  own: Record<string, string>
  /** Until when they may edit and delete each of them. */
  rights: Record<string, Rights>
  nextCursor: string | null
  total: number
  rules: SiteRules | undefined
}

/** The moderators' part of the widget, loaded on demand (moderation.ts). */
export interface Moderation {
  menu(comment: Comment): HTMLElement | null
}

/** What the widget's parts share: its state, its page of comments, and the ways to speak and to change the page. */
export interface Context {
  t: Translator
  api: Api
  store: Store
  state: State
  view: ThreadView
  moderation: Moderation | undefined
  announce(text: string): void
  /** Words for a failure, said to screen readers too; a setup problem also to the console. */
  fail(error: unknown): void
  setTotal(n: number): void
  load(around?: string): Promise<void>
  post(body: string, guestName: string | null, parentId: string | null, honeypot: string, notify: string | null, attempt: string): Promise<void>
  signIn(): void
  /** Something new was published in the thread (the inbox, when loaded, looks again). */
  heard?: () => void
  /** The reader signed out (the inbox, when loaded, stops listening). */
  gone?: () => void
  /** One of the widget's files loaded when needed (write.js, moderate.js, react.js, report.js, inbox.js, profile.js), once. */
  chunk<T>(name: 'inbox' | 'moderate' | 'profile' | 'react' | 'report' | 'write'): Promise<T>
}
