// The demo page switches between light and dark, as a real site might; the widget follows.
const button = document.getElementById('theme')
button?.addEventListener('click', () => {
  const dark = document.documentElement.classList.toggle('dark')
  button.setAttribute('aria-pressed', String(dark))
  button.textContent = dark ? 'Light page' : 'Dark page'
})
