// The baseline of `npm run bench:fanout`: a bare Socket.IO server with the same engine options
// as Flare's, one room, no database. A connection joins the room and is welcomed; `raise`
// broadcasts its payload to the room as `escalation:started`, `end` as `escalation:ended`.
import { createServer } from 'node:http'
import { Server } from 'socket.io'

const port = Number(process.env.PORT ?? 0)
const http = createServer()
const io = new Server(http, {
  path: '/socket.io',
  serveClient: false,
  maxHttpBufferSize: 64 * 1024,
  pingInterval: 10_000,
  // Flare's heartbeat, or the longer one bench:fanout gives both servers for many clients
  pingTimeout: Number(process.env.BENCH_PING_TIMEOUT_MS ?? 5_000),
})
io.on('connection', (socket) => {
  socket.join('space')
  socket.emit('welcome', { you: socket.id })
  socket.on('raise', (payload: unknown, ack?: (answer: unknown) => void) => {
    io.to('space').emit('escalation:started', payload)
    ack?.({ ok: true })
  })
  socket.on('end', (payload: unknown, ack?: (answer: unknown) => void) => {
    io.to('space').emit('escalation:ended', payload)
    ack?.({ ok: true })
  })
})
// the same accept queue as Flare's server (apps/server/src/server.ts)
http.listen({ port, host: '127.0.0.1', backlog: 2_048 }, () => {
  const address = http.address()
  const listening = typeof address === 'object' && address ? address.port : port
  process.stdout.write(`bare socket.io listening ${listening}\n`)
})
process.once('SIGTERM', () => {
  io.close()
  process.exit(0)
})
