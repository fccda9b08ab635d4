import { defineConfig } from 'drizzle-kit';

// The PostgreSQL twin of drizzle.config.ts (issue 14): `npm run db:generate:pg`.
export default defineConfig({
	dialect: 'postgresql',
	schema: './db/schema-pg.ts',
	out: './db/migrations-pg',
});
