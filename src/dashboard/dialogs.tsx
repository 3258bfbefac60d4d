/**
 * The dialogs moderation actions ask through (dashboard.js opens them with showModal, which
 * makes the rest of the page inert and returns focus when they close). Each form has
 * method="dialog": the pressed button's value tells the script whether to go ahead.
 */
export function HideDialog() {
  return (
    <dialog id="hide-dialog" aria-labelledby="hide-title">
      <form method="dialog">
        <h2 id="hide-title">Hide this comment</h2>
        <p id="hide-what" class="what"></p>
        <label for="hide-reason">Reason (kept in the audit log)</label>
        <textarea id="hide-reason" name="reason" rows={3} maxlength={500}></textarea>
        <label class="check" id="hide-show-row">
          <input type="checkbox" name="showReason" id="hide-show" /> Show the reason to readers
        </label>
        <div class="dialog-actions">
          <button type="submit" value="cancel" formnovalidate>
            Cancel
          </button>
          <button type="submit" value="confirm" class="primary" id="hide-confirm">
            Hide
          </button>
        </div>
      </form>
    </dialog>
  )
}

export const BAN_DURATIONS = [
  { days: '1', label: '1 day' },
  { days: '7', label: '7 days' },
  { days: '30', label: '30 days' },
  { days: '', label: 'For good' },
] as const

export function BanDialog() {
  return (
    <dialog id="ban-dialog" aria-labelledby="ban-title">
      <form method="dialog">
        <h2 id="ban-title">Ban the author</h2>
        <p id="ban-who" class="what"></p>
        <fieldset>
          <legend>For how long</legend>
          {BAN_DURATIONS.map((d) => (
            <label class="check">
              <input type="radio" name="days" value={d.days} checked={d.days === '7'} /> {d.label}
            </label>
          ))}
        </fieldset>
        <label for="ban-reason">Reason (kept in the audit log)</label>
        <textarea id="ban-reason" name="reason" rows={3} maxlength={500}></textarea>
        <div class="dialog-actions">
          <button type="submit" value="cancel" formnovalidate>
            Cancel
          </button>
          <button type="submit" value="confirm" class="danger">
            Ban
          </button>
        </div>
      </form>
    </dialog>
  )
}

/** A yes-or-no question the server raised (409 `confirmation_required`): its message, then Cancel or the action. */
export function ConfirmDialog() {
  return (
    <dialog id="confirm-dialog" aria-labelledby="confirm-title" aria-describedby="confirm-text">
      <form method="dialog">
        <h2 id="confirm-title">Are you sure?</h2>
        <p id="confirm-text" class="what"></p>
        <div class="dialog-actions">
          <button type="submit" value="cancel" formnovalidate>
            Cancel
          </button>
          <button type="submit" value="confirm" class="danger" id="confirm-go">
            Go ahead
          </button>
        </div>
      </form>
    </dialog>
  )
}

export const SHORTCUTS = [
  ['j', 'Next comment'],
  ['k', 'Previous comment'],
  ['a', 'Approve (or restore a hidden comment)'],
  ['h', 'Hide, with a reason (reject, if it awaits approval)'],
  ['s', 'Mark as spam'],
  ['b', 'Ban the author'],
  ['x', 'Select or unselect, for the bar of bulk actions'],
  ['?', 'Show these shortcuts'],
] as const

export function HelpDialog() {
  return (
    <dialog id="help-dialog" aria-labelledby="help-title">
      <form method="dialog">
        <h2 id="help-title">Keyboard shortcuts</h2>
        <p>They act on the selected comment, and pause while you type in a field.</p>
        <dl class="keys">
          {SHORTCUTS.map(([key, what]) => (
            <div>
              <dt>
                <kbd>{key}</kbd>
              </dt>
              <dd>{what}</dd>
            </div>
          ))}
        </dl>
        <div class="dialog-actions">
          <button type="submit" value="close" class="primary">
            Close
          </button>
        </div>
      </form>
    </dialog>
  )
}

/** Every dialog a page of comments needs. */
export function ModerationDialogs(props: { shortcuts: boolean }) {
  return (
    <>
      <HideDialog />
      <BanDialog />
      {props.shortcuts && <HelpDialog />}
    </>
  )
}
