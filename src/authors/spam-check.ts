import type { Config } from '../config.ts'
import type { SpamCheck } from '../deps.ts'
import type { Log } from '../log.ts'


/**
 * The Akismet comment-check API, which several services speak. A service that is down or
 * slow never stops a comment: after the timeout the comment is treated as not spam, and the
 * failure is logged.
 */
export function akismetSpamCheck(options: { apiKey: string; endpoint: string; timeoutMs?: number; log: Log }): SpamCheck {
  const url = `${options.endpoint.replace(/\/$/, '')}/1.1/comment-check`
  return {
    async isSpam(c) {
      const form = new URLSearchParams({
        api_key: options.apiKey,
        blog: c.siteUrl,
        permalink: c.pageUrl,
        user_ip: c.ip,
        user_agent: c.userAgent,
        comment_type: 'comment',
        comment_author: c.authorName,
        comment_content: c.body,
        blog_charset: 'UTF-8',
      })
      if (c.authorEmail) form.set('comment_author_email', c.authorEmail)
      try {
        const res = await fetch(url, { method: 'POST', body: form, signal: AbortSignal.timeout(options.timeoutMs ?? 3000) })
        const answer = (await res.text()).trim()
        if (res.ok && (answer === 'true' || answer === 'false')) return answer === 'true'
        options.log.warn('spam check: unexpected answer', { status: res.status, answer: answer.slice(0, 200) })
      } catch (error) {
        options.log.warn('spam check failed', { error: String(error) })
      }
      return false
    },
  }
}

export function spamCheckFromConfig(config: Config, log: Log): SpamCheck | undefined {
  return config.akismet && akismetSpamCheck({ ...config.akismet, log })
}
