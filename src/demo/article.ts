import { html } from 'hono/html'

// The demo article: an explainer of our own, written from ../shared/demo-facts.md.
export const DEMO_SITE_ID = 'demo'
export const DEMO_KEY = 'japan-ai-training-copyright'
export const DEMO_TITLE = 'Japan let AI train on copyrighted work. The argument is not over.'

export function demoPage(published: Date) {
  const date = published.toISOString().slice(0, 10)
  return html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="color-scheme" content="light dark" />
    <title>${DEMO_TITLE} · The Engawa Review</title>
    <link rel="stylesheet" href="/static/demo.css" />
  </head>
  <body>
    <header class="masthead"><a href="/demo">The Engawa Review</a><button type="button" id="theme" aria-pressed="false">Dark page</button></header>
    <main>
      <article>
        <p class="kicker">Technology · Law</p>
        <h1>${DEMO_TITLE}</h1>
        <p class="byline">By the Engawa demo desk · <time datetime="${date}">${date}</time></p>
        <p class="lede">
          In the spring of 2023 Japan's government made clear that copyright would not be allowed to slow down the
          training of artificial intelligence. Three years later, creators, engineers and lawyers still disagree about
          what exactly was decided.
        </p>
        <p>
          The stance, reported widely at the end of May 2023, did not need a new law. It rests on Article 30-4 of the
          Copyright Act, added in the 2018 amendment and in force since 2019, which lets anyone use a work for
          "information analysis" without asking its rights holder, unless doing so would unreasonably harm that
          holder's interests.
        </p>
        <p>
          The government's reasoning was industrial. Officials saw Japan's AI developers held back by uncertainty over
          what they could learn from, with anime and other visual media named most often. Business groups and
          universities welcomed the clarity. Many illustrators, manga artists and animators did not: if a model can
          learn from their pages for free, they asked, what is left of the value of the pages?
        </p>
        <h2>A question of data, and of fairness</h2>
        <p>
          Part of the argument is about supply. There is far less Japanese-language text and imagery to train on than
          there is English, and Japanese officials have framed access as a matter of reciprocity: if systems built
          abroad learn from Japanese culture, Japanese systems should be able to learn from the rest of the world's.
        </p>
        <p>
          In 2024 the Agency for Cultural Affairs published its "Approach to AI and Copyright", which reads the
          exception more narrowly. Training deliberately and intensively on one creator's work in order to reproduce
          their style of expression may fall outside Article 30-4, the agency said, and so may collecting material from
          a website that has put technical measures in place against use for AI training.
        </p>
        <p>
          That last point is why this comment section, like every Engawa thread, tells machines in a standard,
          machine-readable way that the words below are not offered for text and data mining. Whether the signal is
          honoured is, for now, another open question. What do you think?
        </p>
      </article>
      <section class="comments" aria-label="Reader comments">
        <div id="engawa"></div>
        <script src="/embed.js" data-site="${DEMO_SITE_ID}" data-key="${DEMO_KEY}" async></script>
      </section>
    </main>
    <script src="/static/demo.js" defer></script>
  </body>
</html>`
}
