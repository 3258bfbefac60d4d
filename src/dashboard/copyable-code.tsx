import type { Child } from 'hono/jsx'

/**
 * Code to copy (the embed snippet, a signing secret) with its Copy button, which dashboard.js
 * wires up; `extra` joins the button's row. One per page: the status line has a fixed id.
 */
export function CopyableCode(props: { id: string; code: string; extra?: Child }) {
  return (
    <>
      <pre class="snippet">
        <code id={props.id}>{props.code}</code>
      </pre>
      <p class="copy-row">
        <button type="button" data-copy={props.id}>
          Copy
        </button>
        <span class="copied" role="status" id="copy-status"></span>
        {props.extra}
      </p>
    </>
  )
}
