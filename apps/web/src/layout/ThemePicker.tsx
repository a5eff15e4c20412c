import { useFlare } from '../store/index.js'
import type { ThemeChoice } from '../store/layout-slice.js'
import { setTheme } from './layout-actions.js'

const CHOICES: Array<[ThemeChoice, string]> = [
  ['system', 'System'],
  ['light', 'Light'],
  ['dark', 'Dark'],
]

/** Light, dark, or whatever the system prefers (the default); remembered on this device. */
export function ThemePicker() {
  const theme = useFlare((s) => s.theme)
  return (
    <label className="theme-picker">
      <svg className="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <path
          fill="currentColor"
          d="M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 2v16a8 8 0 0 0 0-16z"
        />
      </svg>
      <span className="sr-only">Theme</span>
      <select
        value={theme}
        onChange={(e) => {
          const choice = CHOICES.find(([value]) => value === e.target.value)
          if (choice) setTheme(choice[0])
        }}
      >
        {CHOICES.map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
    </label>
  )
}
