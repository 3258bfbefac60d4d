// The community view's own words (the thread's are in i18n.ts, which embed.js carries).
const en = {
  discussions: 'Discussions',
  discussionsOn: 'Discussions on {site}',
  latest: 'Latest comments',
  active: 'Most active',
  threads: 'All discussions',
  period: 'Period',
  day: 'Last 24 hours',
  week: 'Last 7 days',
  month: 'Last 30 days',
  on: 'on',
  locked: 'Closed',
  lockedTitle: 'This discussion takes no new comments.',
  inPeriod: { one: '{n} comment in this period', other: '{n} comments in this period' },
  lastAt: 'latest',
  startedAt: 'started',
  nothing: 'Nothing to show yet.',
  loading: 'Loading…',
  more: 'Show more',
  retry: 'Try again',
  failed: 'The discussions could not be loaded.',
  joined: 'Commenting here since',
  profileMissing: 'This profile is private, or there is none here.',
  profileFailed: 'The profile could not be loaded.',
  commentsBy: 'Comments by {name}',
}
type Plural = { one: string; other: string }
type Words = { [K in keyof typeof en]: (typeof en)[K] extends Plural ? Plural : string }

const ja: Words = {
  discussions: 'ディスカッション',
  discussionsOn: '{site} のディスカッション',
  latest: '新着コメント',
  active: '盛り上がっている話題',
  threads: 'すべてのディスカッション',
  period: '期間',
  day: '過去24時間',
  week: '過去7日間',
  month: '過去30日間',
  on: '記事:',
  locked: '受付終了',
  lockedTitle: 'このディスカッションは新しいコメントを受け付けていません。',
  inPeriod: { one: 'この期間のコメント {n} 件', other: 'この期間のコメント {n} 件' },
  lastAt: '最新',
  startedAt: '開始',
  nothing: 'まだ表示するものがありません。',
  loading: '読み込み中…',
  more: 'さらに表示',
  retry: 'もう一度試す',
  failed: 'ディスカッションを読み込めませんでした。',
  joined: 'このサイトでのコメント開始',
  profileMissing: 'このプロフィールは非公開か、存在しません。',
  profileFailed: 'プロフィールを読み込めませんでした。',
  commentsBy: '{name} さんのコメント',
}

export type WordKey = { [K in keyof Words]: Words[K] extends string ? K : never }[keyof Words]
export type PluralWordKey = { [K in keyof Words]: Words[K] extends Plural ? K : never }[keyof Words]

export function communityWords(lang: 'en' | 'ja') {
  const table: Words = lang === 'ja' ? ja : en
  const plural = new Intl.PluralRules(lang)
  const fill = (text: string, vars: Record<string, string | number>) => text.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''))
  return {
    w: (key: WordKey, vars: Record<string, string | number> = {}) => fill(table[key], vars),
    wn: (key: PluralWordKey, n: number) => fill(table[key][plural.select(n) === 'one' ? 'one' : 'other'], { n }),
  }
}
