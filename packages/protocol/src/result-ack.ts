import type { Result } from './result.js'

/** The acknowledgement callback of a client → server event. */
export type Ack<T extends object = Record<never, never>> = (result: Result<T>) => void
