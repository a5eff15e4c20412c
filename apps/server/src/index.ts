// The front door of @flare/server, for tests, benchmarks and tools that build the app.
export { buildApp } from './app.js'
export type { AppOptions } from './app.js'
export { loadConfig, ConfigError } from './config.js'
export type { Config } from './config.js'
export { openDatabase } from './db/database.js'
export type { Database, DatabaseTarget } from './db/database.js'
export { seedDemo, DEMO_PASSWORD, DEMO_PEOPLE } from './demo/seed.js'
export { resolveCookieSecret } from './secrets-store.js'
