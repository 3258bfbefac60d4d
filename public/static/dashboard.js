// Engawa's moderation dashboard. Plain script, no build step, served from Engawa's own origin:
// the pages are rendered by the server (src/dashboard/), and this acts through the same JSON
// API as every other client, with the dashboard's cookie (same origin; the browser sends the
// Origin header the CSRF check wants). Keyboard shortcuts only speed up what buttons do.
;(() => {
  const $ = (selector, root = document) => root.querySelector(selector)
  const $$ = (selector, root = document) => [...root.querySelectorAll(selector)]
  const announceBox = $('#announce')
  const problemBox = $('#problem')

  /** Polite: said once the screen reader is idle, and shown at the foot of the window. */
  let announceTimer
  const announce = (message) => {
    if (!announceBox) return
    announceBox.textContent = ''
    clearTimeout(announceTimer)
    // A fresh text node, a moment later, so the same message twice is read twice.
    requestAnimationFrame(() => {
      announceBox.textContent = message
      announceTimer = setTimeout(() => (announceBox.textContent = ''), 8000)
    })
  }
  const showProblem = (message) => {
    if (!problemBox) return window.alert(message)
    problemBox.textContent = message
    problemBox.hidden = !message
  }

  async function send(method, path, body) {
    let res
    try {
      res = await fetch(`/api/v1${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'same-origin',
      })
    } catch {
      throw new Error('Could not reach Engawa. Check the connection and try again.')
    }
    if (res.status === 204) return {}
    const json = await res.json().catch(() => ({}))
    if (!res.ok) {
      if (res.status === 401) throw new Error('Your session has ended. Sign in again, then retry.')
      throw Object.assign(new Error(json.error?.message ?? `Something went wrong (${res.status}). Try again.`), { code: json.error?.code })
    }
    return json
  }

  // ---- Times: "3 hours ago", with the exact time in the title and the datetime attribute.
  const relativeFormat = new Intl.RelativeTimeFormat('en', { numeric: 'auto' })
  const exactFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })
  const UNITS = [
    ['year', 31_536_000],
    ['month', 2_592_000],
    ['week', 604_800],
    ['day', 86_400],
    ['hour', 3_600],
    ['minute', 60],
    ['second', 1],
  ]
  function relative(date) {
    const seconds = (date.getTime() - Date.now()) / 1000
    for (const [unit, size] of UNITS) {
      if (Math.abs(seconds) >= size || unit === 'second') {
        if (unit === 'second' && Math.abs(seconds) < 45) return relativeFormat.format(0, 'second')
        return relativeFormat.format(Math.round(seconds / size), unit)
      }
    }
  }
  function showTimes(root = document) {
    for (const time of $$('time[data-relative]', root)) {
      const date = new Date(time.dateTime)
      if (Number.isNaN(date.getTime())) continue
      time.title = exactFormat.format(date)
      time.textContent = relative(date)
    }
  }
  showTimes()
  setInterval(showTimes, 60_000)

  // ---- Dialogs: resolve with the form's data when confirmed, null when cancelled or escaped.
  function ask(dialog, prepare) {
    const form = $('form', dialog)
    form.reset()
    prepare?.()
    dialog.returnValue = ''
    return new Promise((resolve) => {
      dialog.addEventListener('close', () => resolve(dialog.returnValue === 'confirm' ? new FormData(form) : null), { once: true })
      dialog.showModal()
    })
  }
  // Ctrl+Enter (or ⌘+Enter) in a dialog's text confirms it.
  for (const dialog of $$('dialog')) {
    dialog.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter' || !(event.ctrlKey || event.metaKey) || event.target.tagName !== 'TEXTAREA') return
      event.preventDefault()
      const confirm = $('button[value="confirm"]', dialog)
      if (confirm) dialog.querySelector('form').requestSubmit(confirm)
    })
  }
  for (const opener of $$('[data-open]')) {
    opener.addEventListener('click', () => {
      const dialog = document.getElementById(opener.dataset.open)
      if (dialog && !dialog.open) dialog.showModal()
    })
  }

  const hideDialog = $('#hide-dialog')
  const banDialog = $('#ban-dialog')
  const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`

  /** The reason for hiding (or rejecting) one or more comments, or null. */
  function askReason(count, mode) {
    return ask(hideDialog, () => {
      const verb = mode === 'reject' ? 'Reject' : 'Hide'
      $('#hide-title').textContent = `${verb} ${count === 1 ? 'this comment' : plural(count, 'comment', 'comments')}`
      $('#hide-what').textContent =
        mode === 'reject'
          ? 'It will not be published, and its author will see it was refused.'
          : mode === 'mixed'
            ? 'Published ones are hidden, with a placeholder where replies need it; ones awaiting approval are rejected.'
            : 'Readers see a placeholder where replies need it; the author still sees the text.'
      $('#hide-show-row').hidden = mode === 'reject'
      $('#hide-confirm').textContent = verb
    }).then((data) => data && { reason: String(data.get('reason') ?? '').trim() || undefined, showReason: data.get('showReason') === 'on' })
  }

  /** How long and why, or null. */
  /** `author`: user:… or guest:…, as the page's data-author gives it. */
  function askBan(name, author) {
    return ask(banDialog, () => {
      $('#ban-title').textContent = `Ban ${name}`
      // A guest has no account: what tells guests apart is their network, so that is what a ban covers.
      $('#ban-who').textContent = String(author).startsWith('guest:')
        ? `${name} is a guest, and guests are told apart by their network (an IPv4 address, or an IPv6 /64), not their name: every guest commenting from that network is banned, whatever name they give. Signed-in readers are not. Their comments stay as they are.`
        : `${name} will not be able to comment on this site. Their comments stay as they are.`
    }).then((data) => {
      if (!data) return null
      const days = Number(data.get('days'))
      return { days: days > 0 ? days : undefined, reason: String(data.get('reason') ?? '').trim() || undefined }
    })
  }
  const banLabel = (days) => (days ? `for ${plural(days, 'day', 'days')}` : 'for good')

  // ---- Comments: the cards of the queue, the search and an author's history.
  // What each action may move a comment from: src/moderation/moderate-comment.ts TRANSITIONS.
  const BUTTONS_BY_STATUS = {
    pending: ['approve', 'reject', 'spam', 'ban'],
    published: ['hide', 'spam', 'ban'],
    hidden: ['unhide', 'spam', 'ban'],
    spam: ['delete', 'ban'],
    deleted: ['ban'],
    shadowed: ['ban'],
  }
  const STATUS_LABELS = {
    published: 'Published',
    pending: 'Awaiting approval',
    hidden: 'Hidden',
    deleted: 'Deleted',
    spam: 'Spam',
    shadowed: 'Shadow-banned',
  }
  const DONE = {
    approve: (name) => `Approved the comment by ${name}.`,
    unhide: (name) => `Restored the comment by ${name}.`,
    dismiss: (name) => `Kept the comment by ${name}; its reports are dismissed.`,
    reject: (name) => `Rejected the comment by ${name}.`,
    hide: (name) => `Hid the comment by ${name}.`,
    spam: (name) => `Marked the comment by ${name} as spam.`,
    delete: (name) => `Deleted the comment by ${name}.`,
  }
  const queue = $('[data-queue]')

  const nameOf = (item) => item.dataset.name || 'someone'
  const allows = (item, act) =>
    act === 'dismiss'
      ? !$('[data-act=dismiss]', item)?.hidden
      : (BUTTONS_BY_STATUS[item.dataset.status] ?? []).includes(act) && (act !== 'ban' || Boolean(item.dataset.author))

  function actOnComment(item, action, extra = {}) {
    return send('POST', `/moderation/sites/${item.dataset.site}/comments/${item.dataset.id}`, { action, ...extra })
  }

  /** After an action: a queue item leaves; elsewhere the card shows its new status. */
  function settle(item, status) {
    if (queue && queue.contains(item)) return leave(item)
    item.dataset.status = status
    const badge = $('.badge', item)
    if (badge) {
      badge.className = `badge ${status}`
      badge.textContent = STATUS_LABELS[status] ?? status
    }
    for (const button of $$('[data-act]', item)) button.hidden = !allows(item, button.dataset.act)
  }

  async function commentAction(item, act) {
    if (act === 'ban') return banFromComment(item)
    let extra = {}
    if (act === 'hide' || act === 'reject') {
      const answer = await askReason(1, act)
      if (!answer) return
      extra = act === 'hide' ? answer : { reason: answer.reason }
    }
    const { comment } = await actOnComment(item, act, extra)
    showProblem('')
    settle(item, comment.status)
    announce(DONE[act](nameOf(item)))
  }

  async function banFromComment(item) {
    const answer = await askBan(nameOf(item), item.dataset.author)
    if (!answer) return
    await send('POST', `/moderation/sites/${item.dataset.site}/authors`, { commentId: item.dataset.id, action: 'ban', ...answer })
    showProblem('')
    const note = document.createElement('p')
    note.className = 'outcome'
    note.textContent = `Author banned ${banLabel(answer.days)}.`
    $('.actions', item)?.before(note)
    announce(`Banned ${nameOf(item)} ${banLabel(answer.days)}.`)
  }

  const guard = (promise) => promise.catch((error) => showProblem(error.message))

  document.addEventListener('click', (event) => {
    const button = event.target.closest('[data-act]')
    const item = button?.closest('.item')
    if (!button || !item) return
    guard(commentAction(item, button.dataset.act))
  })

  // ---- The queue: selection, removal, bulk actions and shortcuts.
  /** Takes an item out of the list; the queue's version also moves the selection on. */
  let leave = (item) => item.remove()
  if (queue) setUpQueue()

  function setUpQueue() {
    const items = () => $$('.item', queue)
    let selected

    function select(item, { focus = true } = {}) {
      if (!item) return
      if (selected && selected !== item) selected.classList.remove('selected')
      selected = item
      item.classList.add('selected')
      if (focus) {
        $('article', item).focus({ preventScroll: true })
        item.scrollIntoView({ block: 'nearest' })
      }
    }
    queue.addEventListener('focusin', (event) => {
      const item = event.target.closest('.item')
      if (item) select(item, { focus: false })
    })
    const current = () => (selected && queue.contains(selected) ? selected : undefined)

    function updateCount() {
      const n = items().length
      const lede = $('#queue-count')
      if (lede?.firstChild) lede.firstChild.textContent = n === 0 ? 'Nothing is waiting.' : `${plural(n, 'comment waits', 'comments wait')} for a moderator.`
      $('#queue-empty').hidden = n > 0
      const bulk = $('.bulk')
      if (bulk) bulk.hidden = n === 0
      updatePicked()
    }

    leave = (item) => {
      const list = items()
      const index = list.indexOf(item)
      const wasSelected = item === selected || item.contains(document.activeElement)
      item.remove()
      if (selected === item) selected = undefined
      updateCount()
      if (!wasSelected) return
      const next = list[index + 1] ?? list[index - 1]
      if (next) select(next)
      else $('#queue-empty').focus()
    }

    // Bulk: checkboxes, "select all", and the bar's buttons.
    const pickAll = $('#pick-all')
    const picked = () => items().filter((item) => $('.pick', item)?.checked)
    function updatePicked() {
      const n = picked().length
      const label = $('#picked')
      if (label) label.textContent = n === 0 ? 'None selected' : `${n} selected`
      for (const button of $$('[data-bulk]')) button.disabled = n === 0
      if (pickAll) {
        const total = items().length
        pickAll.checked = total > 0 && n === total
        pickAll.indeterminate = n > 0 && n < total
      }
    }
    queue.addEventListener('change', (event) => {
      if (event.target.matches('.pick')) updatePicked()
    })
    pickAll?.addEventListener('change', () => {
      for (const item of items()) $('.pick', item).checked = pickAll.checked
      updatePicked()
    })

    /** Which action a bulk button means for each comment, by its status; undefined to skip it. */
    const BULK = {
      approve: (status, item) => (allows(item, 'dismiss') ? 'dismiss' : { pending: 'approve', hidden: 'unhide' }[status]),
      hide: (status) => ({ pending: 'reject', published: 'hide' })[status],
      spam: (status) => (['pending', 'published', 'hidden'].includes(status) ? 'spam' : undefined),
    }
    for (const button of $$('[data-bulk]')) {
      button.addEventListener('click', () => guard(bulk(button.dataset.bulk)))
    }
    async function bulk(kind) {
      const chosen = picked()
      const plan = chosen.map((item) => [item, BULK[kind](item.dataset.status, item)])
      const doable = plan.filter(([, act]) => act)
      if (doable.length === 0) return announce('None of the selected comments can be given that.')
      let extra = {}
      if (kind === 'hide') {
        const acts = new Set(doable.map(([, act]) => act))
        const answer = await askReason(doable.length, acts.size > 1 ? 'mixed' : [...acts][0])
        if (!answer) return
        extra = answer
      }
      let done = 0
      const failures = []
      for (const [item, act] of doable) {
        try {
          const body = act === 'hide' ? extra : act === 'reject' ? { reason: extra.reason } : {}
          await actOnComment(item, act, body)
          leave(item)
          done++
        } catch (error) {
          failures.push(`${nameOf(item)}: ${error.message}`)
        }
      }
      const skipped = plan.length - doable.length
      const verb = { approve: 'Approved', hide: 'Hid or rejected', spam: 'Marked as spam' }[kind]
      announce(`${verb} ${plural(done, 'comment', 'comments')}.${skipped ? ` ${plural(skipped, 'was', 'were')} skipped: that does not apply to them.` : ''}`)
      showProblem(failures.length ? `Some comments were left as they were. ${failures.join(' ')}` : '')
    }

    // Shortcuts: not while typing, not with Ctrl, Alt or ⌘ (the browser's and the screen reader's).
    const TYPING = 'input:not([type=checkbox]):not([type=radio]):not([type=button]):not([type=submit]), textarea, select, [contenteditable]'
    const SHORTCUT_ACTS = {
      a: (item) => (allows(item, 'dismiss') ? 'dismiss' : { pending: 'approve', hidden: 'unhide' }[item.dataset.status]),
      h: (item) => ({ pending: 'reject', published: 'hide' })[item.dataset.status],
      s: (item) => (allows(item, 'spam') ? 'spam' : undefined),
      b: (item) => (allows(item, 'ban') ? 'ban' : undefined),
    }
    const CANNOT = {
      a: 'It is already published and nobody reported it: nothing to approve.',
      h: 'It is already out of readers’ sight.',
      s: 'It cannot be marked as spam now.',
      b: 'Its author cannot be told apart from other guests.',
    }
    document.addEventListener('keydown', (event) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return
      if (event.target instanceof Element && event.target.closest(TYPING)) return
      if ($('dialog[open]')) return
      const key = event.key
      const list = items()
      const here = current() ?? (document.activeElement?.closest?.('.item') || undefined)
      if (key === '?') {
        event.preventDefault()
        $('#help-dialog')?.showModal()
      } else if (key === 'j' || key === 'k') {
        event.preventDefault()
        if (list.length === 0) return
        const index = here ? list.indexOf(here) : -1
        const next = index < 0 ? list[0] : list[Math.min(list.length - 1, Math.max(0, index + (key === 'j' ? 1 : -1)))]
        select(next)
      } else if (key === 'x') {
        if (!here) return
        event.preventDefault()
        const box = $('.pick', here)
        box.checked = !box.checked
        updatePicked()
        announce(box.checked ? `Selected the comment by ${nameOf(here)}.` : `Unselected the comment by ${nameOf(here)}.`)
      } else if (key in SHORTCUT_ACTS) {
        if (!here) return announce('Press j to select a comment first.')
        event.preventDefault()
        const act = SHORTCUT_ACTS[key](here)
        if (!act) return announce(CANNOT[key])
        guard(commentAction(here, act))
      }
    })
    updatePicked()
  }
  // ---- An author's standing.
  const standing = $('#standing')
  if (standing) {
    const { site, author } = standing.dataset
    const name = standing.dataset.name
    const DONE_TO_AUTHOR = {
      ban: (s) => `Banned ${name}${s.ban?.until ? '' : ' for good'}.`,
      unban: () => `Lifted the ban on ${name}.`,
      'shadow-ban': () => `Shadow-banned ${name}.`,
      'unshadow-ban': () => `Lifted the shadow ban on ${name}.`,
      trust: () => `${name} is trusted now.`,
      untrust: () => `${name} is no longer trusted.`,
    }
    function show(s) {
      const ban = $('[data-field=ban]', standing)
      ban.textContent = ''
      if (!s.ban) ban.textContent = 'Not banned'
      else {
        if (s.ban.until) {
          const time = document.createElement('time')
          time.dateTime = s.ban.until
          time.dataset.relative = ''
          ban.append('Banned, ending ', time)
        } else ban.append('Banned for good')
        if (s.ban.reason) ban.append(`: ${s.ban.reason}`)
        showTimes(ban)
      }
      $('[data-field=shadow]', standing).textContent = s.shadowBanned ? 'Yes: their comments are shown to them alone' : 'No'
      $('[data-field=trusted]', standing).textContent = s.trusted ? 'Yes: their comments skip approval' : 'No'
      const visible = { ban: !s.ban, unban: Boolean(s.ban), 'shadow-ban': !s.shadowBanned, 'unshadow-ban': s.shadowBanned, trust: !s.trusted, untrust: s.trusted }
      for (const button of $$('[data-author-act]')) button.hidden = !visible[button.dataset.authorAct]
    }
    async function act(button) {
      const action = button.dataset.authorAct
      let extra = {}
      if (action === 'ban') {
        const answer = await askBan(name, author)
        if (!answer) return
        extra = answer
      }
      const s = await send('POST', `/moderation/sites/${site}/authors`, { author, action, ...extra })
      showProblem('')
      show(s)
      announce(DONE_TO_AUTHOR[action](s))
      // The button pressed may be hidden now: keep focus in the group.
      if (button.hidden) $('[data-author-act]:not([hidden])')?.focus()
    }
    for (const button of $$('[data-author-act]')) button.addEventListener('click', () => guard(act(button)))
  }

  // ---- Bans: lift one.
  for (const button of $$('[data-lift]')) {
    button.addEventListener('click', () =>
      guard(
        (async () => {
          const row = button.closest('.record')
          const { site, author, name } = row.dataset
          await send('POST', `/moderation/sites/${site}/authors`, { author, action: 'unban' })
          showProblem('')
          const list = row.parentElement
          const next = row.nextElementSibling ?? row.previousElementSibling
          row.remove()
          announce(`Lifted the ban on ${name || 'the author'}.`)
          if (next) $('button', next)?.focus()
          else {
            const empty = document.createElement('p')
            empty.className = 'empty'
            empty.tabIndex = -1
            empty.textContent = 'Nobody is banned.'
            list.replaceWith(empty)
            empty.focus()
          }
        })(),
      ),
    )
  }

  // ---- The overview: copy the embed code.
  for (const button of $$('[data-copy]')) {
    const status = $('#copy-status')
    let timer
    button.addEventListener('click', async () => {
      const source = document.getElementById(button.dataset.copy)
      try {
        await navigator.clipboard.writeText(source.textContent)
        status.textContent = 'Copied'
      } catch {
        // Without clipboard access, select the text so the reader can copy it themselves.
        getSelection().selectAllChildren(source)
        status.textContent = 'Selected: press Ctrl+C (⌘+C on a Mac) to copy'
      }
      clearTimeout(timer)
      timer = setTimeout(() => (status.textContent = ''), 5000)
    })
  }

  // ---- Webhooks, for owners: add (the secret shown once), turn on and off, test, new secret, delete.
  const webhookForm = $('#webhook-form')
  if (webhookForm) {
    const site = webhookForm.dataset.site
    const secretBox = $('#secret-box')
    function showSecret(secret, url) {
      $('#webhook-secret').textContent = secret
      $('#secret-title').textContent = `Signing secret for ${url}`
      secretBox.hidden = false
      $('#secret-title').focus()
    }
    // The list is read again once the secret is put away: reloading earlier would lose it.
    $('#secret-done')?.addEventListener('click', () => location.reload())
    webhookForm.addEventListener('submit', (event) => {
      event.preventDefault()
      guard(
        (async () => {
          const url = webhookForm.elements.namedItem('url')
          if (!url.checkValidity()) {
            url.focus()
            throw new Error(`Its URL: ${url.validationMessage}`)
          }
          const events = $$('[name=events]:checked', webhookForm).map((box) => box.value)
          if (events.length === 0) throw new Error('Choose at least one event to send.')
          const description = webhookForm.elements.namedItem('description').value.trim()
          const { webhook, secret } = await send('POST', `/admin/sites/${site}/webhooks`, { url: url.value.trim(), events, ...(description ? { description } : {}) })
          showProblem('')
          webhookForm.reset()
          showSecret(secret, webhook.url)
          announce(`Added ${webhook.url}. Copy its signing secret now.`)
        })(),
      )
    })
    $('#webhooks')?.addEventListener('click', (event) => {
      const button = event.target.closest('[data-hook-act]')
      const item = button?.closest('[data-webhook]')
      if (!button || !item) return
      const path = `/admin/sites/${site}/webhooks/${item.dataset.webhook}`
      const url = item.dataset.url
      guard(
        (async () => {
          const act = button.dataset.hookAct
          if (act === 'toggle') {
            const enabled = item.dataset.enabled !== 'true'
            await send('PATCH', path, { enabled })
            item.dataset.enabled = String(enabled)
            const state = $('[data-field=state]', item)
            state.textContent = enabled ? 'On' : 'Off'
            state.className = `badge ${enabled ? 'published' : ''}`
            button.firstChild.textContent = enabled ? 'Turn off' : 'Turn on'
            announce(enabled ? `${url} gets events again.` : `${url} gets no more events.`)
          } else if (act === 'test') {
            await send('POST', `${path}/test`, {})
            announce(`Test event queued for ${url}. Reload the page in a few seconds to see how it went.`)
          } else if (act === 'rotate') {
            if (!window.confirm(`Make a new signing secret for ${url}? The current one stops working at once.`)) return
            const { secret } = await send('POST', `${path}/secret`, {})
            showSecret(secret, url)
            announce(`New signing secret for ${url}. Copy it now.`)
          } else if (act === 'delete') {
            if (!window.confirm(`Delete ${url} and its delivery log?`)) return
            await send('DELETE', path)
            const next = item.nextElementSibling ?? item.previousElementSibling
            item.remove()
            announce(`Deleted ${url}.`)
            ;(next ? $('button', next) : webhookForm.elements.namedItem('url')).focus()
          }
          showProblem('')
        })(),
      )
    })
  }

  // ---- Settings, for owners.
  const settingsForm = $('#settings-form')
  if (settingsForm) {
    const field = (name) => settingsForm.elements.namedItem(name)
    const lines = (name) =>
      field(name)
        .value.split('\n')
        .map((s) => s.trim())
        .filter(Boolean)
    const NUMBERS = ['maxLinks', 'authorPostsPerHour', 'reportThreshold', 'editWindowSeconds', 'maxCommentLength']
    settingsForm.addEventListener('submit', (event) => {
      event.preventDefault()
      guard(
        (async () => {
          for (const name of [...NUMBERS, 'name']) {
            const input = field(name)
            if (!input.checkValidity()) {
              input.focus()
              const label = input.closest('label')?.firstChild?.textContent.trim() ?? name
              throw new Error(`${label}: ${input.validationMessage}`)
            }
          }
          const body = {
            name: field('name').value.trim(),
            premoderation: $('[name=premoderation]:checked', settingsForm).value,
            guestsAllowed: field('guestsAllowed').checked,
            allowsImages: field('allowsImages').checked,
            spamCheck: field('spamCheck').checked,
            blockedWords: lines('blockedWords'),
            blockedLinks: lines('blockedLinks'),
            ...Object.fromEntries(NUMBERS.map((name) => [name, Number(field(name).value)])),
          }
          const button = $('button[type=submit]', settingsForm)
          button.disabled = true
          try {
            const saved = await send('PATCH', `/admin/sites/${settingsForm.dataset.site}/settings`, body)
            field('blockedWords').value = saved.blockedWords.join('\n')
            field('blockedLinks').value = saved.blockedLinks.join('\n')
            showProblem('')
            announce('Settings saved.')
          } finally {
            button.disabled = false
          }
        })(),
      )
    })
  }

  // ---- Sites: a new one, its origins, its deletion.
  const lineList = (value) =>
    value
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean)
  /** Sends, and when the server asks to confirm (409), asks the owner with its words, then sends again confirmed. */
  async function sendConfirming(method, path, body, action) {
    try {
      return await send(method, path, body)
    } catch (error) {
      if (error.code !== 'confirmation_required') throw error
      const yes = await ask($('#confirm-dialog'), () => {
        $('#confirm-text').textContent = error.message
        $('#confirm-go').textContent = action
      })
      return yes ? send(method, path, { ...body, confirm: true }) : undefined
    }
  }
  function onSubmit(form, handler) {
    form?.addEventListener('submit', (event) => {
      event.preventDefault()
      const button = $('button[type=submit]', form)
      for (const input of $$('input, textarea', form))
        if (!input.checkValidity()) {
          input.focus()
          return showProblem(`${input.closest('label')?.firstChild?.textContent.trim() ?? input.name}: ${input.validationMessage}`)
        }
      button.disabled = true
      guard(
        handler(form)
          .then(() => showProblem(''))
          .finally(() => (button.disabled = false)),
      )
    })
  }
  onSubmit($('#new-site-form'), async (form) => {
    const site = await send('POST', '/admin/sites', { name: form.elements.name.value.trim(), origins: lineList(form.elements.origins.value) })
    location.assign(`/admin/sites/${site.id}?new`)
  })
  onSubmit($('#origins-form'), async (form) => {
    const saved = await sendConfirming('PUT', `/admin/sites/${form.dataset.site}/origins`, { origins: lineList(form.elements.origins.value) }, 'Remove it')
    if (!saved) return
    form.elements.origins.value = saved.origins.join('\n')
    announce('Origins saved.')
  })
  const deleteForm = $('#delete-site-form')
  if (deleteForm) {
    const button = $('button[type=submit]', deleteForm)
    const typed = () => deleteForm.elements.name.value.trim() === deleteForm.dataset.name
    deleteForm.addEventListener('input', () => (button.disabled = !typed()))
    onSubmit(deleteForm, async (form) => {
      if (!typed()) throw new Error(`Type the site’s name, ${form.dataset.name}, to delete it.`)
      await send('DELETE', `/admin/sites/${form.dataset.site}`, { name: form.elements.name.value.trim() })
      location.assign('/admin')
    })
  }

  // ---- The install check: allow a refused origin with one click.
  const installCheck = $('#install-check')
  installCheck?.addEventListener('click', (event) => {
    const button = event.target.closest('[data-allow-origin]')
    if (!button) return
    button.disabled = true
    const origins = [...JSON.parse(installCheck.dataset.origins), button.dataset.allowOrigin]
    guard(
      send('PUT', `/admin/sites/${installCheck.dataset.site}/origins`, { origins })
        .then((saved) => {
          installCheck.dataset.origins = JSON.stringify(saved.origins)
          const row = button.closest('.refused')
          row.replaceChildren(Object.assign(document.createElement('p'), { textContent: `${button.dataset.allowOrigin} is allowed now: its pages show the comments from their next load.` }))
          row.classList.replace('refused', 'allowed-now')
          announce(`${button.dataset.allowOrigin} is allowed.`)
        })
        .finally(() => (button.disabled = false)),
    )
  })

  // ---- Owners and moderators: invite, remove; the list is read again after each change.
  const members = $('#members')
  if (members) {
    const { site, me } = members.dataset
    async function refresh() {
      const { members: people, invitations } = await send('GET', `/admin/sites/${site}/members`)
      members.replaceChildren(
        ...people.map((m) => record(m.displayName, m.email, m.role, m.userId, m.userId === me)),
        ...invitations.map((i) => record(i.email, `invited, until ${exactFormat.format(new Date(i.expiresAt))}`, i.role)),
      )
    }
    function record(title, detail, role, userId, isYou) {
      const li = document.createElement('li')
      li.className = 'record'
      const head = document.createElement('p')
      head.className = 'record-head'
      const who = document.createElement('span')
      const strong = document.createElement('strong')
      strong.textContent = title
      who.append(strong)
      if (detail) {
        const meta = document.createElement('span')
        meta.className = 'meta'
        meta.textContent = detail
        who.append(' ', meta)
      }
      const badge = document.createElement('span')
      badge.className = 'badge'
      badge.textContent = role
      head.append(who, badge)
      li.append(head)
      if (userId) {
        li.dataset.user = userId
        li.dataset.name = title
        if (!isYou) {
          const remove = document.createElement('button')
          remove.type = 'button'
          remove.dataset.remove = ''
          const hidden = document.createElement('span')
          hidden.className = 'sr-only'
          hidden.textContent = ` ${title}`
          remove.append('Remove', hidden)
          li.append(remove)
        }
      }
      return li
    }
    members.addEventListener('click', (event) => {
      const button = event.target.closest('[data-remove]')
      if (!button) return
      const li = button.closest('[data-user]')
      if (!window.confirm(`Take ${li.dataset.name}’s role on this site away?`)) return
      guard(
        (async () => {
          await send('DELETE', `/admin/sites/${site}/members/${li.dataset.user}`)
          showProblem('')
          await refresh()
          announce(`${li.dataset.name} no longer helps run this site.`)
          $('#members-title').setAttribute('tabindex', '-1')
          $('#members-title').focus()
        })(),
      )
    })
    const invite = $('#invite-form')
    invite?.addEventListener('submit', (event) => {
      event.preventDefault()
      guard(
        (async () => {
          const email = invite.elements.namedItem('email')
          if (!email.checkValidity()) {
            email.focus()
            throw new Error(`Their email: ${email.validationMessage}`)
          }
          const address = email.value.trim()
          const role = invite.elements.namedItem('role').value
          await send('POST', `/admin/sites/${site}/invitations`, { email: address, role })
          showProblem('')
          invite.reset()
          await refresh()
          announce(`Invitation sent to ${address}.`)
        })(),
      )
    })
  }

  // ---- API tokens: made (and shown once), revoked.
  const tokenForm = $('#token-form')
  tokenForm?.addEventListener('submit', (event) => {
    event.preventDefault()
    guard(
      (async () => {
        const name = tokenForm.elements.namedItem('name')
        if (!name.checkValidity()) {
          name.focus()
          throw new Error(`Name: ${name.validationMessage}`)
        }
        const days = tokenForm.elements.namedItem('expiresInDays').value
        const made = await send('POST', `/admin/sites/${tokenForm.dataset.site}/tokens`, {
          name: name.value.trim(),
          scope: tokenForm.elements.namedItem('scope').value,
          expiresInDays: days ? Number(days) : null,
        })
        showProblem('')
        $('#new-token-value').textContent = made.token
        $('#new-token').hidden = false
        // The list is the server's to draw: read the page again, but keep the new token on screen.
        const fresh = new DOMParser().parseFromString(await (await fetch(location.href, { credentials: 'same-origin' })).text(), 'text/html')
        $('#tokens').replaceWith(document.adoptNode($('#tokens', fresh)))
        $('#no-tokens')?.remove()
        showTimes()
        tokenForm.reset()
        announce(`Token “${made.apiToken.name}” made. Copy it now: it is not shown again.`)
        $('#new-token [data-copy]').focus()
      })(),
    )
  })
  document.addEventListener('click', (event) => {
    const button = event.target.closest('#tokens [data-revoke]')
    if (!button) return
    const li = button.closest('[data-token]')
    if (!window.confirm(`Revoke “${li.dataset.name}”? Scripts using it stop working at once.`)) return
    guard(
      (async () => {
        await send('DELETE', `/admin/sites/${$('#tokens').dataset.site}/tokens/${li.dataset.token}`)
        showProblem('')
        button.remove()
        $('.meta span:last-child', li).textContent = 'Revoked just now'
        announce(`Token “${li.dataset.name}” revoked.`)
      })(),
    )
  })

  // ---- Thread moves: preview, then move; merge.
  const moveForm = $('#move-form')
  if (moveForm) {
    const applyButton = $('#move-apply')
    const result = $('#move-result')
    const input = () => ({
      from: moveForm.elements.namedItem('from').value.trim(),
      to: moveForm.elements.namedItem('to').value.trim(),
      prefix: moveForm.elements.namedItem('prefix').checked,
    })
    let previewed
    const move = async (dryRun) => {
      for (const name of ['from', 'to']) {
        const field = moveForm.elements.namedItem(name)
        if (!field.checkValidity()) {
          field.focus()
          throw new Error(`${name === 'from' ? 'From' : 'To'}: ${field.validationMessage}`)
        }
      }
      const body = input()
      const answer = await send('POST', `/admin/sites/${moveForm.dataset.site}/threads/move`, { ...body, dryRun })
      showProblem('')
      const list = document.createElement('ul')
      list.className = 'records'
      for (const m of answer.moves) {
        const li = document.createElement('li')
        li.className = 'record'
        li.textContent = `${m.url} → ${m.newUrl}${m.conflict ? ' (a thread is already there: merge instead)' : ''}`
        list.append(li)
      }
      const head = document.createElement('p')
      const count = answer.moves.length
      head.textContent =
        count === 0 ? 'No thread has that address.' : dryRun ? `${count} thread${count === 1 ? '' : 's'} would move:` : `Moved ${count} thread${count === 1 ? '' : 's'}:`
      result.replaceChildren(head, list)
      previewed = dryRun && count > 0 && !answer.moves.some((m) => m.conflict) ? JSON.stringify(body) : undefined
      applyButton.hidden = previewed === undefined
      if (!dryRun) announce(head.textContent)
    }
    moveForm.addEventListener('submit', (event) => {
      event.preventDefault()
      guard(move(true))
    })
    moveForm.addEventListener('input', () => {
      previewed = undefined
      applyButton.hidden = true
    })
    applyButton.addEventListener('click', () => {
      if (previewed !== JSON.stringify(input())) return
      guard(move(false))
    })
  }
  const mergeForm = $('#merge-form')
  mergeForm?.addEventListener('submit', (event) => {
    event.preventDefault()
    guard(
      (async () => {
        const from = mergeForm.elements.namedItem('from').value.trim()
        const into = mergeForm.elements.namedItem('into').value.trim()
        if (!from || !into) throw new Error('Name both threads, by URL or key.')
        if (!window.confirm(`Move every comment of ${from} into ${into}? This cannot be undone.`)) return
        const { moved } = await send('POST', `/admin/sites/${mergeForm.dataset.site}/threads/merge`, { from, into })
        showProblem('')
        mergeForm.reset()
        announce(`Merged: ${moved} comment${moved === 1 ? '' : 's'} moved.`)
      })(),
    )
  })
  // ---- Import: the file goes up with XMLHttpRequest (fetch cannot report upload progress),
  // then the import is followed until it ends, and the list of imports is read again from the page.
  const importForm = $('#import-form')
  if (importForm) {
    const field = (name) => importForm.elements.namedItem(name)
    const box = $('#import-progress')
    const bar = $('#import-bar')
    const step = $('#import-step')
    const status = $('#import-status')
    const mib = (bytes) => `${(bytes / 1048576).toFixed(1)} MiB`
    const show = (label, fraction, text) => {
      box.hidden = false
      step.textContent = label
      bar.value = Math.round(fraction * 100)
      status.textContent = text
    }
    function upload(url, file) {
      return new Promise((resolve, reject) => {
        const xhr = new XMLHttpRequest()
        xhr.open('POST', url)
        xhr.setRequestHeader('content-type', 'application/octet-stream')
        xhr.responseType = 'json'
        xhr.upload.addEventListener('progress', (e) => {
          if (e.lengthComputable) show('Uploading', e.loaded / e.total, `${mib(e.loaded)} of ${mib(e.total)} sent`)
        })
        xhr.addEventListener('load', () => {
          const json = xhr.response ?? {}
          if (xhr.status === 202) resolve(json.import)
          else if (xhr.status === 401) reject(new Error('Your session has ended. Sign in again, then retry.'))
          else reject(new Error(json.error?.message ?? `The upload was refused (${xhr.status}).`))
        })
        xhr.addEventListener('error', () => reject(new Error('Could not reach Engawa. Check the connection and try again.')))
        xhr.send(file)
      })
    }
    const describe = (run) =>
      run.phase === 'reading'
        ? [`Reading the file`, run.fileBytes ? run.bytesRead / run.fileBytes : 0, `${mib(run.bytesRead)} of ${mib(run.fileBytes)} read`]
        : [`Writing threads`, run.threadsTotal ? run.threadsDone / run.threadsTotal : 1, `${run.threadsDone} of ${run.threadsTotal} threads written`]
    async function follow(site, run) {
      while (run.status === 'running') {
        show(...describe(run))
        await new Promise((r) => setTimeout(r, 1000))
        run = (await send('GET', `/admin/sites/${site}/imports/${run.id}`)).import
      }
      return run
    }
    importForm.addEventListener('submit', (event) => {
      event.preventDefault()
      guard(
        (async () => {
          const file = field('file').files[0]
          if (!file) {
            field('file').focus()
            throw new Error('Choose the export file to import.')
          }
          if (file.size > Number(importForm.dataset.maxBytes))
            throw new Error(`This file is larger than the server accepts (${mib(Number(importForm.dataset.maxBytes))}). Import it with the CLI.`)
          const site = importForm.dataset.site
          const query = new URLSearchParams({ format: field('format').value, name: file.name })
          for (const line of field('mapOrigin').value.split('\n')) if (line.trim()) query.append('mapOrigin', line.trim())
          const button = $('button[type=submit]', importForm)
          button.disabled = true
          try {
            showProblem('')
            const started = await upload(`/api/v1/admin/sites/${site}/imports?${query}`, file)
            const run = await follow(site, started)
            const page = new DOMParser().parseFromString(await (await fetch(location.href, { credentials: 'same-origin' })).text(), 'text/html')
            const runs = page.querySelector('#import-runs')
            if (runs) $('#import-runs').replaceWith(runs)
            showTimes($('#import-runs'))
            box.hidden = true
            if (run.status === 'failed') throw new Error(run.error ?? 'The import failed.')
            const s = run.summary
            announce(`Import finished: ${s.comments.imported} comments in ${s.threads.created + s.threads.updated} threads; ${s.skipped.total} skipped, ${s.repaired.total} repaired.`)
            $('#runs-title').focus()
            importForm.reset()
          } catch (error) {
            box.hidden = true
            throw error
          } finally {
            button.disabled = false
          }
        })(),
      )
    })
  }

  // ---- Your own mail about the queue.
  const notify = $('#notify-queue')
  notify?.addEventListener('change', () =>
    guard(
      (async () => {
        const wanted = notify.checked
        try {
          await send('PUT', `/moderation/sites/${notify.dataset.site}/notifications`, { queue: wanted })
        } catch (error) {
          notify.checked = !wanted
          throw error
        }
        showProblem('')
        announce(wanted ? 'You will get an email when something enters the queue.' : 'No more emails about the queue.')
      })(),
    ),
  )

  // ---- The owner's test mail: queued, then the page reloads to show it in the delivery log.
  const testMail = $('#test-mail')
  testMail?.addEventListener('click', () =>
    guard(
      (async () => {
        testMail.disabled = true
        try {
          const { to } = await send('POST', `/admin/sites/${testMail.dataset.site}/mail/test`, {})
          announce(`A test mail is on its way to ${to}.`)
          location.reload()
        } finally {
          testMail.disabled = false
        }
      })(),
    ),
  )

  // ---- Sign out.
  $('#sign-out')?.addEventListener('click', () =>
    guard(
      (async () => {
        await send('POST', '/auth/logout', {})
        location.href = '/auth/popup'
      })(),
    ),
  )
})()
