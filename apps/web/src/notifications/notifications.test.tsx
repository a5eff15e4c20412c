import type {
  DeliveryDto,
  NotificationTemplateDto,
  TicketMessageDto,
  UserDto,
} from '@flare/protocol'
import { render, screen, waitFor, within } from '@testing-library/react'
import { userEvent } from '@testing-library/user-event'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { DeliveryLogPage } from './DeliveryLogPage.js'
import { DeliveryState } from './DeliveryState.js'
import { remedyFor } from './delivery-remedy.js'
import { formatLogTime, formatLogTimeFull } from './log-time.js'
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
    retryable: false,
    ticketId: null,
    ticketSubject: null,
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
  window.history.replaceState(null, '', '/')
})

const TICKET = '0b6c7a52-0000-4000-8000-0000000000c1'
const OTHER_TICKET = '0b6c7a52-0000-4000-8000-0000000000c2'

/**
 * A server for the log: `deliveries` for the list (the request's `ticketId` honoured), each
 * call recorded as `METHOD url`.
 */
function serveLog(deliveries: DeliveryDto[]) {
  const calls: string[] = []
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      calls.push(`${init.method ?? 'GET'} ${url}`)
      const { searchParams } = new URL(url, 'http://flare.test')
      const ticketId = searchParams.get('ticketId')
      return json({
        deliveries: deliveries.filter((d) => !ticketId || d.ticketId === ticketId),
        nextCursor: null,
        sink: { email: false, sms: false },
      })
    }),
  )
  return calls
}

describe('the delivery log', () => {
  it('[7.3] lists each delivery with its state, attempts and error, marks captured ones, and retries', async () => {
    const failed = delivery({
      id: '0b6c7a52-0000-4000-8000-0000000000a2',
      channel: 'slack',
      targetLabel: 'Slack',
      state: 'failed',
      attempts: 3,
      // gave up after its attempts: a retry may find Slack back
      lastError: 'Slack answered HTTP 503: service unavailable',
      retryable: true,
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
    await screen.findByText('Slack answered HTTP 503: service unavailable')
    const rows = screen.getAllByRole('row')
    expect(rows).toHaveLength(4)
    const popUp = within(rows[3]!)
    expect(popUp.getByText('Not yet shown')).toBeTruthy()
    expect(popUp.queryByText('Next try')).toBeNull()
    expect(popUp.queryByRole('button', { name: 'Retry now' })).toBeNull()
    const slack = within(rows[1]!)
    expect(slack.getByText('Failed')).toBeTruthy()
    expect(slack.getByText('Slack answered HTTP 503: service unavailable')).toBeTruthy()
    expect(slack.getByText('3 attempts')).toBeTruthy()
    expect(within(rows[2]!).getByText('Captured, not sent')).toBeTruthy()
    // in a manager's words; the server's variables are for whoever runs it, on a line of its own
    const note = screen.getByRole('note')
    expect(note.textContent).toMatch(/^Demo mode: email and SMS are captured here, not sent\./)
    expect(note.textContent).toMatch(/Whoever runs Flare can connect an email and SMS provider/)
    expect(within(note).getByText('SMTP_URL').closest('p')?.textContent).toMatch(
      /^For whoever runs the server/,
    )
    // a sent delivery has nothing to retry
    expect(within(rows[2]!).queryByRole('button', { name: 'Retry now' })).toBeNull()

    await userEvent.click(slack.getByRole('button', { name: 'Retry now' }))
    expect(calls).toContainEqual(['POST', `/api/spaces/${SPACE}/deliveries/${failed.id}/retry`])
    expect(await within((await screen.findAllByRole('row'))[1]!).findByText('Pending')).toBeTruthy()

    await userEvent.click(within(rows[2]!).getByRole('button', { name: 'Show message' }))
    expect(screen.getByText(/did not leave the server/)).toBeTruthy()
    // a busy machine: rendering and clicking through the table is slow, not wrong
  }, 15_000)

  it('[7.3][7.3.2] names and links each delivery’s ticket, and shows one ticket’s deliveries', async () => {
    const calls = serveLog([
      delivery({ ticketId: TICKET, ticketSubject: 'Printer on fire' }),
      delivery({ id: '0b6c7a52-0000-4000-8000-0000000000a4', ticketId: OTHER_TICKET }),
      delivery({ id: '0b6c7a52-0000-4000-8000-0000000000a5', event: 'hand.raised' }),
    ])
    render(<DeliveryLogPage spaceId={SPACE} user={user} />)
    const named = await screen.findByRole('link', { name: 'Printer on fire' })
    expect(named.getAttribute('href')).toBe(`/t/${TICKET}`)
    // a ticket the server could not name is still one click away
    expect(screen.getByRole('link', { name: 'Open ticket' }).getAttribute('href')).toBe(
      `/t/${OTHER_TICKET}`,
    )
    expect(screen.getByText('Raised hand')).toBeTruthy()

    await userEvent.click(screen.getByRole('button', { name: 'Only this ticket: Printer on fire' }))
    expect(calls).toContain(`GET /api/spaces/${SPACE}/deliveries?ticketId=${TICKET}`)
    await waitFor(() => expect(screen.getAllByRole('row')).toHaveLength(2))
    expect(window.location.search).toBe(`?ticket=${TICKET}`)
    // the filter names the ticket once, and undoes itself
    expect(screen.getByRole('link', { name: 'Printer on fire' }).getAttribute('href')).toBe(
      `/t/${TICKET}`,
    )
    await userEvent.click(screen.getByRole('button', { name: 'All tickets' }))
    await waitFor(() => expect(screen.getAllByRole('row')).toHaveLength(4))
    expect(window.location.search).toBe('')
    // the rows name their tickets themselves: the log asks for nothing but its pages
    expect(calls.every((call) => call.startsWith(`GET /api/spaces/${SPACE}/deliveries`))).toBe(true)
  }, 15_000)

  it('[7.3] opens filtered to the ticket in its address', async () => {
    window.history.replaceState(null, '', `/spaces/${SPACE}/deliveries?ticket=${TICKET}`)
    const calls = serveLog([delivery({ ticketId: TICKET, ticketSubject: 'Printer on fire' })])
    render(<DeliveryLogPage spaceId={SPACE} user={user} />)
    expect(await screen.findByRole('link', { name: 'Printer on fire' })).toBeTruthy()
    expect(calls).toEqual([`GET /api/spaces/${SPACE}/deliveries?ticketId=${TICKET}`])
  })

  it('[7.3.1] offers "Retry now" as the server says a retry may pass, whatever the error’s words', async () => {
    const failed = (id: string, fields: Partial<DeliveryDto>) =>
      delivery({ id, channel: 'sms', state: 'failed', sentAt: null, ...fields })
    serveLog([
      // a refusal the provider is over by now (the server's word): worth a retry as it is
      failed('0b6c7a52-0000-4000-8000-0000000000b1', {
        targetLabel: 'Dana Reyes',
        lastError: 'the SMS API answered HTTP 400: Invalid To number',
        retryable: true,
      }),
      // a timeout the server knows to be final: a fix first
      failed('0b6c7a52-0000-4000-8000-0000000000b2', {
        targetLabel: 'Eli Novak',
        lastError: 'SMS API: no answer within 10000 ms',
        retryable: false,
      }),
      failed('0b6c7a52-0000-4000-8000-0000000000b3', {
        targetLabel: 'Gus Field',
        lastError: 'the SMS API answered HTTP 400: Invalid To number',
        retryable: false,
      }),
    ])
    render(<DeliveryLogPage spaceId={SPACE} user={user} />)
    await screen.findByText('Dana Reyes')
    const [, passes, timeout, refused] = screen.getAllByRole('row')
    expect(within(passes!).getByRole('button', { name: 'Retry now' })).toBeTruthy()
    expect(within(passes!).queryByText(/then retry/)).toBeNull()
    for (const row of [timeout!, refused!]) {
      expect(within(row).queryByRole('button', { name: 'Retry now' })).toBeNull()
      expect(within(row).getByRole('button', { name: 'Retry' }).className).toContain('secondary')
    }
    expect(within(timeout!).getByText(/fails the same way until its cause is fixed/)).toBeTruthy()
    expect(
      within(refused!).getByText(
        'The SMS provider refused this message (see the error): fix that, then retry.',
      ),
    ).toBeTruthy()
  })

  it('[7.3] offers no "Retry now" where a retry cannot help, and says what to fix', async () => {
    serveLog([
      delivery({
        channel: 'sms',
        target: 'user:0b6c7a52-0000-4000-8000-000000000002',
        state: 'failed',
        lastError: 'Dana Reyes has no phone number in their profile',
        sentAt: null,
      }),
      delivery({
        id: '0b6c7a52-0000-4000-8000-0000000000a6',
        state: 'failed',
        lastError: 'the recipient is no longer a user',
        sentAt: null,
      }),
    ])
    render(<DeliveryLogPage spaceId={SPACE} user={user} />)
    await screen.findByText('Dana Reyes has no phone number in their profile')
    const [, sms, gone] = screen.getAllByRole('row')
    expect(within(sms!).queryByRole('button', { name: 'Retry now' })).toBeNull()
    expect(
      within(sms!).getByText('Ask Dana Reyes to add a phone number to their profile, then retry.'),
    ).toBeTruthy()
    // once the number is there, the retry is the second step
    expect(within(sms!).getByRole('button', { name: 'Retry' }).className).toContain('secondary')
    expect(within(gone!).queryByRole('button', { name: /Retry/ })).toBeNull()
    expect(within(gone!).getByText(/Nothing to retry/)).toBeTruthy()
  })

  it('[7.3] writes its times as the app does, with the full instant on hover', async () => {
    serveLog([delivery({})])
    render(<DeliveryLogPage spaceId={SPACE} user={user} />)
    const queued = (await screen.findByText('Queued')).nextElementSibling?.querySelector('time')
    expect(queued?.dateTime).toBe('2026-11-23T10:00:00.000Z')
    expect(queued?.textContent).not.toBe(new Date('2026-11-23T10:00:00.000Z').toLocaleString())
    expect(queued?.title).toBe(formatLogTimeFull('2026-11-23T10:00:00.000Z'))
  })
})

describe('the delivery log’s words', () => {
  it('[7.3] a time: alone on its day, with the weekday that week, with the year after it', () => {
    const at = new Date(2026, 11, 3, 14, 32, 5)
    const iso = at.toISOString()
    expect(formatLogTime(iso, new Date(2026, 11, 3, 18, 0))).toBe(
      at.toLocaleTimeString(undefined, { hour: 'numeric', minute: '2-digit' }),
    )
    const otherDay = formatLogTime(iso, new Date(2026, 11, 4, 9, 0))
    expect(otherDay).toContain('Thu')
    expect(otherDay).toContain('Dec 3')
    expect(otherDay).not.toContain('2026')
    expect(formatLogTime(iso, new Date(2027, 0, 2))).toContain('2026')
    // never the ambiguous "12/3/2026, 2:32:05 PM", and the tooltip has the seconds
    expect(otherDay).not.toContain('12/3')
    expect(formatLogTimeFull(iso)).toContain(':05')
  })

  it('[7.3] a retry is offered after a failure that may pass, a fix after one that will not', () => {
    const failed = (lastError: string, fields: Partial<DeliveryDto> = {}) =>
      remedyFor(delivery({ state: 'failed', sentAt: null, lastError, ...fields }), user.id)
    const transient = { retryable: true }
    expect(failed('SMTP: ETIMEDOUT: connection timed out', transient)).toEqual({ kind: 'retry' })
    expect(
      failed('webhook: ECONNRESET: socket hang up', { channel: 'webhook', ...transient }),
    ).toEqual({
      kind: 'retry',
    })
    expect(
      failed('the SMS API answered HTTP 429: slow down', { channel: 'sms', ...transient }),
    ).toEqual({
      kind: 'retry',
    })
    // a pending one will be tried anyway: "now" brings it forward
    expect(
      remedyFor(delivery({ state: 'pending', sentAt: null, retryable: true }), user.id),
    ).toEqual({
      kind: 'retry',
    })
    expect(failed('Slack answered HTTP 404: no_service', { channel: 'slack' }).kind).toBe('fix')
    expect(
      failed("SMTP: Can't send mail - all recipients were rejected: 550 5.1.1 no such mailbox"),
    ).toEqual({
      kind: 'fix',
      fix: 'The mail server refused it (see the error); fix that, then retry.',
    })
    expect(
      failed(
        'Slack is not connected for this space (PUT /api/spaces/:spaceId/integrations/slack)',
        { channel: 'slack' },
      ),
    ).toEqual({ kind: 'fix', fix: 'Connect Slack in Settings → Notifications, then retry.' })
    // the reader's own profile is theirs to fix
    expect(
      failed('Max Manager has no phone number in their profile', {
        channel: 'sms',
        target: `user:${user.id}`,
      }),
    ).toEqual({ kind: 'fix', fix: 'Add a phone number to your profile, then retry.' })
    expect(failed('the webhook endpoint was deleted', { channel: 'webhook' }).kind).toBe('gone')
    // sent, and in-app pop-ups, have nothing to retry
    expect(remedyFor(delivery({}), user.id)).toEqual({ kind: 'none' })
    expect(
      remedyFor(
        delivery({ channel: 'in_app', state: 'failed', lastError: 'x', retryable: true }),
        user.id,
      ),
    ).toEqual({ kind: 'none' })
  })
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
