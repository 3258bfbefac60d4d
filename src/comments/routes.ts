import type { Deps } from '../deps.ts'
import type { PageCache } from '../threads/page-cache.ts'
import { mineRoutes } from './mine-route.ts'
import { readRoute } from './read-route.ts'
import { voteRoutes } from './vote-route.ts'
import { writeRoutes } from './write-routes.ts'
import { createRouter } from '../http/router.ts'

/** Reads and writes share one page cache, so this instance's writes show at once. */
export function commentRoutes(deps: Deps, pages: PageCache) {
  return createRouter()
    .route('/', readRoute(deps, pages))
    .route('/', writeRoutes(deps, pages))
    .route('/', mineRoutes(deps))
    .route('/', voteRoutes(deps, pages))
}
