// What every part of the dashboard's script shares: finding elements, saying what happened, and
// the JSON API, with the dashboard's cookie (same origin; the browser sends the Origin header the
// CSRF check wants).

export function $<T extends Element = HTMLElement>(selector: string, root: ParentNode = document): T | null {
  return root.querySelector<T>(selector)
}

export function $$<T extends Element = HTMLElement>(selector: string, root: ParentNode = document): T[] {
  return [...root.querySelectorAll<T>(selector)]
}

/** An element the page's markup always has where this runs; its absence is a bug, said as such. */
export function must<T extends Element = HTMLElement>(selector: string, root: ParentNode = document): T {
  const found = root.querySelector<T>(selector)
  if (!found) throw new Error(`The page has no ${selector}.`)
  return found
}

/** The element an event happened in (or under) that matches `selector`. */
export function closest<T extends Element = HTMLElement>(event: Event, selector: string): T | null {
  return event.target instanceof Element ? event.target.closest<T>(selector) : null
}

/** A named control of a form: an input, select or textarea. */
export function field<T extends HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement = HTMLInputElement>(form: HTMLFormElement, name: string): T {
  const control = form.elements.namedItem(name)
  if (!(control instanceof HTMLInputElement || control instanceof HTMLSelectElement || control instanceof HTMLTextAreaElement))
    throw new Error(`The form has no field ${name}.`)
  return control as T
}

export const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`

const announceBox = $('#announce')
const problemBox = $('#problem')
let announceTimer: ReturnType<typeof setTimeout> | undefined

/** Polite: said once the screen reader is idle, and shown at the foot of the window. */
export function announce(message: string): void {
  if (!announceBox) return
  announceBox.textContent = ''
  clearTimeout(announceTimer)
  // A fresh text node, a moment later, so the same message twice is read twice.
  requestAnimationFrame(() => {
    announceBox.textContent = message
    announceTimer = setTimeout(() => (announceBox.textContent = ''), 8000)
  })
}

export function showProblem(message: string): void {
  if (!problemBox) return window.alert(message)
  problemBox.textContent = message
  problemBox.hidden = !message
}

export const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error))

/** Runs an action; what goes wrong is said at the top of the page. */
export function guard(promise: Promise<unknown>): void {
  promise.catch((error: unknown) => showProblem(messageOf(error)))
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message)
  }
}

/** The API's answer, in the shape its OpenAPI document gives, which each caller names for the fields it reads. */
export async function send<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response
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
  if (res.status === 204) return {} as T
  const json = (await res.json().catch(() => ({}))) as { error?: { message?: string; code?: string } }
  if (!res.ok) {
    if (res.status === 401) throw new ApiError('Your session has ended. Sign in again, then retry.', json.error?.code)
    throw new ApiError(json.error?.message ?? `Something went wrong (${res.status}). Try again.`, json.error?.code)
  }
  return json as T
}
