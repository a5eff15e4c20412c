/** The chat side panel: space channel, direct and mention chats. Owned by the chat feature. */
export function ChatPanel() {
  return <p className="muted">Chat is on its way.</p>
}
