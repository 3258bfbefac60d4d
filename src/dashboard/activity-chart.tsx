import type { DayActivity } from './activity.ts'

const WIDTH = 600
const HEIGHT = 180
const TOP = 8

function dayLabel(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString('en', { month: 'short', day: 'numeric', timeZone: 'UTC' })
}

/**
 * Comments per day as bars and the queue at each day's end as a line. The drawing is for eyes
 * only (aria-hidden): the caption says what it shows and the table below holds every number.
 * Colours come from classes in dashboard.css, so they follow the light or dark scheme.
 */
export function ActivityChart(props: { days: DayActivity[] }) {
  const { days } = props
  const max = Math.max(1, ...days.map((d) => Math.max(d.comments, d.queue)))
  const step = WIDTH / Math.max(1, days.length)
  const y = (v: number) => TOP + (HEIGHT - TOP) * (1 - v / max)
  const centre = (i: number) => i * step + step / 2
  const line = days.map((d, i) => `${centre(i).toFixed(1)},${y(d.queue).toFixed(1)}`).join(' ')
  const first = days[0]
  const last = days[days.length - 1]
  const totalComments = days.reduce((n, d) => n + d.comments, 0)
  return (
    <figure class="chart">
      <figcaption id="chart-caption">
        Comments posted each day (bars) and comments in the queue at the end of each day (line), over the last {days.length} days, in UTC. Every number is in the
        table below.
      </figcaption>
      <p class="legend" aria-hidden="true">
        <span>
          <span class="swatch swatch-bar"></span> Comments posted ({totalComments} in all)
        </span>
        <span>
          <span class="swatch swatch-line"></span> Queue at day’s end (now {last?.queue ?? 0})
        </span>
      </p>
      <div class="plot">
        <span class="axis-max" aria-hidden="true">
          {max}
        </span>
        <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} preserveAspectRatio="none" aria-hidden="true" focusable="false" class="chart-svg">
          <line class="grid" x1="0" y1={y(max)} x2={WIDTH} y2={y(max)} />
          <line class="grid" x1="0" y1={y(max / 2)} x2={WIDTH} y2={y(max / 2)} />
          <line class="axis" x1="0" y1={HEIGHT} x2={WIDTH} y2={HEIGHT} />
          {days.map((d, i) => (
            <rect class="bar" x={(i * step + step * 0.15).toFixed(1)} y={y(d.comments).toFixed(1)} width={(step * 0.7).toFixed(1)} height={(HEIGHT - y(d.comments)).toFixed(1)} />
          ))}
          <polyline class="line" points={line} fill="none" vector-effect="non-scaling-stroke" />
        </svg>
      </div>
      {first && last && (
        <p class="axis-days" aria-hidden="true">
          <span>{dayLabel(first.day)}</span>
          <span>{dayLabel(last.day)}</span>
        </p>
      )}
    </figure>
  )
}

export function ActivityTable(props: { days: DayActivity[] }) {
  return (
    <details class="numbers">
      <summary>The numbers, day by day</summary>
      <div class="table-wrap">
        <table id="activity-table">
          <caption>Comments and queue per day (UTC)</caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col">Comments posted</th>
              <th scope="col">In the queue at day’s end</th>
            </tr>
          </thead>
          <tbody>
            {[...props.days].reverse().map((d) => (
              <tr data-day={d.day}>
                <th scope="row">
                  <time datetime={d.day}>{dayLabel(d.day)}</time>
                </th>
                <td>{d.comments}</td>
                <td>{d.queue}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  )
}
