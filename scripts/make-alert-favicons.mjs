// Writes the favicons the tab shows while alerts wait: the brand flame with a red badge
// holding the count (1–9, then 9+). Static files, because the page's CSP allows no data: icons.
// Run: node scripts/make-alert-favicons.mjs
import { mkdirSync, writeFileSync } from 'node:fs'

const dir = new URL('../apps/web/public/favicons/', import.meta.url)
mkdirSync(dir, { recursive: true })
const flame =
  '<path fill="#f26b1d" d="M16.6 1.5c.6 4.4-1.3 7-3.6 9.6-2.3 2.6-5 5.3-5 10.1A8.9 8.9 0 0 0 16.9 30c5.2 0 9.1-3.9 9.1-9.3 0-4.3-2.4-7.5-4.6-9.6.2 2.5-.6 4.3-2 5.2.5-5.8-1.2-11.2-2.8-14.8z"/>' +
  '<path fill="#ffd43b" d="M16.5 14.5c.2 2.4-.8 3.7-1.9 5-1.1 1.3-2.3 2.6-2.3 4.9a4.5 4.5 0 0 0 9 0c0-2-1-3.5-2.1-4.6 0 1.2-.4 2-1.1 2.4.2-2.9-.6-5.6-1.6-7.7z"/>'
const icon = (badge) =>
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><title>Flare</title>${flame}${badge}</svg>\n`
writeFileSync(new URL('../favicon.svg', dir), icon(''))
for (const label of ['1', '2', '3', '4', '5', '6', '7', '8', '9', '9+']) {
  const size = label.length > 1 ? 11 : 14
  const badge = `<circle cx="23" cy="9" r="9" fill="#c53030" stroke="#fff" stroke-width="1.5"/><text x="23" y="9" dy="0.36em" text-anchor="middle" font-family="system-ui,sans-serif" font-weight="700" font-size="${size}" fill="#fff">${label}</text>`
  writeFileSync(new URL(`alert-${label === '9+' ? '9plus' : label}.svg`, dir), icon(badge))
}
