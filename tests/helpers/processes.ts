import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'

const TSX = ['--import', 'tsx']

export interface RunResult {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs a TypeScript entry of ours (the CLI) to completion. */
export async function runEntry(entry: string, args: string[], env: Record<string, string>): Promise<RunResult> {
  const child = spawn(process.execPath, [...TSX, entry, ...args], { env: { ...process.env, ...env }, stdio: 'pipe' })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => (stdout += d))
  child.stderr.on('data', (d) => (stderr += d))
  const [code] = (await once(child, 'exit')) as [number | null]
  return { code, stdout, stderr }
}

export interface RunningServer {
  child: ChildProcess
  url: string
  stderr: () => string
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

/**
 * Starts src/server.ts on a free loopback port and waits until it listens; `bundle`: the build's
 * dist/server.js instead, as npm start runs it.
 */
export async function startServer(env: Record<string, string>, timeoutMs = 60_000, { bundle = false } = {}): Promise<RunningServer> {
  const child = spawn(process.execPath, bundle ? ['dist/server.js'] : [...TSX, 'src/server.ts'], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: 'pipe',
  })
  let stderr = ''
  const exited = once(child, 'exit') as Promise<[number | null]>
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${stderr}`)), timeoutMs)
    child.stderr.on('data', (d) => {
      stderr += d
      const match = /"message":"listening","url":"([^"]+)"/.exec(stderr)
      if (match?.[1]) {
        clearTimeout(timer)
        resolve(match[1])
      }
    })
    void exited.then(([code]) => reject(new Error(`server exited with ${code}:\n${stderr}`)))
  })
  return {
    child,
    url,
    stderr: () => stderr,
    stop: async (signal = 'SIGINT') => {
      if (child.exitCode !== null) return child.exitCode
      child.kill(signal)
      const [code] = await exited
      return code
    },
  }
}
