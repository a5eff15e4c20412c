import fp from 'fastify-plugin'
import { chatRoutes } from './chat-routes.js'

/**
 * Chat: the space channel, direct and mention chats (SPEC §2). REST under /api here; its socket
 * events (`createChatHandlers`) are registered with every connection's in `realtime/connections.ts`.
 */
export const chatPlugin = fp(
  async (app) => {
    await app.register(chatRoutes, { prefix: '/api' })
  },
  { name: 'chat', dependencies: ['database', 'auth'] },
)
