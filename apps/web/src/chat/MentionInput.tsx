import { type ChangeEvent, type KeyboardEvent, useLayoutEffect, useRef, useState } from 'react'
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

/**
 * A text field with `@` mention suggestions (users and groups): the ARIA combobox pattern, so
 * arrows move through the suggestions, Enter or Tab picks, Escape closes them.
 */
export function MentionInput(props: MentionInputProps) {
  const { id, value, onChange, onPick, onSubmit, suggest, whole = false } = props
  const input = useRef<HTMLInputElement>(null)
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

  function track(next: string, caret: number) {
    const found = next === '' && whole ? null : tokenAt(next, caret, whole)
    setToken(found)
    setActive(0)
    setDismissed(false)
  }

  function onInput(event: ChangeEvent<HTMLInputElement>) {
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

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (open) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault()
        const delta = event.key === 'ArrowDown' ? 1 : -1
        setActive((a) => (a + delta + options.length) % options.length)
        return
      }
      if (event.key === 'Enter' || event.key === 'Tab') {
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
    if (event.key === 'Enter' && onSubmit) {
      event.preventDefault()
      onSubmit()
    }
  }

  return (
    <div className="mention-input">
      <input
        ref={input}
        id={id}
        type="text"
        autoComplete="off"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={listId}
        aria-activedescendant={open ? optionId(active) : undefined}
        aria-describedby={props.describedBy}
        placeholder={props.placeholder}
        disabled={props.disabled}
        maxLength={props.maxLength}
        value={value}
        onChange={onInput}
        onKeyDown={onKeyDown}
        onClick={(event) => track(value, event.currentTarget.selectionStart ?? value.length)}
        onBlur={() => setDismissed(true)}
      />
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
