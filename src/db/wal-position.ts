/** "16/B374D848" (a WAL position) as a number of bytes; exact well past any real log's length. null for null. */
export function walBytes(lsn: string | null | undefined): number | null {
  const match = lsn ? /^([0-9A-F]+)\/([0-9A-F]+)$/i.exec(lsn) : null
  return match ? parseInt(match[1]!, 16) * 2 ** 32 + parseInt(match[2]!, 16) : null
}
