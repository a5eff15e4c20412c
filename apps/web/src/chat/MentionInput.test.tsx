import { render, screen } from '@testing-library/react'
import { userEvent } from '@testing-library/user-event'
import { useState } from 'react'
import { describe, expect, it, vi } from 'vitest'
import { type Mentionable, searchMentionables } from '../mentions.js'
import { space, TIER1 } from './chat-fixtures.js'
import { MentionInput } from './MentionInput.js'

function Harness({
  onPick,
  onSubmit,
  multiline,
}: {
  onPick(m: Mentionable): void
  onSubmit?(): void
  multiline?: boolean
}) {
  const [value, setValue] = useState('')
  return (
    <>
      <label htmlFor="m">Message</label>
      <MentionInput
        id="m"
        value={value}
        onChange={setValue}
        onPick={onPick}
        onSubmit={onSubmit}
        multiline={multiline}
        suggest={(q) => searchMentionables(space, q)}
      />
    </>
  )
}

describe('the @mention autocomplete', () => {
  it('[2] typing @ suggests users and groups; arrows move, Enter picks and inserts the handle', async () => {
    const onPick = vi.fn()
    const user = userEvent.setup()
    render(<Harness onPick={onPick} />)
    const input = screen.getByRole('combobox', { name: 'Message' }) as HTMLInputElement
    await user.type(input, 'ask ')
    expect(input.getAttribute('aria-expanded')).toBe('false')
    await user.type(input, '@')
    const labels = screen.getAllByRole('option').map((o) => o.textContent)
    expect(labels).toEqual(
      expect.arrayContaining([
        expect.stringContaining('Tier 1 support'),
        expect.stringContaining('Eli Novak'),
      ]),
    )
    await user.type(input, 'e')
    const options = screen.getAllByRole('option')
    expect(options[0]?.textContent).toContain('Eli Novak')
    expect(input.getAttribute('aria-activedescendant')).toBe(options[0]?.id)
    // the arrows wrap around
    await user.keyboard('{ArrowUp}')
    expect(input.getAttribute('aria-activedescendant')).toBe(options.at(-1)?.id)
    await user.keyboard('{ArrowDown}{Enter}')
    expect(input.value).toBe('ask @eli.novak ')
    expect(onPick).toHaveBeenCalledWith(
      expect.objectContaining({ kind: 'user', label: 'Eli Novak' }),
    )
    expect(input.getAttribute('aria-expanded')).toBe('false')
  })

  it('Escape closes the suggestions, and Enter then sends what was typed', async () => {
    const onPick = vi.fn()
    const onSubmit = vi.fn()
    const user = userEvent.setup()
    render(<Harness onPick={onPick} onSubmit={onSubmit} />)
    const input = screen.getByRole('combobox', { name: 'Message' }) as HTMLInputElement
    await user.type(input, 'hi @ti')
    expect(input.getAttribute('aria-expanded')).toBe('true')
    await user.keyboard('{Escape}')
    expect(input.getAttribute('aria-expanded')).toBe('false')
    expect(screen.queryAllByRole('option')).toEqual([])
    await user.keyboard('{Enter}')
    expect(onSubmit).toHaveBeenCalledTimes(1)
    expect(onPick).not.toHaveBeenCalled()
    expect(input.value).toBe('hi @ti')
  })

  it('picks a group with the mouse too', async () => {
    const onPick = vi.fn()
    const user = userEvent.setup()
    render(<Harness onPick={onPick} />)
    const input = screen.getByRole('combobox', { name: 'Message' }) as HTMLInputElement
    await user.type(input, '@tier')
    await user.click(screen.getByRole('option', { name: /Tier 1 support/ }))
    expect(input.value).toBe('@tier1 ')
    expect(onPick).toHaveBeenCalledWith(expect.objectContaining({ kind: 'group', id: TIER1 }))
  })

  it('[2.3.3] in a multi-line box: the same keys pick, the status says how many, Shift+Enter is a new line', async () => {
    const onPick = vi.fn()
    const onSubmit = vi.fn()
    const user = userEvent.setup()
    render(<Harness onPick={onPick} onSubmit={onSubmit} multiline />)
    const input = screen.getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement
    expect(input.tagName).toBe('TEXTAREA')
    await user.type(input, 'first line{Shift>}{Enter}{/Shift}ask @e')
    const options = screen.getAllByRole('option')
    expect(screen.getByRole('status').textContent).toBe(
      `${options.length} suggestions, arrows to choose, Enter to pick`,
    )
    expect(input.getAttribute('aria-autocomplete')).toBe('list')
    expect(input.getAttribute('aria-activedescendant')).toBe(options[0]?.id)
    await user.keyboard('{ArrowDown}{ArrowUp}{Enter}')
    expect(input.value).toBe('first line\nask @eli.novak ')
    expect(onPick).toHaveBeenCalledWith(expect.objectContaining({ label: 'Eli Novak' }))
    expect(onSubmit).not.toHaveBeenCalled()
    expect(screen.getByRole('status').textContent).toBe('')
    await user.keyboard('{Enter}')
    expect(onSubmit).toHaveBeenCalledTimes(1)
    expect(input.value).toBe('first line\nask @eli.novak ')
  })
})
