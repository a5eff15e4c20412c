import type { Howl } from 'howler'

// howler is loaded on the first alert, not with the page: most page loads never play a sound
let alert: Promise<Howl> | null = null

function loadAlert(): Promise<Howl> {
  alert ??= import('howler').then(
    ({ Howl }) => new Howl({ src: ['/sounds/alert.wav'], volume: 0.8, preload: true }),
  )
  return alert
}

/**
 * Plays the alert chime once. Every play is also counted on the document element
 * (`data-alerts-played`), which the browser tests read to know the sound was asked for.
 */
export function playAlert(): void {
  const root = document.documentElement
  root.dataset.alertsPlayed = String(Number(root.dataset.alertsPlayed ?? '0') + 1)
  void loadAlert().then(
    (howl) => howl.play(),
    () => {
      // the chime is a nicety: the card and the announcement carry the alert without it
      alert = null
    },
  )
}
