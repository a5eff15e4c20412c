import type { NotificationTemplateDto, TemplateChannel } from '@flare/protocol'
import {
  findUnknownTemplateVariables,
  renderTemplate,
  smsLength,
  templatePreviewValues,
} from '@flare/rules'
import { useId, useState } from 'react'

const CHANNEL_TITLES: Record<TemplateChannel, string> = {
  email: 'Email',
  sms: 'SMS',
  slack: 'Slack',
  push: 'Push notification',
}

/**
 * One channel's `ticket_escalation` template with a live preview rendered by the same pure
 * code the server uses; an SMS shows its length as the provider counts it.
 */
export function TemplateEditor({
  template,
  variables,
  canEdit,
  onSave,
}: {
  template: NotificationTemplateDto
  variables: string[]
  canEdit: boolean
  onSave(text: { subject: string | null; body: string }): Promise<string | null>
}) {
  const id = useId()
  const [subject, setSubject] = useState(template.subject ?? '')
  const [body, setBody] = useState(template.body)
  const [error, setError] = useState<string | null>(null)
  const [saving, setSaving] = useState(false)
  const [saved, setSaved] = useState(false)
  // what the server holds now: Save is for a change, and "Saved" only while nothing changed
  const [stored, setStored] = useState({ subject: template.subject ?? '', body: template.body })
  const hasSubject = template.channel === 'email' || template.channel === 'push'
  const values = templatePreviewValues(window.location.origin)
  const unknown = [
    ...(hasSubject ? findUnknownTemplateVariables(subject) : []),
    ...findUnknownTemplateVariables(body),
  ]
  const preview = renderTemplate(body, values)
  const length = template.channel === 'sms' ? smsLength(preview) : null
  const tooLong = length !== null && length.units > length.limit
  const changed = body !== stored.body || (hasSubject && subject !== stored.subject)

  async function save() {
    setSaving(true)
    setSaved(false)
    const problem = await onSave({ subject: hasSubject ? subject : null, body })
    setSaving(false)
    setError(problem)
    setSaved(problem === null)
    if (problem === null) setStored({ subject, body })
  }

  return (
    <fieldset className="template-editor">
      <legend>{CHANNEL_TITLES[template.channel]}</legend>
      {hasSubject && (
        <label htmlFor={`${id}-subject`}>
          {template.channel === 'push' ? 'Title' : 'Subject'}
          <input
            id={`${id}-subject`}
            value={subject}
            disabled={!canEdit}
            onChange={(e) => setSubject(e.target.value)}
          />
        </label>
      )}
      <label htmlFor={`${id}-body`}>
        Text
        <textarea
          id={`${id}-body`}
          value={body}
          rows={template.channel === 'email' ? 8 : 3}
          disabled={!canEdit}
          aria-describedby={`${id}-hint`}
          onChange={(e) => setBody(e.target.value)}
        />
      </label>
      <p id={`${id}-hint`} className="muted small">
        Variables: {variables.map((v) => `{${v}}`).join(' ')}
      </p>
      <div className="template-preview" aria-live="polite">
        <p className="muted small">Preview</p>
        {hasSubject && (
          <p className="template-preview-subject">{renderTemplate(subject, values)}</p>
        )}
        <pre>{preview}</pre>
        {length && (
          <p className={tooLong ? 'error small' : 'muted small'}>
            {length.units} of {length.limit} characters ({length.encoding})
            {tooLong ? ': too long for one SMS' : ''}
          </p>
        )}
      </div>
      {unknown.length > 0 && (
        <p className="error small" role="alert">
          Unknown variable{unknown.length > 1 ? 's' : ''}: {unknown.map((u) => `{${u}}`).join(', ')}
        </p>
      )}
      {error && (
        <p className="error small" role="alert">
          {error}
        </p>
      )}
      {canEdit && (
        <div className="row">
          <button
            type="button"
            className="small"
            disabled={saving || !changed || unknown.length > 0 || tooLong}
            onClick={() => void save()}
          >
            {saving ? 'Saving…' : 'Save'}
          </button>
          {saved && !changed && (
            <span className="muted small" role="status">
              Saved
            </span>
          )}
        </div>
      )}
    </fieldset>
  )
}
