import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.js'
import { openDatabase } from '../src/db/database.js'
import { seedDemo } from '../src/demo/seed.js'
import { resolveCookieSecret } from '../src/secrets-store.js'
import { testConfig } from './support.js'

const README = fileURLToPath(new URL('../../../README.md', import.meta.url))
/** The address every example is printed with: `npm start`'s default. */
const PRINTED_URL = 'http://localhost:3000'
const CURL = '/usr/bin/curl'

/** The shell blocks the README marks as runnable: fenced with the info string `sh test`. */
function testedExamples(markdown: string): string[] {
  return [...markdown.matchAll(/^```sh test\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? '')
}

const run = promisify(execFile)

describe.skipIf(!existsSync(CURL) && process.env.CI !== 'true')(
  '[10] the README examples run as printed',
  () => {
    let app: FastifyInstance
    let baseUrl = ''
    let workDir = ''

    // a fresh embedded database with the demo seeded: slow on a busy 2-core machine
    beforeAll(async () => {
      const database = await openDatabase({ kind: 'pglite', dataDir: null })
      await seedDemo(database)
      app = await buildApp({
        config: testConfig(),
        database,
        cookieSecret: await resolveCookieSecret(database, null),
        logger: false,
      })
      await app.listen({ host: '127.0.0.1', port: 0 })
      const address = app.server.address()
      if (!address || typeof address === 'string') throw new Error('no port')
      baseUrl = `http://127.0.0.1:${address.port}`
      workDir = await mkdtemp(path.join(tmpdir(), 'flare-readme-'))
    }, 120_000)
    afterAll(async () => {
      await app?.close()
      await rm(workDir, { recursive: true, force: true })
    })

    it('[10] marks the examples that use $TOKEN, $SPACE and $SECRET, and says where each comes from', async () => {
      const examples = testedExamples(await readFile(README, 'utf8'))
      expect(examples.length).toBeGreaterThanOrEqual(4)
      const script = examples.join('\n')
      for (const name of ['TOKEN', 'SPACE', 'SECRET']) {
        expect(script, `the README never sets $${name}`).toMatch(new RegExp(`^${name}=`, 'm'))
      }
    })

    it('[10] every marked example succeeds against a real server with the demo seeded', async () => {
      const examples = testedExamples(await readFile(README, 'utf8'))
      // in the order printed, in one shell, so the values the first block sets reach the others;
      // curl fails on an HTTP error status here, so a broken example fails the test
      const script = [
        'set -euo pipefail',
        `curl() { command ${CURL} --silent --show-error --fail-with-body "$@"; }`,
        ...examples.map((example, i) => `echo; echo "--- README example ${i + 1}"\n${example}`),
      ]
        .join('\n')
        .replaceAll(PRINTED_URL, baseUrl)
      const result = await run('bash', ['-c', script], { cwd: workDir, timeout: 60_000 }).then(
        (ok) => ({ code: 0, output: `${ok.stdout}${ok.stderr}` }),
        (error: { code?: number; stdout?: string; stderr?: string }) => ({
          code: error.code ?? -1,
          output: `${error.stdout ?? ''}${error.stderr ?? ''}`,
        }),
      )
      expect(result.output, result.output).not.toContain('"error"')
      expect(result.code, result.output).toBe(0)

      // what the examples did is there: the SMS opened a ticket in the demo inbox
      const login = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: 'manager@flare.test', password: 'flare-demo' },
      })
      const cookie = `flare_session=${login.cookies.find((c) => c.name === 'flare_session')?.value}`
      const me = (await app.inject({ method: 'GET', url: '/api/me', headers: { cookie } })).json<{
        spaces: Array<{ id: string }>
      }>()
      const tickets = await app.inject({
        method: 'GET',
        url: `/api/spaces/${me.spaces[0]?.id}/tickets`,
        headers: { cookie },
      })
      expect(tickets.body).toContain('Where is my order?')
      expect(tickets.body).toContain('+15551234567')
    })
  },
)
