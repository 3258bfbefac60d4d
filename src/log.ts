export type LogLevel = 'debug' | 'info' | 'warn' | 'error'
export type Log = Record<LogLevel, (message: string, fields?: Record<string, unknown>) => void>

const ORDER: Record<LogLevel | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 }

/** One JSON line per event on stderr, so a request id can be grepped across instances. */
export function createLog(level: LogLevel | 'silent', write: (line: string) => void = (l) => console.error(l)): Log {
  const at = (lvl: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
    if (ORDER[lvl] < ORDER[level]) return
    write(JSON.stringify({ time: new Date().toISOString(), level: lvl, message, ...fields }))
  }
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}
