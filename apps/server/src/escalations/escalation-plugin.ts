import fp from 'fastify-plugin'

/** Manual escalations, the raised hand (SPEC §3). */
export const escalationPlugin = fp(
  async (_app) => {
    // filled in below
  },
  { name: 'escalations', dependencies: ['database', 'auth', 'socket-server'] },
)
