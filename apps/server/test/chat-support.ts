import type { ChatMessageDto } from '@flare/protocol'
import type { Client } from './sockets.js'

/** The next chat message a client receives that matches `match` (others are passed over). */
export function nextChat(
  c: Client,
  match: (m: ChatMessageDto) => boolean = () => true,
): Promise<ChatMessageDto> {
  return new Promise((resolve) => {
    const listener = (m: ChatMessageDto) => {
      if (!match(m)) return
      c.off('chat:message', listener)
      resolve(m)
    }
    c.on('chat:message', listener)
  })
}

/** Records every chat message a client receives. */
export function recordChat(c: Client): ChatMessageDto[] {
  const seen: ChatMessageDto[] = []
  c.on('chat:message', (m) => seen.push(m))
  return seen
}
