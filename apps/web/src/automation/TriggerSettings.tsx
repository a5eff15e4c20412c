import {
  DEFAULT_TRIGGER_PHRASES,
  type InboxDto,
  InboxTriggers,
  type InboxTriggersResponse,
  parse,
} from '@flare/protocol'
import { useId, useState } from 'react'
import { saveInboxTriggers } from './automation-actions.js'
import { friendlyMessage } from './field-errors.js'

interface Draft {
  keywordOn: boolean
  phrases: string
  sentimentOn: boolean
  threshold: string
  botOn: boolean
  fallbacks: string
}

function draftOf(triggers: InboxTriggers): Draft {
  return {
    keywordOn: triggers.keyword.enabled,
    phrases: triggers.keyword.phrases.join('\n'),
    sentimentOn: triggers.sentiment.enabled,
    threshold: String(triggers.sentiment.threshold),
    botOn: triggers.botFailure.enabled,
    fallbacks: String(triggers.botFailure.consecutiveFallbacks),
  }
}

function bodyOf(draft: Draft): unknown {
  return {
    keyword: {
      enabled: draft.keywordOn,
      phrases: draft.phrases
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== ''),
    },
    sentiment: { enabled: draft.sentimentOn, threshold: Number(draft.threshold) },
    botFailure: { enabled: draft.botOn, consecutiveFallbacks: Number(draft.fallbacks) },
  }
}

/** `keyword.phrases.3` → the field it belongs to in this form, and which line. */
function fieldOf(path: string): { field: string; line: number | null } {
  const phrase = /^keyword\.phrases\.(\d+)$/.exec(path)
  if (phrase) return { field: 'keyword.phrases', line: Number(phrase[1]) + 1 }
  return { field: path, line: null }
}

/**
 * An inbox's instant triggers (SPEC §11.1): phrases asking for a person, negative sentiment,
 * a bot that keeps failing. Admins and managers change them; others read them.
 */
export function TriggerSettingsForm({
  inbox,
  saved,
  canEdit,
}: {
  inbox: InboxDto
  saved: InboxTriggersResponse
  canEdit: boolean
}) {
  const uid = useId()
  const [draft, setDraft] = useState(() => draftOf(saved.triggers))
  const [base, setBase] = useState(saved)
  const [error, setError] = useState<{ field: string; message: string } | null>(null)
  const [saving, setSaving] = useState(false)
  if (base !== saved) {
    setBase(saved)
    setDraft(draftOf(saved.triggers))
  }
  const initial = draftOf(saved.triggers)
  const dirty = (Object.keys(initial) as Array<keyof Draft>).some((k) => initial[k] !== draft[k])
  const set = (change: Partial<Draft>) => setDraft((d) => ({ ...d, ...change }))

  async function save() {
    const checked = parse(InboxTriggers, bodyOf(draft))
    if (!checked.ok) {
      const { field, line } = fieldOf(checked.error.field ?? '')
      const where = line ? `Line ${line}: ` : ''
      setError({ field, message: `${where}${friendlyMessage(checked.error)}` })
      return
    }
    setSaving(true)
    const problem = await saveInboxTriggers(inbox.id, checked.value)
    setSaving(false)
    if (!problem) {
      setError(null)
      return
    }
    const { field, line } = fieldOf(problem.field ?? '')
    setError({ field, message: line ? `Line ${line}: ${problem.message}` : problem.message })
  }

  const errorFor = (field: string) => (error?.field === field ? error.message : undefined)
  const described = (field: string, hint: string) =>
    errorFor(field) ? `${uid}-${hint} ${uid}-${field}-error` : `${uid}-${hint}`
  const fieldError = (field: string) =>
    errorFor(field) && (
      <span id={`${uid}-${field}-error`} className="field-error" role="alert">
        {errorFor(field)}
      </span>
    )
  const known = ['keyword.phrases', 'sentiment.threshold', 'botFailure.consecutiveFallbacks']

  return (
    <form
      className="settings-form trigger-form"
      aria-label={`Instant triggers for ${inbox.name}`}
      onSubmit={(e) => {
        e.preventDefault()
        void save()
      }}
    >
      <h4>Instant triggers</h4>
      <p className="muted small">
        A customer message can escalate at once. It goes to the rules with an “Instant trigger”
        condition; when none matches, to the ticket’s assignee, else the inbox admins, in the app
        and by email.{saved.custom ? '' : ' These are the defaults.'}
      </p>
      <fieldset className="plain" disabled={!canEdit || saving}>
        <fieldset className="trigger-group">
          <legend>A customer asks for a person</legend>
          <label className="switch">
            <input
              type="checkbox"
              checked={draft.keywordOn}
              onChange={(e) => set({ keywordOn: e.target.checked })}
            />
            Escalate when a message contains one of these phrases
          </label>
          <label htmlFor={`${uid}-phrases`}>Phrases, one a line</label>
          <textarea
            id={`${uid}-phrases`}
            rows={6}
            value={draft.phrases}
            aria-invalid={errorFor('keyword.phrases') ? true : undefined}
            aria-describedby={described('keyword.phrases', 'phrases-hint')}
            onChange={(e) => set({ phrases: e.target.value })}
          />
          <span id={`${uid}-phrases-hint`} className="muted small">
            Whole words in this order; case, accents, punctuation and articles (a, the, your, el,
            la, un…) do not matter. Name the request, not the person: “talk to a manager” fires on
            “I want to talk to the manager”, while “manager” alone would fire on “my manager told me
            to write”.
          </span>
          {fieldError('keyword.phrases')}
          {canEdit && (
            <button
              type="button"
              className="secondary small"
              onClick={() => set({ phrases: DEFAULT_TRIGGER_PHRASES.join('\n') })}
            >
              Restore the default phrases (English and Spanish)
            </button>
          )}
        </fieldset>
        <fieldset className="trigger-group">
          <legend>Negative sentiment</legend>
          <label className="switch">
            <input
              type="checkbox"
              checked={draft.sentimentOn}
              onChange={(e) => set({ sentimentOn: e.target.checked })}
            />
            Escalate an unhappy message
          </label>
          <label htmlFor={`${uid}-threshold`}>At a score of (or lower)</label>
          <input
            id={`${uid}-threshold`}
            type="number"
            min={-50}
            max={-1}
            step={1}
            value={draft.threshold}
            aria-invalid={errorFor('sentiment.threshold') ? true : undefined}
            aria-describedby={described('sentiment.threshold', 'threshold-hint')}
            onChange={(e) => set({ threshold: e.target.value })}
          />
          <span id={`${uid}-threshold-hint`} className="muted small">
            Each word a customer writes weighs −5 to +5 (an English and a Spanish word list);
            “terrible, I am furious” scores −6. Every customer message shows its score in the
            ticket, to help you pick.
          </span>
          {fieldError('sentiment.threshold')}
        </fieldset>
        <fieldset className="trigger-group">
          <legend>The bot could not help</legend>
          <label className="switch">
            <input
              type="checkbox"
              checked={draft.botOn}
              onChange={(e) => set({ botOn: e.target.checked })}
            />
            Escalate a bot conversation that fails or is handed over
          </label>
          <label htmlFor={`${uid}-fallbacks`}>Fallbacks in a row</label>
          <input
            id={`${uid}-fallbacks`}
            type="number"
            min={1}
            max={20}
            step={1}
            value={draft.fallbacks}
            aria-invalid={errorFor('botFailure.consecutiveFallbacks') ? true : undefined}
            aria-describedby={described('botFailure.consecutiveFallbacks', 'fallbacks-hint')}
            onChange={(e) => set({ fallbacks: e.target.value })}
          />
          <span id={`${uid}-fallbacks-hint`} className="muted small">
            Bots hand conversations over to{' '}
            <code>/api/inbound/inboxes/{inbox.id}/conversations</code>; <code>handoff: true</code>{' '}
            always escalates.
          </span>
          {fieldError('botFailure.consecutiveFallbacks')}
        </fieldset>
      </fieldset>
      {error && !known.includes(error.field) && (
        <p role="alert" className="error">
          {error.message}
        </p>
      )}
      {canEdit && (
        <div className="form-actions">
          <button type="submit" disabled={!dirty || saving}>
            Save
          </button>
        </div>
      )}
    </form>
  )
}
