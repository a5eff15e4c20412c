import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { databaseKinds, startTestApp, type TestApp } from './support.js'

interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>
}

describe('the OpenAPI description at /api/docs', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await startTestApp(databaseKinds()[0]!)
  })
  afterAll(async () => {
    await t.close()
  })

  it('[9] declares what every operation answers on success, with its schema', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/docs/json' })
    const paths: Record<string, Record<string, Operation>> = res.json().paths
    const undocumented: string[] = []
    for (const [path, operations] of Object.entries(paths)) {
      // a WebSocket upgrade answers with a stream of events, described in its summary
      if (path === '/api/stream') continue
      for (const [method, operation] of Object.entries(operations)) {
        const success = Object.entries(operation.responses ?? {}).filter(([code]) =>
          code.startsWith('2'),
        )
        const described = success.some(
          ([code, answer]) =>
            code === '204' || Object.values(answer.content ?? {}).some((c) => c.schema),
        )
        if (!described) undocumented.push(`${method.toUpperCase()} ${path}`)
      }
    }
    expect(undocumented).toEqual([])
  })
})
