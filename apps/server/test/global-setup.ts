// Runs once before the server tests: says plainly whether the PostgreSQL suites will run.
export default function checkDatabases(): void {
  if (process.env.TEST_DATABASE_URL) {
    process.stdout.write(
      '[server tests] database suites run on PGlite and on PostgreSQL (TEST_DATABASE_URL)\n',
    )
    return
  }
  if (process.env.CI === 'true') {
    throw new Error(
      'CI=true but TEST_DATABASE_URL is not set: the PostgreSQL suites cannot run. ' +
        'Set it to a database URL on which the test user may CREATE DATABASE.',
    )
  }
  process.stdout.write(
    '\n[server tests] SKIPPED: the PostgreSQL suites (PGlite suites still run). To run them, set ' +
      'TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres\n\n',
  )
}
