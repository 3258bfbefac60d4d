import { dictionary } from '@zxcvbn-ts/language-common'

let common: ReadonlySet<string> | undefined

/**
 * The passwords people choose most (zxcvbn-ts's ranked list of 49,233, taken from leaked
 * password sets; about 18,000 of them are long enough to pass the length rule), as they are
 * compared: NFKC and lower case. OWASP ASVS 5.0 (6.2.4) asks that at least the top 3,000 be
 * refused. Built on first use: the list is half a megabyte unpacked.
 */
function commonPasswords(): ReadonlySet<string> {
  common ??= new Set((dictionary['passwords-common'] as string[]).map(comparablePassword))
  return common
}

function comparablePassword(password: string): string {
  return password.normalize('NFKC').toLowerCase()
}

/** Whether a password is one of the most common ones, whatever its case or Unicode form. */
export function isCommonPassword(password: string): boolean {
  return commonPasswords().has(comparablePassword(password))
}
