/** Reads a text/event-stream response event by event. */
export function eventReader(res: Response) {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  let lastEventId = ''
  let pending: Promise<ReadableStreamReadResult<Uint8Array>> | undefined
  return {
    /** The id of the last event read (`id:`), as a browser would send it back in Last-Event-ID. */
    get lastEventId() {
      return lastEventId
    },
    /** The next event named `name` (others are skipped); rejects after timeoutMs. */
    async next(name: string, timeoutMs = 2000): Promise<string> {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const end = buffer.indexOf('\n\n')
        if (end >= 0) {
          const block = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          const event = /^event: ?(.*)$/m.exec(block)?.[1]
          lastEventId = /^id: ?(.*)$/m.exec(block)?.[1] ?? lastEventId
          const data = [...block.matchAll(/^data: ?(.*)$/gm)].map((m) => m[1]).join('\n')
          if (event === name) return data
          continue
        }
        const left = deadline - Date.now()
        if (left <= 0) throw new Error(`no "${name}" event within ${timeoutMs} ms`)
        // A read outlives a timed-out wait: what it brings is kept for the next call, even when it
        // comes between the two (it is let go only once a call has taken its chunk).
        pending ??= reader.read()
        const chunk = await Promise.race([
          pending,
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no "${name}" event within ${timeoutMs} ms`)), left)),
        ])
        pending = undefined
        if (chunk.done) throw new Error(`the stream ended before a "${name}" event`)
        buffer += decoder.decode(chunk.value, { stream: true })
      }
    },
    cancel: () => reader.cancel().catch(() => undefined),
  }
}
