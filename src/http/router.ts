import { OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from './app-env.ts'
import { rejectInvalid } from './errors.ts'

/** A feature's routes: declared with createRoute, validated at the edge, refused in one shape (errors.ts). */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })
}
