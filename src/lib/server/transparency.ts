/**
 * The public account of moderation: per calendar month (UTC), how many stories arrived,
 * were published, declined (by reason), withdrawn, how many reports came in and were acted
 * on, and the median days from arrival to first decision.
 *
 * Privacy: aggregates only, at month granularity, and every figure with fewer than
 * SUPPRESSION_THRESHOLD stories behind it is withheld (null), zero included, so that no
 * figure can point at one story or one writer ("the only story declined for identifying
 * details in March"). Only counts and day differences leave the database.
 */
import { sql, type SQL } from 'drizzle-orm';
import { getStore, selectRows, type Scope, type Store } from '../../../db/store.ts';
import { isoDay } from '../dates.ts';
import { DECLINE_REASONS, type DeclineReasonSlug } from '../guidelines.ts';

/** The fewest stories that may lie behind a published figure. */
export const SUPPRESSION_THRESHOLD = 5;
/** How many months the page reports, the current one included. */
export const TRANSPARENCY_MONTHS = 12;

/** A count or median, or `null` when fewer than SUPPRESSION_THRESHOLD stories lie behind it. */
export type Figure = number | null;

export interface TransparencyMonth {
	/** "2026-03" (UTC). */
	month: string;
	received: Figure;
	published: Figure;
	declined: Figure;
	declinedByReason: { slug: DeclineReasonSlug; label: string; count: Figure }[];
	withdrawn: Figure;
	reportsReceived: Figure;
	reportsActedOn: Figure;
	medianDaysToDecision: Figure;
}

const PUBLISH_ACTIONS = sql`('publish', 'publish-with-warnings')`;
const DECISION_ACTIONS = sql`('publish', 'publish-with-warnings', 'decline')`;

/** What the two engines write differently: dates from unix seconds. */
interface DateSql {
	/** "2026-03" of a unix-seconds column. */
	monthOf: (column: SQL) => SQL;
	/** Whole days from an ISO day column to the UTC day of a unix-seconds column. */
	daysFrom: (day: SQL, seconds: SQL) => SQL;
}

const DATE_SQL: Record<Scope['engine'], DateSql> = {
	sqlite: {
		monthOf: (column) => sql`strftime('%Y-%m', ${column}, 'unixepoch')`,
		daysFrom: (day, seconds) =>
			sql`CAST(julianday(date(${seconds}, 'unixepoch')) - julianday(${day}) AS INTEGER)`,
	},
	postgres: {
		monthOf: (column) => sql`to_char(to_timestamp(${column}) AT TIME ZONE 'UTC', 'YYYY-MM')`,
		daysFrom: (day, seconds) =>
			sql`((to_timestamp(${seconds}) AT TIME ZONE 'UTC')::date - (${day})::date)`,
	},
};

/** The first day (UTC) of the month `monthsBack` months before the one `now` falls in. */
function firstDayOfMonth(now: Date, monthsBack: number): Date {
	return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - monthsBack, 1));
}

/** The figure to show for `count` with `stories` distinct stories behind it. */
function shown(count: number | undefined, stories = count): Figure {
	return count !== undefined && stories !== undefined && stories >= SUPPRESSION_THRESHOLD
		? count
		: null;
}

function median(sorted: readonly number[]): number {
	// For an odd length both indexes name the middle element.
	const lower = sorted[Math.ceil(sorted.length / 2) - 1];
	const upper = sorted[Math.floor(sorted.length / 2)];
	if (lower === undefined || upper === undefined) throw new RangeError('median of an empty list');
	return (lower + upper) / 2;
}

interface MonthCount {
	month: string;
	total: number;
	stories: number;
}

/** Counts by month; PostgreSQL answers count(*) as a bigint, which the driver gives as text. */
async function countsByMonth(scope: Scope, statement: SQL): Promise<Map<string, MonthCount>> {
	const rows = await selectRows<MonthCount>(scope, statement);
	return new Map(
		rows.map((row) => [
			row.month,
			{ month: row.month, total: Number(row.total), stories: Number(row.stories) },
		]),
	);
}

/**
 * The last TRANSPARENCY_MONTHS months, newest first, each figure already withheld where
 * too few stories lie behind it. Every query is a GROUP BY month over the window, using the
 * indexes on the day and time columns; the medians read one day difference per story
 * decided in the window.
 */
export async function getTransparencyReport(
	store: Store = getStore(),
	now = new Date(),
): Promise<TransparencyMonth[]> {
	return store.read((scope) => reportOf(scope, now));
}

async function reportOf(scope: Scope, now: Date): Promise<TransparencyMonth[]> {
	const { monthOf, daysFrom } = DATE_SQL[scope.engine];
	const windowStart = firstDayOfMonth(now, TRANSPARENCY_MONTHS - 1);
	const startSeconds = Math.floor(windowStart.getTime() / 1000);
	const startDay = isoDay(windowStart);

	const received = await countsByMonth(
		scope,
		sql`
			SELECT substr(created_day, 1, 7) AS month, count(*) AS total, count(*) AS stories
			FROM submissions WHERE created_day >= ${startDay} GROUP BY month`,
	);
	const eventsByMonth = (actions: SQL) =>
		countsByMonth(
			scope,
			sql`
				SELECT ${monthOf(sql`created_at`)} AS month,
					count(DISTINCT submission_id) AS total, count(DISTINCT submission_id) AS stories
				FROM moderation_events
				WHERE created_at >= ${startSeconds} AND action IN ${actions}
				GROUP BY month`,
		);
	const published = await eventsByMonth(PUBLISH_ACTIONS);
	const declined = await eventsByMonth(sql`('decline')`);
	const withdrawn = await eventsByMonth(sql`('writer-withdrew')`);

	const declinedByReason = new Map(
		(
			await selectRows<MonthCount & { reason: string }>(
				scope,
				sql`
				SELECT ${monthOf(sql`created_at`)} AS month, reason,
					count(DISTINCT submission_id) AS total, count(DISTINCT submission_id) AS stories
				FROM moderation_events
				WHERE created_at >= ${startSeconds} AND action = 'decline'
				GROUP BY month, reason`,
			)
		).map((row) => [`${row.month} ${row.reason}`, { ...row, total: Number(row.total) }]),
	);

	// A report's figure is withheld by the stories reported, not the reports: five reports
	// on one story still point at that story.
	const reportsBy = (column: SQL) =>
		countsByMonth(
			scope,
			sql`
				SELECT ${monthOf(column)} AS month, count(*) AS total,
					count(DISTINCT submission_id) AS stories
				FROM reports WHERE ${column} >= ${startSeconds} GROUP BY month`,
		);
	const reportsReceived = await reportsBy(sql`created_at`);
	const reportsActedOn = await reportsBy(sql`resolved_at`);

	// Days from arrival to a story's first decision, in the month of that decision. A story
	// decided again after the writer resubmitted counts once, at its first decision.
	const decisionDays = new Map<string, number[]>();
	for (const row of await selectRows<{ month: string; days: number }>(
		scope,
		sql`
		SELECT ${monthOf(sql`first_decision.at`)} AS month,
			${daysFrom(sql`s.created_day`, sql`first_decision.at`)} AS days
		FROM (
			SELECT submission_id, min(created_at) AS at FROM moderation_events
			WHERE created_at >= ${startSeconds} AND action IN ${DECISION_ACTIONS}
			GROUP BY submission_id
		) AS first_decision
		JOIN submissions AS s ON s.id = first_decision.submission_id
		WHERE NOT EXISTS (
			SELECT 1 FROM moderation_events AS earlier
			WHERE earlier.submission_id = first_decision.submission_id
				AND earlier.action IN ${DECISION_ACTIONS} AND earlier.created_at < ${startSeconds}
		)
		ORDER BY month, days`,
	)) {
		const days = decisionDays.get(row.month) ?? [];
		days.push(Math.max(0, Number(row.days)));
		decisionDays.set(row.month, days);
	}

	return Array.from({ length: TRANSPARENCY_MONTHS }, (_, index) => {
		const month = firstDayOfMonth(now, index).toISOString().slice(0, 7);
		const days = decisionDays.get(month) ?? [];
		return {
			month,
			received: shown(received.get(month)?.total),
			published: shown(published.get(month)?.total),
			declined: shown(declined.get(month)?.total),
			declinedByReason: DECLINE_REASONS.map(({ slug, label }) => ({
				slug,
				label,
				count: shown(declinedByReason.get(`${month} ${slug}`)?.total),
			})),
			withdrawn: shown(withdrawn.get(month)?.total),
			reportsReceived: shown(
				reportsReceived.get(month)?.total,
				reportsReceived.get(month)?.stories,
			),
			reportsActedOn: shown(reportsActedOn.get(month)?.total, reportsActedOn.get(month)?.stories),
			medianDaysToDecision: days.length >= SUPPRESSION_THRESHOLD ? median(days) : null,
		};
	});
}
