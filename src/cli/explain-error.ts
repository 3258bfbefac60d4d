import { ConfigError } from '../config.ts'
import { DataDirError } from '../db/data-dir-lock.ts'
import { explainDatabaseError } from '../db/startup-errors.ts'
import { AppError } from '../http/errors.ts'

/** The one line to print for what stopped a command; undefined for a bug, shown with its stack. */
export function explainCommandError(error: unknown, databaseUrl: string | undefined): string | undefined {
  const isUsageError = String((error as NodeJS.ErrnoException).code ?? '').startsWith('ERR_PARSE_ARGS')
  const isExplained = error instanceof AppError || error instanceof DataDirError || error instanceof ConfigError || isUsageError
  return isExplained ? (error as Error).message : explainDatabaseError(error, databaseUrl)
}
