import type { WallboardDto } from '@flare/protocol/client'
import { render, screen, within } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import { useFlare } from '../store/index.js'
import { NO_PERSPECTIVE_FILTER } from '../store/supervisor-slice.js'
import { perspectiveRow } from './perspective-fixtures.js'

const board: WallboardDto = {
  id: 'w1',
  name: 'Floor 2 TV',
  inboxId: null,
  prefix: 'flw_31a7et',
  createdBy: null,
  createdAt: '2026-11-23T10:00:00.000Z',
  lastSeenAt: null,
}

// the panels load through the actions; these answer at once, without a server
vi.mock('./supervisor-actions.js', () => ({
  fetchWallboards: async () => ({ ok: true, value: [board] }),
  createWallboard: async () => ({ ok: false, message: 'not in this test' }),
  revokeWallboard: async () => ({ ok: true, value: null }),
  fetchRules: async () => ({ ok: true, value: [] }),
  loadPerspective: async () => {},
  loadMorePerspective: async () => {},
  resetPerspectiveFilter: async () => {},
}))

const { PerspectivePanel } = await import('./PerspectivePanel.js')
const { WallboardsPanel } = await import('./WallboardsPanel.js')

const item = perspectiveRow('t1', '2026-11-23T10:00:00.000Z', {
  firingId: 'f1',
  ticket: { ...perspectiveRow('t1', '').ticket, subject: 'Parcel never arrived' },
})

/**
 * On a phone each row is a card whose cells say what they are (supervisor.css reads the
 * label from data-label): every cell but the card's title and its buttons has the label of
 * its column.
 */
function expectLabelledCells(table: HTMLElement) {
  const headers = within(table)
    .getAllByRole('columnheader')
    .map((th) => th.textContent)
  for (const row of within(table).getAllByRole('row').slice(1)) {
    const cells = [...row.querySelectorAll('td')]
    expect(cells).toHaveLength(headers.length)
    cells.forEach((cell, i) => {
      if (cell.classList.contains('card-title') || cell.classList.contains('card-actions')) return
      expect(cell.dataset.label).toBe(headers[i])
    })
  }
  expect(table.classList.contains('cards')).toBe(true)
}

describe('the supervisor tables on a phone', () => {
  it('[8.3.1] each escalated ticket is a card of labelled values', () => {
    useFlare.setState({
      perspective: {
        status: 'ready',
        message: null,
        filter: NO_PERSPECTIVE_FILTER,
        items: [item],
        nextCursor: null,
      },
    })
    render(<PerspectivePanel />)
    const table = screen.getByRole('table', { name: /Escalated tickets/ })
    expectLabelledCells(table)
    expect(within(table).getByText('Not yet').closest('td')?.dataset.label).toBe('Acknowledged')
  })

  it('[8.5.1] each wallboard link is a card, its Revoke button named for it', async () => {
    render(<WallboardsPanel />)
    const table = await screen.findByRole('table', { name: 'Wallboard links' })
    expectLabelledCells(table)
    expect(within(table).getByRole('button', { name: 'Revoke Floor 2 TV' })).toBeTruthy()
  })
})
