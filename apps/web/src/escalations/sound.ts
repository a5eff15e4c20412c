import { Howl } from 'howler'

let alert: Howl | null = null

/**
 * Plays the alert chime once. Every play is also counted on the document element
 * (`data-alerts-played`), which the browser tests read to know the sound was asked for.
 */
export function playAlert(): void {
  alert ??= new Howl({ src: ['/sounds/alert.wav'], volume: 0.8, preload: true })
  alert.play()
  const root = document.documentElement
  root.dataset.alertsPlayed = String(Number(root.dataset.alertsPlayed ?? '0') + 1)
}
