import type { EscalationRecipients, SpaceResponse } from '@flare/protocol'
import { type KeyboardEvent, useId, useState } from 'react'
import { countOf } from '../layout/words.js'
import { type Mentionable, searchMentionables } from '../mentions.js'

interface Props {
  space: Pick<SpaceResponse, 'members' | 'groups'>
  value: EscalationRecipients
  onChange(value: EscalationRecipients): void
  /** You: never offered, you are never notified of your own escalation. */
  selfId: string
  describedBy?: string
}

/**
 * Chooses who a red escalation notifies: users and groups as removable chips. Type (with or
 * without `@`) to search both; arrows move, Enter adds, Backspace on an empty field removes
 * the last chip, Escape closes the suggestions.
 */
export function RecipientPicker({ space, value, onChange, selfId, describedBy }: Props) {
  const [query, setQuery] = useState('')
  const [open, setOpen] = useState(false)
  // ArrowDown in an empty field lists everyone, for whoever does not know whom to type
  const [browsing, setBrowsing] = useState(false)
  const [active, setActive] = useState(0)
  const listId = useId()

  const chosen = new Set([...value.userIds, ...value.groupIds])
  const suggestions = searchMentionables(space, query, { excludeUserIds: [selfId] }).filter(
    (m) => !chosen.has(m.id),
  )
  // suggestions appear once something is typed (or ArrowDown asks), so they never cover the
  // dialog's buttons unasked
  const typed = query.trim() !== ''
  const showList = open && (typed || browsing) && suggestions.length > 0
  const nobody = open && typed && suggestions.length === 0
  const chips: Mentionable[] = [
    ...value.groupIds.flatMap((id) => {
      const g = space.groups.find((x) => x.id === id)
      return g
        ? [
            {
              kind: 'group' as const,
              id,
              label: g.name,
              handle: g.handle,
              memberCount: g.memberIds.length,
            },
          ]
        : []
    }),
    ...value.userIds.flatMap((id) => {
      const m = space.members.find((x) => x.userId === id)
      return m ? [{ kind: 'user' as const, id, label: m.displayName, handle: m.displayName }] : []
    }),
  ]

  function add(m: Mentionable) {
    onChange(
      m.kind === 'user'
        ? { ...value, userIds: [...value.userIds, m.id] }
        : { ...value, groupIds: [...value.groupIds, m.id] },
    )
    setQuery('')
    setActive(0)
    setOpen(false)
    setBrowsing(false)
  }

  function remove(m: Mentionable) {
    onChange({
      userIds: value.userIds.filter((id) => id !== m.id),
      groupIds: value.groupIds.filter((id) => id !== m.id),
    })
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'ArrowDown') {
      event.preventDefault()
      if (!showList) {
        // the first press opens the list on its first suggestion
        setOpen(true)
        setBrowsing(true)
        setActive(0)
        return
      }
      setActive((a) => Math.min(a + 1, suggestions.length - 1))
    } else if (event.key === 'ArrowUp') {
      event.preventDefault()
      setActive((a) => Math.max(a - 1, 0))
    } else if (event.key === 'Enter') {
      // Enter picks a suggestion; it never submits the dialog from here
      event.preventDefault()
      const pick = suggestions[active]
      if (open && pick) add(pick)
    } else if (event.key === 'Backspace' && query === '' && chips.length > 0) {
      const last = chips[chips.length - 1]
      if (last) remove(last)
    } else if (event.key === 'Escape' && showList) {
      event.stopPropagation()
      setOpen(false)
      setBrowsing(false)
    }
  }
  return (
    <div className="recipient-picker">
      {chips.length > 0 && (
        <ul className="chips" aria-label="Recipients">
          {chips.map((c) => (
            <li key={c.id} className={`chip chip-${c.kind}`}>
              <span>{c.kind === 'group' ? `@${c.handle}` : c.label}</span>
              <button
                type="button"
                aria-label={`Remove ${c.kind === 'group' ? `@${c.handle}` : c.label}`}
                onClick={() => remove(c)}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <input
        type="text"
        role="combobox"
        aria-label="Add people or groups to notify"
        aria-expanded={showList}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={showList ? `${listId}-${active}` : undefined}
        aria-describedby={describedBy}
        placeholder="Type @ to search people and groups"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value)
          setOpen(true)
          setActive(0)
        }}
        onBlur={() => {
          setOpen(false)
          setBrowsing(false)
        }}
        onKeyDown={onKeyDown}
      />
      {/* the WAI-ARIA combobox pattern: focus stays in the field, options are pointed at by aria-activedescendant */}
      <ul
        id={listId}
        // biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: the listbox of the combobox pattern
        role="listbox"
        aria-label="Suggestions"
        className="suggestions"
        hidden={!showList}
      >
        {suggestions.map((m, i) => (
          // biome-ignore lint/a11y/useFocusableInteractive: options of the combobox pattern are reached through aria-activedescendant
          <li
            key={m.id}
            id={`${listId}-${i}`}
            // biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: an option of the combobox pattern
            role="option"
            aria-selected={i === active}
            className={i === active ? 'active' : undefined}
            // keep focus in the field: a mouse pick must not blur it first
            onMouseDown={(e) => {
              e.preventDefault()
              add(m)
            }}
          >
            {m.kind === 'group' ? (
              <>
                <strong>@{m.handle}</strong>{' '}
                <span className="muted">
                  {m.label} · {countOf(m.memberCount, 'person', 'people')}
                </span>
              </>
            ) : (
              <>
                <strong>{m.label}</strong> <span className="muted">@{m.handle}</span>
              </>
            )}
          </li>
        ))}
      </ul>
      <p className="picker-empty muted" role="status">
        {nobody ? `No one you can notify matches “${query.trim().replace(/^@/, '')}”.` : ''}
      </p>
    </div>
  )
}
