/**
 * The Postgres channel on which every Engawa process hears what changed on a thread (live/feed.ts
 * listens). A published comment's own insert sends it (comments/insert-comment.ts), so it goes
 * out at commit or not at all. Its payload, `[siteId, key, commentId]` as JSON, says only where
 * and which: a payload is capped at 8 kB, and comments are not.
 */
export const LIVE_CHANNEL = 'engawa_comments'
