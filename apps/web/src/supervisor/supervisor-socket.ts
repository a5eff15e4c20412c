import type { FlareClientSocket } from '../socket.js'
import { useFlare } from '../store/index.js'
import { applyPerspectiveItem } from './perspective-rows.js'

/**
 * Applies the supervisor's server events to the store. Called once per connection; only
 * admins and managers receive them. The perspective takes them only once it has loaded: a
 * list loaded later already holds them.
 */
export function registerSupervisorEvents(socket: FlareClientSocket): void {
  socket.on('perspective:updated', (item) => {
    useFlare.setState((s) => {
      if (s.perspective.status !== 'ready') return {}
      return {
        perspective: {
          ...s.perspective,
          items: applyPerspectiveItem(s.perspective.items, item, s.perspective.filter),
        },
      }
    })
  })
}
