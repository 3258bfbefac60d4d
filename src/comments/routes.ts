import type { Deps } from '../deps.ts'
import type { PageCache } from '../threads/page-cache.ts'
import { mineRoutes } from './mine-route.ts'
import { readRoute } from './read-route.ts'
import { reactionRoutes } from './reaction-routes.ts'
import { voteRoutes } from './vote-route.ts'
import { writeRoutes } from './write-routes.ts'
import { createRouter } from '../http/router.ts'

/** `pages`: the cache the reads fill; the writes drop what they change (threads/thread-changes.ts, through deps.pages). */
export function commentRoutes(deps: Deps, pages: PageCache) {
  return createRouter()
    .route('/', readRoute(deps, pages))
    .route('/', writeRoutes(deps))
    .route('/', mineRoutes(deps))
    .route('/', voteRoutes(deps))
    .route('/', reactionRoutes(deps))
}
