/** `postgres://` or `postgresql://`: the only database URLs the site takes. */
export function isPostgresUrl(url: string | undefined): url is string {
	return url !== undefined && /^postgres(ql)?:\/\//i.test(url);
}

/** The URL as output may show it: host, port and database, never the password. */
export function describePostgresUrl(url: string): string {
	const parsed = new URL(url);
	parsed.password = '';
	return decodeURIComponent(parsed.href);
}

/**
 * What a PostgreSQL program (pg_dump, pg_restore) is given: the URL without its password,
 * and the password in `PGPASSWORD`, since a command line is visible to every user.
 */
export function connectionSettings(url: string): {
	connectionString: string;
	env: Record<string, string>;
} {
	const parsed = new URL(url);
	const password = decodeURIComponent(parsed.password);
	parsed.password = '';
	return { connectionString: parsed.href, env: password ? { PGPASSWORD: password } : {} };
}
