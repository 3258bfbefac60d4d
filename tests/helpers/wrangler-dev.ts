import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { until } from './until.ts'

export interface WranglerDev {
  url: string
  output: () => string
  stop(): Promise<void>
}

/**
 * The worker as it deploys: `wrangler dev` with the project's own wrangler.toml (its build step,
 * assets, bindings and cron), local and offline, its Hyperdrive binding pointed at `databaseUrl`.
 */
export async function startWranglerDev(databaseUrl: string, { vars = {}, port: given }: { vars?: Record<string, string>; port?: number } = {}, timeoutMs = 90_000): Promise<WranglerDev> {
  const port = given ?? (await freePort())
  const url = `http://127.0.0.1:${port}`
  const state = mkdtempSync(join(tmpdir(), 'engawa-wrangler-'))
  // Hyperdrive's local stand-in insists on a password; the test server trusts any.
  const hyperdrive = new URL(databaseUrl)
  if (!hyperdrive.password) hyperdrive.password = 'unused'
  // Its own devtools port too: two workers of the suite may start at once.
  const args = ['dev', '--port', String(port), '--ip', '127.0.0.1', '--inspector-port', String(await freePort()), '--inspector-ip', '127.0.0.1', '--show-interactive-dev-session=false', '--persist-to', join(state, 'state'), '--test-scheduled']
  for (const [name, value] of Object.entries({ PUBLIC_URL: url, LOG_LEVEL: 'warn', ...vars })) args.push('--var', `${name}:${value}`)
  const child: ChildProcess = spawn(join(process.cwd(), 'node_modules/.bin/wrangler'), args, {
    env: {
      ...process.env,
      CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: hyperdrive.href,
      WRANGLER_SEND_METRICS: 'false',
      WRANGLER_LOG_PATH: join(state, 'logs'),
      XDG_CONFIG_HOME: join(state, 'config'),
    },
    stdio: 'pipe',
    detached: true,
  })
  let output = ''
  child.stdout?.on('data', (d) => (output += d))
  child.stderr?.on('data', (d) => (output += d))
  const exited = once(child, 'exit')
  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      process.kill(-child.pid, 'SIGTERM')
      const killed = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 10_000)
      await exited
      clearTimeout(killed)
    }
    rmSync(state, { recursive: true, force: true })
  }
  try {
    await until(
      async () => {
        if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}:\n${output}`)
        return fetch(`${url}/healthz`).then((res) => res.ok, () => false)
      },
      timeoutMs,
      'wrangler dev answering',
    )
  } catch (error) {
    await stop()
    throw new Error(`${(error as Error).message}\n${output}`)
  }
  return { url, output: () => output, stop }
}

export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise((resolve) => server.close(resolve))
  if (!address || typeof address === 'string') throw new Error('no port')
  return address.port
}
