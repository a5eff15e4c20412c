import { floorPlan } from '@flare/protocol'
import type { Db } from '../db/database.js'
import { listGroups, listMembers } from '../spaces/space-repository.js'
import type { SpaceHub } from './space-hub.js'

/**
 * Where a member's desk is on the space's floor plan: the same plan the web app draws, from
 * the space's map, rooms, groups and members. Null when the floor has no desk left for them.
 */
export async function seatOf(
  db: Db,
  spaceId: string,
  hub: SpaceHub,
  userId: string,
): Promise<{ x: number; y: number } | null> {
  const [members, groups] = await Promise.all([listMembers(db, spaceId), listGroups(db, spaceId)])
  const plan = floorPlan({
    mapWidth: hub.options.map.width,
    mapHeight: hub.options.map.height,
    rooms: hub.rooms,
    teams: groups,
    members,
  })
  return plan.seats[userId] ?? null
}
