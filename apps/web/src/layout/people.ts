import type { PresenceStatus } from '@flare/protocol/client'
import { useMemo } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { useFlare } from '../store/index.js'

/** Avatar colours: each carries white initials at WCAG AA contrast, and no two look alike. */
export const AVATAR_COLORS = [
  '#b4461a',
  '#0b7a75',
  '#5b3cc4',
  '#1d6fb8',
  '#a3366b',
  '#3f7d20',
  '#8a5a00',
  '#2f5d8a',
  '#b02a37',
  '#5c6b00',
] as const

/**
 * A member's colour: by their place among the space's members (sorted by id, which never
 * changes), so everyone sees the same colour for the same person and neighbours differ.
 */
export function avatarColor(userId: string, memberIds: readonly string[]): string {
  const sorted = [...memberIds].sort()
  const index = sorted.indexOf(userId)
  const at = index >= 0 ? index : [...userId].reduce((sum, c) => sum + c.charCodeAt(0), 0)
  return AVATAR_COLORS[at % AVATAR_COLORS.length] ?? AVATAR_COLORS[0]
}

/** The ids of everyone in the space (members of the space, else those present). */
export function useMemberIds(): string[] {
  return useFlare(
    useShallow((s) =>
      s.space.status === 'ready'
        ? s.space.value.members.map((m) => m.userId)
        : (s.snapshot?.members.map((m) => m.userId) ?? []),
    ),
  )
}

export function initialsOf(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean)
  const letters = parts.length > 1 ? [parts[0], parts[parts.length - 1]] : parts
  return letters.map((p) => [...(p ?? '')][0]?.toUpperCase() ?? '').join('')
}

/**
 * The name under an avatar on the map: whole when short, else the first name and the last
 * initial ("Fatima K."), so neighbours at desks a metre apart do not run into each other.
 * The full name is always in the avatar's accessible name and tooltip.
 */
export function mapLabelOf(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean)
  if (name.length <= 11 || parts.length < 2) return name
  const last = [...(parts[parts.length - 1] ?? '')][0] ?? ''
  return `${parts[0]} ${last}.`
}

export const STATUS_WORD: Record<PresenceStatus, string> = {
  available: 'available',
  busy: 'busy',
  away: 'away',
}

/** A member's display name from the space's members or those present, never an id. */
export function displayNameOf(userId: string): string {
  const s = useFlare.getState()
  const members = s.space.status === 'ready' ? s.space.value.members : []
  return (
    members.find((m) => m.userId === userId)?.displayName ??
    s.snapshot?.members.find((m) => m.userId === userId)?.displayName ??
    'Someone who left'
  )
}

/** Where a member's profile picture is served, from the space's members; null = initials. */
export function usePictureUrl(userId: string): string | null {
  return useFlare((s) => {
    if (s.me.status === 'ready' && s.me.value?.user.id === userId) {
      return s.me.value.user.pictureUrl ?? null
    }
    return s.space.status === 'ready'
      ? (s.space.value.members.find((m) => m.userId === userId)?.pictureUrl ?? null)
      : null
  })
}

/** Every member's picture by user id, for the map (a stable map while nobody changes theirs). */
export function usePictures(): Map<string, string> {
  const members = useFlare((s) => (s.space.status === 'ready' ? s.space.value.members : null))
  return useMemo(
    () =>
      new Map(
        (members ?? []).flatMap((m) => (m.pictureUrl ? [[m.userId, m.pictureUrl] as const] : [])),
      ),
    [members],
  )
}
