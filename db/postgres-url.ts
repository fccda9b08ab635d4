/** `postgres://` or `postgresql://`: the only database URLs the site takes. */
export function isPostgresUrl(url: string | undefined): url is string {
	return url !== undefined && /^postgres(ql)?:\/\//i.test(url);
}

/**
 * A URL's password, wherever libpq takes it from (`user:password@` or `?password=`), and the
 * URL without it. Parsed by hand: WHATWG's URL refuses a user with no host
 * (`postgres://site@/db?host=/var/run/postgresql`, the Unix-socket form), which libpq and pg
 * take.
 */
function withoutPassword(url: string): { url: string; password: string } {
	const match = /^(postgres(?:ql)?:\/\/)([^/?#]*)([^?#]*)(?:\?([^#]*))?/i.exec(url);
	if (!match) throw new Error('Not a PostgreSQL URL.');
	const [, scheme, authority = '', path = '', query = ''] = match;
	const at = authority.lastIndexOf('@');
	const userinfo = at >= 0 ? authority.slice(0, at) : '';
	const hostAndPort = authority.slice(at + 1);
	const colon = userinfo.indexOf(':');
	const user = colon >= 0 ? userinfo.slice(0, colon) : userinfo;
	const params = new URLSearchParams(query);
	const password =
		(colon >= 0 ? decodeURIComponent(userinfo.slice(colon + 1)) : '') ||
		(params.get('password') ?? '');
	params.delete('password');
	const rest = params.size > 0 ? `?${params}` : '';
	return { url: `${scheme}${user ? `${user}@` : ''}${hostAndPort}${path}${rest}`, password };
}

/** The URL as output may show it: user, host, port, database and settings, never the password. */
export function describePostgresUrl(url: string): string {
	return decodeURIComponent(withoutPassword(url).url);
}

/**
 * What a PostgreSQL program (pg_dump, pg_restore) is given: the URL without its password,
 * and the password in `PGPASSWORD`, since a command line is visible to every user.
 */
export function connectionSettings(url: string): {
	connectionString: string;
	env: Record<string, string>;
} {
	const parsed = withoutPassword(url);
	return {
		connectionString: parsed.url,
		env: parsed.password ? { PGPASSWORD: parsed.password } : {},
	};
}
