import { MEMBER_ROLES } from '@flare/protocol'
import type { ApiError, MemberRole, SpaceMemberDto } from '@flare/protocol/client'
import { useId, useState } from 'react'
import { ConfirmDialog } from '../automation/ConfirmDialog.js'
import { friendlyMessage } from '../automation/field-errors.js'
import { ROLE_WORDS } from '../automation/settings-words.js'
import { addMember, changeMemberRole, removeMember } from './members-actions.js'

function RoleOptions() {
  return MEMBER_ROLES.map((r) => (
    <option key={r} value={r}>
      {ROLE_WORDS[r]}
    </option>
  ))
}

function isMemberRole(value: string): value is MemberRole {
  return (MEMBER_ROLES as readonly string[]).includes(value)
}

function AddMemberForm() {
  const uid = useId()
  const [email, setEmail] = useState('')
  const [role, setRole] = useState<MemberRole>('agent')
  const [problem, setProblem] = useState<ApiError | null>(null)
  const [added, setAdded] = useState<string | null>(null)
  const [saving, setSaving] = useState(false)

  async function submit() {
    const address = email.trim()
    setAdded(null)
    if (!/^[^\s@]+@[^\s@]+$/.test(address)) {
      setProblem({ code: 'VALIDATION', message: 'Enter an email address.', field: 'email' })
      return
    }
    setSaving(true)
    const refused = await addMember(address, role)
    setSaving(false)
    setProblem(refused)
    if (!refused) {
      setAdded(address)
      setEmail('')
    }
  }

  const emailError = problem && (problem.field === 'email' || !problem.field) ? problem : null
  return (
    <form
      className="settings-form member-add"
      aria-label="Add a member"
      noValidate
      onSubmit={(e) => {
        e.preventDefault()
        void submit()
      }}
    >
      <h3>Add a member</h3>
      <p className="muted small">
        Adds someone who already has a Flare account, by the email they log in with.
      </p>
      <fieldset className="plain member-add-fields" disabled={saving}>
        <div className="stacked">
          <label htmlFor={`${uid}-email`}>Email</label>
          <input
            id={`${uid}-email`}
            type="email"
            autoComplete="off"
            maxLength={320}
            value={email}
            aria-invalid={emailError ? true : undefined}
            aria-describedby={emailError ? `${uid}-email-error` : undefined}
            onChange={(e) => setEmail(e.target.value)}
          />
        </div>
        <div className="stacked">
          <label htmlFor={`${uid}-role`}>Role</label>
          <select
            id={`${uid}-role`}
            value={role}
            onChange={(e) => {
              if (isMemberRole(e.target.value)) setRole(e.target.value)
            }}
          >
            <RoleOptions />
          </select>
        </div>
        <button type="submit" className="member-add-submit">
          {saving ? 'Adding…' : 'Add member'}
        </button>
      </fieldset>
      {emailError && (
        <p id={`${uid}-email-error`} role="alert" className="field-error">
          {friendlyMessage(emailError)}
        </p>
      )}
      {problem && !emailError && (
        <p role="alert" className="error">
          {friendlyMessage(problem)}
        </p>
      )}
      {added && (
        <p role="status" className="muted small">
          {added} is now a member.
        </p>
      )}
    </form>
  )
}

function MemberRow({ member, isMe }: { member: SpaceMemberDto; isMe: boolean }) {
  const [saving, setSaving] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)
  const [confirming, setConfirming] = useState(false)
  const name = member.displayName

  async function changeRole(role: MemberRole) {
    setSaving(true)
    const refused = await changeMemberRole(member.userId, role)
    setSaving(false)
    setProblem(refused ? friendlyMessage(refused) : null)
  }

  return (
    <li className="member-row">
      <span className="member-name">
        {name}
        {isMe && <span className="tag">You</span>}
      </span>
      <span className="member-controls">
        <label>
          <span className="sr-only">Role of {name}</span>
          <select
            value={member.role}
            disabled={saving}
            onChange={(e) => {
              if (isMemberRole(e.target.value)) void changeRole(e.target.value)
            }}
          >
            <RoleOptions />
          </select>
        </label>
        <button
          type="button"
          className="secondary small"
          aria-label={`Remove ${name}…`}
          onClick={() => setConfirming(true)}
        >
          Remove…
        </button>
      </span>
      {problem && (
        <p role="alert" className="error member-row-error">
          {problem}
        </p>
      )}
      {confirming && (
        <ConfirmDialog
          title={isMe ? 'Leave this space?' : `Remove ${name} from the space?`}
          confirmLabel={isMe ? 'Leave the space' : 'Remove member'}
          onCancel={() => setConfirming(false)}
          onConfirm={async () => {
            const refused = await removeMember(member)
            if (refused) return refused.message
            setConfirming(false)
            return null
          }}
        >
          <p>
            {isMe ? 'You' : 'They'} lose access at once: open pages of this space close, and{' '}
            {isMe ? 'you leave' : 'they leave'} its groups. Adding {isMe ? 'you' : 'them'} again
            later is possible.
          </p>
        </ConfirmDialog>
      )}
    </li>
  )
}

/**
 * Settings → Members (admins only, SPEC §1.5.5): everyone in the space with their role, which
 * an admin changes or removes, and adding an existing account by email.
 */
export function MembersPanel({
  members,
  myUserId,
}: {
  members: SpaceMemberDto[]
  myUserId: string
}) {
  return (
    <div className="members-admin">
      <ul className="member-list-admin" aria-label="Members">
        {members.map((m) => (
          <MemberRow key={m.userId} member={m} isMe={m.userId === myUserId} />
        ))}
      </ul>
      <AddMemberForm />
    </div>
  )
}
