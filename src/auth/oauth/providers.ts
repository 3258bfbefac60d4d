import type { OAuthConfig } from '../../config.ts'
import { gitHubProvider } from './github.ts'
import { openIdConnectProvider } from './openid-connect.ts'
import type { OAuthProvider } from './provider.ts'

/** The providers the operator configured, by id (`github`, `google`, `oidc`). */
export function configuredProviders(config: OAuthConfig): Map<string, OAuthProvider> {
  const providers: OAuthProvider[] = []
  if (config.github) providers.push(gitHubProvider(config.github))
  if (config.google)
    providers.push(openIdConnectProvider({ id: 'google', label: 'Google', issuer: 'https://accounts.google.com', ...config.google }))
  if (config.oidc) providers.push(openIdConnectProvider({ id: 'oidc', label: config.oidc.name, ...config.oidc }))
  return new Map(providers.map((p) => [p.id, p]))
}
