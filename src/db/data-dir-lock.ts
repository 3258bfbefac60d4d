import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs'
import { join, resolve } from 'node:path'

/** The embedded database's folder cannot be used (in use, not a folder, not writable); the message says what to do. */
export class DataDirError extends Error {
  override name = 'DataDirError'
}

/**
 * PGlite is one process's database: two processes on one data folder would corrupt it.
 * The lock file holds the owner's pid; a lock left by a process that died is taken over.
 * Taking it is also the first write to the folder, so a folder that cannot be used is found here.
 */
export function lockDataDir(dataDir: string): () => void {
  const file = join(dataDir, 'engawa.lock')
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      mkdirSync(dataDir, { recursive: true })
      const fd = openSync(file, 'wx')
      writeSync(fd, String(process.pid))
      closeSync(fd)
      return () => rmSync(file, { force: true })
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code !== 'EEXIST' || !isFolder(dataDir)) throw unusable(dataDir, code, error)
      const owner = Number(readFileSync(file, 'utf8'))
      if (isAlive(owner)) {
        throw new DataDirError(
          `The data folder ${dataDir} is in use by another Engawa process (pid ${owner}). ` +
            'Stop that process first (the CLI hands its commands to a running server by itself; if this is the CLI, the server is still starting: try again), ' +
            'or set DATABASE_URL to use a Postgres server that many processes can share.',
        )
      }
      rmSync(file, { force: true })
    }
  }
  throw new DataDirError(`Could not lock the data folder ${dataDir}; another process keeps taking it.`)
}

function unusable(dataDir: string, code: string | undefined, error: unknown): Error {
  const where = `DATA_DIR ${resolve(dataDir)}`
  if (code === 'ENOTDIR' || code === 'EEXIST')
    return new DataDirError(`${where} is a file, not a folder: set DATA_DIR to a folder (Engawa makes it if it is missing).`)
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
    return new DataDirError(`This user cannot write in ${where} (${code}): let it write there, or set DATA_DIR to a folder it can write in.`)
  if (code === 'ENOSPC') return new DataDirError(`The disk holding ${where} is full: free some space.`)
  return error instanceof Error ? error : new Error(String(error))
}

function isFolder(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
