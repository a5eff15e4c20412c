import type { BusinessCalendar } from '@flare/protocol'
import { render, screen, within } from '@testing-library/react'
import { userEvent } from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { BusinessHoursEditor } from './BusinessHoursEditor.js'

const WEEKDAYS_9_TO_5: BusinessCalendar = {
  mode: 'same',
  timezone: 'Europe/London',
  workingDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
  start: '09:00',
  end: '17:00',
  holidays: [],
}

function setup(saved: BusinessCalendar = WEEKDAYS_9_TO_5) {
  const onSave = vi.fn(async (_: BusinessCalendar) => null)
  const user = userEvent.setup()
  render(<BusinessHoursEditor title="Business hours" saved={saved} canEdit onSave={onSave} />)
  return {
    onSave,
    user,
    save: () => screen.getByRole('button', { name: 'Save' }) as HTMLButtonElement,
  }
}

describe('BusinessHoursEditor', () => {
  it('[5] keeps Save disabled until something changes, and again once changed back', async () => {
    const { user, save } = setup()
    expect(save().disabled).toBe(true)
    const saturday = screen.getByRole('checkbox', { name: 'Sat' })
    await user.click(saturday)
    expect(save().disabled).toBe(false)
    await user.click(saturday)
    expect(save().disabled).toBe(true)
  })

  it('[5] saves the chosen mode only: same hours on the chosen days', async () => {
    const { user, save, onSave } = setup()
    await user.click(screen.getByRole('checkbox', { name: 'Fri' }))
    const from = screen.getByRole('textbox', { name: 'From' })
    await user.clear(from)
    await user.type(from, '08:30')
    await user.click(save())
    expect(onSave).toHaveBeenCalledWith({
      mode: 'same',
      timezone: 'Europe/London',
      workingDays: ['mon', 'tue', 'wed', 'thu'],
      start: '08:30',
      end: '17:00',
      holidays: [],
    })
  })

  it('[5] switches between the three modes, starting per-day from the same hours', async () => {
    const { user, save, onSave } = setup()
    await user.click(screen.getByRole('radio', { name: 'Different hours per day' }))
    const perDay = screen.getByRole('group', { name: 'Hours per day' })
    expect(within(perDay).getByRole('checkbox', { name: 'Monday' })).toHaveProperty('checked', true)
    expect(within(perDay).getByRole('checkbox', { name: 'Saturday' })).toHaveProperty(
      'checked',
      false,
    )
    // a split shift on Monday
    await user.click(screen.getByRole('button', { name: 'Add an interval on Monday' }))
    expect(screen.getAllByRole('textbox', { name: /Monday interval \d from/ })).toHaveLength(2)

    await user.click(screen.getByRole('radio', { name: '24 / 7' }))
    expect(screen.getByText(/Every minute counts/)).toBeTruthy()
    expect(screen.queryByRole('group', { name: 'Hours per day' })).toBeNull()
    await user.click(save())
    expect(onSave).toHaveBeenLastCalledWith({
      mode: 'always',
      timezone: 'Europe/London',
      holidays: [],
    })

    // switching back loses nothing
    await user.click(screen.getByRole('radio', { name: 'Different hours per day' }))
    expect(screen.getAllByRole('textbox', { name: /Monday interval \d from/ })).toHaveLength(2)
  })

  it('[5] shows validateCalendar’s error at the interval that ends before it starts', async () => {
    const { user, save } = setup({
      mode: 'per-day',
      timezone: 'UTC',
      days: { mon: [{ start: '09:00', end: '12:00' }] },
    })
    const to = screen.getAllByRole('textbox', { name: 'to' })[0]!
    await user.clear(to)
    await user.type(to, '08:00')
    const error = screen.getByRole('alert')
    expect(error.textContent).toContain('End must be after start.')
    expect(to.getAttribute('aria-invalid')).toBe('true')
    expect(to.getAttribute('aria-describedby')).toBe(error.id)
    expect(save().disabled).toBe(true)
  })

  it('[5] refuses an unknown timezone at its field', async () => {
    const { user } = setup()
    const zone = screen.getByRole('combobox', { name: /Timezone/ })
    await user.clear(zone)
    await user.type(zone, 'Mars/Olympus')
    expect(screen.getByRole('alert').textContent).toContain("Unknown IANA timezone 'Mars/Olympus'")
  })

  it('[5] adds and removes holidays', async () => {
    const { user, save, onSave } = setup()
    const date = screen.getByLabelText('Holiday date')
    await user.type(date, '2026-12-25')
    await user.click(screen.getByRole('button', { name: 'Add holiday' }))
    expect(screen.getByRole('button', { name: /Remove the holiday/ })).toBeTruthy()
    await user.click(save())
    expect(onSave.mock.calls[0]?.[0]).toMatchObject({ holidays: ['2026-12-25'] })
  })

  it('shows agents the hours without a way to change them', () => {
    render(
      <BusinessHoursEditor
        title="Business hours"
        saved={WEEKDAYS_9_TO_5}
        canEdit={false}
        onSave={async () => null}
      />,
    )
    expect(screen.queryByRole('button', { name: 'Save' })).toBeNull()
    expect(screen.getByRole('checkbox', { name: 'Mon' }).matches(':disabled')).toBe(true)
  })
})
