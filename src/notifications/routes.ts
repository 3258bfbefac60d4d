import { OpenAPIHono } from '@hono/zod-openapi'
import type { Deps } from '../deps.ts'
import type { AppEnv } from '../http/app-env.ts'
import { rejectInvalid } from '../http/errors.ts'
import { deliveryRoutes } from './delivery-routes.ts'
import { notificationLinkRoutes } from './link-routes.ts'
import { readerNotificationRoutes } from './reader-routes.ts'

/** Readers' notification settings, the links in their mails, and owners' delivery log. */
export function notificationRoutes(deps: Pick<Deps, 'db' | 'clock' | 'config'>) {
  return new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })
    .route('/', readerNotificationRoutes(deps))
    .route('/', notificationLinkRoutes(deps))
    .route('/', deliveryRoutes(deps))
}
