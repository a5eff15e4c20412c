import { splitWords, type Word } from './words.js'

/**
 * Words left out of both a phrase and the message before they are compared (after folding):
 * English and Spanish articles, and "your", which never change what is asked for. "my" is
 * not among them: "talk to my manager" is about the customer's own manager.
 */
export const IGNORED_WORDS: ReadonlySet<string> = new Set([
  'a',
  'an',
  'the',
  'your',
  'some',
  'any',
  'un',
  'una',
  'unos',
  'unas',
  'el',
  'la',
  'los',
  'las',
  'su',
  'tu',
])

/** A phrase that matched: as configured, and the customer's words as they wrote them. */
export interface PhraseMatch {
  phrase: string
  /** The stretch of the message that matched, as written ("Talk to the MANAGER"). */
  text: string
}

function meaningful(words: readonly Word[]): Word[] {
  return words.filter((word) => !IGNORED_WORDS.has(word.folded))
}

/**
 * The words a phrase is matched on: folded, articles left out. Empty when the phrase has
 * none (only punctuation, or only articles), which is why such a phrase is refused on save.
 *
 * @example
 * phraseWords('Talk to a Manager!') // → ['talk', 'to', 'manager']
 */
export function phraseWords(phrase: string): string[] {
  return meaningful(splitWords(phrase)).map((word) => word.folded)
}

/**
 * The first phrase the text contains, or null. A phrase matches when its words appear in the
 * text one after another, as whole words, ignoring case, accents, punctuation and articles
 * (`IGNORED_WORDS`) on both sides. So a phrase list that names requests ("talk to a manager")
 * fires on "I want to talk to the manager!" and not on "my manager told me to write", which
 * mentions a manager without asking for one. At one place in the text the longest phrase wins.
 *
 * @example
 * matchPhrases('Quiero hablar con el GERENTE, ya.', ['hablar con un gerente'])
 * // → { phrase: 'hablar con un gerente', text: 'hablar con el GERENTE' }
 * matchPhrases('My manager told me to write', ['talk to a manager']) // → null
 */
export function matchPhrases(text: string, phrases: readonly string[]): PhraseMatch | null {
  const byFirst = new Map<string, Array<{ phrase: string; words: string[] }>>()
  for (const phrase of phrases) {
    const words = phraseWords(phrase)
    const first = words[0]
    if (first === undefined) continue
    const list = byFirst.get(first) ?? []
    list.push({ phrase, words })
    byFirst.set(first, list)
  }
  if (byFirst.size === 0) return null
  for (const list of byFirst.values()) list.sort((a, b) => b.words.length - a.words.length)

  const words = meaningful(splitWords(text))
  for (let i = 0; i < words.length; i++) {
    for (const candidate of byFirst.get(words[i]!.folded) ?? []) {
      const n = candidate.words.length
      if (i + n > words.length) continue
      let same = true
      for (let k = 1; k < n && same; k++) same = words[i + k]!.folded === candidate.words[k]
      if (same) {
        return {
          phrase: candidate.phrase,
          text: text.slice(words[i]!.start, words[i + n - 1]!.end),
        }
      }
    }
  }
  return null
}
