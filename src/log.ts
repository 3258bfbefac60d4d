export type LogLevel = 'debug' | 'info' | 'warn' | 'error'
export type Log = Record<LogLevel, (message: string, fields?: Record<string, unknown>) => void>

const ORDER: Record<LogLevel | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 }

/** One JSON line per event on stderr, so a request id can be grepped across instances. */
export function createLog(level: LogLevel | 'silent', write: (line: string, level: LogLevel) => void = (l) => console.error(l)): Log {
  const at = (lvl: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
    if (ORDER[lvl] < ORDER[level]) return
    write(JSON.stringify({ time: new Date().toISOString(), level: lvl, message, ...fields }), lvl)
  }
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}

/**
 * Lines that libraries print (a console.error deep in a dependency) become JSON lines of the log
 * too, so every line on stderr is one JSON object. Node entries call it; `log` must not write
 * through console itself.
 */
export function captureConsole(log: Log): void {
  const as = (level: LogLevel) => (...args: unknown[]) => log[level]('console', { text: args.map((a) => (a instanceof Error ? (a.stack ?? a.message) : typeof a === 'string' ? a : safeJson(a))).join(' ') })
  console.error = as('error')
  console.warn = as('warn')
  console.info = as('info')
  console.log = as('info')
  console.debug = as('debug')
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}
