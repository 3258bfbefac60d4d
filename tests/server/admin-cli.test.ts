import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runEntry, startServer, type RunningServer } from '../helpers/processes.ts'

const dataDir = mkdtempSync(join(tmpdir(), 'engawa-admin-'))
const PUBLIC_URL = 'http://127.0.0.1:9'
const env = { DATA_DIR: dataDir, DATABASE_URL: '', PUBLIC_URL }
let server: RunningServer | undefined
afterAll(async () => {
  await server?.stop('SIGKILL')
  rmSync(dataDir, { recursive: true, force: true })
})

describe('the first instance admin', () => {
  // Four CLI runs and a server start, each opening the embedded database: slow on a busy machine.
  it('is made by the CLI, chooses a password through the printed link, and owns the site it was given', { timeout: 90_000 }, async () => {
    const created = await runEntry('src/cli.ts', ['site', 'create', '--name', 'Admin blog', '--origin', 'https://blog.example'], env)
    const site = /Site (\w+):/.exec(created.stdout)?.[1] ?? ''
    const admin = await runEntry('src/cli.ts', ['admin', 'create', '--email', 'Admin@Example.org', '--name', 'Ada'], env)
    expect(admin.code, admin.stderr).toBe(0)
    expect(admin.stdout).toContain('admin@example.org is an instance admin.')
    const token = /#reset=([a-z0-9.]+)/.exec(admin.stdout)?.[1] ?? ''
    const member = await runEntry('src/cli.ts', ['site', 'member', site, '--email', 'admin@example.org', '--role', 'owner'], env)
    expect(member.stdout).toContain('is now owner of Admin blog')
    const bad = await runEntry('src/cli.ts', ['site', 'member', site, '--email', 'nobody@example.org', '--role', 'owner'], env)
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('No account uses nobody@example.org')

    server = await startServer(env)
    const post = (path: string, body: unknown, cookie = '') =>
      fetch(`${server?.url}${path}`, {
        method: 'POST',
        headers: { origin: PUBLIC_URL, 'content-type': 'application/json', cookie },
        body: JSON.stringify(body),
      })
    const set = await post('/api/v1/auth/reset/confirm', { token, password: 'a long admin password' })
    expect(set.status).toBe(200)
    const cookie = /(engawa_session=[^;]+)/.exec(set.headers.get('set-cookie') ?? '')?.[1] ?? ''
    const me = await (await fetch(`${server.url}/api/v1/me`, { headers: { cookie } })).json()
    expect(me.user).toMatchObject({ displayName: 'Ada', isInstanceAdmin: true })
    expect(me.memberships).toEqual([{ siteId: site, siteName: 'Admin blog', role: 'owner' }])
  })
})
