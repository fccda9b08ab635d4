import { afterEach, describe, expect, it, vi } from 'vitest';

const SECRET = Buffer.alloc(32, 7).toString('base64');

/** address-key.ts as a newly started server loads it, with `secret` in its environment. */
async function startedServer(secret: string | undefined) {
	vi.resetModules();
	vi.stubEnv('ADDRESS_KEY_SECRET', secret ?? '');
	return import('../../src/lib/server/address-key.ts');
}

afterEach(() => {
	vi.unstubAllEnvs();
	vi.useRealTimers();
});

describe('addressKey', () => {
	it('keys an address alike on every server given the same ADDRESS_KEY_SECRET, and never as the address', async () => {
		const first = await startedServer(SECRET);
		const second = await startedServer(SECRET);
		expect(first.addressKey('203.0.113.9')).toBe(second.addressKey('203.0.113.9'));
		expect(first.addressKey('203.0.113.9')).not.toBe(first.addressKey('203.0.113.10'));
		expect(first.addressKey('203.0.113.9')).not.toContain('203.0.113');
	});

	it('keys an address differently on two servers without a shared secret (one server needs none)', async () => {
		const first = await startedServer(undefined);
		const second = await startedServer(undefined);
		expect(first.addressKey('203.0.113.9')).not.toBe(second.addressKey('203.0.113.9'));
	});

	it('keys an address differently the next UTC day, shared secret or not', async () => {
		vi.useFakeTimers({ toFake: ['Date'] });
		vi.setSystemTime(new Date('2026-12-03T23:59:00Z'));
		for (const secret of [SECRET, undefined]) {
			const server = await startedServer(secret);
			const today = server.addressKey('203.0.113.9');
			vi.setSystemTime(new Date('2026-12-04T00:01:00Z'));
			expect(server.addressKey('203.0.113.9')).not.toBe(today);
			vi.setSystemTime(new Date('2026-12-03T23:59:00Z'));
		}
	});

	it('refuses a shared secret too short to be random enough, saying how to make one', async () => {
		const { readSharedAddressSecret } = await startedServer(undefined);
		expect(() =>
			readSharedAddressSecret({ ADDRESS_KEY_SECRET: Buffer.alloc(16).toString('base64') }),
		).toThrow(/at least 32 random bytes.*openssl rand -base64 32/);
	});
});
