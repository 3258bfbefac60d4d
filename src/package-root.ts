import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The folder holding Engawa's package.json: where public/, migrations/ and dist/ are. Found by
 * walking up from this file, so the same from src/ (run through tsx) and from dist/server.js
 * (the bundle npm start runs).
 */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir)
    if (up === dir) throw new Error(`No package.json above ${fileURLToPath(import.meta.url)}.`)
    dir = up
  }
  return dir
}
