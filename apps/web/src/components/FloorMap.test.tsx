import type { SpaceDto, SpaceSnapshot } from '@flare/protocol'
import { fireEvent, render, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { useFlare } from '../store/index.js'
import { FloorMap, initialsOf, STEP } from './FloorMap.js'

const space: SpaceDto = {
  id: 's1',
  name: 'Contact Center',
  mapWidth: 1600,
  mapHeight: 1000,
  timezone: 'UTC',
}

function withSnapshot(): SpaceSnapshot {
  const snapshot: SpaceSnapshot = {
    protocolVersion: 1,
    spaceId: 's1',
    serverTime: '2026-11-23T10:00:00.000Z',
    you: 'u1',
    members: [
      {
        userId: 'u1',
        displayName: 'Dana Reyes',
        role: 'agent',
        x: 800,
        y: 500,
        status: 'available',
        roomId: null,
        connected: true,
      },
      {
        userId: 'u2',
        displayName: 'Eli Novak',
        role: 'agent',
        x: 200,
        y: 150,
        status: 'busy',
        roomId: 'r1',
        connected: false,
      },
    ],
    rooms: [{ id: 'r1', name: 'Huddle Room', x: 80, y: 80, width: 360, height: 240 }],
    escalations: [],
  }
  useFlare.setState({ snapshot })
  return snapshot
}

describe('FloorMap', () => {
  it('names every avatar with status, room and connection for screen readers', () => {
    withSnapshot()
    render(<FloorMap space={space} />)
    expect(screen.getByRole('img', { name: 'Dana Reyes (you), available' })).toBeTruthy()
    expect(
      screen.getByRole('img', { name: 'Eli Novak, busy, in Huddle Room, reconnecting' }),
    ).toBeTruthy()
    expect(screen.getByText('Huddle Room')).toBeTruthy()
  })

  it('[2] walks your avatar with the arrow keys, and not past the edge', () => {
    withSnapshot()
    render(<FloorMap space={space} />)
    const map = screen.getByTestId('map')
    fireEvent.keyDown(map, { key: 'ArrowRight' })
    fireEvent.keyDown(map, { key: 'ArrowDown' })
    const me = useFlare.getState().snapshot?.members.find((m) => m.userId === 'u1')
    expect(me).toMatchObject({ x: 800 + STEP, y: 500 + STEP })
    for (let i = 0; i < 100; i += 1) fireEvent.keyDown(map, { key: 'ArrowUp' })
    expect(useFlare.getState().snapshot?.members.find((m) => m.userId === 'u1')?.y).toBe(24)
  })

  it('ignores keys other than the arrows', () => {
    withSnapshot()
    render(<FloorMap space={space} />)
    fireEvent.keyDown(screen.getByTestId('map'), { key: 'a' })
    expect(useFlare.getState().snapshot?.members.find((m) => m.userId === 'u1')).toMatchObject({
      x: 800,
      y: 500,
    })
  })

  it('zooms in step by step from the fitted size, and out no further than fitting', () => {
    withSnapshot()
    render(<FloorMap space={space} />)
    const svg = () => screen.getByTitle('Map of Contact Center').closest('svg')
    const zoomOut = () => screen.getByRole('button', { name: 'Zoom out' }) as HTMLButtonElement
    expect(svg()?.getAttribute('width')).toBeNull()
    // fitted (unmeasured here: 0.6), zooming out would only show more empty floor
    expect(zoomOut().disabled).toBe(true)
    fireEvent.click(screen.getByRole('button', { name: 'Zoom in' }))
    expect(svg()?.getAttribute('width')).toBe(String(1600 * 0.75))
    fireEvent.click(screen.getByRole('button', { name: 'Zoom in' }))
    expect(svg()?.getAttribute('width')).toBe(String(1600 * 1))
    fireEvent.click(zoomOut())
    expect(svg()?.getAttribute('width')).toBe(String(1600 * 0.75))
    fireEvent.click(zoomOut())
    expect(svg()?.getAttribute('width')).toBeNull()
    fireEvent.click(screen.getByRole('button', { name: 'Zoom in' }))
    fireEvent.click(screen.getByRole('button', { name: 'Fit' }))
    expect(svg()?.getAttribute('width')).toBeNull()
  })
})

describe('initialsOf', () => {
  it('takes the first letters of the first and last names', () => {
    expect(initialsOf('Dana Reyes')).toBe('DR')
    expect(initialsOf('Ana María de la Cruz')).toBe('AC')
    expect(initialsOf('  gus  ')).toBe('G')
  })

  it('keeps a letter made of several code units whole', () => {
    expect(initialsOf('𝒜da Lovelace')).toBe('𝒜L')
  })
})
