/** "2026-06-01 09:00 UTC": what the page says until the script turns it into "3 hours ago". */
export function formatUtc(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

/** A moment: the exact time in `datetime` (and the title), shown relative by dashboard.js. */
export function Time(props: { at: string | Date }) {
  const at = typeof props.at === 'string' ? new Date(props.at) : props.at
  return (
    <time datetime={at.toISOString()} data-relative="">
      {formatUtc(at)}
    </time>
  )
}
