import { describe, expect, it } from 'vitest';
import { connectionSettings, describePostgresUrl } from '../../db/postgres-url.ts';

describe('describePostgresUrl: what output may show of DATABASE_URL', () => {
	it('keeps the user, host, port and database, and drops the password', () => {
		expect(describePostgresUrl('postgres://site:s3cret%21@db.internal:5433/common_thread')).toBe(
			'postgres://site@db.internal:5433/common_thread',
		);
	});

	it('drops a password given as a parameter, and keeps a socket folder given as one', () => {
		const described = describePostgresUrl(
			'postgresql://site@/common_thread?host=/var/run/postgresql&password=s3cret&sslmode=disable',
		);
		expect(described).not.toContain('s3cret');
		expect(described).toContain('host=/var/run/postgresql');
		expect(described).toContain('sslmode=disable');
	});
});

describe('connectionSettings: what pg_dump and pg_restore are given', () => {
	it('passes the password in PGPASSWORD, never on the command line, however the URL gives it', () => {
		for (const url of [
			'postgres://site:s3cret@db.internal/common_thread',
			'postgres://site@db.internal/common_thread?password=s3cret',
		]) {
			const settings = connectionSettings(url);
			expect(settings.connectionString).not.toContain('s3cret');
			expect(settings.env).toEqual({ PGPASSWORD: 's3cret' });
		}
	});

	it('sets no PGPASSWORD when the URL has none', () => {
		expect(connectionSettings('postgres://site@/common_thread?host=/tmp').env).toEqual({});
	});
});
