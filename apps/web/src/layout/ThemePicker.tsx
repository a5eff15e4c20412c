import { useFlare } from '../store/index.js'
import type { ThemeChoice } from '../store/layout-slice.js'
import { ThemeIcon } from './icons.js'
import { setTheme } from './layout-actions.js'

/** The theme choices, in the order both pickers (this one and the account menu's) show them. */
export const THEME_CHOICES: ReadonlyArray<readonly [ThemeChoice, string]> = [
  ['system', 'System'],
  ['light', 'Light'],
  ['dark', 'Dark'],
]

/** Light, dark, or whatever the system prefers (the default); remembered on this device. */
export function ThemePicker() {
  const theme = useFlare((s) => s.theme)
  return (
    <label className="theme-picker">
      <ThemeIcon />
      <span className="sr-only">Theme</span>
      <select
        value={theme}
        onChange={(e) => {
          const choice = THEME_CHOICES.find(([value]) => value === e.target.value)
          if (choice) setTheme(choice[0])
        }}
      >
        {THEME_CHOICES.map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
    </label>
  )
}
