import type { PictureResponse, PictureUpload } from '@flare/protocol/client'
import { fetchApi } from '../api.js'

/** Your profile picture over REST (SPEC §2.6). */
export const pictureApi = {
  set: (upload: PictureUpload) => fetchApi<PictureResponse>('PUT', '/me/picture', upload),
  remove: () => fetchApi<PictureResponse>('DELETE', '/me/picture'),
}
