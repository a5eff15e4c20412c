import type {
  DeliveryDto,
  NotificationTemplateDto,
  TicketMessageDto,
  UserDto,
} from '@flare/protocol'
import { render, screen, within } from '@testing-library/react'
import { userEvent } from '@testing-library/user-event'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { DeliveryLogPage } from './DeliveryLogPage.js'
import { DeliveryState } from './DeliveryState.js'
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
    // a pop-up no client of the target has shown yet (SPEC §7.2.1.1)
    const unseen = delivery({
      id: '0b6c7a52-0000-4000-8000-0000000000a3',
      channel: 'in_app',
      state: 'pending',
      attempts: 0,
      lastAttemptAt: null,
      nextAttemptAt: '2026-11-23T10:00:00.000Z',
      sentAt: null,
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
          deliveries: [failed, captured, unseen],
          nextCursor: null,
          sink: { email: true, sms: true },
        })
      }),
    )
    render(<DeliveryLogPage spaceId={SPACE} user={user} />)
    await screen.findByText('Slack answered HTTP 404: no_service')
    const rows = screen.getAllByRole('row')
    expect(rows).toHaveLength(4)
    const popUp = within(rows[3]!)
    expect(popUp.getByText('Not yet shown')).toBeTruthy()
    expect(popUp.queryByText('Next try')).toBeNull()
    expect(popUp.queryByRole('button', { name: 'Retry now' })).toBeNull()
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

describe('a staff reply to an SMS customer', () => {
  const reply: TicketMessageDto = {
    id: '0b6c7a52-0000-4000-8000-0000000000b1',
    ticketId: '0b6c7a52-0000-4000-8000-0000000000b2',
    authorKind: 'staff',
    authorUserId: user.id,
    body: 'Yes, send it here.',
    internal: false,
    createdAt: '2026-11-23T10:00:00.000Z',
  }

  it('[4.7][7.2.3] shows sending, sent, and a failure with its reason and Retry', async () => {
    const view = render(
      <DeliveryState
        spaceId={SPACE}
        message={{ ...reply, delivery: { state: 'sending', error: null } }}
      />,
    )
    expect(screen.getByRole('status').textContent).toBe('Sending…')
    view.rerender(
      <DeliveryState
        spaceId={SPACE}
        message={{ ...reply, delivery: { state: 'sent', error: null } }}
      />,
    )
    expect(screen.getByRole('status').textContent).toBe('Sent by SMS')
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull()

    const calls: Array<[string, string]> = []
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init: RequestInit) => {
        calls.push([init.method ?? 'GET', url])
        return json({ message: { ...reply, delivery: { state: 'sending', error: null } } })
      }),
    )
    const error = 'the SMS API answered HTTP 400: Invalid To number'
    view.rerender(
      <DeliveryState
        spaceId={SPACE}
        message={{ ...reply, delivery: { state: 'failed', error } }}
      />,
    )
    expect(screen.getByRole('status').textContent).toContain(`Not delivered: ${error}`)
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }))
    expect(calls).toEqual([
      ['POST', `/api/spaces/${SPACE}/tickets/${reply.ticketId}/messages/${reply.id}/retry`],
    ])
  })
})

describe('the template editor', () => {
  const sms: NotificationTemplateDto = {
    name: 'ticket_escalation',
    channel: 'sms',
    subject: null,
    body: '{customer_name}: {link}',
    customized: false,
  }

  /** The SMS template's editor, editable; answers its save callback to check. */
  function renderSmsEditor() {
    const onSave = vi.fn(async () => null)
    render(
      <TemplateEditor
        template={sms}
        variables={['customer_name', 'link']}
        canEdit
        onSave={onSave}
      />,
    )
    return onSave
  }

  it('[7.4] offers Save only for a change, and says Saved until the next one', async () => {
    const onSave = renderSmsEditor()
    const save = () => screen.getByRole('button', { name: 'Save' }) as HTMLButtonElement
    expect(save().disabled).toBe(true)
    await userEvent.type(screen.getByLabelText('Text'), ' now')
    expect(save().disabled).toBe(false)
    await userEvent.click(save())
    expect(onSave).toHaveBeenCalledWith({ subject: null, body: '{customer_name}: {link} now' })
    expect(screen.getByRole('status').textContent).toBe('Saved')
    expect(save().disabled).toBe(true)
    await userEvent.type(screen.getByLabelText('Text'), '!')
    expect(save().disabled).toBe(false)
    expect(screen.queryByRole('status')).toBeNull()
  })

  it('[7.4] previews an SMS live, counts it as the provider does and will not save one too long', async () => {
    const onSave = renderSmsEditor()
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
