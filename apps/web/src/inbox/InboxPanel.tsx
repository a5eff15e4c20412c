/** The inbox side panel: tickets and the ticket view. Owned by the inbox feature. */
export function InboxPanel() {
  return <p className="muted">The inbox is on its way.</p>
}
