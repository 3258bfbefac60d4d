// The seeded discussion under the demo article: readers with different stakes, in English and
// Japanese, replies several levels deep. `at` is hours after publication; `up`/`down` are votes.
export interface SeedComment {
  ref: string
  parent?: string
  name: string
  at: number
  body: string
  up?: number
  down?: number
  /** Edited this many hours after posting, to this text. */
  edit?: { after: number; body: string }
  /** Removed by its author later (it has replies, so it stays as a tombstone). */
  removed?: boolean
}

/**
 * Who has an account among the commenters (the rest are guests): readers, and the site's
 * moderator, whose comments carry a badge. Everyone else shows how guests look.
 */
export const DEMO_ACCOUNTS: Record<string, 'reader' | 'moderator'> = {
  'Mika (illustrator)': 'reader',
  'Daniel, ML engineer': 'reader',
  'Emily (translator)': 'reader',
  'Nao (comments editor)': 'moderator',
}

export const DISCUSSION: SeedComment[] = [
  { ref: 'ill', name: 'Mika (illustrator)', at: 1, up: 5, body: 'I have drawn for a living for twelve years. "Information analysis" sounds harmless until a model can produce a page **in my style** in four seconds. The law talks about the *holder\'s interests*; nobody asked the holders what those are.' },
  { ref: 'ml', parent: 'ill', name: 'Daniel, ML engineer', at: 2, up: 3, down: 1, body: 'Training is not copying, though. The weights do not contain your pages. What you are describing is output that imitates a style, which is a different question from whether the model may *look* at the work.' },
  { ref: 'ill2', parent: 'ml', name: 'Mika (illustrator)', at: 3, up: 4, body: 'If the output competes with me in my own market, the distinction is academic for my rent.' },
  { ref: 'law', parent: 'ill2', name: '佐藤（弁護士）', at: 5, up: 4, body: '2024年の文化庁の「AIと著作権に関する考え方」では、特定のクリエイターの作品を意図的・集中的に学習させて表現を再現する目的なら、30条の4の対象外となり得るとされています。線引きは「作風」ではなく「表現」です。' },
  { ref: 'ml2', parent: 'law', name: 'Daniel, ML engineer', at: 6, body: 'That matches how I read it: fine-tuning on one artist to clone them is the risky case, broad pre-training is not.' },
  { ref: 'stu', parent: 'ml2', name: 'Yuki (student)', at: 8, body: 'But who checks? A LoRA trained on one artist takes an afternoon and nobody publishes their dataset.' },
  { ref: 'ml3', parent: 'stu', name: 'Daniel, ML engineer', at: 9, body: 'Fair. Enforcement is the weak part of every proposal I have seen, not only Japan\'s.' },
  { ref: 'pub', name: 'A publisher in Jimbocho', at: 4, up: 6, body: 'Publishers are not against AI. We are against being the free raw material for it. A licensing market would have given creators a share; the 2023 stance took away the reason to build one.' },
  { ref: 'pubr', parent: 'pub', name: 'Hiro', at: 7, up: 2, body: '> A licensing market would have given creators a share\n\nWould it, though? Collective licensing schemes have a habit of paying the biggest rights holders and almost nobody else.' },
  { ref: 'pubr2', parent: 'pubr', name: 'A publisher in Jimbocho', at: 10, body: 'Some do. That is an argument for designing one well, not for having none.' },
  { ref: 'data', name: 'Kenji', at: 6, up: 7, body: '日本語のデータが英語に比べて圧倒的に少ない、というのが議論の出発点だと思います。相互主義を求めるなら、海外の文献へのアクセスも同じくらい真剣に交渉すべきでは。' },
  { ref: 'datar', parent: 'data', name: 'Emily (translator)', at: 9, up: 2, body: 'As someone who translates between the two: the gap is real. Most public Japanese text online is far noisier than the English equivalent, which matters more than raw volume.' },
  { ref: 'mod', parent: 'pub', name: 'Nao (comments editor)', at: 10.5, up: 3, body: 'A reminder while this heats up: argue with the idea, not the person. The Agency for Cultural Affairs\' 2024 paper is linked in the article for anyone who wants the text rather than the headlines.' },
  { ref: 'gone', name: 'Anonymous reader', at: 11, removed: true, body: 'This whole thing is a gift to big tech, full stop.' },
  { ref: 'goner', parent: 'gone', name: 'Hiro', at: 12, up: 1, body: 'Japan\'s biggest AI players are not the American giants, though. The stance was aimed at domestic firms.' },
  { ref: 'goner2', parent: 'goner', name: 'Aoi', at: 13, body: 'Domestic or not, the models are trained on the same scraped web.' },
  { ref: 'tdm', name: 'Sam (web developer)', at: 14, up: 5, edit: { after: 1, body: 'The part about sites that **technically opt out** is the practical one. There is a standard for saying so: [TDMRep](https://www.w3.org/community/tdmrep/), a header and a small JSON file. This page sends it. Whether crawlers read it is another matter.' }, body: 'The part about sites that technically opt out is the practical one. There is a standard for it: TDMRep.' },
  { ref: 'tdmr', parent: 'tdm', name: 'Daniel, ML engineer', at: 15, body: 'For what it is worth, serious labs do honour robots.txt-style signals now. The long tail of scrapers does not.' },
  { ref: 'code', parent: 'tdmr', name: 'Sam (web developer)', at: 16, body: 'The header is one line:\n\n```http\ntdm-reservation: 1\n```\n\nCheap enough that every comment platform should send it by default.' },
]

// A long thread: more top-level comments than one page holds, so "load more" has work to do.
const SHORT = [
  ['Naoko', '読み応えのある記事でした。'],
  ['Tom', 'Good summary of a messy topic.'],
  ['健太', '30条の4、名前だけは知っていましたが中身は初めて読みました。'],
  ['Priya', 'I would love a follow-up on how other countries handled the same question.'],
  ['さくら', 'イラストレーターの友人はみんな不安がっています。'],
  ['Lucas', 'The reciprocity argument is underrated.'],
  ['Rin', '学生としては、研究が進むのはありがたい面もあります。'],
  ['Oliver', 'Nobody in this thread has mentioned music yet.'],
  ['真理', '文化庁の考え方、もっと知られるべきだと思う。'],
  ['Grace', 'Bookmarking this for my copyright class.'],
  ['Sho', 'Technical opt-outs only work if they are cheap for small sites.'],
  ['Hannah', 'Thoughtful piece, thank you.'],
  ['大輔', '海外の反応も知りたいです。'],
  ['Mateo', 'Style is not protected anywhere, as far as I know. Expression is.'],
  ['Aya', 'コメント欄が荒れていないのが素晴らしい。'],
  ['Ben', 'Came here from the newsletter. Good discussion.'],
] as const

for (const [i, [name, body]] of SHORT.entries()) DISCUSSION.push({ ref: `short${i}`, name, at: 20 + i * 3, body, up: i % 4 === 0 ? 1 : 0 })

// And one long reply chain, past the ten replies a page shows per branch.
DISCUSSION.push({ ref: 'chain0', name: 'Yuki (student)', at: 30, body: 'Quick poll for the thread: should training on a work need the author\'s consent? Reply yes or no, with a reason.' })
const VOICES = ['Hiro: no, but outputs should be policed', 'Mika: yes, or at least an opt-out that works', 'Kenji: 条件付きで賛成', 'Emily: opt-out, not consent', 'Tom: no', 'Aoi: yes', 'Sam: opt-out by default, consent for fine-tuning', 'Naoko: わからない', 'Priya: yes for living artists', 'Lucas: no', 'Grace: depends on the market harm', 'Ben: no, but pay into a fund']
for (const [i, voice] of VOICES.entries()) {
  const [name, body] = voice.split(': ') as [string, string]
  DISCUSSION.push({ ref: `chainr${i}`, parent: 'chain0', name, at: 31 + i, body })
}
