import type { Deps } from '../../src/deps.ts'
import { postComment } from '../../src/comments/post-comment.ts'
import type { SiteRow } from '../../src/db/schema.ts'

const WORDS = 'engawa veranda copyright article thirty data training model creators anime manga reciprocity law analysis'.split(' ')

/** A deterministic paragraph of Markdown, about 400 characters, with emphasis, a link and code. */
function paragraph(n: number): string {
  const words = Array.from({ length: 48 }, (_, i) => WORDS[(n * 7 + i * 3) % WORDS.length])
  return `Comment ${n}: ${words.slice(0, 16).join(' ')} **${words[16]}** and _${words[17]}_, see [the act](https://example.org/act/${n}) ` +
    `and \`article_30_4\`. ${words.slice(18).join(' ')}.`
}

/**
 * A thread shaped like a lively discussion: `topLevel` comments and `replies` replies up to
 * depth 4, posted through the same function as the API, in a fixed pseudo-random order.
 */
export async function seedThread(
  deps: Pick<Deps, 'db' | 'clock' | 'markdown' | 'config'>,
  site: SiteRow,
  url: string,
  topLevel: number,
  replies: number,
): Promise<void> {
  let state = 42
  const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
  const page = { key: url, url, title: 'Bench article' }
  // Which posts are replies: shuffled, except that the first post must be top-level.
  const plan = [...Array<boolean>(topLevel - 1).fill(false), ...Array<boolean>(replies).fill(true)]
  for (let i = plan.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[plan[i], plan[j]] = [plan[j] ?? false, plan[i] ?? false]
  }
  plan.unshift(false)
  const posted: Array<{ id: string; depth: number }> = []
  // One seeding guest writes it all: past the per-author limit, and published as the site publishes a guest.
  const unlimited = { ...site, author_posts_per_hour: Number.MAX_SAFE_INTEGER }
  for (const [n, isReply] of plan.entries()) {
    const candidates = isReply ? posted.filter((p) => p.depth < 4) : []
    const parent = candidates[Math.floor(random() * candidates.length)]
    const { comment } = await postComment(deps, {
      site: unlimited,
      page,
      parentId: parent?.id,
      body: paragraph(n),
      poster: { kind: 'guest', name: `Reader ${n % 37}`, email: null, fingerprint: 'bench-seed', network: 'bench-seed' },
      client: { ip: '127.0.0.1', userAgent: 'bench' },
    })
    posted.push({ id: comment.id, depth: comment.depth })
  }
}
