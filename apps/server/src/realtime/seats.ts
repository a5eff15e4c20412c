import { type FloorPlan, floorPlan } from '@flare/protocol'
import type { Db } from '../db/database.js'
import { listGroups, listMembers } from '../spaces/space-repository.js'
import type { SpaceHub } from './space-hub.js'

/** A floor plan and the members it was drawn for (some of whom may have no desk left). */
interface Planned {
  plan: FloorPlan
  known: ReadonlySet<string>
}

// one plan per live space: joining costs no query unless the member is new to the plan
const plans = new WeakMap<SpaceHub, Promise<Planned | null>>()

async function planFor(db: Db, spaceId: string, hub: SpaceHub): Promise<Planned | null> {
  try {
    const [members, groups] = await Promise.all([listMembers(db, spaceId), listGroups(db, spaceId)])
    const plan = floorPlan({
      mapWidth: hub.options.map.width,
      mapHeight: hub.options.map.height,
      rooms: hub.rooms,
      teams: groups,
      members,
    })
    return { plan, known: new Set(members.map((m) => m.userId)) }
  } catch {
    // no plan (the database is away): members start on a free spot instead
    return null
  }
}

/**
 * Where a member's desk is on the space's floor plan: the same plan the web app draws, from
 * the space's map, rooms, groups and members. Null when the floor has no desk left for them.
 * The plan is drawn once per live space and again only for a member it does not know (the
 * membership changed since); a join storm of members the plan knows costs no query, and
 * those it seats nowhere (more people than desks) do not redraw it.
 */
export async function seatOf(
  db: Db,
  spaceId: string,
  hub: SpaceHub,
  userId: string,
): Promise<{ x: number; y: number } | null> {
  let planned = plans.get(hub)
  if (!planned) {
    planned = planFor(db, spaceId, hub)
    plans.set(hub, planned)
  }
  const current = await planned
  if (current?.known.has(userId)) return current.plan.seats[userId] ?? null
  // someone the plan does not know: plan again, once for all who arrive while it is drawn
  if (plans.get(hub) === planned) {
    planned = planFor(db, spaceId, hub)
    plans.set(hub, planned)
  } else {
    planned = plans.get(hub) ?? planned
  }
  return (await planned)?.plan.seats[userId] ?? null
}
