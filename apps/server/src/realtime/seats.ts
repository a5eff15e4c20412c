import { type FloorPlan, floorPlan } from '@flare/protocol'
import type { Db } from '../db/database.js'
import { listGroups, listMembers } from '../spaces/space-repository.js'
import type { SpaceHub } from './space-hub.js'

// one plan per live space: joining costs no query unless the member is new to the plan
const plans = new WeakMap<SpaceHub, Promise<FloorPlan>>()

async function planFor(db: Db, spaceId: string, hub: SpaceHub): Promise<FloorPlan> {
  const [members, groups] = await Promise.all([listMembers(db, spaceId), listGroups(db, spaceId)])
  return floorPlan({
    mapWidth: hub.options.map.width,
    mapHeight: hub.options.map.height,
    rooms: hub.rooms,
    teams: groups,
    members,
  })
}

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
  let plan = plans.get(hub)
  if (!plan) {
    plan = planFor(db, spaceId, hub)
    plans.set(hub, plan)
  }
  const seat = (await plan.catch(() => null))?.seats[userId]
  if (seat) return seat
  // someone the plan does not know: membership or groups changed since; plan again, once
  const fresh = planFor(db, spaceId, hub)
  plans.set(hub, fresh)
  return (await fresh.catch(() => null))?.seats[userId] ?? null
}
