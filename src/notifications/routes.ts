import type { Deps } from '../deps.ts'
import { deliveryRoutes } from './delivery-routes.ts'
import { notificationLinkRoutes } from './link-routes.ts'
import { readerNotificationRoutes } from './reader-routes.ts'
import { createRouter } from '../http/router.ts'

/** Readers' notification settings, the links in their mails, and owners' delivery log. */
export function notificationRoutes(deps: Pick<Deps, 'db' | 'clock' | 'config'>) {
  return createRouter()
    .route('/', readerNotificationRoutes(deps))
    .route('/', notificationLinkRoutes(deps))
    .route('/', deliveryRoutes(deps))
}
