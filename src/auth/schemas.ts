import { z } from '@hono/zod-openapi'
import { nameText, text } from '../http/text.ts'

// Passwords are bounded here in code units only to cap the request; the real rule (8 to
// 1,024 characters) is checked after Unicode normalisation, with a clear message.
const Password = text().min(1).max(4096)
const Email = z.email().max(254)
const LinkToken = z.string().max(100).openapi({ description: 'The token from the emailed link.' })

export const SignupBody = z
  .strictObject({ email: Email, password: Password, displayName: nameText(50).optional() })
  .openapi('Signup')
export const LoginBody = z.strictObject({ email: Email, password: Password }).openapi('Login')
export const VerifyBody = z
  .strictObject({
    token: LinkToken,
    password: Password.optional().openapi({
      description: 'The password chosen at sign-up, when the link makes a new account and is followed from another browser than the one that signed up (which holds a cookie proving it).',
    }),
  })
  .openapi('Verify')
export const PasswordChangeBody = z
  .strictObject({ currentPassword: Password, newPassword: Password })
  .openapi('PasswordChange')
export const ResetRequestBody = z.strictObject({ email: Email }).openapi('ResetRequest')
export const ResetConfirmBody = z.strictObject({ token: LinkToken, password: Password }).openapi('ResetConfirm')
export const LogoutBody = z
  .strictObject({ everywhere: z.boolean().default(false).openapi({ description: 'End every session of the account.' }) })
  .openapi('Logout')
export const WidgetSessionBody = z
  .strictObject({
    site: z.string().min(1).max(64),
    origin: text().max(300).openapi({ description: 'The page origin the token will be posted to.' }),
  })
  .openapi('WidgetSessionRequest')

export const UserJson = z
  .object({
    id: z.uuid(),
    displayName: z.string(),
    email: z.string().nullable().openapi({ description: 'Only to the dashboard, never to a site’s pages.' }),
    isInstanceAdmin: z.boolean(),
    profilePublic: z.boolean().openapi({ description: 'The reader shows their profile on sites that allow profiles.' }),
  })
  .openapi('User')

export const SignedInJson = z.object({ user: UserJson }).openapi('SignedIn')
export const WidgetSessionJson = z
  .object({ token: z.string(), expiresAt: z.string(), user: UserJson })
  .openapi('WidgetSession')
export const AcceptedJson = z.object({ message: z.string() }).openapi('Accepted')
