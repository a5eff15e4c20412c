// The front door of @flare/server, for tests, benchmarks and tools that build the app.

export type { AppOptions } from './app.js'
export { buildApp } from './app.js'
export type { Config } from './config.js'
export { ConfigError, loadConfig } from './config.js'
export type { Database, DatabaseTarget } from './db/database.js'
export { openDatabase } from './db/database.js'
export { DEMO_PASSWORD, DEMO_PEOPLE, seedDemo } from './demo/seed.js'
export { resolveCookieSecret } from './secrets-store.js'
