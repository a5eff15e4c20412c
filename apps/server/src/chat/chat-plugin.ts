import fp from 'fastify-plugin'
import { createChatHandlers } from './chat-handlers.js'
import { chatRoutes } from './chat-routes.js'

/** Chat: the space channel, direct and mention chats (SPEC §2). REST under /api, events over Socket.IO. */
export const chatPlugin = fp(
  async (app) => {
    await app.register(chatRoutes, { prefix: '/api' })
    app.realtime.onConnection((socket) => {
      const handlers = createChatHandlers({
        log: app.log,
        db: app.database.db,
        io: app.realtime.io,
        clock: app.clock,
        socket,
      })
      for (const [event, handler] of Object.entries(handlers)) {
        socket.on(event as 'chat:send', handler)
      }
    })
  },
  { name: 'chat', dependencies: ['database', 'auth', 'socket-server'] },
)
