import type { SpaceResponse } from '@flare/protocol/client'

/** A test id: `U(3)` is `00000000-0000-4000-8000-000000000003`. */
export const U = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`

/**
 * The space as `GET /api/spaces/:spaceId` answers it to an agent: Dana (`U(1)`) and Eli
 * (`U(2)`) in Tier 1 support (`U(7)`), Max (`U(3)`) the only Supervisor (`U(8)`); the space is
 * `U(9)`.
 */
export const demoSpace: SpaceResponse = {
  space: { id: U(9), name: 'Contact Center', mapWidth: 1600, mapHeight: 1000, timezone: 'UTC' },
  role: 'agent',
  rooms: [],
  groups: [
    { id: U(7), name: 'Tier 1 support', handle: 'tier1', memberIds: [U(1), U(2)] },
    { id: U(8), name: 'Supervisors', handle: 'supervisors', memberIds: [U(3)] },
  ],
  members: [
    {
      userId: U(1),
      displayName: 'Dana Reyes',
      role: 'agent',
      managerUserId: null,
      pictureUrl: null,
    },
    {
      userId: U(2),
      displayName: 'Eli Novak',
      role: 'agent',
      managerUserId: null,
      pictureUrl: null,
    },
    {
      userId: U(3),
      displayName: 'Max Manager',
      role: 'manager',
      managerUserId: null,
      pictureUrl: null,
    },
  ],
}
