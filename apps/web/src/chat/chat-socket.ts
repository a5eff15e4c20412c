import type { FlareClientSocket } from '../socket.js'
import { clearUnread, loadChatThreads, receiveChatMessage } from './chat-actions.js'

/** Applies the chat feature's server events to the store. Called once per connection. */
export function registerChatEvents(socket: FlareClientSocket): void {
  socket.on('chat:message', receiveChatMessage)
  socket.on('chat:thread-read', ({ threadKey }) => clearUnread(threadKey))
  // every (re)connection: threads and the open thread again, so nothing sent meanwhile is missed
  socket.on('space:snapshot', () => void loadChatThreads())
}
