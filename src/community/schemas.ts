import { z } from '@hono/zod-openapi'
import { ACTIVITY_PERIODS, COMMUNITY_TABS } from './community-cursor.ts'

export const CommunityQuery = z.object({
  tab: z.enum(COMMUNITY_TABS).default('latest').openapi({
    description: '`latest`: the newest comments across the site. `active`: the threads most commented in `period`. `threads`: every thread with comments, newest first.',
  }),
  period: z.enum(ACTIVITY_PERIODS).default('week').openapi({ description: 'For `active`: the last day, week (7 days) or month (30 days).' }),
  cursor: z.string().max(1000).optional().openapi({ description: "nextCursor of the previous page of the same tab." }),
  limit: z.coerce.number().int().min(1).max(50).default(20),
})

export const CommunityThreadJson = z
  .object({
    id: z.uuid(),
    key: z.string(),
    url: z.string().openapi({ description: 'The article: where its comments are read and written.' }),
    title: z.string(),
    total: z.number().int().openapi({ description: 'Visible comments in the whole thread.' }),
    locked: z.boolean().openapi({ description: 'Closed to new comments.' }),
  })
  .openapi('CommunityThread')

const Author = z.object({
  name: z.string(),
  kind: z.enum(['guest', 'reader', 'moderator', 'owner']),
  deleted: z.boolean().optional(),
  hue: z.number().int().optional(),
  profileId: z.uuid().optional().openapi({ description: 'The author shows their profile: /s/{site}/u/{profileId}.' }),
})

export const CommunityCommentJson = z
  .object({
    id: z.uuid(),
    parentId: z.uuid().nullable(),
    author: Author,
    html: z.string().openapi({ description: 'Sanitised HTML, as in the thread.' }),
    createdAt: z.iso.datetime(),
    editedAt: z.iso.datetime().nullable(),
    score: z.number().int(),
    replyCount: z.number().int(),
    link: z.string().openapi({ description: "The comment's permalink on the article." }),
    thread: CommunityThreadJson,
  })
  .openapi('CommunityComment')

export const ActiveThreadJson = CommunityThreadJson.extend({
  comments: z.number().int().openapi({ description: 'Published comments in the period.' }),
  lastCommentAt: z.iso.datetime().openapi({ description: 'The newest of them.' }),
}).openapi('ActiveThread')

export const ListedThreadJson = CommunityThreadJson.extend({
  startedAt: z.iso.datetime(),
}).openapi('ListedThread')

export const CommunityPageJson = z
  .object({
    site: z.object({ id: z.string(), name: z.string() }),
    tab: z.enum(COMMUNITY_TABS),
    period: z.enum(ACTIVITY_PERIODS).optional().openapi({ description: 'For `active`.' }),
    comments: z.array(CommunityCommentJson).optional().openapi({ description: 'For `latest`.' }),
    threads: z.array(z.union([ActiveThreadJson, ListedThreadJson])).optional().openapi({ description: 'For `active` and `threads`.' }),
    nextCursor: z.string().nullable(),
  })
  .openapi('CommunityPage')
export type CommunityPage = z.infer<typeof CommunityPageJson>
