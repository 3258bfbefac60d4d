import { announce, field, guard, must, send, showProblem } from './page.ts'
import { showTimes } from './times.ts'

interface ImportRun {
  id: string
  status: 'running' | 'finished' | 'failed'
  phase: 'reading' | 'writing'
  fileBytes: number
  bytesRead: number
  threadsDone: number
  threadsTotal: number
  error?: string | null
  summary: {
    comments: { imported: number }
    threads: { created: number; updated: number }
    skipped: { total: number }
    repaired: { total: number }
  }
}

const mib = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`

// Import: the file goes up with XMLHttpRequest (fetch cannot report upload progress), then the
// import is followed until it ends, and the list of imports is read again from the page.
export function setUpImport(importForm: HTMLFormElement): void {
  const box = must('#import-progress')
  const bar = must<HTMLProgressElement>('#import-bar')
  const step = must('#import-step')
  const status = must('#import-status')
  const show = (label: string, fraction: number, text: string) => {
    box.hidden = false
    step.textContent = label
    bar.value = Math.round(fraction * 100)
    status.textContent = text
  }
  function upload(url: string, file: File): Promise<ImportRun> {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest()
      xhr.open('POST', url)
      xhr.setRequestHeader('content-type', 'application/octet-stream')
      xhr.responseType = 'json'
      xhr.upload.addEventListener('progress', (e) => {
        if (e.lengthComputable) show('Uploading', e.loaded / e.total, `${mib(e.loaded)} of ${mib(e.total)} sent`)
      })
      xhr.addEventListener('load', () => {
        const json = (xhr.response ?? {}) as { import?: ImportRun; error?: { message?: string } }
        if (xhr.status === 202 && json.import) resolve(json.import)
        else if (xhr.status === 401) reject(new Error('Your session has ended. Sign in again, then retry.'))
        else reject(new Error(json.error?.message ?? `The upload was refused (${xhr.status}).`))
      })
      xhr.addEventListener('error', () => reject(new Error('Could not reach Engawa. Check the connection and try again.')))
      xhr.send(file)
    })
  }
  const describe = (run: ImportRun): [string, number, string] =>
    run.phase === 'reading'
      ? ['Reading the file', run.fileBytes ? run.bytesRead / run.fileBytes : 0, `${mib(run.bytesRead)} of ${mib(run.fileBytes)} read`]
      : ['Writing threads', run.threadsTotal ? run.threadsDone / run.threadsTotal : 1, `${run.threadsDone} of ${run.threadsTotal} threads written`]
  async function follow(site: string, started: ImportRun) {
    let run = started
    while (run.status === 'running') {
      show(...describe(run))
      await new Promise((r) => setTimeout(r, 1000))
      run = (await send<{ import: ImportRun }>('GET', `/admin/sites/${site}/imports/${run.id}`)).import
    }
    return run
  }
  importForm.addEventListener('submit', (event) => {
    event.preventDefault()
    guard(
      (async () => {
        const fileInput = field(importForm, 'file')
        const file = fileInput.files?.[0]
        if (!file) {
          fileInput.focus()
          throw new Error('Choose the export file to import.')
        }
        const maxBytes = Number(importForm.dataset.maxBytes)
        if (file.size > maxBytes) throw new Error(`This file is larger than the server accepts (${mib(maxBytes)}). Import it with the CLI.`)
        const site = importForm.dataset.site ?? ''
        const query = new URLSearchParams({ format: field<HTMLSelectElement>(importForm, 'format').value, name: file.name })
        for (const line of field<HTMLTextAreaElement>(importForm, 'mapOrigin').value.split('\n')) if (line.trim()) query.append('mapOrigin', line.trim())
        const button = must<HTMLButtonElement>('button[type=submit]', importForm)
        button.disabled = true
        try {
          showProblem('')
          const started = await upload(`/api/v1/admin/sites/${site}/imports?${query}`, file)
          const run = await follow(site, started)
          const page = new DOMParser().parseFromString(await (await fetch(location.href, { credentials: 'same-origin' })).text(), 'text/html')
          const runs = page.querySelector('#import-runs')
          if (runs) must('#import-runs').replaceWith(runs)
          showTimes(must('#import-runs'))
          box.hidden = true
          if (run.status === 'failed') throw new Error(run.error ?? 'The import failed.')
          const s = run.summary
          announce(
            `Import finished: ${s.comments.imported} comments in ${s.threads.created + s.threads.updated} threads; ${s.skipped.total} skipped, ${s.repaired.total} repaired.`,
          )
          must('#runs-title').focus()
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
