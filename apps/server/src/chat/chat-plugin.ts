import fp from 'fastify-plugin'

/** Chat: the space channel, direct and mention chats (SPEC §2). REST under /api, events over Socket.IO. */
export const chatPlugin = fp(
  async (_app) => {
    // filled in by the chat feature
  },
  { name: 'chat', dependencies: ['database', 'auth', 'socket-server'] },
)
