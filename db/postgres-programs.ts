import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const DEBIAN_BINARIES = '/usr/lib/postgresql';

/**
 * The path of a PostgreSQL program (`pg_dump`, `initdb`, …) from the newest version Debian's
 * packages installed, or a clear failure. Debian keeps them out of PATH (its `pg_dump` on
 * PATH is a wrapper that wants a configured cluster).
 */
export function postgresProgram(name: string): string {
	const versions = existsSync(DEBIAN_BINARIES)
		? readdirSync(DEBIAN_BINARIES)
				.filter((version) => existsSync(join(DEBIAN_BINARIES, version, 'bin', name)))
				.sort((a, b) => Number(b) - Number(a))
		: [];
	const [newest] = versions;
	if (newest === undefined) {
		throw new Error(
			`${name} is not installed (no ${DEBIAN_BINARIES}/*/bin/${name}): ` +
				'install PostgreSQL with `apt-get install postgresql`.',
		);
	}
	return join(DEBIAN_BINARIES, newest, 'bin', name);
}
