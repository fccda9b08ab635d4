import * as sqliteSchema from './schema.ts';
import * as postgresSchema from './schema-pg.ts';

/**
 * The tables both engines hold, as the domain names them. Code in src/lib/server writes
 * its queries once, against drizzle's SQLite types; on PostgreSQL the same names hold
 * db/schema-pg.ts's tables, whose rows have the same TypeScript types — checked below, so
 * a column that differs between the two schemas fails the type check, not a query.
 * (Search is not here: FTS5 and tsvector differ in kind, and each engine has its own.)
 */
const TABLE_NAMES = [
	'submissions',
	'submissionReceipts',
	'appSecrets',
	'moderators',
	'sessions',
	'siteSettings',
	'moderationEvents',
	'reports',
	'reactionCounts',
	'dailyMarks',
	'pageGenerations',
	'communityListings',
	'communityListingTopics',
	'communityListingCounts',
] as const;

type TableName = (typeof TABLE_NAMES)[number];

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type RowsMatch = {
	[Name in TableName]: Same<
		(typeof sqliteSchema)[Name]['$inferSelect'],
		(typeof postgresSchema)[Name]['$inferSelect']
	> &
		Same<
			(typeof sqliteSchema)[Name]['$inferInsert'],
			(typeof postgresSchema)[Name]['$inferInsert']
		>;
};
/** Compiles only when every table's rows are the same on both engines. */
type Checked<Match extends Record<TableName, true>> = Match;

export type Tables =
	Checked<RowsMatch> extends unknown ? Pick<typeof sqliteSchema, TableName> : never;

function pick(schema: Record<TableName, unknown>): Tables {
	return Object.fromEntries(TABLE_NAMES.map((name) => [name, schema[name]])) as Tables;
}

export const SQLITE_TABLES = pick(sqliteSchema);
/** Typed as SQLite's (see above): the rows they give and take are the same. */
export const POSTGRES_TABLES = pick(postgresSchema);
