import { PROTOCOL_VERSION, type SpaceSnapshot } from '@flare/protocol'
import fp from 'fastify-plugin'
import { createAcknowledgeHandlers } from '../automation/acknowledgements.js'
import { createChatHandlers } from '../chat/chat-handlers.js'
import { createHandHandlers } from '../hands/hand-handlers.js'
import { unansweredRedHandsOf } from '../hands/hand-repository.js'
import {
  createReceiptHandlers,
  ticketAlertsOf,
  unreceivedSlaWarningsOf,
} from '../notifications/in-app-receipts.js'
import { directoryVersionOf } from '../spaces/space-repository.js'
import { presenceRoom, spaceRoom, userRoom } from './broadcaster.js'
import { createPresenceHandlers } from './presence-handlers.js'
import { seatOf } from './seats.js'
import { refuseUnknownEvents, registerHandlers } from './socket-handlers.js'
import type { FlareSocket } from './socket-server.js'

/**
 * The life of one Socket.IO connection, in one place: it joins its space's rooms, becomes
 * present, gets every feature's event handlers, then its snapshot. Registered after the
 * features, whose services it hands to their handler factories.
 */
export const connectionsPlugin = fp(
  async (app) => {
    const { io } = app.realtime
    const db = app.database.db

    /** Spaces whose hands must be read again before their next snapshots (after an outage). */
    const reloadHands = new Set<string>()
    /** How long a snapshot that could not be built (the database is away) waits to be tried again. */
    const SNAPSHOT_RETRY_MS = 2_000

    // snapshots, built once per flush for every socket that asked in it: the hands kept in
    // memory by the event stream, each person's unshown in-app escalations and SLA warnings
    // (one query each for the whole flush), and, taken only once those are in, the hub's
    // replica of presence as of its latest flush (shared by all of them, and written to JSON
    // once, see snapshot-encoder.ts): these sockets get no diffs until then, so whatever
    // flushed while the queries ran is in their snapshot rather than in a diff that would
    // arrive before it
    app.realtime.onSnapshotsDue((spaceId, socketIds) => {
      const reload = reloadHands.delete(spaceId)
      void (async () => {
        const sockets = socketIds.flatMap((id) => io.sockets.sockets.get(id) ?? [])
        const userIds = sockets.map((s) => s.data.userId)
        const [hub, , alerts, warnings, directoryVersion, unanswered] = await Promise.all([
          app.realtime.hub(spaceId),
          app.hands.listActive(spaceId, { reload }),
          ticketAlertsOf(db, spaceId, userIds, app.clock()),
          unreceivedSlaWarningsOf(db, spaceId, userIds, app.clock()),
          directoryVersionOf(db, spaceId),
          unansweredRedHandsOf(db, spaceId, userIds),
        ])
        // the hands again, from memory now that they are read: one raised while the alerts
        // were queried reached these sockets already, and must be in their snapshot too
        const escalations = await app.hands.listActive(spaceId)
        const shared = {
          protocolVersion: PROTOCOL_VERSION,
          spaceId,
          serverTime: app.clock().toISOString(),
          // synchronously before the sends below: no flush can come between
          members: hub.sendingSnapshots(socketIds),
          rooms: [...hub.rooms],
          directoryVersion,
          escalations,
        }
        for (const socket of sockets) {
          const { userId } = socket.data
          const snapshot: SpaceSnapshot = {
            ...shared,
            you: userId,
            ticketAlerts: alerts.get(userId) ?? [],
            slaWarnings: warnings.get(userId) ?? [],
          }
          app.realtime.sendSnapshot(socket, snapshot)
          // a red hand this person was notified of and has not answered: its card again,
          // right after the snapshot (a page reloaded or away when it went up misses nothing)
          for (const { escalationId, raiserName } of unanswered.get(userId) ?? []) {
            const escalation = escalations.find((e) => e.id === escalationId)
            if (!escalation || escalation.responses.some((r) => r.userId === userId)) continue
            app.broadcast.toSocket(
              socket.id,
              'escalation:notify',
              { escalation, raiserName },
              { local: true },
            )
          }
        }
      })().catch((err: unknown) => {
        // the database is away: the sockets stay, and ask again in a moment (they get no
        // diffs meanwhile, so the snapshot they get then is exact)
        app.log.warn({ err, spaceId }, 'could not build snapshots; trying again')
        if (reload) reloadHands.add(spaceId)
        const retry = setTimeout(() => {
          app.realtime
            .hub(spaceId)
            .then((hub) => {
              for (const id of socketIds) {
                if (io.sockets.sockets.has(id)) hub.requestSnapshot(id)
                else hub.forgetSocket(id)
              }
            })
            .catch(() => {})
        }, SNAPSHOT_RETRY_MS)
        retry.unref()
      })
    })

    function handlersOf(socket: FlareSocket, hub: Awaited<ReturnType<typeof app.realtime.hub>>) {
      const { spaceId, userId, displayName } = socket.data
      return {
        ...createPresenceHandlers({ hub, userId, socketId: socket.id }),
        ...createHandHandlers({
          service: app.hands.service,
          spaceId,
          // socket.data itself, not a copy: the authority guard refreshes its role before each
          // event that needs one, so a demoted manager is refused at once
          actor: socket.data,
        }),
        ...createChatHandlers({
          db,
          broadcast: app.broadcast,
          clock: app.clock,
          spaceId,
          userId,
          displayName,
          socketId: socket.id,
        }),
        ...createAcknowledgeHandlers({
          acknowledgements: app.acknowledgements,
          spaceId,
          userId,
        }),
        ...createReceiptHandlers({ db, clock: app.clock, spaceId, userId }),
      }
    }

    // after a Redis outage every process re-reads the cluster, and a process that died may have
    // stored a hand it never told: what clients missed comes to them as a fresh snapshot
    app.realtime.onResynced((spaceId) => {
      void (async () => {
        const hub = await app.realtime.hub(spaceId)
        reloadHands.add(spaceId)
        for (const socketId of io.sockets.adapter.rooms.get(spaceRoom(spaceId)) ?? []) {
          hub.requestSnapshot(socketId)
        }
      })().catch((err: unknown) => app.log.error({ err, spaceId }, 'could not re-sync clients'))
    })

    io.on('connection', async (socket: FlareSocket) => {
      const { spaceId, userId, displayName, role } = socket.data
      try {
        const hub = await app.realtime.hub(spaceId)
        // a member new to this space's floor starts at their desk; a returning one where they were
        const seat = hub.get(userId) ? null : await seatOf(db, spaceId, hub, userId)
        if (socket.disconnected) return
        // join the rooms before connecting: the member's own 'joined' and everything after it
        // reach this socket too, so nothing falls between the snapshot and the live events
        socket.join([
          spaceRoom(spaceId),
          userRoom(spaceId, userId),
          presenceRoom(spaceId, socket.data.presenceFormat),
        ])
        hub.connect({ userId, displayName, role }, seat)
        socket.on('disconnect', (reason) => {
          // the client said goodbye itself; any other reason may be a network drop that comes back
          hub.forgetSocket(socket.id)
          hub.disconnect(userId, reason === 'client namespace disconnect')
        })
        app.authority.guard(socket)
        registerHandlers(socket, handlersOf(socket, hub), app.log)
        refuseUnknownEvents(socket)
        // with the next flush: everyone present then, and none of that flush's diffs
        hub.requestSnapshot(socket.id)
      } catch (error) {
        app.log.error({ err: error }, 'socket connection setup failed')
        socket.disconnect(true)
      }
    })
  },
  {
    name: 'connections',
    dependencies: ['socket-server', 'authority', 'hands', 'chat', 'automation'],
  },
)
