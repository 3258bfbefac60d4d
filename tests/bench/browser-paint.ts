import { chromium } from 'playwright-core'

const LOADS = 7

/**
 * Time from the widget's script starting to its first paint of the thread (performance marks
 * `engawa:start` and `engawa:painted`), median of fresh loads, and the requests made before it.
 */
export async function firstPaint(articleUrl: string): Promise<{ medianMs: number; requests: string[] } | undefined> {
  let browser
  try {
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    })
  } catch {
    return undefined
  }
  try {
    const times: number[] = []
    let requests: string[] = []
    for (let i = 0; i < LOADS; i++) {
      const context = await browser.newContext()
      const page = await context.newPage()
      await page.goto(articleUrl)
      await page.waitForFunction(() => performance.getEntriesByName('engawa:painted').length > 0, undefined, { timeout: 15_000 })
      const result = await page.evaluate(() => {
        const start = performance.getEntriesByName('engawa:start')[0]?.startTime ?? 0
        const painted = performance.getEntriesByName('engawa:painted')[0]?.startTime ?? 0
        const before = performance.getEntriesByType('resource').filter((r) => r.startTime < painted).map((r) => new URL(r.name).pathname)
        return { ms: painted - start, before }
      })
      times.push(result.ms)
      requests = result.before
      await context.close()
    }
    times.sort((a, b) => a - b)
    return { medianMs: times[Math.floor(times.length / 2)] ?? 0, requests }
  } finally {
    await browser.close()
  }
}
