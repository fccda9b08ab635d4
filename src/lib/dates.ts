const LONG_DATE = new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' });

/** "March 4, 2026": how dates read on the site (dates are days, kept in UTC). */
export function formatDate(date: Date): string {
	return LONG_DATE.format(date);
}

const MONTH = new Intl.DateTimeFormat('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });

/** "March 2026" for a month given as "2026-03" (UTC). */
export function formatMonth(month: string): string {
	return MONTH.format(new Date(`${month}-01T00:00:00Z`));
}

/** "2026-03-04", for `<time datetime>` and feeds. */
export function isoDay(date: Date): string {
	return date.toISOString().slice(0, 10);
}

export const DAY_MS = 86_400_000;

/** Whole days from `day` ("2026-03-04", UTC) to `now`; never negative. */
export function wholeDaysSince(day: string, now: Date): number {
	return Math.max(0, Math.floor((now.getTime() - Date.parse(`${day}T00:00:00Z`)) / DAY_MS));
}

/**
 * Midnight UTC of the day `date` falls on. Privacy: writers' and readers' actions are
 * recorded with this, never to the second (see SECURITY.md).
 */
export function startOfUtcDay(date: Date): Date {
	return new Date(`${isoDay(date)}T00:00:00Z`);
}

/**
 * "2026-03-04 09:15" for a moderator's action, "2026-03-04" for a day-stamped one (a
 * writer's or reader's, recorded at midnight UTC): the audit never shows a time it lacks.
 */
export function auditTimeLabel(date: Date): string {
	const iso = date.toISOString();
	return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 16).replace('T', ' ');
}
