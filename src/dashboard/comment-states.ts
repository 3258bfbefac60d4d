// A comment's status in words, and what may be done to it in each: one table for the cards the
// server draws (comment-card.tsx) and for the script that redraws them after an action
// (script/comment-cards.ts). src/moderation/moderate-comment.ts allows the moves themselves.

export const STATUS_LABELS: Record<string, string> = {
  published: 'Published',
  pending: 'Awaiting approval',
  hidden: 'Hidden',
  deleted: 'Deleted',
  spam: 'Spam',
  shadowed: 'Shadow-banned',
}

export const BUTTONS_BY_STATUS: Record<string, readonly string[]> = {
  pending: ['approve', 'reject', 'spam', 'ban'],
  published: ['hide', 'spam', 'ban'],
  hidden: ['unhide', 'spam', 'ban'],
  spam: ['delete', 'ban'],
  deleted: ['ban'],
  shadowed: ['ban'],
}
