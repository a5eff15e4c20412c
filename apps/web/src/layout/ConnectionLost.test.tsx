import { act, render, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { useFlare } from '../store/index.js'
import { ConnectionLost } from './ConnectionLost.js'

describe('ConnectionLost', () => {
  it('[10.3] says plainly, in a live region, while the connection is being retried, and goes when it is back', () => {
    act(() => useFlare.setState({ connection: { state: 'connected', message: null } }))
    render(<ConnectionLost />)
    const region = screen.getByRole('status')
    expect(region.textContent).toBe('')
    act(() => useFlare.setState({ connection: { state: 'reconnecting', message: null } }))
    expect(region.textContent).toContain('Connection lost. Reconnecting…')
    expect(region.textContent).toContain('may be out of date')
    act(() => useFlare.setState({ connection: { state: 'connected', message: null } }))
    expect(region.textContent).toBe('')
  })

  it('[10.3] a refusal says why, in one floating line with a Reload button, not a banner over the workspace', () => {
    act(() =>
      useFlare.setState({
        connection: { state: 'refused', message: 'You are no longer a member of this space.' },
      }),
    )
    render(<ConnectionLost />)
    const region = screen.getByRole('status')
    expect(region.textContent).toContain('Not connected. You are no longer a member of this space.')
    expect(screen.getByRole('button', { name: 'Reload' })).toBeTruthy()
  })
})
