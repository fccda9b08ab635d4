import { describe, expect, it } from 'vitest';
import { clientAddressFrom, readTrustedProxyHops } from '../../src/server/http/client-address.ts';

describe('clientAddressFrom', () => {
	it.each<[string, string | string[] | undefined, number, string]>([
		['ignores the header entirely with no trusted proxy', '203.0.113.9', 0, '10.0.0.2'],
		['ignores several entries with no trusted proxy', '203.0.113.9, 198.51.100.4', 0, '10.0.0.2'],
		['takes the entry the one trusted proxy added', '203.0.113.9, 198.51.100.4', 1, '198.51.100.4'],
		[
			'takes the entry the outermost of two proxies added',
			'1.1.1.1, 203.0.113.9, 10.0.0.7',
			2,
			'203.0.113.9',
		],
		['reads repeated headers as one list', ['1.1.1.1', '198.51.100.4'], 1, '198.51.100.4'],
		['skips empty entries and spaces', ' 1.1.1.1 ,, 198.51.100.4 , ', 1, '198.51.100.4'],
		['falls back to the socket when the header is missing', undefined, 1, '10.0.0.2'],
		[
			'falls back to the socket when there are fewer entries than hops',
			'198.51.100.4',
			2,
			'10.0.0.2',
		],
		['falls back to the socket when the header is empty', '', 1, '10.0.0.2'],
	])('%s', (_case, forwardedFor, hops, expected) => {
		expect(clientAddressFrom('10.0.0.2', forwardedFor, hops)).toBe(expected);
	});

	it('keys on the proxy-added entry however the client-supplied part changes', () => {
		const seen = new Set(
			['9.9.9.1', '9.9.9.2, 8.8.8.8', 'forged'].map((supplied) =>
				clientAddressFrom('10.0.0.2', `${supplied}, 198.51.100.4`, 1),
			),
		);
		expect([...seen]).toEqual(['198.51.100.4']);
	});
});

describe('readTrustedProxyHops', () => {
	it('trusts no proxy when nothing is set', () => {
		expect(readTrustedProxyHops({})).toBe(0);
		expect(readTrustedProxyHops({ TRUSTED_PROXY_HOPS: '' })).toBe(0);
	});

	it('takes a whole number', () => {
		expect(readTrustedProxyHops({ TRUSTED_PROXY_HOPS: '2' })).toBe(2);
	});

	it.each(['-1', '1.5', 'yes', ' 1', '100'])('refuses %j, naming the variable', (value) => {
		expect(() => readTrustedProxyHops({ TRUSTED_PROXY_HOPS: value })).toThrow(/TRUSTED_PROXY_HOPS/);
	});
});
