import type { Limit } from '../http/rate-limit.ts'

const MINUTE = 60_000
const HOUR = 60 * MINUTE

// Per client address and per account (the address typed, registered or not, so a limit
// reveals nothing). Generous for people, tight for scripts.
export const AUTH_LIMITS = {
  loginByIp: { name: 'login-ip', max: 30, windowMs: 15 * MINUTE },
  loginByAccount: { name: 'login-account', max: 10, windowMs: 15 * MINUTE },
  signupByIp: { name: 'signup-ip', max: 10, windowMs: HOUR },
  signupByAccount: { name: 'signup-account', max: 3, windowMs: HOUR },
  resetByIp: { name: 'reset-ip', max: 10, windowMs: HOUR },
  resetByAccount: { name: 'reset-account', max: 3, windowMs: HOUR },
  linkByIp: { name: 'link-ip', max: 30, windowMs: 15 * MINUTE },
  passwordByAccount: { name: 'password-account', max: 10, windowMs: 15 * MINUTE },
} satisfies Record<string, Limit>
