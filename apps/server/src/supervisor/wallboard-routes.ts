import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  ApiErrorBody,
  DeletedResponse,
  parse,
  SpaceParams,
  WallboardCreate,
  WallboardCreated,
  type WallboardDto,
  WallboardHello,
  WallboardListResponse,
  type WallboardMessage,
  WallboardParams,
} from '@flare/protocol'
import { and, asc, eq, isNull } from 'drizzle-orm'
import { generateSecret, hashSecret } from '../auth/secrets.js'
import { writeAuditEntry } from '../db/audit-log.js'
import { inboxes, spaces, wallboards } from '../db/schema.js'
import { badRequest, notFound } from '../errors.js'
import { membershipOf } from '../plugins/auth.js'
import { type BoardClient, findOpenBoard, type WallboardFeeds } from './wallboard-feeds.js'

const TOKEN_PREFIX = 'flw_'
/** How long a board's connection may stay silent before it says which board it is. */
const HELLO_WITHIN_MS = 10_000

type WallboardRow = typeof wallboards.$inferSelect

function toWallboardDto(row: WallboardRow): WallboardDto {
  return {
    id: row.id,
    name: row.name,
    inboxId: row.inboxId,
    prefix: row.prefix,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    lastSeenAt: row.lastSeenAt ? row.lastSeenAt.toISOString() : null,
  }
}

/** What the audit log keeps of a board: never its token. */
function audited(row: WallboardRow) {
  return { name: row.name, inboxId: row.inboxId, prefix: row.prefix }
}

export interface WallboardRoutesOptions {
  feeds: WallboardFeeds
  publicUrl: string
}

/**
 * Wallboard links (SPEC §8.5): admins and managers create, list and revoke them; a TV opens
 * `PUBLIC_URL/wallboard#<token>` and reads the live counts from `GET /api/wallboard/live`.
 */
export const wallboardRoutes: FastifyPluginAsyncTypebox<WallboardRoutesOptions> = async (
  app,
  { feeds, publicUrl },
) => {
  const db = app.database.db
  const errors = { 400: ApiErrorBody, 401: ApiErrorBody, 403: ApiErrorBody, 404: ApiErrorBody }
  const writer = app.requireSpaceRole('admin', 'manager')

  app.get(
    '/spaces/:spaceId/wallboards',
    {
      schema: {
        tags: ['supervisor'],
        summary: "The space's wallboard links that are not revoked (admins and managers)",
        params: SpaceParams,
        response: { 200: WallboardListResponse, ...errors },
      },
      preHandler: writer,
    },
    async (request) => {
      const rows = await db
        .select()
        .from(wallboards)
        .where(
          and(eq(wallboards.spaceId, membershipOf(request).spaceId), isNull(wallboards.revokedAt)),
        )
        .orderBy(asc(wallboards.createdAt), asc(wallboards.id))
      return { wallboards: rows.map(toWallboardDto) }
    },
  )

  app.post(
    '/spaces/:spaceId/wallboards',
    {
      schema: {
        tags: ['supervisor'],
        summary: 'Create a wallboard link (admins and managers); the token is shown once',
        description:
          'Answers `{wallboard, token, url}`. Open `url` (`PUBLIC_URL/wallboard#<token>`) on a TV: it ' +
          'needs no login and stays live until the link is revoked. The token travels in the ' +
          "address's fragment, which browsers never send to a server, and only its SHA-256 is kept.",
        params: SpaceParams,
        body: WallboardCreate,
        response: { 201: WallboardCreated, ...errors },
      },
      preHandler: writer,
    },
    async (request, reply) => {
      const { spaceId, userId } = membershipOf(request)
      const { name, inboxId } = request.body
      if (inboxId) {
        const [inbox] = await db
          .select({ id: inboxes.id })
          .from(inboxes)
          .where(and(eq(inboxes.id, inboxId), eq(inboxes.spaceId, spaceId)))
        if (!inbox) throw badRequest('inboxId: no such inbox in this space', 'inboxId')
      }
      const token = generateSecret(TOKEN_PREFIX)
      const at = app.clock()
      const row = await db.transaction(async (tx) => {
        const [stored] = await tx
          .insert(wallboards)
          .values({
            spaceId,
            name: name.trim(),
            inboxId: inboxId ?? null,
            tokenHash: hashSecret(token),
            prefix: token.slice(0, TOKEN_PREFIX.length + 6),
            createdBy: userId,
            createdAt: at,
          })
          .returning()
        if (!stored) throw new Error('wallboard was not stored')
        await writeAuditEntry(tx, {
          spaceId,
          actorUserId: userId,
          action: 'create',
          kind: 'wallboard',
          entityId: stored.id,
          before: null,
          after: audited(stored),
          at,
        })
        return stored
      })
      return reply.code(201).send({
        wallboard: toWallboardDto(row),
        token,
        url: `${publicUrl.replace(/\/$/, '')}/wallboard#${token}`,
      })
    },
  )

  app.delete(
    '/spaces/:spaceId/wallboards/:wallboardId',
    {
      schema: {
        tags: ['supervisor'],
        summary:
          'Revoke a wallboard link (admins and managers): its live connection closes within a second',
        params: WallboardParams,
        response: { 200: DeletedResponse, ...errors },
      },
      preHandler: writer,
    },
    async (request) => {
      const { spaceId, userId } = membershipOf(request)
      const { wallboardId } = request.params
      const at = app.clock()
      await db.transaction(async (tx) => {
        const [revoked] = await tx
          .update(wallboards)
          .set({ revokedAt: at })
          .where(
            and(
              eq(wallboards.id, wallboardId),
              eq(wallboards.spaceId, spaceId),
              isNull(wallboards.revokedAt),
            ),
          )
          .returning()
        if (!revoked) throw notFound('No such wallboard in this space.')
        await writeAuditEntry(tx, {
          spaceId,
          actorUserId: userId,
          action: 'delete',
          kind: 'wallboard',
          entityId: revoked.id,
          before: audited(revoked),
          after: null,
          at,
        })
      })
      // after the commit: every process closes the board's connection (SPEC §12.3's path)
      await app.authority.wallboardRevoked(wallboardId)
      return { deleted: true as const }
    },
  )

  app.get(
    '/wallboard/live',
    {
      websocket: true,
      schema: {
        tags: ['supervisor'],
        summary:
          'WebSocket for a wallboard: send `{token}` first, then receive its live counts as JSON',
        description:
          'No login: the first message must be `{"token": "flw_…"}` (within 10 s). The server answers ' +
          '`{type: "counts", board, serverTime, counts}` at once, after every change and at least ' +
          'every 30 s (the same counts again, so a board can tell silence from a dead line); a revoked ' +
          'or unknown token gets `{type: "closed", reason}` and close code 1008.',
      },
    },
    (socket) => {
      let client: BoardClient | null = null
      let forget: (() => void) | null = null
      const send = (message: WallboardMessage) => {
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message))
      }
      const closeWith = (reason: 'revoked' | 'unknown') => {
        send({ type: 'closed', reason })
        socket.close(1008, reason === 'revoked' ? 'REVOKED' : 'UNKNOWN')
      }
      const silent = setTimeout(() => closeWith('unknown'), HELLO_WITHIN_MS)
      socket.on('close', () => {
        clearTimeout(silent)
        if (client) feeds.remove(client)
        forget?.()
      })
      socket.once('message', (data: Buffer) => {
        clearTimeout(silent)
        void (async () => {
          let input: unknown = null
          try {
            input = JSON.parse(data.toString('utf8'))
          } catch {
            // not JSON: answered as an unknown board below
          }
          const hello = parse(WallboardHello, input)
          const row = hello.ok
            ? await findOpenBoard(app.database, hashSecret(hello.value.token))
            : null
          if (!row) return closeWith('unknown')
          const [space] = await db
            .select({ name: spaces.name })
            .from(spaces)
            .where(eq(spaces.id, row.spaceId))
          if (socket.readyState !== socket.OPEN) return
          client = {
            wallboardId: row.id,
            spaceId: row.spaceId,
            inboxId: row.inboxId,
            board: { name: row.name, spaceName: space?.name ?? '' },
            send,
            close: closeWith,
          }
          // revoking the link closes this connection, in whichever process holds it
          forget = app.authority.trackStream(
            {
              spaceId: row.spaceId,
              userId: `wallboard:${row.id}`,
              sessionId: null,
              tokenId: null,
              wallboardId: row.id,
            },
            () => closeWith('revoked'),
            // a wallboard link has no login that expires (SPEC §8.5): only revoking ends it
            null,
          )
          // a revoke committed between the lookup above and the registration closed nothing
          // here: the board must still be open once this connection can be found
          const [seen] = await db
            .update(wallboards)
            .set({ lastSeenAt: app.clock() })
            .where(and(eq(wallboards.id, row.id), isNull(wallboards.revokedAt)))
            .returning({ id: wallboards.id })
          if (!seen) return closeWith('revoked')
          await feeds.add(client)
        })().catch((err: unknown) => {
          app.log.error({ err }, 'wallboard connection failed')
          socket.close(1011, 'INTERNAL')
        })
      })
    },
  )
}
