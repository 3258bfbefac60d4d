import { z } from '@hono/zod-openapi'

export const ErrorJson = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'invalid_request' }),
      message: z.string().openapi({ example: 'body field "body": must not be blank.' }),
    }),
  })
  .openapi('Error')

/** `{site}` in a path: a site's short public id. Every route that acts on one site's data names it. */
export const SiteParam = z.object({
  site: z.string().min(1).max(64).openapi({ param: { name: 'site', in: 'path' }, example: 'k3x9m2qarv' }),
})

/** Error responses for a route, by status, so each one is documented once. */
export function errorResponses(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: 'The request was refused; error.code says why.', content: { 'application/json': { schema: ErrorJson } } },
    ]),
  )
}

export function jsonBody<T extends z.ZodType>(schema: T) {
  return { content: { 'application/json': { schema } }, required: true }
}

export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } }
}

export const openApiInfo = {
  openapi: '3.1.0',
  info: {
    title: 'Engawa API',
    version: '1.0.0',
    description:
      'Threaded comment sections for articles on any website. Errors are `{ "error": { "code", "message" } }`. ' +
      'Any route may answer 503 `unavailable` with `Retry-After` while its database is away (a restart, a failover); ' +
      'retry after that many seconds, with the same `Idempotency-Key` for a post.',
  },
}
