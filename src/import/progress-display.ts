import cliProgress from 'cli-progress'
import type { ImportProgress } from './run-import.ts'
import type { ImportSummary } from './summary.ts'

/** Plain lines (no TTY: a log or CI) at most this often. */
const LINE_EVERY_MS = 5_000

function mib(bytes: number): string {
  return `${(bytes / (1 << 20)).toFixed(1)} MiB`
}

/**
 * The CLI's progress on stderr: a bar (cli-progress) on a terminal, else a plain line now and
 * then, so a log of `engawa import … 2>import.log` stays readable. Reading is measured in bytes,
 * writing in threads.
 */
export function createProgressDisplay(stream: NodeJS.WriteStream = process.stderr) {
  const bar = stream.isTTY
    ? new cliProgress.SingleBar(
        { stream, format: '{phase} [{bar}] {percentage}% | {detail}', hideCursor: true, clearOnComplete: false, fps: 5 },
        cliProgress.Presets.shades_classic,
      )
    : undefined
  let phase: ImportProgress['phase'] | undefined
  let lastLine = 0
  const detail = (p: ImportProgress) =>
    p.phase === 'reading'
      ? `${mib(p.bytesRead)} of ${mib(p.fileBytes)}, ${p.stagedComments} comments in ${p.stagedThreads} threads`
      : `${p.threadsDone} of ${p.threadsTotal} threads`
  return {
    update(p: ImportProgress) {
      const [value, total] = p.phase === 'reading' ? [p.bytesRead, Math.max(p.fileBytes, 1)] : [p.threadsDone, Math.max(p.threadsTotal, 1)]
      const label = p.phase === 'reading' ? 'Reading' : 'Writing'
      if (bar) {
        if (phase !== p.phase) {
          if (phase) bar.stop()
          bar.start(total, value, { phase: label, detail: detail(p) })
        } else bar.update(value, { detail: detail(p) })
      } else {
        const now = performance.now()
        if (phase !== p.phase || now - lastLine >= LINE_EVERY_MS) {
          lastLine = now
          stream.write(`${label}: ${Math.floor((value / total) * 100)}% (${detail(p)})\n`)
        }
      }
      phase = p.phase
    },
    stop() {
      bar?.stop()
    },
  }
}

/** The summary as the CLI prints it: the counts, then each reason with a few examples. */
export function formatSummary(s: ImportSummary): string {
  const lines = [
    `Threads: ${s.threads.created} created, ${s.threads.updated} added to, ${s.threads.unchanged} unchanged.`,
    `Comments: ${s.comments.imported} imported (${Object.entries(s.comments.byState)
      .filter(([, n]) => n > 0)
      .map(([state, n]) => `${n} ${state}`)
      .join(', ') || 'none'}), ${s.comments.alreadyImported} already imported, ${s.comments.linkedToAccounts} linked to accounts.`,
  ]
  for (const [title, tally] of [['Repaired', s.repaired], ['Skipped', s.skipped]] as const) {
    lines.push(`${title}: ${tally.total}.`)
    for (const r of tally.reasons) lines.push(`  ${r.count} × ${r.reason}`, ...r.examples.map((e) => `      e.g. ${e}`))
  }
  return lines.join('\n')
}
