import { setSidePanelTab } from '../chat/chat-actions.js'
import { useFlare } from '../store/index.js'
import {
  DEFAULT_PANEL_WIDTH,
  type MainView,
  type PhoneTab,
  type ThemeChoice,
} from '../store/layout-slice.js'

// The workspace's layout actions. What a person chose (panel width, theme) is kept in
// localStorage, so it survives a reload and stays on this device only.

const PANEL_KEY = 'flare:panel-width'
const THEME_KEY = 'flare:theme'
export const PANEL_MIN = 280
export const PANEL_MAX = 640

function stored(key: string): string | null {
  try {
    return window.localStorage.getItem(key)
  } catch {
    return null
  }
}

function store(key: string, value: string): void {
  try {
    window.localStorage.setItem(key, value)
  } catch {
    // private mode or a full quota: the choice lasts for this page only
  }
}

export function clampPanelWidth(width: number): number {
  return Math.round(Math.min(PANEL_MAX, Math.max(PANEL_MIN, width)))
}

/** Reads the remembered panel width and theme, and applies the theme. */
export function loadLayoutPreferences(): void {
  const width = Number(stored(PANEL_KEY))
  const theme = stored(THEME_KEY)
  const choice: ThemeChoice = theme === 'light' || theme === 'dark' ? theme : 'system'
  useFlare.setState({
    panelWidth: Number.isFinite(width) && width > 0 ? clampPanelWidth(width) : DEFAULT_PANEL_WIDTH,
    theme: choice,
  })
  applyTheme(choice)
}

export function setPanelWidth(width: number): void {
  const panelWidth = clampPanelWidth(width)
  useFlare.setState({ panelWidth })
  store(PANEL_KEY, String(panelWidth))
}

function applyTheme(choice: ThemeChoice): void {
  const root = document.documentElement
  if (choice === 'system') delete root.dataset.theme
  else root.dataset.theme = choice
}

export function setTheme(choice: ThemeChoice): void {
  useFlare.setState({ theme: choice })
  store(THEME_KEY, choice)
  applyTheme(choice)
}

/** The map or the inbox in the main pane; the panel leaves its Inbox tab to the main pane. */
export function showMain(view: MainView): void {
  useFlare.setState({ mainView: view })
  if (view === 'inbox' && useFlare.getState().sidePanelTab === 'inbox') setSidePanelTab('hands')
}

export function setPhoneTab(tab: PhoneTab): void {
  useFlare.setState({ phoneTab: tab })
}

export function dismissHandEnded(): void {
  useFlare.setState({ handEnded: null })
}

const WELCOME_KEY = 'flare:welcomed:'

/** Whether this person has seen the first-login explanation on this device. */
export function hasBeenWelcomed(userId: string): boolean {
  return stored(WELCOME_KEY + userId) !== null
}

export function markWelcomed(userId: string): void {
  store(WELCOME_KEY + userId, new Date().toISOString())
}
