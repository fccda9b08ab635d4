const LONG_DATE = new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' });

/** "March 4, 2026": how dates read on the site (dates are days, kept in UTC). */
export function formatDate(date: Date): string {
	return LONG_DATE.format(date);
}

/** "2026-03-04", for `<time datetime>` and feeds. */
export function isoDay(date: Date): string {
	return date.toISOString().slice(0, 10);
}
