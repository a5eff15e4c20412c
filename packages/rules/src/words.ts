/** A word of a text: folded for comparison, with where it stands in the text as written. */
export interface Word {
  /** Lower-cased, accents and apostrophes removed: "Atención" → "atencion", "Don't" → "dont". */
  folded: string
  start: number
  end: number
}

// letters (with their combining marks) and digits, and apostrophes inside a word ("don't")
const WORD = /[\p{L}\p{N}][\p{L}\p{M}\p{N}]*(?:['’][\p{L}\p{N}][\p{L}\p{M}\p{N}]*)*/gu
const MARKS = /\p{M}+/gu
const APOSTROPHES = /['’]/g

/**
 * One word as Flare compares words: compatibility-decomposed (so full-width and ligature
 * letters fold too), accents dropped, lower-cased, apostrophes removed.
 *
 * @example
 * foldWord('Atención') // → 'atencion'
 * foldWord("Don't") // → 'dont'
 */
export function foldWord(word: string): string {
  return word.normalize('NFKD').replace(MARKS, '').toLowerCase().replace(APOSTROPHES, '')
}

/**
 * The words of a text, in order, folded, each with its place in the text as written, so a
 * match can quote the customer's own words. Punctuation, spaces and emoji separate words.
 *
 * @example
 * splitWords('¿Hablar con el GERENTE?').map((w) => w.folded) // → ['hablar', 'con', 'el', 'gerente']
 */
export function splitWords(text: string): Word[] {
  const words: Word[] = []
  for (const match of text.matchAll(WORD)) {
    const start = match.index
    words.push({ folded: foldWord(match[0]), start, end: start + match[0].length })
  }
  return words
}
