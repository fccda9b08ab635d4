import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../db/store.ts';
import { appendAuditEvent } from '../../src/lib/server/audit.ts';
import { randomRowId } from '../../src/lib/server/row-ids.ts';
import { getTransparencyReport } from '../../src/lib/server/transparency.ts';
import { useTestStores } from '../helpers/stores.ts';

const NOW = new Date('2026-06-15T12:00:00Z');

const { freshStore } = useTestStores();

describe.each(['sqlite', 'postgres'] as const)('the transparency report on %s', (engine) => {
	let store: Store;
	let storyNumber = 0;
	beforeEach(async () => {
		store = await freshStore(engine);
		storyNumber = 0;
	});

	/** A story that arrived on `createdDay`; returns its id. */
	async function arrived(createdDay: string): Promise<string> {
		const id = `story-${++storyNumber}`;
		await store.transact(({ query, tables }) =>
			query.insert(tables.submissions).values({
				id,
				title: `Title of ${id}`,
				body: 'Words',
				bodyHtml: '<p>Words</p>',
				createdDay,
			}),
		);
		return id;
	}

	async function event(
		submissionId: string,
		action: string,
		at: string,
		reason: string | null = null,
	) {
		await store.transact((scope) =>
			appendAuditEvent(scope, { submissionId, action, reason }, new Date(at)),
		);
	}

	async function report(
		submissionId: string,
		createdDay: string,
		resolvedAt: string | null = null,
	) {
		await store.transact(({ query, tables }) =>
			query.insert(tables.reports).values({
				id: randomRowId(),
				submissionId,
				reason: 'spam',
				createdAt: new Date(`${createdDay}T00:00:00Z`),
				resolvedAt: resolvedAt ? new Date(resolvedAt) : null,
				resolution: resolvedAt ? 'Unpublished' : null,
			}),
		);
	}

	const monthIn = async (month: string) =>
		(await getTransparencyReport(store, NOW)).find((row) => row.month === month)!;

	it('lists the last twelve months, newest first, every figure withheld when nothing happened', async () => {
		const months = await getTransparencyReport(store, NOW);
		expect(months.map((row) => row.month)).toEqual([
			'2026-06',
			'2026-05',
			'2026-04',
			'2026-03',
			'2026-02',
			'2026-01',
			'2025-12',
			'2025-11',
			'2025-10',
			'2025-09',
			'2025-08',
			'2025-07',
		]);
		expect(months[0]).toMatchObject({
			received: null,
			published: null,
			medianDaysToDecision: null,
		});
	});

	it('counts stories received and published per month, with the median days to decision', async () => {
		const waits = [1, 2, 3, 4, 10];
		for (const wait of waits) {
			const id = await arrived('2026-03-01');
			await event(id, 'publish', `2026-03-${String(1 + wait).padStart(2, '0')}T09:30:00Z`);
		}
		await arrived('2026-03-20');
		await arrived('2026-04-02');

		const march = await monthIn('2026-03');
		expect(march.received).toBe(6);
		expect(march.published).toBe(5);
		expect(march.medianDaysToDecision).toBe(3);
		// One story arrived in April: fewer than five lie behind that figure.
		expect((await monthIn('2026-04')).received).toBeNull();
	});

	it('counts declines by reason and withholds every reason with fewer than five stories', async () => {
		for (let index = 0; index < 5; index++) {
			await event(
				await arrived('2026-04-01'),
				'decline',
				'2026-04-03T10:00:00Z',
				'identifying-details',
			);
		}
		await event(await arrived('2026-04-01'), 'decline', '2026-04-06T10:00:00Z', 'unsafe-detail');

		const april = await monthIn('2026-04');
		expect(april.declined).toBe(6);
		expect(april.declinedByReason).toContainEqual({
			slug: 'identifying-details',
			label: 'It identifies someone',
			count: 5,
		});
		expect(april.declinedByReason.find((row) => row.slug === 'unsafe-detail')?.count).toBeNull();
		expect(april.published).toBeNull();
		// Five waits of 2 days, one of 5: the median of six decisions.
		expect(april.medianDaysToDecision).toBe(2);
	});

	it('counts withdrawals and a story decided twice once, at its first decision', async () => {
		for (const decidedOn of ['02', '02', '02', '10', '10']) {
			const id = await arrived('2026-05-01');
			await event(id, 'decline', `2026-05-${decidedOn}T10:00:00Z`, 'crisis');
			await event(id, 'writer-withdrew', '2026-05-20T00:00:00Z');
		}
		// Decided before the window, resubmitted and decided again inside it: no new wait.
		const old = await arrived('2025-01-10');
		await event(old, 'decline', '2025-01-12T10:00:00Z', 'crisis');
		await event(old, 'publish', '2026-05-25T10:00:00Z');

		const may = await monthIn('2026-05');
		expect(may.withdrawn).toBe(5);
		expect(may.declined).toBe(5);
		// Waits of 1, 1, 1, 9 and 9 days; the old story's 500 days would move it to 5.
		expect(may.medianDaysToDecision).toBe(1);
	});

	it('withholds report figures by the stories reported, not the number of reports', async () => {
		const reportedTwice = [await arrived('2026-05-01'), await arrived('2026-05-01')];
		for (const id of reportedTwice)
			for (let index = 0; index < 3; index++) await report(id, '2026-05-04');
		const reportedOnce = await Promise.all(Array.from({ length: 5 }, () => arrived('2026-06-01')));
		for (const id of reportedOnce) await report(id, '2026-06-02', '2026-06-03T08:00:00Z');

		expect((await monthIn('2026-05')).reportsReceived).toBeNull();
		expect(await monthIn('2026-06')).toMatchObject({ reportsReceived: 5, reportsActedOn: 5 });
	});

	it('says nothing about any one story', async () => {
		const ids = await Promise.all(Array.from({ length: 5 }, () => arrived('2026-03-01')));
		for (const id of ids) await event(id, 'publish', '2026-03-04T10:00:00Z');
		const published = JSON.stringify(await getTransparencyReport(store, NOW));
		for (const id of ids) {
			expect(published).not.toContain(id);
			expect(published).not.toContain(`Title of ${id}`);
		}
	});
});
