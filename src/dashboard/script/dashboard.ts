import { setUpBans, setUpStanding } from './authors.ts'
import { setUpCommentCards } from './comment-cards.ts'
import { setUpDialogs } from './dialogs.ts'
import { setUpImport } from './import-upload.ts'
import { setUpMailAndAccount } from './mail-and-account.ts'
import { setUpMembers } from './members.ts'
import { $ } from './page.ts'
import { setUpQueue } from './queue.ts'
import { setUpCopyButtons, setUpInstallCheck, setUpSiteForms } from './site-settings.ts'
import { setUpThreadMoves } from './thread-moves.ts'
import { keepTimesFresh } from './times.ts'
import { setUpTokens } from './tokens.ts'
import { setUpWebhooks } from './webhooks.ts'

// Engawa's dashboard in the browser (built to /static/dashboard.js). The pages are rendered by
// the server (src/dashboard/); this acts through the same JSON API as every other client. Each
// part wires itself to what its page holds; keyboard shortcuts only speed up what buttons do.
keepTimesFresh()
setUpDialogs()
setUpCommentCards()
const queue = $('[data-queue]')
if (queue) setUpQueue(queue)
const standing = $('#standing')
if (standing) setUpStanding(standing)
setUpBans()
setUpCopyButtons()
const webhookForm = $<HTMLFormElement>('#webhook-form')
if (webhookForm) setUpWebhooks(webhookForm)
setUpSiteForms()
const installCheck = $('#install-check')
if (installCheck) setUpInstallCheck(installCheck)
const members = $('#members')
if (members) setUpMembers(members)
setUpTokens()
setUpThreadMoves()
const importForm = $<HTMLFormElement>('#import-form')
if (importForm) setUpImport(importForm)
setUpMailAndAccount()
