/**
 * The demo, made once: when first asked for (/demo), after the server's first answer, or after a
 * short wait, whichever comes first. On an empty database making it holds the embedded
 * database's one connection for about half a second; the owner's first page does not queue
 * behind it, and /demo waits for it rather than answering 404.
 */
export interface DemoWhenAsked {
  ready(): Promise<void>
  /** The making, if it has begun: what a stopping process waits for. */
  begun(): Promise<void> | undefined
}

export function demoWhenAsked(make: () => Promise<void>): DemoWhenAsked {
  let making: Promise<void> | undefined
  return {
    ready: () => (making ??= make()),
    begun: () => making,
  }
}
