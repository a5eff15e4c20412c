import { defineConfig } from 'drizzle-kit'

// `npm run db:generate` writes a new SQL migration into drizzle/ from the schema.
// The same files are applied at start to PGlite and to PostgreSQL, so keep them
// within PostgreSQL 15 SQL.
export default defineConfig({
  dialect: 'postgresql',
  schema: './apps/server/src/db/schema.ts',
  out: './drizzle',
})
