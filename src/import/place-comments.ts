import { MAX_DEPTH } from '../comments/insert-comment.ts'
import { isVisibleRow } from '../comments/visibility.ts'
import type { CommentStatus } from '../db/schema.ts'
import type { ImportedState } from './records.ts'
import { REASONS } from './summary.ts'

/** How a source state is kept: a removed comment is a tombstone, as when its author deletes it. */
export const STATUS_OF: Record<ImportedState, CommentStatus> = {
  published: 'published',
  pending: 'pending',
  hidden: 'hidden',
  removed: 'deleted',
  spam: 'spam',
}

/** A new comment of one thread, as much as placing it needs. */
export interface CommentToPlace {
  n: number
  sourceId: string
  parentSourceId: string | null
  createdAt: Date
  status: CommentStatus
}

/** A comment already in the database (from an earlier import) that a new one may reply to. */
export interface PlacedParent {
  id: string
  parentId: string | null
  rootId: string
  path: number[]
  depth: number
}

/** Where a new comment goes: the columns insert-comment.ts would have given it. */
export interface Placement {
  id: string
  parentId: string | null
  rootId: string
  seq: number
  path: number[]
  depth: number
  replyCount: number
}

export interface PlacementResult {
  /** By the comment's n (its position in the file). */
  placements: Map<number, Placement>
  /** Comments already in the database that gain visible replies: they go through attachAncestors. */
  attachedToExisting: Array<{ n: number; parent: PlacedParent }>
  /** Comments whose reply was turned into something else, and why. */
  repairs: Array<{ n: number; reason: string }>
}

interface Node {
  c: CommentToPlace
  id: string
  parent: Node | PlacedParent | null
  children: Node[]
  placement?: Placement
}

/**
 * Builds one thread's tree as posting would have: seq in date order after the thread's last
 * (so "oldest first" is the old order, and a branch sorts by date), path = the parent's path
 * then the comment's seq, depth, root, and reply_count = the direct replies a reader sees
 * (published, hidden, and tombstones that keep some). Parents may come after their replies
 * in the file. A reply whose parent is missing, on another page or in a loop becomes
 * top-level; one nested deeper than MAX_DEPTH hangs from the deepest ancestor that fits.
 *
 * `existing` holds comments already imported that these may reply to, by source id;
 * `elsewhere` says whether a missing parent is a comment of another page of the file.
 */
export function placeComments(
  comments: readonly CommentToPlace[],
  existing: ReadonlyMap<string, PlacedParent>,
  elsewhere: (parentSourceId: string) => boolean,
  lastSeq: number,
  newId: () => string = () => crypto.randomUUID(),
): PlacementResult {
  const repairs: PlacementResult['repairs'] = []
  const nodes = new Map<string, Node>()
  for (const c of comments) nodes.set(c.sourceId, { c, id: newId(), parent: null, children: [] })

  const roots: Node[] = []
  for (const node of nodes.values()) {
    const parentId = node.c.parentSourceId
    const parent = parentId === null || parentId === node.c.sourceId ? undefined : (nodes.get(parentId) ?? existing.get(parentId))
    if (parentId !== null && parentId !== node.c.sourceId && !parent)
      repairs.push({ n: node.c.n, reason: elsewhere(parentId) ? REASONS.parentElsewhere : REASONS.unknownParent })
    if (parent && 'children' in parent) {
      node.parent = parent
      parent.children.push(node)
    } else {
      node.parent = parent ?? null
      roots.push(node)
    }
  }

  // Date order; the file's order between equal dates.
  const byDate = (a: Node, b: Node) => a.c.createdAt.getTime() - b.c.createdAt.getTime() || a.c.n - b.c.n
  const ordered = [...nodes.values()].sort(byDate)
  const seqOf = new Map<Node, number>(ordered.map((node, i) => [node, lastSeq + i + 1]))

  // Breadth-first from the roots: parents are placed before their replies. Whatever is left
  // unreached hangs in a loop of replies; its earliest comment becomes top-level, and so on.
  const placedOrder: Node[] = []
  const place = (start: Node) => {
    const queue = [start]
    for (let i = 0; i < queue.length; i++) {
      const node = queue[i] as Node
      placeOne(node, seqOf.get(node) ?? 0, repairs)
      placedOrder.push(node)
      queue.push(...node.children)
    }
  }
  for (const root of roots.sort(byDate)) place(root)
  if (placedOrder.length < nodes.size)
    for (const node of ordered) {
      if (node.placement) continue
      // Up from an unplaced comment, the first one met twice is in the loop: it is cut there.
      const seen = new Set<Node>()
      let member = node
      while (!seen.has(member)) {
        seen.add(member)
        member = member.parent as Node
      }
      const parent = member.parent as Node
      parent.children.splice(parent.children.indexOf(member), 1)
      member.parent = null
      repairs.push({ n: member.c.n, reason: REASONS.replyCycle })
      place(member)
    }

  // reply_count bottom-up: children are placed after their parents, so walk backwards.
  const attachedToExisting: PlacementResult['attachedToExisting'] = []
  for (let i = placedOrder.length - 1; i >= 0; i--) {
    const node = placedOrder[i] as Node
    const placement = node.placement as Placement
    if (!isVisibleRow({ status: node.c.status, reply_count: placement.replyCount })) continue
    const parent = node.parent
    if (parent && 'children' in parent) (parent.placement as Placement).replyCount++
    else if (parent) attachedToExisting.push({ n: node.c.n, parent })
  }
  return { placements: new Map(placedOrder.map((node) => [node.c.n, node.placement as Placement])), attachedToExisting, repairs }
}

function parentPlacement(parent: Node | PlacedParent): PlacedParent {
  if (!('children' in parent)) return parent
  const p = parent.placement as Placement
  return { id: p.id, parentId: p.parentId, rootId: p.rootId, path: p.path, depth: p.depth }
}

function depthOf(parent: Node | PlacedParent): number {
  return 'children' in parent ? (parent.placement as Placement).depth : parent.depth
}

/** The parent of a comment at MAX_DEPTH (which has one): of this import, or in the database. */
function parentOf(parent: Node | PlacedParent): Node | PlacedParent | null {
  if ('children' in parent) return parent.parent
  if (parent.parentId === null) return null
  return { id: parent.parentId, parentId: null, rootId: parent.rootId, path: parent.path.slice(0, -1), depth: parent.depth - 1 }
}

/** A reply under a parent already at MAX_DEPTH goes under that parent's own parent, beside it. */
function placeOne(node: Node, seq: number, repairs: PlacementResult['repairs']) {
  if (node.parent && depthOf(node.parent) >= MAX_DEPTH) {
    repairs.push({ n: node.c.n, reason: REASONS.tooDeep })
    node.parent = parentOf(node.parent)
  }
  if (!node.parent) {
    node.placement = { id: node.id, parentId: null, rootId: node.id, seq, path: [seq], depth: 0, replyCount: 0 }
    return
  }
  const parent = parentPlacement(node.parent)
  node.placement = {
    id: node.id,
    parentId: parent.id,
    rootId: parent.rootId,
    seq,
    path: [...parent.path, seq],
    depth: parent.depth + 1,
    replyCount: 0,
  }
}
