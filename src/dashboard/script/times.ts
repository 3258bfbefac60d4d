import { $$ } from './page.ts'

// Times: "3 hours ago", with the exact time in the title and the datetime attribute.
const relativeFormat = new Intl.RelativeTimeFormat('en', { numeric: 'auto' })
export const exactFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })
const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 31_536_000],
  ['month', 2_592_000],
  ['week', 604_800],
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
  ['second', 1],
]

function relative(date: Date): string {
  const seconds = (date.getTime() - Date.now()) / 1000
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === 'second') {
      if (unit === 'second' && Math.abs(seconds) < 45) return relativeFormat.format(0, 'second')
      return relativeFormat.format(Math.round(seconds / size), unit)
    }
  }
  return relativeFormat.format(0, 'second')
}

export function showTimes(root: ParentNode = document): void {
  for (const time of $$<HTMLTimeElement>('time[data-relative]', root)) {
    const date = new Date(time.dateTime)
    if (Number.isNaN(date.getTime())) continue
    time.title = exactFormat.format(date)
    time.textContent = relative(date)
  }
}

export function keepTimesFresh(): void {
  showTimes()
  setInterval(showTimes, 60_000)
}
