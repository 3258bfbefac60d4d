/**
 * The Postgres channel on which every Engawa process hears what changed on a thread (live/feed.ts
 * listens). Each change is sent by the statement that makes it (threads/thread-changes.ts, and a
 * post's own insert in comments/insert-comment.ts), so it goes out at commit or not at all.
 */
export const LIVE_CHANNEL = 'engawa_comments'
