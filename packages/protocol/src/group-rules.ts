// What a group's name and handle may be (SPEC §1.5.5), without TypeBox so the browser checks a
// draft by the same rules the server refuses it by.

/**
 * A group's `@handle`: lower-case letters, digits, `.`, `_` and `-`, starting and ending with a
 * letter or digit, so that `@tier1.` at the end of a sentence still mentions `tier1`.
 */
export const GROUP_HANDLE_PATTERN = '^[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?$'
export const MAX_GROUP_HANDLE_LENGTH = 40
export const MAX_GROUP_NAME_LENGTH = 80
/** More members than this is a space's whole staff, not a group. */
export const MAX_GROUP_MEMBERS = 1000

/**
 * Whether a handle is well-formed (its uniqueness in the space is the server's to say).
 *
 * @example
 * isGroupHandle('tier1') // true
 * isGroupHandle('Tier 1') // false
 */
export function isGroupHandle(handle: string): boolean {
  return handle.length <= MAX_GROUP_HANDLE_LENGTH && new RegExp(GROUP_HANDLE_PATTERN).test(handle)
}
