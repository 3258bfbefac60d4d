import { describe, expect, it } from 'vitest'
import { MAX_DEPTH } from '../../src/comments/insert-comment.ts'
import { placeComments, type CommentToPlace } from '../../src/import/place-comments.ts'
import { REASONS } from '../../src/import/summary.ts'

const at = (minute: number) => new Date(Date.UTC(2020, 0, 1, 0, minute))
const comment = (n: number, parent: number | null, extra: Partial<CommentToPlace> = {}): CommentToPlace => ({
  n,
  sourceId: `c${n}`,
  parentSourceId: parent === null ? null : `c${parent}`,
  createdAt: at(n),
  status: 'published',
  ...extra,
})
const ids = () => {
  let i = 0
  return () => `id${++i}`
}

describe('placing imported comments in a tree', () => {
  it('numbers by date after the thread’s last seq, and paths, depths and roots follow the parents', () => {
    // c3 replies to c2 and comes first in the file; c2 is older than c1.
    const placed = placeComments([comment(3, 2), comment(1, null, { createdAt: at(5) }), comment(2, null)], new Map(), () => false, 10, ids())
    const byN = (n: number) => placed.placements.get(n)
    expect(byN(2)).toMatchObject({ seq: 11, path: [11], depth: 0, parentId: null, replyCount: 1 })
    expect(byN(3)).toMatchObject({ seq: 12, path: [11, 12], depth: 1, parentId: byN(2)?.id, rootId: byN(2)?.id })
    expect(byN(1)).toMatchObject({ seq: 13, path: [13], depth: 0 })
    expect(placed.repairs).toEqual([])
  })

  it('counts visible replies only: tombstones with visible replies count, pending and spam do not', () => {
    const placed = placeComments(
      [comment(1, null), comment(2, 1, { status: 'deleted' }), comment(3, 2), comment(4, 1, { status: 'spam' }), comment(5, 1, { status: 'pending' }), comment(6, 1, { status: 'deleted' })],
      new Map(),
      () => false,
      0,
      ids(),
    )
    expect(placed.placements.get(1)?.replyCount).toBe(1)
    expect(placed.placements.get(2)?.replyCount).toBe(1)
  })

  it('makes top-level what replies to a missing comment, one on another page, or a loop, and says which', () => {
    const placed = placeComments([comment(1, 99), comment(2, 50), comment(3, 4), comment(4, 3), comment(5, 5)], new Map(), (p) => p === 'c50', 0, ids())
    expect(placed.repairs.sort((a, b) => a.n - b.n)).toEqual([
      { n: 1, reason: REASONS.unknownParent },
      { n: 2, reason: REASONS.parentElsewhere },
      { n: 3, reason: REASONS.replyCycle },
    ])
    expect(placed.placements.get(3)?.depth).toBe(0)
    expect(placed.placements.get(4)?.depth).toBe(1)
    expect(placed.placements.get(5)?.depth).toBe(0)
  })

  it('hangs a reply nested past MAX_DEPTH from the deepest ancestor that fits', () => {
    const chain = Array.from({ length: MAX_DEPTH + 3 }, (_, i) => comment(i + 1, i === 0 ? null : i))
    const placed = placeComments(chain, new Map(), () => false, 0, ids())
    const depths = chain.map((c) => placed.placements.get(c.n)?.depth)
    expect(Math.max(...(depths as number[]))).toBe(MAX_DEPTH)
    expect(placed.repairs.map((r) => r.reason)).toEqual([REASONS.tooDeep, REASONS.tooDeep])
    const last = placed.placements.get(MAX_DEPTH + 3)
    expect(last?.path).toHaveLength(MAX_DEPTH + 1)
  })

  it('attaches replies to comments an earlier import wrote, and says which gain a visible reply', () => {
    const existing = new Map([['c1', { id: 'old1', parentId: null, rootId: 'old1', path: [4], depth: 0 }]])
    const placed = placeComments([comment(2, 1), comment(3, 2, { status: 'spam' })], existing, () => false, 7, ids())
    expect(placed.placements.get(2)).toMatchObject({ parentId: 'old1', rootId: 'old1', path: [4, 8], depth: 1 })
    expect(placed.attachedToExisting.map((a) => a.n)).toEqual([2])
  })
})
