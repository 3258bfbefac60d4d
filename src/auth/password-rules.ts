import { AppError } from '../http/errors.ts'
import { isCommonPassword } from './common-passwords.ts'
import { normalizePassword } from './passwords.ts'

export const MIN_PASSWORD_LENGTH = 8
/** Far above ASVS's 64; only there so a megabyte "password" cannot tie up a hash. */
export const MAX_PASSWORD_LENGTH = 1024

/** Any Unicode, counted in characters as typed, never truncated. */
export function checkPassword(password: string): void {
  const length = [...normalizePassword(password)].length
  if (length < MIN_PASSWORD_LENGTH)
    throw new AppError('weak_password', `Choose a password of at least ${MIN_PASSWORD_LENGTH} characters.`)
  if (length > MAX_PASSWORD_LENGTH)
    throw new AppError('weak_password', `A password may be at most ${MAX_PASSWORD_LENGTH} characters long.`)
  if (isCommonPassword(password))
    throw new AppError('weak_password', 'That is one of the most common passwords, the first ones attackers try. Choose one of your own.')
}
