import type { PresenceStatus } from '@flare/protocol/client'
import { AwayIcon, BusyIcon, CheckIcon } from '../layout/icons.js'

/** Status as an icon as well as a colour and a word: a tick, a bar, a moon. */
export function StatusIcon({ status }: { status: PresenceStatus }) {
  return status === 'available' ? <CheckIcon /> : status === 'busy' ? <BusyIcon /> : <AwayIcon />
}
