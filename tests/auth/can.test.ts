import { describe, expect, it } from 'vitest'
import { can, type Action, type Actor } from '../../src/access/can.ts'

const guest: Actor = { kind: 'guest' }
const user = (roles: Record<string, 'owner' | 'moderator'> = {}, isInstanceAdmin = false): Actor => ({
  kind: 'user',
  userId: 'u1',
  isInstanceAdmin,
  roles: new Map(Object.entries(roles)),
})

describe('can()', () => {
  const cases: Array<[string, Actor, Action, { siteId?: string; authorUserId?: string | null }, boolean]> = [
    ['a guest cannot vote', guest, 'comment.vote', { siteId: 'a' }, false],
    ['a reader can vote', user(), 'comment.vote', { siteId: 'a' }, true],
    ['the author edits', user(), 'comment.edit', { siteId: 'a', authorUserId: 'u1' }, true],
    ['another reader does not edit', user(), 'comment.edit', { siteId: 'a', authorUserId: 'u2' }, false],
    ['a moderator does not rewrite others', user({ a: 'moderator' }), 'comment.edit', { siteId: 'a', authorUserId: 'u2' }, false],
    ['a moderator deletes on their site', user({ a: 'moderator' }), 'comment.delete', { siteId: 'a', authorUserId: 'u2' }, true],
    ['a moderator of b has no power on a', user({ b: 'moderator' }), 'comment.delete', { siteId: 'a', authorUserId: 'u2' }, false],
    ['a guest comment has no author account', user(), 'comment.delete', { siteId: 'a', authorUserId: null }, false],
    ['a moderator moderates', user({ a: 'moderator' }), 'site.moderate', { siteId: 'a' }, true],
    ['a moderator does not manage', user({ a: 'moderator' }), 'site.manage', { siteId: 'a' }, false],
    ['an owner manages', user({ a: 'owner' }), 'site.manage', { siteId: 'a' }, true],
    ['an owner of a does not manage b', user({ a: 'owner' }), 'site.manage', { siteId: 'b' }, false],
    ['an instance admin manages any site', user({}, true), 'site.manage', { siteId: 'b' }, true],
    ['only an instance admin administers the instance', user({ a: 'owner' }), 'instance.admin', {}, false],
    ['an instance admin does', user({}, true), 'instance.admin', {}, true],
  ]
  it.each(cases)('%s', (_name, actor, action, resource, expected) => {
    expect(can(actor, action, resource)).toBe(expected)
  })
})
