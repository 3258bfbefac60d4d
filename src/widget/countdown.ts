import type { TimeLeft } from './api.ts'
import type { Translator } from './i18n.ts'

/** Until when (Date.now() milliseconds) the reader may still edit and delete their own comment; null: no end. */
export interface Rights {
  edit: number
  delete: number | null
}

/** Deadlines from the seconds the server gave, kept one second early: it rounds what is left up. */
export function rightsOf(left: TimeLeft, now = Date.now()): Rights {
  return { edit: now + (left.edit - 1) * 1000, delete: left.delete === null ? null : now + (left.delete - 1) * 1000 }
}

/** 90 s → 1:30, 2 h → 2:00:00. */
export function clockTime(ms: number): string {
  const s = Math.ceil(ms / 1000)
  const pad = (n: number) => String(n).padStart(2, '0')
  const hours = Math.floor(s / 3600)
  const rest = `${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`
  return hours > 0 ? `${hours}:${rest}` : rest.replace(/^0/, '')
}

/** What a time-left label says at `until` (Date.now() milliseconds). */
export function timeLeftText(t: Translator, until: number): string {
  return t.t('editTimeLeft', { time: clockTime(until - Date.now()) })
}

/**
 * One timer for every "time left to edit" shown in `root`: it ticks each second while any is
 * there, and hands over the comment whose time ran out so its controls can go.
 */
export function countdowns(root: HTMLElement, t: Translator, ranOut: (li: HTMLElement) => void): () => void {
  let timer: ReturnType<typeof setInterval> | undefined
  const tick = () => {
    const labels = root.querySelectorAll<HTMLElement>('[data-until]')
    if (labels.length === 0) {
      clearInterval(timer)
      timer = undefined
    }
    for (const label of labels) {
      const until = Number(label.dataset.until)
      if (until > Date.now()) label.textContent = timeLeftText(t, until)
      else {
        const li = label.closest('li')
        label.remove()
        if (li) ranOut(li)
      }
    }
  }
  return () => {
    timer ??= setInterval(tick, 1000)
  }
}
