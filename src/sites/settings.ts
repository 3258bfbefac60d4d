import { z } from '@hono/zod-openapi'
import type { Premoderation, ReactionPolicy, SiteRow, SitesTable } from '../db/schema.ts'
import { nameText, text } from '../http/text.ts'
import type { Updateable } from 'kysely'

export const MAX_COMMENT_LENGTH_LIMIT = 50_000
export const PREMODERATION_MODES = ['off', 'all', 'first'] as const satisfies readonly Premoderation[]
export const REACTION_POLICIES = ['off', 'accounts', 'everyone'] as const satisfies readonly ReactionPolicy[]

const listEntry = text().trim().min(1).max(200)

/** What a new site starts with (ARCHITECTURE.md: guests, no pre-moderation, 15 minutes, 10,000 characters). */
export const DEFAULT_SETTINGS = {
  guestsAllowed: true,
  premoderation: 'off' as Premoderation,
  blockedWords: [] as string[],
  blockedLinks: [] as string[],
  maxLinks: 10,
  authorPostsPerHour: 30,
  reportThreshold: 3,
  editWindowSeconds: 15 * 60,
  maxCommentLength: 10_000,
  allowsImages: false,
  spamCheck: false,
  reactions: 'accounts' as ReactionPolicy,
  publicProfiles: true,
}

/** The rules a site's owners set. */
export const SiteSettings = z
  .object({
    name: nameText(100),
    guestsAllowed: z.boolean().openapi({ description: 'Readers may comment without an account.' }),
    premoderation: z
      .enum(PREMODERATION_MODES)
      .openapi({ description: 'Hold comments for approval: none, all, or the first comment of each new author.' }),
    blockedWords: z
      .array(listEntry)
      .max(1000)
      .openapi({ description: 'Comments containing one of these (whole words; any text in Japanese or Chinese) go to the queue.' }),
    blockedLinks: z
      .array(listEntry)
      .max(1000)
      .openapi({ description: 'Domains: a comment linking to one of them (or a subdomain) goes to the queue.' }),
    maxLinks: z.number().int().min(0).max(1000).openapi({ description: 'More links than this and a comment is refused.' }),
    authorPostsPerHour: z.number().int().min(1).max(100_000).openapi({ description: 'Comments one author may post per hour.' }),
    reportThreshold: z.number().int().min(1).max(1000).openapi({ description: 'Distinct reports that hide a comment until reviewed.' }),
    editWindowSeconds: z.number().int().min(0).max(31_536_000),
    maxCommentLength: z.number().int().min(1).max(MAX_COMMENT_LENGTH_LIMIT),
    allowsImages: z.boolean(),
    spamCheck: z.boolean().openapi({ description: "Ask the instance's spam service (when it has one) about each new comment." }),
    reactions: z.enum(REACTION_POLICIES).openapi({ description: 'Who may react to comments: nobody, signed-in readers, or guests too.' }),
    publicProfiles: z.boolean().openapi({ description: 'Readers who turned their profile on show it here, and their names link to it.' }),
  })
  .openapi('SiteSettings')

export type SiteSettings = z.infer<typeof SiteSettings>
export const SiteSettingsPatch = SiteSettings.partial().strict().openapi('SiteSettingsPatch')

/** Words and domains are compared as readers type them: Unicode-normalised, lower case, no duplicates. */
function normaliseList(values: readonly string[], stripScheme = false): string[] {
  const cleaned = values.map((v) => {
    const s = v.normalize('NFKC').toLowerCase().trim()
    return stripScheme ? s.replace(/^[a-z]+:\/\//, '').replace(/^www\./, '').replace(/\/.*$/, '') : s
  })
  return [...new Set(cleaned.filter(Boolean))]
}

export function settingsToColumns(s: Partial<SiteSettings>): Updateable<SitesTable> {
  const columns: Updateable<SitesTable> = {
    name: s.name,
    guests_allowed: s.guestsAllowed,
    premoderation: s.premoderation,
    blocked_words: s.blockedWords && normaliseList(s.blockedWords),
    blocked_links: s.blockedLinks && normaliseList(s.blockedLinks, true),
    max_links: s.maxLinks,
    author_posts_per_hour: s.authorPostsPerHour,
    report_threshold: s.reportThreshold,
    edit_window_seconds: s.editWindowSeconds,
    max_comment_length: s.maxCommentLength,
    allows_images: s.allowsImages,
    spam_check: s.spamCheck,
    reactions: s.reactions,
    public_profiles: s.publicProfiles,
  }
  return Object.fromEntries(Object.entries(columns).filter(([, v]) => v !== undefined))
}

export function settingsOf(site: SiteRow): SiteSettings {
  return {
    name: site.name,
    guestsAllowed: site.guests_allowed,
    premoderation: site.premoderation,
    blockedWords: site.blocked_words,
    blockedLinks: site.blocked_links,
    maxLinks: site.max_links,
    authorPostsPerHour: site.author_posts_per_hour,
    reportThreshold: site.report_threshold,
    editWindowSeconds: site.edit_window_seconds,
    maxCommentLength: site.max_comment_length,
    allowsImages: site.allows_images,
    spamCheck: site.spam_check,
    reactions: site.reactions,
    publicProfiles: site.public_profiles,
  }
}
