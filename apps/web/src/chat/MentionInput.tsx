import {
  type ChangeEvent,
  type KeyboardEvent,
  type ReactNode,
  useLayoutEffect,
  useRef,
  useState,
} from 'react'
import type { Mentionable } from '../mentions.js'

interface MentionInputProps {
  id: string
  value: string
  onChange(value: string): void
  /** Someone was picked from the suggestions; their `@handle` is already in the text. */
  onPick(picked: Mentionable): void
  /** Enter while no suggestion list is open. */
  onSubmit?(): void
  /** The suggestions for what was typed after `@`. */
  suggest(query: string): Mentionable[]
  /** Suggest for the whole text, without waiting for an `@` (a "who" picker). */
  whole?: boolean
  /**
   * A text box of several lines that grows with its text (up to a limit, then scrolls): Enter
   * still submits, Shift+Enter starts a new line.
   */
  multiline?: boolean
  placeholder?: string
  disabled?: boolean
  describedBy?: string
  maxLength?: number
}

interface Token {
  /** Where the `@` (or the text, when `whole`) starts. */
  start: number
  end: number
  query: string
}

function tokenAt(value: string, caret: number, whole: boolean): Token | null {
  if (whole) return { start: 0, end: value.length, query: value }
  const match = /(^|\s)@([^\s@]{0,40})$/.exec(value.slice(0, caret))
  if (!match) return null
  const query = match[2] ?? ''
  return { start: caret - query.length - 1, end: caret, query }
}

type Field = HTMLInputElement | HTMLTextAreaElement

/**
 * A text field with `@` mention suggestions (users and groups): the ARIA combobox pattern, so
 * arrows move through the suggestions, Enter or Tab picks, Escape closes them. A `multiline`
 * one is a textarea, whose role stays a (multi-line) text box, as ARIA in HTML allows no other:
 * it keeps the combobox's keys, `aria-autocomplete` and the active option, and says in a status
 * how many suggestions are open since a text box has no `aria-expanded`.
 */
export function MentionInput(props: MentionInputProps) {
  const { id, value, onChange, onPick, onSubmit, suggest, whole = false, multiline = false } = props
  const input = useRef<Field | null>(null)
  const [token, setToken] = useState<Token | null>(null)
  const [active, setActive] = useState(0)
  const [dismissed, setDismissed] = useState(false)
  const caretAfterPick = useRef<number | null>(null)

  const options = token ? suggest(token.query) : []
  const open = token !== null && !dismissed && options.length > 0
  const listId = `${id}-suggestions`
  const optionId = (index: number) => `${id}-suggestion-${index}`

  useLayoutEffect(() => {
    if (caretAfterPick.current === null || !input.current) return
    input.current.setSelectionRange(caretAfterPick.current, caretAfterPick.current)
    caretAfterPick.current = null
  })

  // a multi-line box as tall as its text (CSS caps it, and then it scrolls)
  // biome-ignore lint/correctness/useExhaustiveDependencies: the height follows the text
  useLayoutEffect(() => {
    const box = input.current
    if (!multiline || !box) return
    box.style.height = 'auto'
    box.style.height = `${box.scrollHeight + box.offsetHeight - box.clientHeight}px`
  }, [multiline, value])

  function track(next: string, caret: number) {
    const found = next === '' && whole ? null : tokenAt(next, caret, whole)
    setToken(found)
    setActive(0)
    setDismissed(false)
  }

  function onInput(event: ChangeEvent<Field>) {
    const next = event.target.value
    onChange(next)
    track(next, event.target.selectionStart ?? next.length)
  }

  function pick(option: Mentionable) {
    if (!token) return
    const inserted = whole ? '' : `@${option.handle} `
    const next = value.slice(0, token.start) + inserted + value.slice(token.end)
    caretAfterPick.current = token.start + inserted.length
    onChange(next)
    onPick(option)
    setToken(null)
  }

  function onKeyDown(event: KeyboardEvent<Field>) {
    // Enter that ends an input method's composition (Japanese, Chinese…) only ends that
    if (event.nativeEvent.isComposing) return
    if (open) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault()
        const delta = event.key === 'ArrowDown' ? 1 : -1
        setActive((a) => (a + delta + options.length) % options.length)
        return
      }
      if ((event.key === 'Enter' && !event.shiftKey) || event.key === 'Tab') {
        const option = options[Math.min(active, options.length - 1)]
        if (option) {
          event.preventDefault()
          pick(option)
        }
        return
      }
      if (event.key === 'Escape') {
        event.preventDefault()
        setDismissed(true)
        return
      }
    }
    if (event.key === 'Enter' && !event.shiftKey && onSubmit) {
      event.preventDefault()
      onSubmit()
    }
  }

  const shared = {
    ref: (element: Field | null) => {
      input.current = element
    },
    id,
    autoComplete: 'off',
    'aria-autocomplete': 'list',
    'aria-controls': listId,
    'aria-activedescendant': open ? optionId(active) : undefined,
    'aria-describedby': props.describedBy,
    placeholder: props.placeholder,
    disabled: props.disabled,
    maxLength: props.maxLength,
    value,
    onChange: onInput,
    onKeyDown,
    onClick: (event: { currentTarget: Field }) =>
      track(value, event.currentTarget.selectionStart ?? value.length),
    onBlur: () => setDismissed(true),
  } as const
  let field: ReactNode
  if (multiline) {
    field = <textarea {...shared} rows={1} enterKeyHint="send" />
  } else {
    field = <input {...shared} type="text" role="combobox" aria-expanded={open} />
  }

  return (
    <div className="mention-input">
      {field}
      {multiline && (
        <span role="status" className="sr-only">
          {open
            ? `${options.length} ${options.length === 1 ? 'suggestion' : 'suggestions'}, arrows to choose, Enter to pick`
            : ''}
        </span>
      )}
      <div
        id={listId}
        role="listbox"
        aria-label="Suggestions"
        className="mention-options"
        hidden={!open}
      >
        {open &&
          options.map((option, index) => (
            // biome-ignore lint/a11y/useKeyWithClickEvents: the combobox's input handles the keys
            // biome-ignore lint/a11y/useFocusableInteractive: options are reached through the input's aria-activedescendant, never focused
            <div
              key={`${option.kind}-${option.id}`}
              id={optionId(index)}
              role="option"
              aria-selected={index === active}
              className={index === active ? 'mention-option active' : 'mention-option'}
              // keep the focus in the input, which owns the keyboard
              onMouseDown={(event) => event.preventDefault()}
              onClick={() => pick(option)}
            >
              <span className="mention-label">{option.label}</span>{' '}
              <span className="mention-handle">
                @{option.handle}
                {option.kind === 'group' &&
                  ` · group of ${option.memberCount} ${option.memberCount === 1 ? 'person' : 'people'}`}
              </span>
            </div>
          ))}
      </div>
    </div>
  )
}
