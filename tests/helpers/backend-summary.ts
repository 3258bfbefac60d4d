import type { Reporter, TestModule } from 'vitest/node'

/** Prints which database backends ran, and how many tests passed, failed or were skipped on each. */
export default class BackendSummary implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>) {
    const tally = new Map<string, { passed: number; failed: number; skipped: number }>()
    for (const module of modules) {
      for (const test of module.children.allTests()) {
        const backend = /\[(pglite|postgres)\]/.exec(test.fullName)?.[1] ?? 'no database'
        const t = tally.get(backend) ?? { passed: 0, failed: 0, skipped: 0 }
        const state = test.result().state
        if (state === 'passed') t.passed++
        else if (state === 'failed') t.failed++
        else t.skipped++
        tally.set(backend, t)
      }
    }
    // A hook that failed leaves its tests unrun: they would count as skipped, so the suite is named.
    const broken = modules.flatMap((module) =>
      [module, ...module.children.allSuites()].filter((s) => s.state() === 'failed' && s.errors().length > 0).map((s) => ('fullName' in s ? s.fullName : s.moduleId)),
    )
    const lines = [...tally].map(([b, t]) => `  ${b.padEnd(12)} ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped`)
    if (broken.length > 0) lines.push(`  suites whose hooks failed (their tests did not run): ${broken.length}`, ...broken.map((name) => `    ${name}`))
    const sum = (k: 'passed' | 'failed' | 'skipped') => [...tally.values()].reduce((n, t) => n + t[k], 0)
    process.stdout.write(
      `\nBackends that ran:\n${lines.join('\n')}\n` +
        `total: ${sum('passed')} passed, ${sum('failed')} failed, ${sum('skipped')} skipped\n`,
    )
  }
}
