import { createHash } from 'node:crypto'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  ApiErrorBody,
  MAX_PICTURE_BYTES,
  MAX_PICTURE_SIDE,
  PICTURE_TYPES,
  PictureParams,
  PictureQuery,
  PictureResponse,
  PictureUpload,
} from '@flare/protocol'
import { Type } from '@sinclair/typebox'
import { and, eq, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import { pictureUrlOf } from '../auth/identity.js'
import { memberships, userPictures, users } from '../db/schema.js'
import { badRequest, notFound } from '../errors.js'
import { identityOf } from '../plugins/auth.js'
import { countDirectoryChange, findMemberDto, listSpacesOf } from '../spaces/space-repository.js'
import { imageFacts } from './image-facts.js'

const KB = 1024

/**
 * A profile picture (SPEC §2.6): set and removed by its owner, seen by the people who share a
 * space with them. Stored only once its own bytes prove it a PNG, JPEG or WebP of sensible
 * size, and served with that type, `nosniff` and a CSP that runs nothing, so a picture can
 * never be a page or a script.
 */
export const pictureRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.database.db
  const errors = { 400: ApiErrorBody, 401: ApiErrorBody }

  /**
   * Every space the user is in hears their new picture, with the member as it is now, and
   * counts it as a change of its directory (a page away meanwhile reads the space again).
   */
  async function tellSpaces(userId: string): Promise<void> {
    for (const space of await listSpacesOf(db, userId)) {
      await countDirectoryChange(db, space.id)
      const member = await findMemberDto(db, space.id, userId)
      if (member) app.broadcast.toSpace(space.id, 'member:updated', member)
    }
  }

  app.put(
    '/me/picture',
    {
      schema: {
        tags: ['auth'],
        summary: 'Set your profile picture: a PNG, JPEG or WebP, base64-encoded',
        description:
          `At most ${MAX_PICTURE_BYTES / KB} KB and ${MAX_PICTURE_SIDE} pixels a side. The bytes ` +
          'must be the declared type (the header is read, not trusted): anything else, SVG ' +
          'included, is refused with 400 VALIDATION naming `data`.',
        body: PictureUpload,
        response: { 200: PictureResponse, ...errors },
      },
      preHandler: app.requireUser,
      // the picture in base64 is a third larger than its bytes: past the app's usual limit
      bodyLimit: 320 * KB,
    },
    async (request) => {
      const { userId } = identityOf(request)
      const bytes = Buffer.from(request.body.data, 'base64')
      if (bytes.length > MAX_PICTURE_BYTES) {
        throw badRequest(`The picture is larger than ${MAX_PICTURE_BYTES / KB} KB.`, 'data')
      }
      const facts = imageFacts(bytes)
      if (!facts || facts.type !== request.body.contentType) {
        throw badRequest('That is not a PNG, JPEG or WebP picture of the type given.', 'data')
      }
      if (
        facts.width < 1 ||
        facts.height < 1 ||
        facts.width > MAX_PICTURE_SIDE ||
        facts.height > MAX_PICTURE_SIDE
      ) {
        throw badRequest(`A picture may be at most ${MAX_PICTURE_SIDE} pixels a side.`, 'data')
      }
      const version = createHash('sha256').update(bytes).digest('hex').slice(0, 16)
      await db.transaction(async (tx) => {
        await tx
          .insert(userPictures)
          .values({ userId, contentType: facts.type, bytes })
          .onConflictDoUpdate({
            target: userPictures.userId,
            set: { contentType: facts.type, bytes, updatedAt: sql`now()` },
          })
        await tx.update(users).set({ pictureVersion: version }).where(eq(users.id, userId))
      })
      await tellSpaces(userId)
      return { pictureUrl: pictureUrlOf(userId, version) }
    },
  )

  app.delete(
    '/me/picture',
    {
      schema: {
        tags: ['auth'],
        summary: 'Remove your profile picture: your initials show again',
        response: { 200: PictureResponse, 401: ApiErrorBody },
      },
      preHandler: app.requireUser,
    },
    async (request) => {
      const { userId } = identityOf(request)
      await db.transaction(async (tx) => {
        await tx.delete(userPictures).where(eq(userPictures.userId, userId))
        await tx.update(users).set({ pictureVersion: null }).where(eq(users.id, userId))
      })
      await tellSpaces(userId)
      return { pictureUrl: null }
    },
  )

  const other = alias(memberships, 'other')

  app.get(
    '/users/:userId/picture',
    {
      schema: {
        tags: ['auth'],
        summary: "A user's profile picture (you, or someone who shares a space with you)",
        description:
          'Answered with the stored type, `X-Content-Type-Options: nosniff` and ' +
          "`Content-Security-Policy: default-src 'none'; sandbox`. With the current `v` (as in " +
          'the `pictureUrl` the API gives) it may be cached for good; a user with no picture, ' +
          'or one you share no space with, is 404.',
        params: PictureParams,
        querystring: PictureQuery,
        response: {
          200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }),
          304: Type.Null(),
          ...errors,
          404: ApiErrorBody,
        },
      },
      preHandler: app.requireUser,
    },
    async (request, reply) => {
      const viewer = identityOf(request).userId
      const { userId } = request.params
      if (userId !== viewer) {
        // members only see members (SPEC §1.4): a stranger's picture is as absent as none
        const [shared] = await db
          .select({ spaceId: memberships.spaceId })
          .from(memberships)
          .innerJoin(other, eq(other.spaceId, memberships.spaceId))
          .where(and(eq(memberships.userId, viewer), eq(other.userId, userId)))
          .limit(1)
        if (!shared) throw notFound('No such picture.')
      }
      const [row] = await db
        .select({
          contentType: userPictures.contentType,
          bytes: userPictures.bytes,
          version: users.pictureVersion,
        })
        .from(userPictures)
        .innerJoin(users, eq(users.id, userPictures.userId))
        .where(eq(userPictures.userId, userId))
      const type = PICTURE_TYPES.find((t) => t === row?.contentType)
      if (!row || !type || !row.version) throw notFound('No such picture.')
      const etag = `"${row.version}"`
      reply
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header('cross-origin-resource-policy', 'same-origin')
        .header('content-disposition', 'inline; filename="picture"')
        .header('etag', etag)
        .header(
          'cache-control',
          request.query.v === row.version
            ? 'private, max-age=31536000, immutable'
            : 'private, no-cache',
        )
      if (request.headers['if-none-match'] === etag) return reply.code(304).send(null)
      return reply.type(type).send(row.bytes)
    },
  )
}
