import { type Static, Type } from '@sinclair/typebox'
import { GroupDto, SpaceMemberDto, Uuid } from './api.js'
import { literals } from './literals.js'
import { MAX_PICTURE_BYTES, PICTURE_TYPES } from './picture-limits.js'

export {
  MAX_PICTURE_BYTES,
  MAX_PICTURE_SIDE,
  PICTURE_TYPES,
  PICTURE_UPLOAD_SIDE,
  type PictureType,
} from './picture-limits.js'

/** `PUT /api/me/picture`: the picture's type and its bytes in base64 (SPEC §2.6). */
export const PictureUpload = Type.Object(
  {
    contentType: literals(PICTURE_TYPES),
    data: Type.String({
      minLength: 4,
      maxLength: Math.ceil(MAX_PICTURE_BYTES / 3) * 4,
      pattern: '^[A-Za-z0-9+/]+={0,2}$',
    }),
  },
  { additionalProperties: false },
)
export type PictureUpload = Static<typeof PictureUpload>

export const PictureResponse = Type.Object({
  /** Where the picture is served, with its version; null once removed. */
  pictureUrl: Type.Union([Type.String(), Type.Null()]),
})
export type PictureResponse = Static<typeof PictureResponse>

export const PictureParams = Type.Object({ userId: Uuid })
export type PictureParams = Static<typeof PictureParams>

/** `v`: the version in a picture's URL; when it is current the answer may be cached for good. */
export const PictureQuery = Type.Object({ v: Type.Optional(Type.String({ maxLength: 64 })) })
export type PictureQuery = Static<typeof PictureQuery>

/**
 * The space's directory (its members and groups, as `GET /api/spaces/:spaceId` lists them)
 * changed: every connection of the space hears it, in every process, so the recipient picker,
 * mentions and names stay current without a reload (SPEC §1.5.5).
 */
export const ProfileServerEvents = {
  /** A member was added, or their name, role or picture changed: the whole member, to add or replace. */
  'member:updated': SpaceMemberDto,
  /** A member was removed from the space (and so from its groups). */
  'member:removed': Type.Object({ userId: Uuid }),
  /** A group was created or changed (name, handle, members): the whole group, to add or replace. */
  'group:updated': GroupDto,
  /** A group was deleted. */
  'group:deleted': Type.Object({ groupId: Uuid }),
}
