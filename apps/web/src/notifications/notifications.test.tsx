import type { DeliveryDto, NotificationTemplateDto, UserDto } from '@flare/protocol'
import { render, screen, within } from '@testing-library/react'
import { userEvent } from '@testing-library/user-event'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { DeliveryLogPage } from './DeliveryLogPage.js'
import { TemplateEditor } from './TemplateEditor.js'

const SPACE = '0b6c7a52-0000-4000-8000-000000000090'
const user: UserDto = {
  id: '0b6c7a52-0000-4000-8000-000000000001',
  email: 'manager@flare.test',
  displayName: 'Max Manager',
  phone: null,
  preferences: { emailNotifications: true, sound: true, push: false },
}

function delivery(fields: Partial<DeliveryDto>): DeliveryDto {
  return {
    id: '0b6c7a52-0000-4000-8000-0000000000a1',
    event: 'ticket.escalated',
    channel: 'email',
    target: 'user:x',
    targetLabel: 'Dana Reyes',
    state: 'sent',
    attempts: 1,
    lastError: null,
    ticketId: null,
    firingId: null,
    createdAt: '2026-11-23T10:00:00.000Z',
    lastAttemptAt: '2026-11-23T10:00:01.000Z',
    nextAttemptAt: null,
    sentAt: '2026-11-23T10:00:01.000Z',
    captured: null,
    idempotencyKey: 'k',
    ...fields,
  }
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  })
}

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('the delivery log', () => {
  it('[7.3] lists each delivery with its state, attempts and error, marks captured ones, and retries', async () => {
    const failed = delivery({
      id: '0b6c7a52-0000-4000-8000-0000000000a2',
      channel: 'slack',
      targetLabel: 'Slack',
      state: 'failed',
      attempts: 3,
      lastError: 'Slack answered HTTP 404: no_service',
      sentAt: null,
    })
    const captured = delivery({
      captured: {
        from: 'Flare <flare@localhost>',
        to: 'dana@flare.test',
        subject: 'Escalated',
        text: 'Hello',
      },
    })
    const calls: Array<[string, string]> = []
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init: RequestInit) => {
        calls.push([init.method ?? 'GET', url])
        if (url.endsWith('/retry')) {
          return json({
            delivery: { ...failed, state: 'pending', attempts: 0, nextAttemptAt: failed.createdAt },
          })
        }
        return json({
          deliveries: [failed, captured],
          nextCursor: null,
          sink: { email: true, sms: true },
        })
      }),
    )
    render(<DeliveryLogPage spaceId={SPACE} user={user} />)
    await screen.findByText('Slack answered HTTP 404: no_service')
    const rows = screen.getAllByRole('row')
    expect(rows).toHaveLength(3)
    const slack = within(rows[1]!)
    expect(slack.getByText('Failed')).toBeTruthy()
    expect(slack.getByText('Slack answered HTTP 404: no_service')).toBeTruthy()
    expect(slack.getByText('3')).toBeTruthy()
    expect(within(rows[2]!).getByText('Captured, not sent outside')).toBeTruthy()
    expect(screen.getByRole('note').textContent).toMatch(/Email and SMS are captured/)
    // a sent delivery has nothing to retry
    expect(within(rows[2]!).queryByRole('button', { name: 'Retry now' })).toBeNull()

    await userEvent.click(slack.getByRole('button', { name: 'Retry now' }))
    expect(calls).toContainEqual(['POST', `/api/spaces/${SPACE}/deliveries/${failed.id}/retry`])
    expect(await within((await screen.findAllByRole('row'))[1]!).findByText('Pending')).toBeTruthy()

    await userEvent.click(within(rows[2]!).getByRole('button', { name: 'Show message' }))
    expect(screen.getByText(/did not leave the server/)).toBeTruthy()
    // a busy machine: rendering and clicking through the table is slow, not wrong
  }, 15_000)
})

describe('the template editor', () => {
  const sms: NotificationTemplateDto = {
    name: 'ticket_escalation',
    channel: 'sms',
    subject: null,
    body: '{customer_name}: {link}',
    customized: false,
  }

  it('[7.4] previews an SMS live, counts it as the provider does and will not save one too long', async () => {
    const onSave = vi.fn(async () => null)
    render(
      <TemplateEditor
        template={sms}
        variables={['customer_name', 'link']}
        canEdit
        onSave={onSave}
      />,
    )
    expect(screen.getByText(/^Maria Lopez: http/)).toBeTruthy()
    expect(screen.getByText(/of 160 characters \(GSM-7\)/)).toBeTruthy()
    const text = screen.getByLabelText('Text')
    await userEvent.clear(text)
    await userEvent.paste(`🚨 {customer_name} ${'x'.repeat(60)}`)
    expect(screen.getByText(/of 70 characters \(UCS-2\): too long for one SMS/)).toBeTruthy()
    expect((screen.getByRole('button', { name: 'Save' }) as HTMLButtonElement).disabled).toBe(true)
    await userEvent.clear(text)
    await userEvent.paste('Call {custmer}')
    expect(screen.getByRole('alert').textContent).toBe('Unknown variable: {custmer}')
    await userEvent.clear(text)
    await userEvent.paste('Call {customer_name} {link}')
    await userEvent.click(screen.getByRole('button', { name: 'Save' }))
    expect(onSave).toHaveBeenCalledWith({ subject: null, body: 'Call {customer_name} {link}' })
  }, 15_000)
})
