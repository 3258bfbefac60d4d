import type { Migration } from 'kysely/migration'
import * as createUsersAndSites from './20261125_1030_create_users_and_sites.ts'
import * as createThreadsAndComments from './20261125_1040_create_threads_and_comments.ts'
import * as createVotes from './20261125_1050_create_votes.ts'
import * as createAccounts from './20261125_1300_create_accounts.ts'
import * as createModeration from './20261125_1500_create_moderation.ts'
import * as createCommentVersions from './20261125_1530_create_comment_versions.ts'
import * as createReports from './20261125_1545_create_reports.ts'
import * as createSiteRulesAndBans from './20261125_1600_create_site_rules_and_bans.ts'
import * as indexCommentsByDate from './20261125_1630_index_comments_by_date.ts'
import * as unlogRateLimits from './20261125_1700_unlog_rate_limits.ts'
import * as createSso from './20261125_1715_create_sso.ts'
import * as createImports from './20261125_1800_create_imports.ts'
import * as createWebhooks from './20261125_1815_create_webhooks.ts'
import * as createNotifications from './20261125_1830_create_notifications.ts'
import * as createApiTokens from './20261125_1900_create_api_tokens.ts'
import * as auditOperator from './20261125_1930_audit_operator.ts'
import * as createNotifyKeys from './20261125_1945_create_notify_keys.ts'
import * as createIdempotencyKeys from './20261203_1400_create_idempotency_keys.ts'
import * as commentAuthorRole from './20261203_1600_comment_author_role.ts'
import * as indexResetLinksByAddress from './20261203_1700_index_reset_links_by_address.ts'
import * as indexSitesByOrigin from './20261203_1800_index_sites_by_origin.ts'
import * as createSetupSecrets from './20261204_0100_create_setup_secrets.ts'
import * as createWidgetLoads from './20261204_0110_create_widget_loads.ts'
import * as createSiteDeletions from './20261204_0120_create_site_deletions.ts'
import * as bindSignupToBrowser from './20261204_0130_bind_signup_to_browser.ts'
import * as indexCommunity from './20261204_1000_index_community.ts'
import * as createReactions from './20261204_1100_create_reactions.ts'
import * as createReaderProfiles from './20261204_1200_create_reader_profiles.ts'
import * as createInbox from './20261204_1300_create_inbox.ts'
import * as uncountedReactions from './20261205_0900_uncounted_reactions.ts'
import * as commentFirstPublished from './20261206_0900_comment_first_published.ts'

// The ordered list the Migrator runs; a test checks that every file in this folder is here.
export const migrations: Record<string, Migration> = {
  '20261125_1030_create_users_and_sites': createUsersAndSites,
  '20261125_1040_create_threads_and_comments': createThreadsAndComments,
  '20261125_1050_create_votes': createVotes,
  '20261125_1300_create_accounts': createAccounts,
  '20261125_1500_create_moderation': createModeration,
  '20261125_1530_create_comment_versions': createCommentVersions,
  '20261125_1545_create_reports': createReports,
  '20261125_1600_create_site_rules_and_bans': createSiteRulesAndBans,
  '20261125_1630_index_comments_by_date': indexCommentsByDate,
  '20261125_1700_unlog_rate_limits': unlogRateLimits,
  '20261125_1715_create_sso': createSso,
  '20261125_1800_create_imports': createImports,
  '20261125_1815_create_webhooks': createWebhooks,
  '20261125_1830_create_notifications': createNotifications,
  '20261125_1900_create_api_tokens': createApiTokens,
  '20261125_1930_audit_operator': auditOperator,
  '20261125_1945_create_notify_keys': createNotifyKeys,
  '20261203_1400_create_idempotency_keys': createIdempotencyKeys,
  '20261203_1600_comment_author_role': commentAuthorRole,
  '20261203_1700_index_reset_links_by_address': indexResetLinksByAddress,
  '20261203_1800_index_sites_by_origin': indexSitesByOrigin,
  '20261204_0100_create_setup_secrets': createSetupSecrets,
  '20261204_0110_create_widget_loads': createWidgetLoads,
  '20261204_0120_create_site_deletions': createSiteDeletions,
  '20261204_0130_bind_signup_to_browser': bindSignupToBrowser,
  '20261204_1000_index_community': indexCommunity,
  '20261204_1100_create_reactions': createReactions,
  '20261204_1200_create_reader_profiles': createReaderProfiles,
  '20261204_1300_create_inbox': createInbox,
  '20261205_0900_uncounted_reactions': uncountedReactions,
  '20261206_0900_comment_first_published': commentFirstPublished,
}
