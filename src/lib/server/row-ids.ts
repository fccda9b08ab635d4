import { randomBytes } from 'node:crypto';

/**
 * A random row id (a 53-bit whole number, exact in JavaScript) for tables that hold rows
 * caused by writers or readers. Privacy: SQLite gives a new row the largest id plus one,
 * so ids in order of arrival would date a writer's day-stamped event to the second by its
 * timestamped neighbours (a moderator's decision just before and just after). Random ids
 * carry no order; listings order by time, then by this id.
 */
export function randomRowId(): number {
	return Number(randomBytes(8).readBigUInt64BE() >> 11n) || 1;
}
