import argon2 from 'argon2'

// OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane
const OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, OPTIONS)
}

let dummyHash: Promise<string> | null = null

/**
 * Checks a password against a stored hash. With no stored hash (unknown user) it still spends
 * the same work on a dummy hash, so response times do not reveal which emails exist.
 */
export async function verifyPassword(hash: string | null, password: string): Promise<boolean> {
  if (hash === null) {
    dummyHash ??= hashPassword('not-a-real-password')
    await argon2.verify(await dummyHash, password)
    return false
  }
  try {
    return await argon2.verify(hash, password)
  } catch {
    return false
  }
}
