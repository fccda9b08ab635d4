import { execFileSync } from 'node:child_process';
import {
	closeSync,
	mkdirSync,
	openSync,
	rmSync,
	truncateSync,
	writeFileSync,
	writeSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { count } from 'drizzle-orm';
import { parse } from 'node-html-parser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client.ts';
import { submissions } from '../../db/schema.ts';
import { textOf } from '../helpers/html.ts';
import { publishedSourcePieces } from '../helpers/library.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { createTempFolder } from '../helpers/temp-database.ts';
import {
	FAULT_LIMITS,
	formTokenFrom,
	integrityOf,
	lookUpReceipt,
	sendStory,
	uniqueStory,
	waitFor,
} from './support.ts';

/**
 * Real faults need real file systems: a small tmpfs to fill up, and an ext4 image whose
 * errors remount it read-only. Mounting them takes root; elsewhere these tests are skipped.
 */
const IS_ROOT = process.getuid?.() === 0;

const CURATED_STORY = publishedSourcePieces().find((piece) =>
	piece.path.startsWith('/stories/'),
)!.path;

function run(command: string, ...args: string[]): string {
	return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function isMounted(path: string): boolean {
	try {
		return run('findmnt', '-n', '--mountpoint', path).trim() !== '';
	} catch {
		return false; // findmnt exits 1 when nothing is mounted there
	}
}

let folder: string;
let mountPoint: string;
let databasePath: string;
let server: RunningServer | undefined;
beforeEach(() => {
	folder = createTempFolder('common-thread-storage-');
	mountPoint = join(folder, 'disk');
	mkdirSync(mountPoint);
	databasePath = join(mountPoint, 'data', 'common-thread.db');
});
afterEach(async () => {
	await server?.stop();
	server = undefined;
	if (isMounted(mountPoint)) run('umount', mountPoint);
	rmSync(folder, { recursive: true, force: true });
});

const storedRows = () => {
	const database = openDatabase(databasePath);
	try {
		return database.select({ total: count() }).from(submissions).get()!.total;
	} finally {
		database.$client.close();
	}
};

/** What a writer sees while nothing can be stored, and what the site still does. */
async function expectWritesRefusedGracefully(baseUrl: string, earlierReceipt: string) {
	await waitFor('/healthz to answer 503', async () => {
		return (await fetch(new URL('/healthz', baseUrl))).status === 503;
	});
	const rowsBefore = storedRows();
	const story = uniqueStory('storage-failure');
	const refused = await sendStory(baseUrl, await formTokenFrom(baseUrl), story);
	expect(refused.status).toBe(503);
	expect(refused.receiptCode).toBeNull();
	const page = parse(refused.html);
	const problem = textOf(page.querySelector('.form-problem'));
	expect(problem).toMatch(/could not save your story just now/);
	expect(problem).toMatch(/Your text is still here/);
	expect(problem).not.toMatch(/SQLITE|disk I\/O|database/i);
	expect(page.querySelector('input#title')?.getAttribute('value')).toBe(story.title);
	expect(page.querySelector('textarea#body')?.textContent).toBe(story.body);
	expect(page.querySelector('input[name="consent"]')?.hasAttribute('checked')).toBe(true);
	expect(storedRows()).toBe(rowsBefore);

	expect(await (await fetch(new URL('/healthz', baseUrl))).json()).toEqual({
		status: 'unavailable',
	});
	// Pages that need no write still serve: a prerendered one, a story, a writer's own story.
	expect((await fetch(new URL('/about', baseUrl))).status).toBe(200);
	expect((await fetch(new URL(CURATED_STORY, baseUrl))).status).toBe(200);
	// A reader's reaction cannot be counted either: a clear 503, not a server error.
	const reaction = await fetch(new URL(`${CURATED_STORY}?_action=reactToStory`, baseUrl), {
		method: 'POST',
		headers: { origin: new URL(baseUrl).origin },
		body: new URLSearchParams({ slug: CURATED_STORY.split('/').pop()!, reaction: 'helped' }),
	});
	expect(reaction.status).toBe(503);
	expect(textOf(parse(await reaction.text()).querySelector('[data-reaction-status]'))).toMatch(
		/could not save that just now/,
	);
	expect((await lookUpReceipt(baseUrl, earlierReceipt)).status).toBe(200);
}

/** Submits one story and expects it stored; returns its receipt code. */
async function expectSubmissionWorks(baseUrl: string): Promise<string> {
	const outcome = await sendStory(baseUrl, await formTokenFrom(baseUrl), uniqueStory('storage'));
	expect(outcome.status).toBe(200);
	expect(outcome.receiptCode).not.toBeNull();
	return outcome.receiptCode!;
}

describe.skipIf(!IS_ROOT)('a full disk (a 4 MB tmpfs filled up; needs root)', () => {
	it('refuses stories with a 503 that keeps the text, says so at /healthz, and recovers once there is room', async () => {
		run('mount', '-t', 'tmpfs', '-o', 'size=4m,mode=0700', 'tmpfs', mountPoint);
		server = await startServer({ databasePath, env: FAULT_LIMITS });
		const earlier = await expectSubmissionWorks(server.baseUrl);

		// Fill every free byte, as a runaway log file would.
		const filler = join(mountPoint, 'filler');
		const descriptor = openSync(filler, 'w');
		try {
			const chunk = Buffer.alloc(64 * 1024, 0x2e);
			for (;;) writeSync(descriptor, chunk);
		} catch (error) {
			expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
		} finally {
			closeSync(descriptor);
		}
		await expectWritesRefusedGracefully(server.baseUrl, earlier);

		rmSync(filler);
		await waitFor('/healthz to answer 200 again', async () => {
			return (await fetch(new URL('/healthz', server!.baseUrl))).status === 200;
		});
		const later = await expectSubmissionWorks(server.baseUrl);
		expect((await lookUpReceipt(server.baseUrl, later)).status).toBe(200);
		expect(storedRows()).toBe(2);
		expect(integrityOf(databasePath)).toBe('ok');
	});
});

describe.skipIf(!IS_ROOT)(
	'a disk gone read-only (ext4 errors=remount-ro on a loop image; needs root)',
	() => {
		it('refuses stories with a 503 that keeps the text, says so at /healthz, and works after repair and restart', async () => {
			const image = join(folder, 'disk.img');
			writeFileSync(image, '');
			truncateSync(image, 32 * 1024 * 1024);
			run('mkfs.ext4', '-q', '-F', image);
			run('mount', '-o', 'loop,errors=remount-ro', image, mountPoint);
			const device = basename(
				run('findmnt', '-n', '-o', 'SOURCE', '--mountpoint', mountPoint).trim(),
			);
			server = await startServer({ databasePath, env: FAULT_LIMITS });
			const earlier = await expectSubmissionWorks(server.baseUrl);

			// What a failing disk does: ext4 records an error and remounts itself read-only, under
			// the running server and its open files.
			writeFileSync(`/sys/fs/ext4/${device}/trigger_fs_error`, '1');
			await waitFor('the file system to refuse writes', () => {
				try {
					writeFileSync(join(mountPoint, 'probe'), '');
					return false;
				} catch (error) {
					return (error as NodeJS.ErrnoException).code === 'EROFS';
				}
			});
			await expectWritesRefusedGracefully(server.baseUrl, earlier);

			// The operator's repair: stop, check the file system, mount it again, start.
			await server.stop();
			server = undefined;
			run('umount', mountPoint);
			try {
				run('e2fsck', '-f', '-y', image);
			} catch (error) {
				// 1: errors were found and corrected, as expected after the forced error.
				expect((error as { status: number }).status).toBe(1);
			}
			run('mount', '-o', 'loop,errors=remount-ro', image, mountPoint);
			server = await startServer({ databasePath, env: FAULT_LIMITS });
			expect((await fetch(new URL('/healthz', server.baseUrl))).status).toBe(200);
			expect((await lookUpReceipt(server.baseUrl, earlier)).status).toBe(200);
			await expectSubmissionWorks(server.baseUrl);
			expect(storedRows()).toBe(2);
			expect(integrityOf(databasePath)).toBe('ok');
		});
	},
);
