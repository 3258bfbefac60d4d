import { SaxesParser, type SaxesTagNS } from 'saxes'
import { readChunks } from './import-file.ts'
import { ImportFormatError, type ImportFile } from './records.ts'

/** Repairs of XML files the summary reports. */
export const REPAIRS = {
  leadingJunk: 'Characters before the XML declaration were skipped (the file was read from its <?xml on)',
} as const

/** Text kept per element: a comment longer than this is not a comment (the rest is dropped, and said so). */
const MAX_TEXT = 1 << 20

/** An element of a record, with its text (CDATA included) and its child elements. */
export interface XmlElement {
  /** Local name, without prefix: `comment` for `wp:comment`. */
  local: string
  uri: string
  /** Attributes by local name (`id` for `dsq:id`). */
  attrs: Record<string, string>
  text: string
  /** The text was longer than MAX_TEXT and was cut. */
  truncated: boolean
  children: XmlElement[]
}

export interface XmlRecord {
  element: XmlElement
  /** The open records around it, outermost first, as read so far (a WXR item around its comments). */
  ancestors: XmlElement[]
}

/** What was read past to make the file readable; the importer reports it as a repair. */
export interface XmlRepair {
  repair: { what: string; reason: string }
}

/** Stray characters before the XML declaration are dropped up to this many; more, and the file is not XML. */
const MAX_LEADING_JUNK = 1024

export interface XmlRecordSpec {
  /** Says what the file is when the root is not what the format has: throws ImportFormatError. */
  checkRoot(root: SaxesTagNS): void
  /** Whether the element at this path (local names, root first) is a record of its own. */
  isRecord(path: readonly string[]): boolean
  /** Elements whose text is never needed (a post's own body): not kept, so memory stays small. */
  ignoreText?: ReadonlySet<string>
}

/** Child element by local name. */
export function child(el: XmlElement | undefined, local: string): XmlElement | undefined {
  return el?.children.find((c) => c.local === local)
}

/** Trimmed text of a child element; '' when absent. */
export function childText(el: XmlElement | undefined, local: string): string {
  return child(el, local)?.text.trim() ?? ''
}

/**
 * Streams an XML file as records. The parser sees one chunk at a time and only the records
 * asked for are built (small trees), so memory stays bounded by the largest record.
 *
 * Hostile XML: a DOCTYPE that declares anything (entities, the billion laughs) is refused
 * outright, before any entity could be expanded; saxes fetches nothing external and knows no
 * entities but XML's five, so an undeclared one is an error too. Bytes that are not UTF-8,
 * and anything not well-formed, end the import with an ImportFormatError naming the line.
 */
export async function* readXmlRecords(file: ImportFile, spec: XmlRecordSpec): AsyncIterable<XmlRecord | XmlRepair> {
  const parser = new SaxesParser({ xmlns: true, position: true })
  const out: XmlRecord[] = []
  const stack: Array<{ local: string; el: XmlElement | undefined; isRecord: boolean; ignore: boolean }> = []
  const path: string[] = []
  const fail = (message: string): never => {
    throw new ImportFormatError(message)
  }
  parser.on('error', (error) => fail(`The file is not well-formed XML: ${error.message}`))
  parser.on('doctype', (doctype) => {
    if (doctype.includes('[') || /<!ENTITY/i.test(doctype))
      fail('The file declares its own XML entities (a DOCTYPE with an internal subset). Exports never do; it is refused rather than expanded.')
  })
  parser.on('opentag', (tag) => {
    if (stack.length === 0) spec.checkRoot(tag)
    path.push(tag.local)
    const parent = stack[stack.length - 1]
    const isRecord = spec.isRecord(path)
    const collected = isRecord || parent?.el !== undefined
    const el: XmlElement | undefined = collected
      ? { local: tag.local, uri: tag.uri, attrs: attributesOf(tag), text: '', truncated: false, children: [] }
      : undefined
    // A record inside a record is read on its own, not as a child of the outer one.
    if (el && !isRecord) parent?.el?.children.push(el)
    stack.push({ local: tag.local, el, isRecord, ignore: (parent?.ignore ?? false) || (spec.ignoreText?.has(tag.local) ?? false) })
  })
  const onText = (text: string) => {
    const top = stack[stack.length - 1]
    if (!top?.el || top.ignore || top.el.truncated) return
    if (top.el.text.length + text.length > MAX_TEXT) {
      top.el.text += text.slice(0, MAX_TEXT - top.el.text.length)
      top.el.truncated = true
    } else top.el.text += text
  }
  parser.on('text', onText)
  parser.on('cdata', onText)
  parser.on('closetag', () => {
    const frame = stack.pop()
    path.pop()
    if (frame?.isRecord && frame.el)
      out.push({ element: frame.el, ancestors: stack.filter((f) => f.isRecord && f.el).map((f) => f.el as XmlElement) })
  })

  const decoder = new TextDecoder('utf-8', { fatal: true })
  const decode = (chunk?: Buffer) => {
    try {
      return chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode()
    } catch {
      return fail('The file is not UTF-8 text.')
    }
  }
  let started = false
  for await (const chunk of readChunks(file)) {
    let text = decode(chunk)
    if (!started && text.trim()) {
      started = true
      // An editor, a shell redirect or a web form can leave a stray character before `<?xml`
      // (which XML allows nowhere but at the very start): drop a little of it, and say so.
      const declaration = text.indexOf('<?xml')
      const junk = declaration > 0 ? text.slice(0, declaration) : ''
      if (junk.trim() && junk.length <= MAX_LEADING_JUNK) {
        yield { repair: { what: `the first ${junk.length} character(s): ${JSON.stringify(junk.trim().slice(0, 40))}`, reason: REPAIRS.leadingJunk } }
        text = text.slice(declaration)
      } else if (declaration > 0 && !junk.trim()) text = text.slice(declaration)
      const first = text.trimStart()[0]
      if (first !== '<') fail(`This is not an XML file: it starts with "${first}". Was it exported in another format?`)
    }
    parser.write(text)
    yield* out.splice(0)
  }
  parser.write(decode())
  parser.close()
  yield* out.splice(0)
}

function attributesOf(tag: SaxesTagNS): Record<string, string> {
  const attrs: Record<string, string> = {}
  for (const a of Object.values(tag.attributes)) attrs[a.local] = a.value
  return attrs
}
