import fp from 'fastify-plugin'

/** Inboxes, tickets and their messages (SPEC §4). REST under /api, live updates over Socket.IO. */
export const ticketsPlugin = fp(
  async (_app) => {
    // filled in by the inbox feature
  },
  { name: 'tickets', dependencies: ['database', 'auth', 'socket-server'] },
)
