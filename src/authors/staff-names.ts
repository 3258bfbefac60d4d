/**
 * Characters that show as nothing (format controls such as zero-width spaces and joiners, soft
 * hyphens, bidi controls; Hangul fillers; variation selectors) and spaces: a name padded with
 * them looks the same as the name without.
 */
const INVISIBLE = /[\p{Cf}\p{White_Space}\u115F\u1160\u3164\uFFA0\uFE00-\uFE0F]/gu

/** A name as a reader's eye compares it: NFKC, case folded, without what cannot be seen. */
export function comparableName(name: string): string {
  // toUpperCase then toLowerCase folds ß and ﬁ-like forms the way Unicode case folding does.
  return name.normalize('NFKC').replace(INVISIBLE, '').toUpperCase().toLowerCase()
}

/** Whether a guest's name is, to the eye, that of one of the site's owners or moderators. */
export function isStaffName(name: string, staffNames: readonly string[]): boolean {
  const wanted = comparableName(name)
  return wanted !== '' && staffNames.some((staff) => comparableName(staff) === wanted)
}
