import { z } from '@hono/zod-openapi'
import { CommentJson } from '../comments/schemas.ts'
import { commentToJson } from '../comments/to-json.ts'
import { AUTHOR_KEY, authorKeyOf } from '../authors/author-key.ts'
import type { ModeratedRow } from './queries.ts'

export const AuthorKey = z
  .string()
  .regex(AUTHOR_KEY)
  .openapi({ description: 'user:<account id>, or guest:<salted hash of their network>.', example: 'user:0f8fad5b-d9cb-469f-a165-70867728950e' })

export const ModeratedComment = z
  .object({
    comment: CommentJson,
    markdown: z.string(),
    author: AuthorKey.nullable().openapi({ description: 'Who wrote it, for bans and history; null when they cannot be told apart.' }),
    site: z.object({ id: z.string(), name: z.string() }),
    page: z.object({ url: z.string(), title: z.string() }),
    parent: z.object({ author: z.string(), html: z.string(), status: z.string() }).nullable(),
    heldBecause: z.string().nullable().openapi({ description: 'Why a pending comment waits.' }),
    reports: z.number().int().openapi({ description: 'Open reports from readers.' }),
    reasons: z.array(z.string()),
    reportTexts: z.array(z.string()),
  })
  .openapi('ModeratedComment')

export function moderatedToJson(row: ModeratedRow): z.infer<typeof ModeratedComment> {
  return {
    comment: commentToJson(row, null, 'moderator'),
    markdown: row.body_source,
    author: authorKeyOf(row) ?? null,
    site: { id: row.site_id, name: row.site_name },
    page: { url: row.page_url, title: row.page_title },
    parent: row.parent_html === null ? null : { author: row.parent_author ?? '', html: row.parent_html, status: row.parent_status ?? 'published' },
    heldBecause: row.status === 'pending' || row.status === 'spam' ? row.moderation_reason : null,
    reports: Number(row.reports ?? 0),
    reasons: row.reasons ?? [],
    reportTexts: row.report_texts ?? [],
  }
}

export const QueueQuery = z.object({
  sort: z.enum(['newest', 'reports']).default('newest').openapi({ description: 'Newest first, or most reported first.' }),
})

export const QueueJson = z.object({ items: z.array(ModeratedComment) }).openapi('ModerationQueue')
