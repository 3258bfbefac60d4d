/**
 * Polls `check` until it holds, for hooks and helpers where expect.poll is not allowed (it
 * works inside tests only). Bounded generously: the machine may be busy. Never a fixed wait.
 */
export async function until(check: () => Promise<boolean> | boolean, timeoutMs: number, what = 'the condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await check()) return
    if (Date.now() > deadline) throw new Error(`${what} did not hold within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
