import {
  type ApiError,
  type GroupDto,
  isGroupHandle,
  MAX_GROUP_HANDLE_LENGTH,
  MAX_GROUP_NAME_LENGTH,
  type SpaceMemberDto,
} from '@flare/protocol/client'
import { useId, useState } from 'react'
import { ConfirmDialog } from '../automation/ConfirmDialog.js'
import { friendlyMessage } from '../automation/field-errors.js'
import { deleteGroup, saveGroup } from './members-actions.js'

/** `memberIds.3` → `memberIds`: the picker shows one message for the whole list. */
function fieldOf(problem: ApiError | null): string {
  return (problem?.field ?? '').split('.')[0] ?? ''
}

function draftProblem(name: string, handle: string): ApiError | null {
  if (name.trim() === '') return { code: 'VALIDATION', message: 'Required.', field: 'name' }
  if (!isGroupHandle(handle)) {
    return {
      code: 'VALIDATION',
      message:
        'Use lower-case letters, digits, dots, dashes or underscores, starting and ending with a letter or digit.',
      field: 'handle',
    }
  }
  return null
}

function MemberPicker({
  members,
  chosen,
  onChange,
  label,
  describedBy,
}: {
  members: SpaceMemberDto[]
  chosen: string[]
  onChange(ids: string[]): void
  label: string
  describedBy: string | undefined
}) {
  const uid = useId()
  const [filter, setFilter] = useState('')
  const query = filter.trim().toLowerCase()
  const shown = query ? members.filter((m) => m.displayName.toLowerCase().includes(query)) : members
  return (
    <fieldset className="member-picker" aria-describedby={describedBy}>
      <legend>
        {label} <span className="muted small">({chosen.length} chosen)</span>
      </legend>
      {members.length > 8 && (
        <div className="stacked">
          <label htmlFor={`${uid}-filter`} className="sr-only">
            Find a person
          </label>
          <input
            id={`${uid}-filter`}
            type="text"
            placeholder="Find a person…"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
          />
        </div>
      )}
      <ul className="member-picker-list">
        {shown.map((m) => (
          <li key={m.userId}>
            <label className="radio">
              <input
                type="checkbox"
                checked={chosen.includes(m.userId)}
                onChange={(e) =>
                  onChange(
                    e.target.checked
                      ? [...chosen, m.userId]
                      : chosen.filter((id) => id !== m.userId),
                  )
                }
              />
              {m.displayName}
            </label>
          </li>
        ))}
        {shown.length === 0 && <li className="muted small">Nobody matches “{filter}”.</li>}
      </ul>
    </fieldset>
  )
}

function GroupForm({
  group,
  members,
  onDone,
}: {
  /** null: a new group */
  group: GroupDto | null
  members: SpaceMemberDto[]
  onDone(): void
}) {
  const uid = useId()
  const [name, setName] = useState(group?.name ?? '')
  const [handle, setHandle] = useState(group?.handle ?? '')
  // only members of the space: someone removed meanwhile is gone from the group too
  const [memberIds, setMemberIds] = useState<string[]>(
    (group?.memberIds ?? []).filter((id) => members.some((m) => m.userId === id)),
  )
  const [problem, setProblem] = useState<ApiError | null>(null)
  const [saving, setSaving] = useState(false)
  const [confirming, setConfirming] = useState(false)
  const dirty =
    !group ||
    name !== group.name ||
    handle !== group.handle ||
    [...memberIds].sort().join() !== [...group.memberIds].sort().join()
  const field = fieldOf(problem)
  const errorId = (f: string) => (field === f ? `${uid}-${f}-error` : undefined)

  async function save() {
    const local = draftProblem(name, handle)
    if (local) {
      setProblem(local)
      return
    }
    setSaving(true)
    const refused = await saveGroup(group?.id ?? null, { name: name.trim(), handle, memberIds })
    setSaving(false)
    setProblem(refused)
    if (!refused && !group) onDone()
  }

  const fieldError = (f: string) =>
    field === f && problem ? (
      <p id={`${uid}-${f}-error`} role="alert" className="field-error">
        {friendlyMessage(problem)}
      </p>
    ) : null

  return (
    <form
      className="settings-form group-form"
      aria-label={group ? `Group ${group.name}` : 'New group'}
      onSubmit={(e) => {
        e.preventDefault()
        void save()
      }}
    >
      <fieldset className="plain" disabled={saving}>
        <div className="form-grid">
          <div className="stacked">
            <label htmlFor={`${uid}-name`}>Name</label>
            <input
              id={`${uid}-name`}
              type="text"
              maxLength={MAX_GROUP_NAME_LENGTH}
              value={name}
              aria-invalid={field === 'name' || undefined}
              aria-describedby={errorId('name')}
              onChange={(e) => setName(e.target.value)}
            />
            {fieldError('name')}
          </div>
          <div className="stacked">
            <label htmlFor={`${uid}-handle`}>Handle</label>
            <span className="handle-input">
              <span aria-hidden="true">@</span>
              <input
                id={`${uid}-handle`}
                type="text"
                maxLength={MAX_GROUP_HANDLE_LENGTH}
                autoCapitalize="none"
                spellCheck={false}
                value={handle}
                aria-invalid={field === 'handle' || undefined}
                aria-describedby={errorId('handle') ?? `${uid}-handle-hint`}
                onChange={(e) => setHandle(e.target.value)}
              />
            </span>
            {fieldError('handle') ?? (
              <span id={`${uid}-handle-hint`} className="muted small">
                What people type after @ in chat, e.g. tier1.
              </span>
            )}
          </div>
        </div>
        <MemberPicker
          members={members}
          chosen={memberIds}
          onChange={setMemberIds}
          label="Members"
          describedBy={errorId('memberIds')}
        />
        {fieldError('memberIds')}
      </fieldset>
      {problem && !['name', 'handle', 'memberIds'].includes(field) && (
        <p role="alert" className="error">
          {friendlyMessage(problem)}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" disabled={!dirty || saving}>
          {saving ? 'Saving…' : group ? 'Save group' : 'Add group'}
        </button>
        {!group && (
          <button type="button" className="secondary" onClick={onDone}>
            Cancel
          </button>
        )}
        {group && (
          <button type="button" className="danger-outline" onClick={() => setConfirming(true)}>
            Delete…
          </button>
        )}
      </div>
      {confirming && group && (
        <ConfirmDialog
          title={`Delete the group @${group.handle}?`}
          confirmLabel="Delete group"
          onCancel={() => setConfirming(false)}
          onConfirm={async () => {
            const refused = await deleteGroup(group)
            return refused ? refused.message : null
          }}
        >
          <p>
            Rules that escalate to it must be changed first. Past escalations and chat messages that
            named it stay as they are.
          </p>
        </ConfirmDialog>
      )}
    </form>
  )
}

function GroupItem({ group, members }: { group: GroupDto; members: SpaceMemberDto[] }) {
  const count = group.memberIds.filter((id) => members.some((m) => m.userId === id)).length
  return (
    <details className="group-item">
      <summary>
        <strong>{group.name}</strong> <span className="muted">@{group.handle}</span>{' '}
        <span className="muted small">
          · {count} {count === 1 ? 'member' : 'members'}
        </span>
      </summary>
      <GroupForm group={group} members={members} onDone={() => {}} />
    </details>
  )
}

/**
 * Settings → Groups (admins only, SPEC §1.5.5): the space's `@groups`, each opened to rename,
 * change its handle or choose its members, and a new one.
 */
export function GroupsPanel({
  groups,
  members,
}: {
  groups: GroupDto[]
  members: SpaceMemberDto[]
}) {
  const [adding, setAdding] = useState(false)
  return (
    <div className="groups-admin">
      {groups.length === 0 && !adding && (
        <p className="muted">No groups yet. Groups let people mention and escalate to a team.</p>
      )}
      {groups.map((g) => (
        <GroupItem key={g.id} group={g} members={members} />
      ))}
      {adding ? (
        <div className="group-item group-new">
          <h3>New group</h3>
          <GroupForm group={null} members={members} onDone={() => setAdding(false)} />
        </div>
      ) : (
        <button type="button" className="secondary small" onClick={() => setAdding(true)}>
          Add group
        </button>
      )}
    </div>
  )
}
