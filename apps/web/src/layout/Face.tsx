import { type CSSProperties, useState } from 'react'
import { avatarColor, initialsOf, useMemberIds, usePictureUrl } from './people.js'

/**
 * A person's face in lists and bars: their picture when they set one (SPEC §2.6), else their
 * initials on their colour. Decorative: the name beside it says who it is. A picture that
 * fails to load falls back to the initials.
 */
export function Face({
  userId,
  name,
  className,
  style,
}: {
  userId: string
  name: string
  className: string
  style?: CSSProperties
}) {
  const url = usePictureUrl(userId)
  const memberIds = useMemberIds()
  const [broken, setBroken] = useState<string | null>(null)
  const shown = url && url !== broken ? url : null
  return (
    <span
      className={`${className} face${shown ? ' has-picture' : ''}`}
      style={{ background: avatarColor(userId, memberIds), ...style }}
      aria-hidden="true"
    >
      {shown ? (
        <img src={shown} alt="" decoding="async" onError={() => setBroken(shown)} />
      ) : (
        initialsOf(name)
      )}
    </span>
  )
}
