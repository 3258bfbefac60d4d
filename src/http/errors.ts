import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { isDatabaseUnavailable } from '../db/unavailable.ts'
import type { Log } from '../log.ts'

/** What a 503 asks clients to wait, in seconds: about as long as a database restart or failover takes. */
export const RETRY_AFTER_SECONDS = 2

const STATUS = {
  invalid_request: 400,
  invalid_json: 400,
  invalid_cursor: 400,
  unauthorized: 401,
  invalid_credentials: 401,
  invalid_link: 400,
  password_required: 400,
  invalid_state: 400,
  weak_password: 422,
  email_not_verified: 403,
  cross_site_request: 403,
  forbidden: 403,
  origin_not_allowed: 403,
  guests_not_allowed: 403,
  reactions_off: 403,
  banned: 403,
  invalid_edit_token: 403,
  edit_window_closed: 403,
  comment_hidden: 403,
  own_comment: 403,
  thread_locked: 403,
  not_found: 404,
  site_not_found: 404,
  comment_not_found: 404,
  profile_not_found: 404,
  parent_not_found: 404,
  method_not_allowed: 405,
  request_timeout: 408,
  conflict: 409,
  confirmation_required: 409,
  idempotency_key_reused: 422,
  payload_too_large: 413,
  request_aborted: 400,
  unsupported_media_type: 415,
  url_not_allowed: 422,
  webhook_url_not_allowed: 400,
  parent_not_in_thread: 422,
  comment_too_long: 422,
  name_reserved: 422,
  too_many_links: 422,
  invalid_sso_token: 401,
  sso_not_enabled: 404,
  sso_token_used: 409,
  reply_too_deep: 422,
  invalid_import_file: 422,
  imports_unavailable: 501,
  rate_limited: 429,
  internal_error: 500,
  not_ready: 503,
  unavailable: 503,
  provider_unavailable: 502,
  live_unavailable: 501,
} as const satisfies Record<string, ContentfulStatusCode>

export type ErrorCode = keyof typeof STATUS

/** Anything a client can cause. The message is a sentence a person can act on. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: { retryAfter?: number } = {},
  ) {
    super(message)
  }
  get status(): ContentfulStatusCode {
    return STATUS[this.code]
  }
}

export function errorBody(code: ErrorCode, message: string) {
  return { error: { code, message } }
}

const HTTP_EXCEPTION_CODES: Partial<Record<number, ErrorCode>> = {
  400: 'invalid_json',
  401: 'unauthorized',
  404: 'not_found',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
}

export function onError(log: Log) {
  return (error: Error, c: Context) => {
    if (!(error instanceof AppError) && isClientGone(error, c)) {
      // Nobody reads this answer; the client hung up mid-request, which is no fault of ours.
      log.info('client closed the request', { requestId: c.get('requestId'), error: error.message })
      error = new AppError('request_aborted', 'The request was cut off before it was complete.')
    }
    if (!(error instanceof AppError) && isDatabaseUnavailable(error)) {
      log.warn('database unavailable', { requestId: c.get('requestId'), error: error.message })
      error = unavailable()
    }
    if (error instanceof AppError) {
      if (error.extra.retryAfter) c.header('Retry-After', String(error.extra.retryAfter))
      return c.json(errorBody(error.code, error.message), error.status)
    }
    if (error instanceof HTTPException && error.status < 500) {
      const code = HTTP_EXCEPTION_CODES[error.status] ?? 'invalid_request'
      const message =
        code === 'invalid_json'
          ? 'The request body is not valid JSON.'
          : code === 'unsupported_media_type'
            ? 'Send the body as JSON, with Content-Type: application/json.'
            : error.message || 'The request was refused.'
      return c.json(errorBody(code, message), error.status as ContentfulStatusCode)
    }
    const requestId: unknown = c.get('requestId')
    log.error('unhandled error', { requestId, error: error.stack ?? String(error) })
    return c.json(
      errorBody('internal_error', `Something went wrong on our side. Quote request id ${String(requestId)} if you report it.`),
      500,
    )
  }
}

/** The database is away for a moment (a restart, a failover) or too slow to answer: a retry soon may succeed. */
export function unavailable(): AppError {
  return new AppError('unavailable', 'Engawa is briefly unavailable; try again in a few seconds.', { retryAfter: RETRY_AFTER_SECONDS })
}

/** The client hung up: Node reports a body cut off mid-way as ECONNRESET "aborted", and the adapter aborts the request's signal. */
function isClientGone(error: Error, c: Context): boolean {
  return c.req.raw.signal.aborted || ((error as { code?: unknown }).code === 'ECONNRESET' && error.message === 'aborted')
}

export function notFound(c: Context) {
  return c.json(errorBody('not_found', `There is nothing at ${c.req.method} ${new URL(c.req.url).pathname}.`), 404)
}

interface ValidationResult {
  success: boolean
  target: string
  error?: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> }
}

/** The OpenAPIHono defaultHook: a failed parse becomes invalid_request naming the field. */
export function rejectInvalid(result: ValidationResult, c: Context) {
  if (result.success) return
  const issue = result.error?.issues[0]
  const field = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : undefined
  const where = result.target === 'json' ? 'body' : result.target
  const message = field ? `${where} field "${field}": ${issue?.message}.` : `Invalid ${where}: ${issue?.message ?? 'unreadable'}.`
  return c.json(errorBody('invalid_request', message), 400)
}
