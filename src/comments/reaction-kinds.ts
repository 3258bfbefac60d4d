/**
 * The reactions a reader may leave on a comment, one of each, beside votes (which say agree or
 * not): a fixed set, as GitHub's eight, so they read the same on every site and can be counted
 * in columns of JSON rather than rows. Their order is the order they are shown in.
 */
export const REACTIONS = ['heart', 'laugh', 'hooray', 'thinking', 'eyes', 'rocket', 'clap', 'thanks'] as const
export type Reaction = (typeof REACTIONS)[number]
