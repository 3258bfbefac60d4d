/**
 * How many live streams this process holds open, per network (an IPv4 address or an IPv6 /64)
 * and in all: each costs memory for as long as it stays, so one client cannot hold a thousand,
 * nor a crowd more than the process can carry. A refused reader's widget polls instead.
 */
export function createStreamQuota(limits: { perNetwork: number; perProcess: number }) {
  const byNetwork = new Map<string, number>()
  let total = 0
  return {
    /** A release function when the stream may open, undefined when a limit is reached. */
    take(network: string): (() => void) | undefined {
      const held = byNetwork.get(network) ?? 0
      if (held >= limits.perNetwork || total >= limits.perProcess) return undefined
      byNetwork.set(network, held + 1)
      total++
      let released = false
      return () => {
        if (released) return
        released = true
        total--
        const left = (byNetwork.get(network) ?? 1) - 1
        if (left === 0) byNetwork.delete(network)
        else byNetwork.set(network, left)
      }
    },
  }
}

export type StreamQuota = ReturnType<typeof createStreamQuota>
