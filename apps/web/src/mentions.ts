import type { SpaceResponse } from '@flare/protocol'

export type Mentionable =
  | { kind: 'user'; id: string; label: string; handle: string }
  | { kind: 'group'; id: string; label: string; handle: string; memberCount: number }

/** The handle a user is mentioned by: their display name, lower-cased, words joined by dots. */
export function userHandle(displayName: string): string {
  return displayName.trim().toLowerCase().split(/\s+/).join('.')
}

function fold(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase()
}

/**
 * Members and groups of a space matching what was typed after `@` (or in a picker), best
 * matches first: a handle or name starting with the query, then containing it. Used by the
 * chat's mention autocomplete and the escalation recipient picker alike.
 *
 * @example
 * searchMentionables(space, 'tie') // [{kind: 'group', handle: 'tier1', …}]
 */
export function searchMentionables(
  space: Pick<SpaceResponse, 'members' | 'groups'>,
  query: string,
  options: { excludeUserIds?: readonly string[]; limit?: number } = {},
): Mentionable[] {
  const q = fold(query.replace(/^@/, '').trim())
  const exclude = new Set(options.excludeUserIds ?? [])
  const all: Mentionable[] = [
    ...space.groups.map(
      (g): Mentionable => ({
        kind: 'group',
        id: g.id,
        label: g.name,
        handle: g.handle,
        memberCount: g.memberIds.length,
      }),
    ),
    ...space.members
      .filter((m) => !exclude.has(m.userId))
      .map(
        (m): Mentionable => ({
          kind: 'user',
          id: m.userId,
          label: m.displayName,
          handle: userHandle(m.displayName),
        }),
      ),
  ]
  const score = (m: Mentionable): number => {
    const handle = fold(m.handle)
    const words = fold(m.label).split(/\s+/)
    if (q === '') return 1
    if (handle.startsWith(q) || words.some((w) => w.startsWith(q))) return 0
    if (handle.includes(q) || fold(m.label).includes(q)) return 1
    return -1
  }
  return all
    .map((m) => ({ m, s: score(m) }))
    .filter(({ s }) => s >= 0)
    .sort((a, b) => a.s - b.s || a.m.label.localeCompare(b.m.label))
    .slice(0, options.limit ?? 8)
    .map(({ m }) => m)
}
