import { parse, RotationCreate, type RotationDto, type SpaceMemberDto } from '@flare/protocol'
import { useId, useState } from 'react'
import { deleteRotation, saveRotation } from './automation-actions.js'
import { ConfirmDialog } from './ConfirmDialog.js'
import { friendlyMessage } from './field-errors.js'

function RotationForm({
  rotation,
  members,
  canEdit,
  onDone,
}: {
  /** null: a new rotation */
  rotation: RotationDto | null
  members: SpaceMemberDto[]
  canEdit: boolean
  onDone(): void
}) {
  const uid = useId()
  const [name, setName] = useState(rotation?.name ?? '')
  const [memberIds, setMemberIds] = useState<string[]>(rotation?.memberIds ?? [])
  const [adding, setAdding] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [saving, setSaving] = useState(false)
  const [confirming, setConfirming] = useState(false)
  const nameOf = (id: string) => members.find((m) => m.userId === id)?.displayName ?? 'Someone'
  const dirty =
    !rotation || name !== rotation.name || memberIds.join() !== rotation.memberIds.join()

  function move(index: number, delta: number) {
    const next = [...memberIds]
    const [id] = next.splice(index, 1)
    next.splice(index + delta, 0, id!)
    setMemberIds(next)
  }

  async function save() {
    const body = { name: name.trim(), memberIds }
    const checked = parse(RotationCreate, body)
    if (!checked.ok) {
      setError(
        checked.error.field === 'memberIds'
          ? 'Add at least one person.'
          : `${checked.error.field === 'name' ? 'Name: ' : ''}${friendlyMessage(checked.error)}`,
      )
      return
    }
    setSaving(true)
    const problem = await saveRotation(rotation?.id ?? null, checked.value)
    setSaving(false)
    setError(problem?.message ?? null)
    if (!problem && !rotation) onDone()
  }

  const label = rotation ? `Rotation ${rotation.name}` : 'New rotation'
  return (
    <form
      className="settings-form rotation-form"
      aria-label={label}
      onSubmit={(e) => {
        e.preventDefault()
        void save()
      }}
    >
      <fieldset className="plain" disabled={!canEdit || saving}>
        <div className="stacked">
          <label htmlFor={`${uid}-name`}>Name</label>
          <input
            id={`${uid}-name`}
            type="text"
            maxLength={100}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <ol className="rotation-members" aria-label={`${name || 'Rotation'} members, in order`}>
          {memberIds.map((id, i) => (
            <li key={id}>
              <span>
                {nameOf(id)}
                {rotation && rotation.nextIndex === i && rotation.memberIds[i] === id && (
                  <span className="tag tag-next">Next</span>
                )}
              </span>
              <span className="row-actions">
                <button
                  type="button"
                  className="secondary small"
                  disabled={i === 0}
                  aria-label={`Move ${nameOf(id)} up`}
                  onClick={() => move(i, -1)}
                >
                  ↑
                </button>
                <button
                  type="button"
                  className="secondary small"
                  disabled={i === memberIds.length - 1}
                  aria-label={`Move ${nameOf(id)} down`}
                  onClick={() => move(i, 1)}
                >
                  ↓
                </button>
                <button
                  type="button"
                  className="secondary small"
                  aria-label={`Remove ${nameOf(id)}`}
                  onClick={() => setMemberIds(memberIds.filter((m) => m !== id))}
                >
                  Remove
                </button>
              </span>
            </li>
          ))}
        </ol>
        <div className="holiday-add">
          <label>
            <span className="sr-only">Person to add</span>
            <select value={adding} onChange={(e) => setAdding(e.target.value)}>
              <option value="">Add a person…</option>
              {members
                .filter((m) => !memberIds.includes(m.userId))
                .map((m) => (
                  <option key={m.userId} value={m.userId}>
                    {m.displayName}
                  </option>
                ))}
            </select>
          </label>
          <button
            type="button"
            className="secondary small"
            disabled={!adding}
            onClick={() => {
              setMemberIds([...memberIds, adding])
              setAdding('')
            }}
          >
            Add
          </button>
        </div>
      </fieldset>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {canEdit && (
        <div className="form-actions">
          <button type="submit" disabled={!dirty || saving}>
            {rotation ? 'Save rotation' : 'Add rotation'}
          </button>
          {!rotation && (
            <button type="button" className="secondary" onClick={onDone}>
              Cancel
            </button>
          )}
          {rotation && (
            <button type="button" className="danger-outline" onClick={() => setConfirming(true)}>
              Delete…
            </button>
          )}
        </div>
      )}
      {confirming && rotation && (
        <ConfirmDialog
          title={`Delete the rotation “${rotation.name}”?`}
          confirmLabel="Delete rotation"
          onCancel={() => setConfirming(false)}
          onConfirm={async () => {
            const failure = await deleteRotation(rotation)
            return failure ? failure.message : null
          }}
        >
          <p>Rules that escalate to it must be changed first.</p>
        </ConfirmDialog>
      )}
    </form>
  )
}

/** On-call rotations: a name and people in order; each firing goes to the next one. */
export function RotationsPanel({
  rotations,
  members,
  canEdit,
}: {
  rotations: RotationDto[]
  members: SpaceMemberDto[]
  canEdit: boolean
}) {
  const [adding, setAdding] = useState(false)
  return (
    <div className="rotations">
      {rotations.length === 0 && !adding && <p className="muted">No rotations yet.</p>}
      {rotations.map((r) => (
        <RotationForm
          key={r.id}
          rotation={r}
          members={members}
          canEdit={canEdit}
          onDone={() => {}}
        />
      ))}
      {adding ? (
        <RotationForm
          rotation={null}
          members={members}
          canEdit={canEdit}
          onDone={() => setAdding(false)}
        />
      ) : (
        canEdit && (
          <button type="button" className="secondary small" onClick={() => setAdding(true)}>
            Add rotation
          </button>
        )
      )}
    </div>
  )
}
