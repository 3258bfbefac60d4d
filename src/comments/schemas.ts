import { z } from '@hono/zod-openapi'
import { bodyText, keyText, nameText, text, trimmedText } from '../http/text.ts'
import { SiteParam } from '../http/openapi.ts'
import { MAX_COMMENT_LENGTH_LIMIT } from '../sites/settings.ts'
import { SORTS } from './cursor.ts'

export const CommentParams = SiteParam.extend({
  id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }),
})

export const PageInput = z.strictObject({
  key: keyText(500).optional().openapi({ description: "The page's stable id, when the site gives one." }),
  url: text().max(2000).openapi({ description: 'The page URL; it must lie on one of the site\u2019s allowed origins.' }),
  title: trimmedText(0, 300).optional(),
})

export const NewCommentBody = z
  .strictObject({
    thread: PageInput,
    parentId: z.uuid().optional().openapi({ description: 'The comment this one replies to.' }),
    body: bodyText(MAX_COMMENT_LENGTH_LIMIT).openapi({ description: 'Markdown. Blank lines at both ends and trailing whitespace are dropped; leading spaces are kept (an indented code block).' }),
    author: z
      .strictObject({
        name: nameText(50),
        email: z.email().max(254).optional().openapi({ description: 'Kept for notifications only; never shown.' }),
      })
      .optional()
      .openapi({ description: 'Guests only.' }),
    website: z.string().max(2000).optional().openapi({ description: "The widget's honeypot: a field people never see and leave empty." }),
    notify: z.enum(['replies', 'thread']).optional().openapi({
      description: 'Mail me about replies to this comment, or about every new comment in its thread. A guest needs `author.email`, which must be confirmed through the one mail it gets first.',
    }),
    locale: z.enum(['en', 'ja']).optional().openapi({ description: 'The language of those mails; English by default.' }),
    notifyKey: z.string().max(200).optional().openapi({
      description: 'Guests: the `notify.key` an earlier post from this browser received for the same address. Once a confirmation sent for that key was pressed, mail starts without another confirmation.',
    }),
  })
  .openapi('NewComment')

export const EditCommentBody = z
  .strictObject({ body: bodyText(MAX_COMMENT_LENGTH_LIMIT).openapi({ description: 'Markdown. Blank lines at both ends and trailing whitespace are dropped; leading spaces are kept (an indented code block).' }) })
  .openapi('CommentEdit')

export const IdempotencyKeyHeader = z.object({
  'idempotency-key': z.string().max(300).optional().openapi({
    description: 'A new random value per comment (a UUID), sent again unchanged on every retry of that comment.',
    example: '"8e03978e-40d5-43e8-bc93-6894a57f9324"',
  }),
})

export const EditTokenHeader = z.object({
  'x-edit-token': z.string().max(200).optional().openapi({ description: 'The editToken a guest received when posting.' }),
})

/** At most this many comments in one page, whatever limit and replies ask for. */
export const MAX_PAGE_COMMENTS = 1000

export const ThreadQuery = z.object({
  key: keyText(500).optional(),
  url: text().max(2000).optional(),
  sort: z.enum(SORTS).default('oldest'),
  cursor: z.string().max(20_000).optional().openapi({ description: 'nextCursor of a page, or repliesCursor of a comment.' }),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  replies: z.coerce.number().int().min(0).max(50).default(10).openapi({ description: 'Replies shown per top-level comment.' }),
  around: z.uuid().optional().openapi({ description: 'A comment id: the page that holds it (a permalink).' }),
  since: z.coerce.number().int().min(0).optional().openapi({
    description:
      "The thread's lastSeq on a page you show: only the comments published after it, replies included, oldest first and " +
      'not nested, at most `limit`; the answer\'s lastSeq is where it stops, to pass as `since` next time. What a reader ' +
      'without a live stream polls for news. Leaves out sort, cursor, replies and around.',
  }),
  version: z.coerce.number().int().min(1).optional().openapi({
    description:
      "The thread's version a write of this reader's produced (`threadVersion` of a post): the page shows the thread at that " +
      'version or later, so a reader who just posted sees their comment even while a read replica lags behind.',
  }),
  // News since a position comes flat, without replies per branch: its limit is the whole count.
}).refine((q) => q.since !== undefined || q.limit * (q.replies + 1) <= MAX_PAGE_COMMENTS, {
  message: `limit × (replies + 1) must be at most ${MAX_PAGE_COMMENTS}`,
  path: ['limit'],
})

const CommentFields = {
  id: z.uuid(),
  parentId: z.uuid().nullable(),
  depth: z.number().int(),
  author: z
    .object({
      name: z.string(),
      kind: z.enum(['guest', 'reader', 'moderator', 'owner']).openapi({
        description:
          'Who wrote it: a guest (no account: anyone may type any name), a signed-in reader, or a moderator or owner of the site (as they were when they wrote it).',
      }),
      deleted: z.boolean().optional().openapi({ description: 'true when the author deleted their account (name is then empty).' }),
      profileId: z.uuid().optional().openapi({ description: 'The author shows their profile on this site: GET …/profiles/{profileId}, or the page /s/{site}/u/{profileId}.' }),
      hue: z.number().int().min(0).max(359).optional().openapi({
        description: "A colour for the author's avatar, 0–359: stable for one account or guest on the site, derived by hash so it reveals nothing.",
      }),
    })
    .nullable()
    .openapi({ description: 'null on a tombstone.' }),
  html: z.string().openapi({ description: 'Sanitised HTML; empty on a tombstone.' }),
  createdAt: z.iso.datetime(),
  editedAt: z.iso.datetime().nullable(),
  score: z.number().int(),
  reactions: z.record(z.string(), z.number().int()).openapi({ description: 'Reactions by kind (heart, laugh, hooray, thinking, eyes, rocket, clap, thanks); kinds nobody gave are left out.' }),
  replyCount: z.number().int(),
  status: z.enum(['published', 'pending', 'hidden', 'deleted', 'spam', 'shadowed']),
  reason: z.string().optional().openapi({ description: 'Why a moderator hid it, when they chose to say.' }),
  repliesCursor: z.string().nullable().openapi({ description: 'Where the rest of a cut branch continues.' }),
}

const CommentBase = z.object(CommentFields)
export type CommentJson = z.infer<typeof CommentBase> & { replies: CommentJson[] }

export const CommentJson: z.ZodType<CommentJson> = z
  .lazy(() => CommentBase.extend({ replies: z.array(CommentJson) }))
  .openapi('Comment')

export const ThreadJson = z
  .object({
    id: z.uuid(),
    key: z.string(),
    url: z.string(),
    title: z.string(),
    total: z.number().int().openapi({ description: 'Visible comments in the whole thread.' }),
    locked: z.boolean(),
    pinnedId: z.uuid().nullable().openapi({ description: 'The comment moderators pinned; it leads the first page.' }),
    lastSeq: z.number().int().openapi({
      description: "Where the thread stood when this page was read: pass it as the live stream's `since` to receive everything after it.",
    }),
  })
  .openapi('Thread')

export const ThreadPageJson = z
  .object({ thread: ThreadJson.nullable(), comments: z.array(CommentJson), nextCursor: z.string().nullable() })
  .openapi('ThreadPage')

export const AuthorTimeLeft = z
  .object({
    edit: z.number().int().openapi({ description: 'Seconds left to edit; 0 once the edit window has closed.' }),
    delete: z.number().int().nullable().openapi({ description: 'Seconds left to delete; null when it never closes (an account’s own comment).' }),
  })
  .openapi('AuthorTimeLeft')

export const PostedCommentJson = z
  .object({
    comment: CommentJson,
    threadVersion: z.number().int().openapi({
      description: "The thread's version with this comment in it: pass it as `version` when reading the thread again, and the page shows it even while a read replica lags behind.",
    }),
    timeLeft: AuthorTimeLeft.openapi({ description: 'What its author may still do, as of this answer.' }),
    editToken: z.string().optional().openapi({ description: 'Guests: send as X-Edit-Token to edit or delete.' }),
    notify: z
      .object({
        state: z.enum(['on', 'confirm', 'wait']).openapi({
          description:
            '`on`: mail will come. `confirm`: it starts once the address’s owner presses the link mailed for this browser. `wait`: the address had its confirmation mails for the day (one per browser, three per address); ask again tomorrow.',
        }),
        key: z.string().optional().openapi({ description: 'Guests: keep it, and send it as `notifyKey` with this address next time.' }),
      })
      .optional()
      .openapi({ description: 'What became of `notify`, when it was asked.' }),
  })
  .openapi('PostedComment')

export const ReactionCountsJson = z
  .record(z.string(), z.number().int())
  .openapi('ReactionCounts', { description: 'Reactions by kind; kinds nobody gave are left out.' })
