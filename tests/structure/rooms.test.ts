import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildWidget } from '../../src/widget/build.ts'

// The rooms of src/ hold: no two folders (or top-level files) import each other both ways, no
// files import each other in a circle, infrastructure imports no feature, and the widget's
// bundle holds nothing of the server. Type-only imports count: they tie rooms as much as values.

const SRC = resolve('src')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? sourceFiles(path) : /\.tsx?$/.test(name) ? [path] : []
  })
}

/** Every file's imports of other files of src/ (static, dynamic and re-exports). */
function importGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>()
  for (const file of sourceFiles(SRC)) {
    const targets = new Set<string>()
    const text = readFileSync(file, 'utf8')
    for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"`;]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g)) {
      const target = resolve(dirname(file), match[1] ?? match[2] ?? '')
      if (target.startsWith(SRC + sep) && existsSync(target)) targets.add(target)
    }
    graph.set(file, targets)
  }
  return graph
}

/** A file's room: its top folder under src/, or itself for a top-level file. */
const roomOf = (file: string) => {
  const parts = relative(SRC, file).split(sep)
  return parts.length > 1 ? `${parts[0]}/` : (parts[0] ?? '')
}

function roomEdges(graph: Map<string, Set<string>>): Set<string> {
  const edges = new Set<string>()
  for (const [file, targets] of graph) for (const target of targets) if (roomOf(file) !== roomOf(target)) edges.add(`${roomOf(file)} -> ${roomOf(target)}`)
  return edges
}

/** Sets of more than one file that reach each other (Tarjan's strongly connected components). */
function fileCircles(graph: Map<string, Set<string>>): string[][] {
  let index = 0
  const order = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const circles: string[][] = []
  const visit = (file: string) => {
    order.set(file, index)
    low.set(file, index++)
    stack.push(file)
    onStack.add(file)
    for (const next of graph.get(file) ?? []) {
      if (!order.has(next)) {
        visit(next)
        low.set(file, Math.min(low.get(file) ?? 0, low.get(next) ?? 0))
      } else if (onStack.has(next)) low.set(file, Math.min(low.get(file) ?? 0, order.get(next) ?? 0))
    }
    if (low.get(file) !== order.get(file)) return
    const circle: string[] = []
    let member: string | undefined
    do {
      member = stack.pop()
      if (member === undefined) break
      onStack.delete(member)
      circle.push(relative(SRC, member))
    } while (member !== file)
    if (circle.length > 1) circles.push(circle)
  }
  for (const file of graph.keys()) if (!order.has(file)) visit(file)
  return circles
}

describe('the rooms of src/', () => {
  const graph = importGraph()
  const edges = roomEdges(graph)

  it('has no two rooms that import each other', () => {
    const twoWay = [...edges].filter((edge) => {
      const [from, to] = edge.split(' -> ')
      return (from ?? '') < (to ?? '') && edges.has(`${to} -> ${from}`)
    })
    expect(twoWay).toEqual([])
  })

  it('has no files that import each other in a circle', () => {
    expect(fileCircles(graph)).toEqual([])
  })

  it('keeps infrastructure free of features: db/, http/ and markdown/ import only each other, config, the log and the package root', () => {
    const allowed = new Set(['db/', 'http/', 'markdown/', 'config.ts', 'log.ts', 'package-root.ts'])
    const outward = [...edges].filter((edge) => {
      const [from, to] = edge.split(' -> ')
      return ['db/', 'http/', 'markdown/'].includes(from ?? '') && !allowed.has(to ?? '')
    })
    expect(outward).toEqual([])
  })

  it('builds the widget from src/widget/ alone', async () => {
    const outdir = mkdtempSync(join(tmpdir(), 'engawa-widget-meta-'))
    try {
      const meta = await buildWidget(outdir)
      const inputs = Object.keys(meta.inputs)
      expect(inputs.length).toBeGreaterThan(5)
      expect(inputs.filter((input) => !input.startsWith('src/widget/'))).toEqual([])
    } finally {
      rmSync(outdir, { recursive: true, force: true })
    }
  })

  it('would see a two-way import and a circle if there were one', () => {
    const fake = new Map<string, Set<string>>([
      [join(SRC, 'a/x.ts'), new Set([join(SRC, 'b/y.ts')])],
      [join(SRC, 'b/y.ts'), new Set([join(SRC, 'a/x.ts')])],
    ])
    expect([...roomEdges(fake)].sort()).toEqual(['a/ -> b/', 'b/ -> a/'])
    expect(fileCircles(fake)).toHaveLength(1)
  })
})
