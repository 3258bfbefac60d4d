import { createWriteStream } from 'node:fs'
import { readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { once } from 'node:events'
import { AppError } from '../http/errors.ts'
import { IMPORTERS } from './formats.ts'
import type { ImportUploads, StoredUpload } from './uploads.ts'

const PREFIX = 'engawa-import-'

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: the process exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Removes the uploads that processes which have since died left in `dir`; returns how many. */
export async function sweepOrphanedUploads(dir: string = tmpdir()): Promise<number> {
  let removed = 0
  for (const name of await readdir(dir)) {
    const pid = name.startsWith(PREFIX) ? Number.parseInt(name.slice(PREFIX.length), 10) : Number.NaN
    if (!(pid > 0) || isAlive(pid)) continue
    await rm(join(dir, name), { force: true })
    removed++
  }
  return removed
}

/**
 * Uploads go to files of their own in the system's temporary folder (readable by this user
 * only), written as the bytes arrive, so an upload costs the memory of one chunk whatever its
 * size. The limit is counted on the bytes themselves, not on a Content-Length that may lie.
 * A file's name holds the id of the process that wrote it, so that files left behind by a process
 * that died can be told from those a live one still reads.
 */
export function createTempUploads(dir: string = tmpdir()): ImportUploads {
  const running = new Set<Promise<unknown>>()
  return {
    importers: IMPORTERS,
    async receive(body, maxBytes): Promise<StoredUpload> {
      const path = join(dir, `${PREFIX}${process.pid}-${crypto.randomUUID()}`)
      const out = createWriteStream(path, { flags: 'wx', mode: 0o600 })
      const remove = () => rm(path, { force: true })
      const reader = body.getReader()
      let size = 0
      try {
        for (;;) {
          const { done, value } = await reader.read()
          if (done) break
          size += value.byteLength
          if (size > maxBytes) {
            await reader.cancel()
            throw new AppError('payload_too_large', `The file is larger than this server accepts (${Math.floor(maxBytes / (1 << 20))} MiB). Import it with the CLI, or raise IMPORT_MAX_BYTES.`)
          }
          if (!out.write(value)) await once(out, 'drain')
        }
        out.end()
        await once(out, 'close')
        return { path, size, remove }
      } catch (error) {
        out.destroy()
        await remove()
        throw error
      }
    },
    track(run) {
      const settled = run.then(
        () => undefined,
        () => undefined,
      )
      running.add(settled)
      void settled.then(() => running.delete(settled))
    },
    async idle() {
      while (running.size > 0) await Promise.all(running)
    },
  }
}
