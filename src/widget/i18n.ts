// Every word the widget shows, in English and Japanese. Counts go through Intl.PluralRules and
// times through Intl.RelativeTimeFormat: no date or i18n library.
const en = {
  comments: { one: '{n} comment', other: '{n} comments' },
  newComments: { one: 'Show {n} new comment', other: 'Show {n} new comments' },
  arrived: { one: '{n} new comment', other: '{n} new comments' },
  empty: 'No comments yet. Start the conversation.',
  oldest: 'Oldest',
  newest: 'Newest',
  top: 'Top',
  sortBy: 'Sort comments',
  loadMore: 'Load more comments',
  moreReplies: 'Show more replies',
  reply: 'Reply',
  edit: 'Edit',
  delete: 'Delete',
  confirmDelete: 'Delete this comment?',
  hide: 'Hide',
  hideReason: 'Why hide it? (optional; kept in the moderation log)',
  approve: 'Approve',
  moderate: 'Moderate…',
  unhide: 'Show again',
  reject: 'Reject',
  spam: 'Mark as spam',
  remove: 'Delete',
  pin: 'Pin to top',
  unpin: 'Unpin',
  ban7: 'Ban author for 7 days',
  ban: 'Ban author for good',
  'shadow-ban': 'Shadow-ban author',
  trust: 'Trust author (skip approval)',
  done: 'Done.',
  pinned: 'Pinned',
  lock: 'Close comments',
  unlock: 'Reopen comments',
  banned: 'The moderators of this site have stopped you from commenting here.',
  tooManyLinks: 'Your comment has more links than this site allows.',
  cancel: 'Cancel',
  save: 'Save',
  post: 'Post comment',
  postReply: 'Post reply',
  name: 'Your name',
  body: 'Your comment',
  markdownHint: 'Markdown: **bold**, *italic*, [link](https://…), `code`, > quote',
  preview: 'Preview',
  write: 'Write',
  signIn: 'Sign in',
  signOut: 'Sign out',
  signedInAs: 'Signed in as {name}',
  orGuest: 'or comment as a guest',
  signInToComment: 'Sign in to comment.',
  upvote: 'Vote up',
  downvote: 'Vote down',
  score: 'Score {n}',
  collapse: 'Hide replies',
  expand: 'Show replies',
  replyingTo: 'replying to {name}',
  deleted: 'This comment was deleted.',
  deletedUser: 'deleted user',
  pending: 'Awaiting approval: only you can see this for now.',
  hidden: 'Hidden by a moderator.',
  edited: 'edited',
  posted: 'Your comment was posted.',
  closed: 'This discussion is closed to new comments.',
  offline: 'Could not reach the comments server. Check your connection and try again; your text is kept.',
  failed: 'Something went wrong. Your text is kept; try again.',
  tooLong: 'Your comment is too long for this site.',
  rateLimited: 'You are commenting too fast. Wait a moment and try again.',
  comment: 'Comments',
  feed: 'Follow these comments (Atom feed)',
}

type Strings = typeof en
type Plural = { one: string; other: string }

const ja: Strings = {
  comments: { one: 'コメント {n} 件', other: 'コメント {n} 件' },
  newComments: { one: '新しいコメント {n} 件を表示', other: '新しいコメント {n} 件を表示' },
  arrived: { one: '新しいコメント {n} 件', other: '新しいコメント {n} 件' },
  empty: 'まだコメントはありません。最初のコメントをどうぞ。',
  oldest: '古い順',
  newest: '新しい順',
  top: '評価順',
  sortBy: 'コメントの並べ替え',
  loadMore: 'コメントをさらに読み込む',
  moreReplies: '返信をさらに表示',
  reply: '返信',
  edit: '編集',
  delete: '削除',
  confirmDelete: 'このコメントを削除しますか？',
  hide: '非表示',
  hideReason: '非表示にする理由（任意・モデレーション記録に残ります）',
  approve: '承認',
  moderate: 'モデレート…',
  unhide: '再表示',
  reject: '却下',
  spam: 'スパムにする',
  remove: '削除',
  pin: '先頭に固定',
  unpin: '固定を解除',
  ban7: '投稿者を7日間ブロック',
  ban: '投稿者を無期限ブロック',
  'shadow-ban': '投稿者をシャドウバン',
  trust: '投稿者を信頼（承認不要）',
  done: '完了しました。',
  pinned: '固定',
  lock: 'コメントを締め切る',
  unlock: 'コメントを再開',
  banned: 'このサイトのモデレーターにより、ここでのコメントが制限されています。',
  tooManyLinks: 'このサイトで許可されているより多くのリンクが含まれています。',
  cancel: 'キャンセル',
  save: '保存',
  post: 'コメントを投稿',
  postReply: '返信を投稿',
  name: 'お名前',
  body: 'コメント',
  markdownHint: 'Markdown: **太字**、*斜体*、[リンク](https://…)、`コード`、> 引用',
  preview: 'プレビュー',
  write: '編集に戻る',
  signIn: 'ログイン',
  signOut: 'ログアウト',
  signedInAs: '{name} としてログイン中',
  orGuest: 'またはゲストとしてコメント',
  signInToComment: 'コメントするにはログインしてください。',
  upvote: '高評価',
  downvote: '低評価',
  score: '評価 {n}',
  collapse: '返信を隠す',
  expand: '返信を表示',
  replyingTo: '{name} さんへの返信',
  deleted: 'このコメントは削除されました。',
  deletedUser: '退会したユーザー',
  pending: '承認待ち：今はあなたにだけ表示されています。',
  hidden: 'モデレーターにより非表示になりました。',
  edited: '編集済み',
  posted: 'コメントを投稿しました。',
  closed: 'この議論は新しいコメントを受け付けていません。',
  offline: 'コメントサーバーに接続できませんでした。接続を確認してもう一度お試しください。入力した文章は残っています。',
  failed: 'エラーが発生しました。入力した文章は残っています。もう一度お試しください。',
  tooLong: 'コメントがこのサイトの上限を超えています。',
  rateLimited: '投稿の間隔が短すぎます。少し待ってからもう一度お試しください。',
  comment: 'コメント',
  feed: 'このコメントをフィードで購読（Atom）',
}

export type Lang = 'en' | 'ja'
type Key = { [K in keyof Strings]: Strings[K] extends string ? K : never }[keyof Strings]
type PluralKey = { [K in keyof Strings]: Strings[K] extends Plural ? K : never }[keyof Strings]

export function pickLang(requested: string | undefined): Lang {
  return (requested ?? '').toLowerCase().startsWith('ja') ? 'ja' : 'en'
}

export function translator(lang: Lang) {
  const table = lang === 'ja' ? ja : en
  const plural = new Intl.PluralRules(lang)
  const relative = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' })
  const exact = new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeStyle: 'short' })
  const fill = (text: string, vars: Record<string, string | number>) => text.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''))
  const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
    ['year', 31_536_000], ['month', 2_592_000], ['week', 604_800], ['day', 86_400], ['hour', 3_600], ['minute', 60],
  ]
  return {
    lang,
    t: (key: Key, vars: Record<string, string | number> = {}) => fill(table[key], vars),
    n: (key: PluralKey, n: number) => fill(table[key][plural.select(n) === 'one' ? 'one' : 'other'], { n }),
    ago(date: Date, now = Date.now()): string {
      const seconds = Math.round((date.getTime() - now) / 1000)
      for (const [unit, size] of UNITS) if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit)
      return relative.format(0, 'second')
    },
    exact: (date: Date) => exact.format(date),
  }
}

export type Translator = ReturnType<typeof translator>
