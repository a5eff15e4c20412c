import { type Channel, DeliveryError } from './channel.js'

/**
 * The red pop-up over Socket.IO. Its rows are written like every channel's, but they become
 * `sent` when the firing is delivered to the targets' sockets (automation/acknowledgements),
 * never through the outbox worker.
 */
export const inAppChannel: Channel = {
  name: 'in_app',
  queued: false,
  targetsFor(audience) {
    return audience.userIds.map((id) => `user:${id}`)
  },
  async deliver() {
    throw new DeliveryError('in-app notifications are delivered over Socket.IO', false)
  },
}
