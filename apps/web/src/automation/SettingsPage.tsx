import type { MemberRole, UserDto } from '@flare/protocol'
import { type ReactNode, useEffect, useState } from 'react'
import { openSpace } from '../actions.js'
import { BrandMark } from '../components/BrandMark.js'
import { AlertRail } from '../hands/AlertRail.js'
import { AccountMenu } from '../layout/AccountMenu.js'
import { ArrowBackIcon } from '../layout/icons.js'
import { useAlertBadge } from '../layout/useAlertBadge.js'
import { GroupsPanel } from '../members/GroupsPanel.js'
import { MembersPanel } from '../members/MembersPanel.js'
import { MyPreferences, NotificationSettings } from '../notifications/NotificationSettings.js'
import { useFlare } from '../store/index.js'
import { loadAutomationSettings, saveBusinessHours, watchRecompute } from './automation-actions.js'
import { BusinessHoursEditor } from './BusinessHoursEditor.js'
import { InboxSettings } from './InboxSettings.js'
import { followLink } from './navigation.js'
import { RotationsPanel } from './RotationsPanel.js'
import { RulesPanel } from './RulesPanel.js'
import { SettingsNav, type SettingsSection } from './SettingsNav.js'
import { SlaPoliciesPanel } from './SlaPoliciesPanel.js'
import './automation.css'

/** The current minute, re-rendering each minute: what the rule preview counts from. */
function useMinuteClock(): Date {
  const [now, setNow] = useState(() => new Date())
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 30_000)
    return () => clearInterval(timer)
  }, [])
  return now
}

function Loading({ what }: { what: string }) {
  return (
    <p className="muted" aria-busy="true">
      Loading {what}…
    </p>
  )
}

function Failed({ message }: { message: string }) {
  return (
    <div role="alert" className="error">
      <p>{message}</p>
      <button
        type="button"
        className="secondary small"
        onClick={() => void loadAutomationSettings()}
      >
        Try again
      </button>
    </div>
  )
}

/**
 * The page's sections in order, as the person's role sees them: their own preferences first
 * (what most people come to change), then what the space shares, marked read only for those
 * who cannot change it. Each id is its section's heading.
 */
export function settingsSections(role: MemberRole): SettingsSection[] {
  const canEdit = role === 'admin' || role === 'manager'
  const shared: Array<[string, string]> = [
    ['bh-heading', 'Business hours'],
    ['sla-heading', 'SLA policies'],
    ['rules-heading', 'Escalation rules'],
    ['rotations-heading', 'On-call rotations'],
    ['inboxes-heading', 'Inboxes'],
  ]
  return [
    { id: 'my-preferences-heading', label: 'Your notifications', readOnly: false },
    ...shared.map(([id, label]) => ({ id, label, readOnly: !canEdit })),
    ...(canEdit ? [{ id: 'notifications-heading', label: 'Notifications', readOnly: false }] : []),
    ...(role === 'admin'
      ? [{ id: 'members-and-groups', label: 'Members & groups', readOnly: false }]
      : []),
  ]
}

/** A section's heading, with a "Read only" tag beside it for who can only read it. */
function SectionHeading({
  id,
  readOnly,
  children,
}: {
  id: string
  readOnly: boolean
  children: ReactNode
}) {
  return (
    <div className="section-heading">
      <h2 id={id}>{children}</h2>
      {readOnly && <span className="tag tag-read-only">Read only</span>}
    </div>
  )
}

/**
 * Settings → Escalations (seed 002): business hours, the rules with a detail pane, rotations
 * and each inbox's own hours and phone escalation. Admins and managers change them; agents
 * read them. Admins also find the space's members and groups here (SPEC §1.5.5).
 */
export function SettingsPage({ spaceId, user }: { spaceId: string; user: UserDto }) {
  const space = useFlare((s) => s.space)
  const announcement = useFlare((s) => s.announcement)
  const businessHours = useFlare((s) => s.businessHours)
  const rules = useFlare((s) => s.escalationRules)
  const rotations = useFlare((s) => s.rotations)
  const inboxes = useFlare((s) => s.inboxes)
  const inboxPhone = useFlare((s) => s.inboxPhone)
  const inboxTriggers = useFlare((s) => s.inboxTriggers)
  const recompute = useFlare((s) => s.recompute)
  const slaPolicies = useFlare((s) => s.slaPolicies)
  const now = useMinuteClock()
  const ready = space.status === 'ready'

  useEffect(() => {
    void openSpace(spaceId)
  }, [spaceId])
  useEffect(() => {
    if (!ready) return
    void loadAutomationSettings()
    void watchRecompute()
  }, [ready])
  useAlertBadge(ready ? `Settings · ${space.value.space.name}` : 'Settings')

  const role = ready ? space.value.role : null
  const canEdit = role === 'admin' || role === 'manager'
  const spaceCalendar = businessHours.status === 'ready' ? businessHours.value : null
  const directory = {
    members: ready ? space.value.members : [],
    groups: ready ? space.value.groups : [],
    rotations: rotations.status === 'ready' ? rotations.value : [],
  }
  const inboxList = inboxes.status === 'ready' ? inboxes.value : []
  const timezone = ready ? space.value.space.timezone : 'UTC'
  const readOnly = !canEdit

  return (
    <div className="settings-page">
      <header className="topbar">
        <BrandMark />
        <h1>
          Settings
          {ready && <span className="topbar-space"> · {space.value.space.name}</span>}
        </h1>
        <a
          className="button-link secondary back-link"
          href={`/spaces/${spaceId}`}
          onClick={followLink}
        >
          <ArrowBackIcon />
          <span className="back-text">Back to the space</span>
        </a>
        <AccountMenu user={user} statusInMenu={false} />
      </header>
      <div className="sr-only" aria-live="polite" key={announcement.seq}>
        {announcement.text}
      </div>
      <main className="settings-main">
        {space.status === 'error' ? (
          <p role="alert" className="error banner">
            {space.message}
          </p>
        ) : !ready ? (
          <Loading what="the space" />
        ) : (
          <div className="settings-layout">
            <section
              className="settings-card settings-own"
              aria-labelledby="my-preferences-heading"
            >
              <h2 id="my-preferences-heading">Your notifications</h2>
              <p className="muted small">Only for you: how Flare lets you know.</p>
              <MyPreferences labelledBy="my-preferences-heading" />
            </section>
            <SettingsNav sections={settingsSections(space.value.role)} />
            <div className="settings-sections">
              <h2 className="settings-title">Escalations</h2>
              {!canEdit && (
                <p className="note" role="note">
                  You can read these settings. Only admins and managers can change them.
                </p>
              )}
              {recompute?.state === 'running' && (
                <p className="note" role="status">
                  Updating {recompute.done.toLocaleString('en')} of{' '}
                  {recompute.total.toLocaleString('en')} tickets for the new settings…
                </p>
              )}
              <section className="settings-card" aria-labelledby="bh-heading">
                <SectionHeading id="bh-heading" readOnly={readOnly}>
                  Business hours
                </SectionHeading>
                <p className="muted small">
                  Escalation timers count only these minutes, so a ticket that arrives on Friday
                  evening does not escalate over the weekend. Inboxes may have their own.
                </p>
                {businessHours.status === 'error' ? (
                  <Failed message={businessHours.message} />
                ) : spaceCalendar ? (
                  <BusinessHoursEditor
                    title="Business hours of the space"
                    saved={spaceCalendar}
                    canEdit={canEdit}
                    onSave={saveBusinessHours}
                  />
                ) : (
                  <Loading what="the business hours" />
                )}
              </section>
              <section className="settings-card" aria-labelledby="sla-heading">
                <SectionHeading id="sla-heading" readOnly={readOnly}>
                  SLA policies
                </SectionHeading>
                <p className="muted small">
                  How soon each priority must get a first reply and be resolved. Tickets show
                  whether they are on track, at risk or breached, and rules can escalate on it.
                </p>
                {slaPolicies.status === 'error' ? (
                  <Failed message={slaPolicies.message} />
                ) : slaPolicies.status === 'ready' && inboxes.status === 'ready' ? (
                  <SlaPoliciesPanel
                    policies={slaPolicies.value}
                    inboxes={inboxList}
                    canEdit={canEdit}
                  />
                ) : (
                  <Loading what="the SLA policies" />
                )}
              </section>
              <section className="settings-card" aria-labelledby="rules-heading">
                <SectionHeading id="rules-heading" readOnly={readOnly}>
                  Escalation rules
                </SectionHeading>
                <p className="muted small">
                  Among the rules a waiting ticket has passed, only the one with the latest
                  threshold fires; lower ones stay quiet once a higher one has fired.
                </p>
                {rules.status === 'error' ? (
                  <Failed message={rules.message} />
                ) : rules.status === 'ready' ? (
                  <RulesPanel
                    rules={rules.value}
                    directory={directory}
                    inboxes={inboxList}
                    spaceCalendar={spaceCalendar}
                    spaceTimezone={timezone}
                    canEdit={canEdit}
                    now={now}
                  />
                ) : (
                  <Loading what="the rules" />
                )}
              </section>
              <section className="settings-card" aria-labelledby="rotations-heading">
                <SectionHeading id="rotations-heading" readOnly={readOnly}>
                  On-call rotations
                </SectionHeading>
                {rotations.status === 'error' ? (
                  <Failed message={rotations.message} />
                ) : rotations.status === 'ready' ? (
                  <RotationsPanel
                    rotations={rotations.value}
                    members={directory.members}
                    canEdit={canEdit}
                  />
                ) : (
                  <Loading what="the rotations" />
                )}
              </section>
              <section className="settings-inboxes" aria-labelledby="inboxes-heading">
                <SectionHeading id="inboxes-heading" readOnly={readOnly}>
                  Inboxes
                </SectionHeading>
                {inboxes.status === 'error' ? (
                  <Failed message={inboxes.message} />
                ) : inboxes.status !== 'ready' ? (
                  <Loading what="the inboxes" />
                ) : inboxList.length === 0 ? (
                  <p className="muted">No inboxes yet.</p>
                ) : (
                  inboxList.map((inbox) => (
                    <InboxSettings
                      key={inbox.id}
                      inbox={inbox}
                      phone={inboxPhone[inbox.id]}
                      triggers={inboxTriggers[inbox.id]}
                      spaceCalendar={spaceCalendar}
                      canEdit={canEdit}
                    />
                  ))
                )}
              </section>
              {canEdit && <NotificationSettings spaceId={spaceId} />}
              {role === 'admin' && (
                <>
                  <h2 className="settings-title" id="members-and-groups">
                    Members &amp; groups
                  </h2>
                  <section className="settings-card" aria-labelledby="members-heading">
                    <h2 id="members-heading">Members</h2>
                    <p className="muted small">
                      Admins manage members and groups; managers and agents see them on the map and
                      in pickers. A change takes effect at once.
                    </p>
                    <MembersPanel members={space.value.members} myUserId={user.id} />
                  </section>
                  <section className="settings-card" aria-labelledby="groups-heading">
                    <h2 id="groups-heading">Groups</h2>
                    <p className="muted small">
                      A group is a team people mention with its @handle in chat, and escalate to
                      from a raised hand or a rule.
                    </p>
                    <GroupsPanel groups={space.value.groups} members={space.value.members} />
                  </section>
                </>
              )}
            </div>
          </div>
        )}
      </main>
      <div className="settings-rail">
        <AlertRail />
      </div>
    </div>
  )
}
