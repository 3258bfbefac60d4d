import { createRoute, z } from '@hono/zod-openapi'
import { SiteParam, errorResponses, jsonResponse } from '../http/openapi.ts'
import type { Deps } from '../deps.ts'
import type { ImportUploads } from './uploads.ts'
import { AppError } from '../http/errors.ts'
import { managedSite } from '../access/site-access.ts'
import { getImportRun, ImportJson, importToJson, listImportRuns } from './import-json.ts'
import { parseOriginMap } from './imported-page.ts'
import { createImportRun, runImport, type ImportRequest } from './run-import.ts'
import { createRouter } from '../http/router.ts'

const tags = ['Administration']

/** The upload's path: app.ts lets its body through the 64 KiB limit, and this route counts it instead. */
export const IMPORT_UPLOAD_PATH = /^\/api\/v1\/admin\/sites\/[^/]+\/imports$/

const UploadQuery = z.object({
  format: z.string().min(1).max(40).openapi({ description: 'disqus, wordpress, …: the keys of the CLI\u2019s import formats.', example: 'disqus' }),
  name: z.string().max(200).optional().openapi({ description: 'The file\u2019s name, shown in the list of imports.' }),
  mapOrigin: z
    .union([z.string().max(500), z.array(z.string().max(500)).max(20)])
    .optional()
    .openapi({ description: 'OLD=NEW, repeatable: threads on an old origin land on one of the site\u2019s, e.g. https://old.example=https://blog.example.' }),
})

const uploadRoute = createRoute({
  method: 'post',
  path: '/admin/sites/{site}/imports',
  tags,
  summary: 'Upload another service\u2019s export and import it',
  description:
    'The body is the export file itself (`Content-Type: application/octet-stream`), streamed to disk, at most ' +
    '`IMPORT_MAX_BYTES`. The file is checked as it is read: one that is not of the named format, is not ' +
    'well-formed or declares XML entities is refused with 422 and nothing is written. Then `202`, and the import ' +
    'goes on; follow it at `GET …/imports/{id}`. Importing the same file again adds nothing.',
  request: {
    params: SiteParam,
    query: UploadQuery,
    body: { content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } }, required: true },
  },
  responses: {
    202: jsonResponse(z.object({ import: ImportJson }), 'Accepted: the import runs; its progress and result are at Location.'),
    ...errorResponses(400, 401, 403, 404, 413, 415, 422, 501),
  },
})

const listRoute = createRoute({
  method: 'get',
  path: '/admin/sites/{site}/imports',
  tags,
  summary: 'The site\u2019s latest imports',
  request: { params: SiteParam },
  responses: { 200: jsonResponse(z.object({ imports: z.array(ImportJson) }), 'Newest first.'), ...errorResponses(401, 403, 404) },
})

const readRoute = createRoute({
  method: 'get',
  path: '/admin/sites/{site}/imports/{id}',
  tags,
  summary: 'One import: its progress, then its summary',
  request: { params: SiteParam.extend({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) }) },
  responses: { 200: jsonResponse(z.object({ import: ImportJson }), 'The import.'), ...errorResponses(401, 403, 404) },
})

/** `uploads`: where the runtime keeps uploaded files and which parsers it has; absent on Workers. */
export function importRoutes(deps: Deps, uploads: ImportUploads | undefined) {
  return createRouter()
    .openapi(uploadRoute, async (c) => {
      // Who may import is settled before a byte of the body is read.
      const { site, user } = await managedSite(deps, c.var.signedIn, c.var.site)
      if (!uploads) throw new AppError('imports_unavailable', 'Imports do not run here (Workers); run `npm run engawa -- import` against the same database.')
      const query = c.req.valid('query')
      const importer = uploads.importers[query.format]
      if (!importer) throw new AppError('invalid_request', `Unknown format "${query.format}"; use one of ${Object.keys(uploads.importers).join(', ')}.`)
      const origins = parseOriginMap(query.mapOrigin === undefined ? [] : [query.mapOrigin].flat())
      const maxBytes = deps.config.importMaxBytes
      const declared = Number(c.req.header('content-length') ?? 0)
      if (declared > maxBytes) throw new AppError('payload_too_large', `The file is larger than this server accepts (${Math.floor(maxBytes / (1 << 20))} MiB). Import it with the CLI, or raise IMPORT_MAX_BYTES.`)
      const body = c.req.raw.body
      if (!body) throw new AppError('invalid_request', 'Send the export file as the request body.')
      const file = await uploads.receive(body, maxBytes)
      if (file.size === 0) {
        await file.remove()
        throw new AppError('invalid_request', 'The uploaded file is empty.')
      }
      const request: ImportRequest = {
        site,
        format: query.format,
        importer,
        file: { path: file.path, size: file.size, name: query.name ?? `${query.format} export` },
        origins,
        actorUserId: user.id,
        linkAccounts: false,
      }
      const id = await createImportRun(deps.db, request, deps.clock.now())
      // The run goes on after the answer; the answer waits until the file has proved readable
      // (wholly, for a small file), so a file of the wrong format is refused here with a 422.
      let readable = () => {}
      const firstRecords = new Promise<void>((resolve) => (readable = resolve))
      const run = runImport(deps, id, request, readable).finally(() => file.remove())
      uploads.track(run)
      run.catch((error: unknown) => {
        if (!(error instanceof AppError)) deps.log.error('import failed', { importId: id, error: (error as Error).stack ?? String(error) })
      })
      await Promise.race([firstRecords, run])
      const row = await getImportRun(deps.db, site.id, id)
      c.header('Location', `/api/v1/admin/sites/${site.id}/imports/${id}`)
      return c.json({ import: importToJson(row, deps.clock.now()) }, 202)
    })
    .openapi(listRoute, async (c) => {
      const { site } = await managedSite(deps, c.var.signedIn, c.var.site)
      const now = deps.clock.now()
      return c.json({ imports: (await listImportRuns(deps.db, site.id)).map((r) => importToJson(r, now)) }, 200)
    })
    .openapi(readRoute, async (c) => {
      const { id } = c.req.valid('param')
      const { site } = await managedSite(deps, c.var.signedIn, c.var.site)
      return c.json({ import: importToJson(await getImportRun(deps.db, site.id, id), deps.clock.now()) }, 200)
    })
}
