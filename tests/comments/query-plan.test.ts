import { CompiledQuery } from 'kysely'
import { describe, expect, it } from 'vitest'
import { forEachBackend } from '../helpers/backends.ts'
import { postGuest, readThread } from '../helpers/comments.ts'
import { startApp } from '../helpers/harness.ts'

interface PlanNode {
  'Node Type': string
  'Relation Name'?: string
  'Index Name'?: string
  Plans?: PlanNode[]
}

function indexesUsed(node: PlanNode): string[] {
  const own = node['Index Name'] ? [node['Index Name']] : []
  return [...own, ...(node.Plans ?? []).flatMap(indexesUsed)]
}

function scannedTables(node: PlanNode): string[] {
  const own = node['Node Type'] === 'Seq Scan' && node['Relation Name'] ? [node['Relation Name']] : []
  return [...own, ...(node.Plans ?? []).flatMap(scannedTables)]
}

forEachBackend((database) => {
  describe('query plans', () => {
    it.each([
      { sort: 'oldest', topLevelIndex: 'comments_top_level_seq_idx' },
      { sort: 'newest', topLevelIndex: 'comments_top_level_seq_idx' },
      { sort: 'top', topLevelIndex: 'comments_top_level_score_idx' },
    ])('reads a $sort page through its indexes, never a table scan', async ({ sort, topLevelIndex }) => {
      const db = database()
      const t = await startApp(db)
      let parent: string | undefined
      for (let i = 0; i < 30; i++) {
        const posted = await postGuest(t, `c${i}`, i % 3 === 0 || !parent ? {} : { parentId: parent })
        if (i % 3 === 0) parent = posted.id
      }
      db.statements.length = 0
      await readThread(t, { sort, limit: 5 })
      const pageQueries = db.statements.filter((q) => !/from "sites"/.test(q.sql))
      expect(pageQueries).toHaveLength(2)
      // With table scans priced out, a query still scanning a table has no index to use.
      await db.db.transaction().execute(async (trx) => {
        await trx.executeQuery(CompiledQuery.raw('set local enable_seqscan = off'))
        for (const [i, query] of pageQueries.entries()) {
          const { rows } = await trx.executeQuery<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> | string }>(
            CompiledQuery.raw(`explain (format json) ${query.sql}`, [...query.parameters]),
          )
          const raw = rows[0]?.['QUERY PLAN']
          const plan = typeof raw === 'string' ? (JSON.parse(raw) as Array<{ Plan: PlanNode }>) : raw
          expect(plan?.[0]).toBeDefined()
          const root = plan?.[0]?.Plan ?? { 'Node Type': 'none' }
          expect(scannedTables(root), query.sql).toEqual([])
          // Without statistics (as after a bulk import) another index of the thread could look as
          // cheap and read the whole thread per branch: each query must use the index made for it.
          expect(indexesUsed(root)).toContain(i === 0 ? topLevelIndex : 'comments_branch_idx')
        }
      })
    })
  })
})
