import { once } from 'node:events'
import { chmodSync, rmSync } from 'node:fs'
import { connect, createServer, type Socket } from 'node:net'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import type { CommandIo } from './commands.ts'

// The embedded database is one process's: while the server holds its folder, the CLI hands its
// command to the server through a Unix socket in that folder, which only the folder's owner may
// use (mode 0600), and prints what the server answers. One JSON line asks; JSON lines answer:
// { out } and { err } as the command writes them, then { exit }.

export const channelPath = (dataDir: string) => join(dataDir, 'engawa.sock')

type Ask = { argv: string[]; cwd: string }
type Answer = { out: string } | { err: string } | { exit: number }

/** Serves commands on the data folder's socket until closed; `run` answers with the exit code. */
export async function serveLocalCommands(dataDir: string, run: (argv: string[], io: CommandIo) => Promise<number>): Promise<() => Promise<void>> {
  const path = channelPath(dataDir)
  // A socket file left by a server that died: the data folder's lock says nobody else holds it.
  rmSync(path, { force: true })
  const sockets = new Set<Socket>()
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => socket.destroy())
    const send = async (answer: Answer) => {
      if (!socket.write(`${JSON.stringify(answer)}\n`)) await once(socket, 'drain')
    }
    const lines = createInterface({ input: socket })
    lines.once('line', (line) => {
      lines.close()
      let ask: Ask
      try {
        ask = JSON.parse(line) as Ask
        if (!Array.isArray(ask.argv) || !ask.argv.every((a) => typeof a === 'string') || typeof ask.cwd !== 'string') throw new Error('not a command')
      } catch {
        socket.end(`${JSON.stringify({ err: 'Not a command.\n' })}\n${JSON.stringify({ exit: 2 })}\n`)
        return
      }
      const io: CommandIo = { out: (text) => send({ out: text }), err: (text) => void send({ err: text }), cwd: ask.cwd }
      void run(ask.argv, io).then(
        (exit) => socket.end(`${JSON.stringify({ exit })}\n`),
        () => socket.end(`${JSON.stringify({ exit: 1 })}\n`),
      )
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    // Only this user may connect: the socket is made private before anyone can reach it.
    const umask = process.umask(0o177)
    server.listen(path, () => {
      process.umask(umask)
      server.off('error', reject)
      resolve()
    })
  })
  chmodSync(path, 0o600)
  return async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    for (const socket of sockets) socket.destroy()
    await closed
    rmSync(path, { force: true })
  }
}

/**
 * Hands a command to the server holding the data folder. Undefined when no server listens
 * there (then the CLI opens the folder itself); otherwise the command's exit code.
 */
export async function sendToServer(dataDir: string, ask: Ask, out: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }): Promise<number | undefined> {
  const socket = connect(channelPath(dataDir))
  try {
    await once(socket, 'connect')
  } catch {
    socket.destroy()
    return undefined
  }
  socket.write(`${JSON.stringify(ask)}\n`)
  let exit: number | undefined
  for await (const line of createInterface({ input: socket })) {
    const answer = JSON.parse(line) as Answer
    if ('out' in answer && !out.stdout.write(answer.out)) await once(out.stdout, 'drain')
    if ('err' in answer) out.stderr.write(answer.err)
    if ('exit' in answer) exit = answer.exit
  }
  // The server stopped mid-command (or was killed): say so rather than pretend it finished.
  return exit ?? 1
}
