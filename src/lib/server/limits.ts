/** Abuse limits for anonymous writers; each can be overridden by an environment variable. */
export interface SubmissionLimits {
	/** Stories one address may send per hour. */
	submissionsPerAddressPerHour: number;
	/** Stories the whole site accepts per hour, from everyone together. */
	submissionsPerHour: number;
	/** Receipt-code look-ups (and actions with a code) one address may make per hour. */
	receiptLookupsPerAddressPerHour: number;
	/** Previews one address may ask for per hour (each runs every check on the whole text). */
	previewsPerAddressPerHour: number;
	/** Reactions one address may send per hour, across all stories. */
	reactionsPerAddressPerHour: number;
	/** A story sent back sooner than this after the form was shown is taken for a bot. */
	minimumFillSeconds: number;
	/** Distinct readers reporting a story on one day that hide it until a moderator looks. */
	reportsToHideStory: number;
}

export const DEFAULT_SUBMISSION_LIMITS: SubmissionLimits = {
	submissionsPerAddressPerHour: 5,
	submissionsPerHour: 500,
	receiptLookupsPerAddressPerHour: 20,
	previewsPerAddressPerHour: 60,
	reactionsPerAddressPerHour: 120,
	minimumFillSeconds: 3,
	reportsToHideStory: 3,
};

const ENVIRONMENT_NAMES: Record<keyof SubmissionLimits, string> = {
	submissionsPerAddressPerHour: 'LIMIT_SUBMISSIONS_PER_ADDRESS_PER_HOUR',
	submissionsPerHour: 'LIMIT_SUBMISSIONS_PER_HOUR',
	receiptLookupsPerAddressPerHour: 'LIMIT_RECEIPT_LOOKUPS_PER_ADDRESS_PER_HOUR',
	previewsPerAddressPerHour: 'LIMIT_PREVIEWS_PER_ADDRESS_PER_HOUR',
	reactionsPerAddressPerHour: 'LIMIT_REACTIONS_PER_ADDRESS_PER_HOUR',
	minimumFillSeconds: 'SUBMISSION_MINIMUM_FILL_SECONDS',
	reportsToHideStory: 'REPORTS_TO_HIDE_STORY',
};

/** The limits in force: defaults, overridden by whole non-negative numbers from `env`. */
export function readSubmissionLimits(env: Record<string, string | undefined>): SubmissionLimits {
	const limits = { ...DEFAULT_SUBMISSION_LIMITS };
	for (const key of Object.keys(ENVIRONMENT_NAMES) as (keyof SubmissionLimits)[]) {
		const raw = env[ENVIRONMENT_NAMES[key]];
		if (raw === undefined || raw === '') continue;
		if (!/^\d+$/.test(raw)) {
			throw new Error(
				`${ENVIRONMENT_NAMES[key]} must be a whole number of 0 or more, not "${raw}".`,
			);
		}
		limits[key] = Number(raw);
	}
	return limits;
}
