import type { ColumnType, Generated, Selectable } from 'kysely'

type CreatedAt = ColumnType<Date, Date | undefined, never>

export type Premoderation = 'off' | 'all' | 'first'
export type CommentStatus = 'published' | 'pending' | 'hidden' | 'deleted' | 'spam' | 'shadowed'
export type SiteRole = 'owner' | 'moderator'
/** Who may react to comments on a site: nobody, signed-in readers, or guests too. */
export type ReactionPolicy = 'off' | 'accounts' | 'everyone'
/** A comment's reaction counts by kind; kinds without any are left out. */
export type ReactionCounts = Record<string, number>

export interface UsersTable {
  id: Generated<string>
  email: string | null
  email_verified_at: Date | null
  display_name: string
  password_hash: string | null
  is_instance_admin: Generated<boolean>
  queue_mailed_at: Generated<Date | null>
  notify_replies: Generated<boolean>
  notify_locale: Generated<MailLocale>
  /** The reader shows their profile (on every site that allows profiles); private until they choose. */
  profile_public: Generated<boolean>
  created_at: CreatedAt
}

export interface SessionsTable {
  id: string
  secret_hash: Uint8Array
  user_id: string
  site_id: string | null
  created_at: Date
  expires_at: Date
  last_used_at: Date | null
}

export type EmailTokenPurpose = 'verify' | 'reset'

export interface EmailTokensTable {
  id: string
  secret_hash: Uint8Array
  purpose: EmailTokenPurpose
  user_id: string | null
  email: string
  password_hash: string | null
  display_name: string | null
  /** SHA-256 of the secret in the signing-up browser's cookie: that browser may follow the link without the password again. */
  browser_hash: ColumnType<Uint8Array | null, Uint8Array | null | undefined, Uint8Array | null>
  created_at: Date
  expires_at: Date
  used_at: Date | null
}

export interface OauthIdentitiesTable {
  provider: string
  subject: string
  user_id: string
  email: string | null
  created_at: Date
}

export interface OauthAttemptsTable {
  state_hash: Uint8Array
  provider: string
  code_verifier: string
  nonce: string
  return_to: string
  expires_at: Date
}

export interface SiteInvitationsTable {
  id: string
  secret_hash: Uint8Array
  site_id: string
  email: string
  role: SiteRole
  invited_by: string | null
  created_at: Date
  expires_at: Date
  accepted_at: Date | null
}

export interface RateLimitsTable {
  key: string
  window_start: Date
  hits: number
  expires_at: Date
}

export interface OutboxMailsTable {
  id: Generated<string>
  to_address: string
  subject: string
  body_text: string | null
  created_at: Date
  attempts: Generated<number>
  next_attempt_at: Date
  claimed_until: Date | null
  sent_at: Date | null
  failed_at: Date | null
  last_error: string | null
  /** The site a mail is about (its owners see it in their delivery log); null for account mails. */
  site_id: Generated<string | null>
  /** Extra headers (List-Unsubscribe…), name → value. */
  headers: ColumnType<Record<string, string> | null, string | null | undefined, never>
}

export interface SitesTable {
  id: string
  name: string
  allowed_origins: string[]
  premoderation: Generated<Premoderation>
  guests_allowed: Generated<boolean>
  blocked_words: Generated<string[]>
  blocked_links: Generated<string[]>
  max_links: Generated<number>
  author_posts_per_hour: Generated<number>
  spam_check: Generated<boolean>
  sso_secret: Generated<string | null>
  edit_window_seconds: Generated<number>
  max_comment_length: Generated<number>
  allows_images: Generated<boolean>
  reserves_tdm: Generated<boolean>
  report_threshold: Generated<number>
  hash_salt: Uint8Array | null
  reactions: Generated<ReactionPolicy>
  /** Readers may make their profiles public here. */
  public_profiles: Generated<boolean>
  created_at: CreatedAt
  updated_at: Generated<Date>
}

export interface SiteMembersTable {
  site_id: string
  user_id: string
  role: SiteRole
  notify_queue: Generated<boolean>
  created_at: CreatedAt
}

export interface ThreadsTable {
  site_id: string
  id: Generated<string>
  key: string
  url: string
  title: Generated<string>
  comment_count: Generated<number>
  last_seq: Generated<number>
  version: Generated<number>
  locked_at: Date | null
  pinned_comment_id: Generated<string | null>
  created_at: Date
  updated_at: Date
}

export interface CommentsTable {
  site_id: string
  id: Generated<string>
  thread_id: string
  parent_id: string | null
  root_id: string
  seq: number
  path: number[]
  depth: number
  author_user_id: string | null
  author_name: string
  author_email: string | null
  /** The author's role on the site when they wrote it, shown as a badge; null for readers and guests. */
  author_role: Generated<'owner' | 'moderator' | null>
  edit_token_hash: Uint8Array | null
  body_source: string
  body_html: string
  status: CommentStatus
  score: Generated<number>
  upvotes: Generated<number>
  downvotes: Generated<number>
  reply_count: Generated<number>
  created_at: Date
  edited_at: Date | null
  deleted_at: Date | null
  moderation_reason: Generated<string | null>
  reason_public: Generated<boolean>
  author_fingerprint: string | null
  /** Kept in the transaction of every reaction (comments/react.ts). */
  reactions: Generated<ReactionCounts>
  /** The author (an account) shows their profile: their name links to it. */
  author_profile: Generated<boolean>
  /** Accounts it mentions, among its thread's participants (comments/mentions.ts). */
  mentions: Generated<string[]>
  /** When it was first published, and its followers told; null while it never was (older rows: until it first leaves 'published'). */
  first_published_at: Date | null
}

/** A reply to a reader or a mention of them, in their inbox on a site for 90 days. */
export interface InboxItemsTable {
  site_id: string
  user_id: string
  comment_id: string
  kind: 'reply' | 'mention'
  created_at: Date
  read_at: Date | null
}

/** A reader's own words about themselves on one site. */
export interface ReaderProfilesTable {
  site_id: string
  user_id: string
  bio: Generated<string>
  /** A moderator hid the bio: only its reader and the site's moderators still see it. */
  bio_hidden_at: Date | null
  updated_at: Date
}

export interface ReactionsTable {
  site_id: string
  comment_id: string
  /** user:<account id> or guest:<salted hash of their network>. */
  reactor: string
  kind: string
  /**
   * Whether it is in its comment's `reactions` counts: not while its reader is shadow-banned on
   * the site. Invariant: a comment's counts are exactly its counted reactions by kind.
   */
  counted: Generated<boolean>
  created_at: Date
}

export type ReportReason = 'spam' | 'abuse' | 'off-topic' | 'other'

export interface ReportsTable {
  site_id: string
  comment_id: string
  reporter: string
  reason: ReportReason
  text: string | null
  created_at: Date
  resolved_at: Date | null
}

export interface CommentVersionsTable {
  site_id: string
  comment_id: string
  version: number
  body_source: string
  written_at: Date
}

export interface ModerationActionsTable {
  site_id: string
  id: Generated<string>
  actor_user_id: string | null
  by_operator: Generated<boolean>
  action: string
  target_kind: 'comment' | 'thread' | 'author' | 'site'
  target_id: string
  reason: string | null
  created_at: Date
}

export interface BansTable {
  site_id: string
  id: Generated<string>
  /** user:<id> or guest:<salted hash of their network> */
  author: string
  author_name: string
  reason: string | null
  created_by: string | null
  created_at: Date
  expires_at: Date | null
  lifted_at: Date | null
}

export interface SiteAuthorsTable {
  site_id: string
  author: string
  trusted: Generated<boolean>
  shadow_banned: Generated<boolean>
  updated_at: Date
}

export interface SsoNoncesTable {
  site_id: string
  nonce: string
  expires_at: Date
}

export interface VotesTable {
  site_id: string
  comment_id: string
  user_id: string
  value: number
  created_at: Date
  updated_at: Date
}

export type ApiTokenScope = 'read' | 'moderate' | 'admin'

export interface ApiTokensTable {
  site_id: string
  id: string
  secret_hash: Uint8Array
  name: string
  scope: ApiTokenScope
  created_by: string
  created_at: Date
  expires_at: Date | null
  last_used_at: Date | null
  revoked_at: Date | null
}

export const WEBHOOK_EVENTS = ['comment.created', 'comment.edited', 'comment.moderated', 'report.created'] as const
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number]

export interface WebhooksTable {
  site_id: string
  id: Generated<string>
  url: string
  events: WebhookEvent[]
  /** whsec_<base64>: the HMAC key itself, shown to the owner only when made. */
  secret: string
  enabled: Generated<boolean>
  description: Generated<string>
  created_at: Date
  updated_at: Date
}

export interface WebhookDeliveriesTable {
  site_id: string
  id: Generated<string>
  webhook_id: string
  event_type: string
  payload: string
  created_at: Date
  attempts: Generated<number>
  next_attempt_at: Date
  claimed_until: Date | null
}

export interface WebhookAttemptsTable {
  site_id: string
  id: Generated<string>
  webhook_id: string
  delivery_id: string
  event_type: string
  attempt: number
  attempted_at: Date
  status_code: number | null
  error: string | null
  response_excerpt: Generated<string>
  duration_ms: number
  outcome: 'delivered' | 'retrying' | 'failed'
  next_attempt_at: Date | null
}

export type ImportStatus = 'running' | 'done' | 'failed'
/** reading: the file is staged as it streams; writing: threads are built from the staged records. */
export type ImportPhase = 'reading' | 'writing' | 'finished'

export interface ImportsTable {
  site_id: string
  id: Generated<string>
  format: string
  file_name: Generated<string>
  file_bytes: Generated<number>
  status: ImportStatus
  phase: Generated<ImportPhase>
  bytes_read: Generated<number>
  threads_total: Generated<number>
  threads_done: Generated<number>
  /** The ImportSummary as JSON, once the run ends. */
  summary: unknown
  error: string | null
  created_by: string | null
  created_at: Date
  updated_at: Date
  finished_at: Date | null
}

/** A record of the file being imported, staged until its thread is written. */
export interface ImportItemsTable {
  site_id: string
  import_id: string
  /** Order in the file. */
  n: number
  kind: 'thread' | 'comment'
  source_id: string
  /** A thread's own source id; a comment's thread. */
  thread_source_id: string
  parent_source_id: string | null
  /** The ImportedThread or ImportedComment, as JSON. */
  data: unknown
}

/** What each imported record became, so that importing it again adds nothing. */
export interface ImportSourcesTable {
  site_id: string
  format: string
  kind: 'thread' | 'comment'
  source_id: string
  target_id: string
}

export type MailLocale = 'en' | 'ja'

export interface NotifyRecipientsTable {
  site_id: string
  id: Generated<string>
  /** An account (mailed at its verified address) or, exclusively, a guest's address. */
  user_id: string | null
  email: string | null
  locale: MailLocale
  confirmed_at: Date | null
  mailed_at: Date | null
  created_at: Date
}

export interface NotifySubscriptionsTable {
  site_id: string
  id: Generated<string>
  recipient_id: string
  /** A whole thread, or (exclusively) the replies to one comment. */
  thread_id: string | null
  comment_id: string | null
  /** Waits for this key's confirmation; null when it counts. */
  pending_key: string | null
  created_at: Date
}

/** A browser's proof that it asked for mail with a guest address; trusted once a link sent for it is confirmed. */
export interface NotifyKeysTable {
  site_id: string
  id: string
  secret_hash: Uint8Array
  recipient_id: string
  trusted_at: Date | null
  created_at: Date
  /** Last presented: an untrusted key unused for a week is forgotten. */
  used_at: Date
}

/** A setup link's secret, kept while no instance admin exists (setup/). */
export interface SetupSecretsTable {
  /** SHA-256 of the secret in the link's fragment. */
  secret_hash: Uint8Array
  created_at: Date
}

/** The install check: the widget's thread loads per day, page origin and page; counts only. */
export interface WidgetLoadsTable {
  site_id: string
  day: ColumnType<string, string, string>
  origin: string
  page: string
  /** Whether the site allowed the origin (a refused load is one the widget could not show). */
  allowed: boolean
  loads: number
  last_at: Date
}

/** A deleted site, recorded outside it: its own audit log went with it. */
export interface SiteDeletionsTable {
  id: Generated<string>
  site_id: string
  name: string
  origins: string[]
  actor_user_id: string | null
  by_operator: boolean
  threads: number
  comments: number
  deleted_at: Date
}

/** A post made with an Idempotency-Key, remembered for a day so that sending it again returns the same comment. */
export interface IdempotencyKeysTable {
  site_id: string
  /** SHA-256 of the client's key (with the site); the key itself is never stored. */
  key_hash: Uint8Array
  /** SHA-256 of what was asked and by whom: the same key with another request is refused. */
  request_hash: Uint8Array
  comment_id: string
  /** The answer's secrets (edit token, mail key) as JSON, AES-GCM under a key derived from the client's key. */
  sealed_secrets: Uint8Array
  created_at: Date
}

export interface NotifyEventsTable {
  site_id: string
  recipient_id: string
  comment_id: string
  created_at: Date
}

export interface NotifyTokensTable {
  site_id: string
  id: string
  secret_hash: Uint8Array
  recipient_id: string
  purpose: 'confirm' | 'unsubscribe'
  /** A confirmation trusts the key it was sent for. */
  key_id: string | null
  created_at: Date
}

export interface Database {
  users: UsersTable
  sessions: SessionsTable
  sites: SitesTable
  site_members: SiteMembersTable
  threads: ThreadsTable
  comments: CommentsTable
  votes: VotesTable
  reactions: ReactionsTable
  reader_profiles: ReaderProfilesTable
  inbox_items: InboxItemsTable
  email_tokens: EmailTokensTable
  oauth_identities: OauthIdentitiesTable
  oauth_attempts: OauthAttemptsTable
  site_invitations: SiteInvitationsTable
  rate_limits: RateLimitsTable
  outbox_mails: OutboxMailsTable
  moderation_actions: ModerationActionsTable
  comment_versions: CommentVersionsTable
  reports: ReportsTable
  bans: BansTable
  site_authors: SiteAuthorsTable
  sso_nonces: SsoNoncesTable
  api_tokens: ApiTokensTable
  webhooks: WebhooksTable
  webhook_deliveries: WebhookDeliveriesTable
  webhook_attempts: WebhookAttemptsTable
  imports: ImportsTable
  import_items: ImportItemsTable
  import_sources: ImportSourcesTable
  notify_recipients: NotifyRecipientsTable
  notify_subscriptions: NotifySubscriptionsTable
  notify_events: NotifyEventsTable
  notify_tokens: NotifyTokensTable
  notify_keys: NotifyKeysTable
  idempotency_keys: IdempotencyKeysTable
  setup_secrets: SetupSecretsTable
  widget_loads: WidgetLoadsTable
  site_deletions: SiteDeletionsTable
}

export type SiteRow = Selectable<SitesTable>
export type ThreadRow = Selectable<ThreadsTable>
export type CommentRow = Selectable<CommentsTable>
export type UserRow = Selectable<UsersTable>
export type EmailTokenRow = Selectable<EmailTokensTable>
export type SessionRow = Selectable<SessionsTable>
export type OutboxMailRow = Selectable<OutboxMailsTable>
export type WebhookRow = Selectable<WebhooksTable>
export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>
export type WebhookAttemptRow = Selectable<WebhookAttemptsTable>
export type ImportRow = Selectable<ImportsTable>
