// The demo page is light or dark as the reader's system is, and follows it when it changes,
// until the reader presses the switch (a real site might do either); the widget follows the page.
const button = document.getElementById('theme')
const system = matchMedia('(prefers-color-scheme: dark)')
let chosen = false
function apply(dark) {
  document.documentElement.classList.toggle('dark', dark)
  button?.setAttribute('aria-pressed', String(dark))
  if (button) button.textContent = dark ? 'Light page' : 'Dark page'
}
apply(system.matches)
system.addEventListener('change', (event) => {
  if (!chosen) apply(event.matches)
})
button?.addEventListener('click', () => {
  chosen = true
  apply(!document.documentElement.classList.contains('dark'))
})
