import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openPostgresStore, sqliteStore, type Store } from '../../db/store.ts';
import { DAY_MS, isoDay } from '../../src/lib/dates.ts';
import { receiveStory } from '../../src/lib/server/submissions.ts';
import { REVIEW_PROMISE_DAYS } from '../../src/lib/settings.ts';
import { verifyPassword } from '../../src/lib/server/passwords.ts';
import { startModeratorSession, validateModeratorSession } from '../../src/lib/server/session.ts';
import { useTestStores } from '../helpers/stores.ts';
import { createTempFolder } from '../helpers/temp-database.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const PASSWORD = 'violet harbor lantern';
const NEW_PASSWORD = 'quiet morning kettle';

const testStores = useTestStores();

/** Where the command finds its database: DATABASE_PATH for SQLite, DATABASE_URL for PostgreSQL. */
type Target = { DATABASE_PATH: string } | { DATABASE_URL: string };

/**
 * Runs `scripts/moderator.ts` as `npm run moderator --` would, on the given database.
 * Standard input is `stdin` (empty unless given), so nothing ever waits for a terminal.
 */
function runCommand(
	target: Target,
	args: readonly string[],
	options: { password?: string; stdin?: string } = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
	const {
		MODERATOR_PASSWORD: _password,
		DATABASE_URL: _url,
		DATABASE_PATH: _path,
		...inherited
	} = process.env;
	const child = spawn(process.execPath, ['scripts/moderator.ts', ...args], {
		cwd: ROOT,
		env: {
			...inherited,
			...target,
			...(options.password === undefined ? {} : { MODERATOR_PASSWORD: options.password }),
		},
		timeout: 50_000,
	});
	let stdout = '';
	let stderr = '';
	child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
	child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
	child.stdin.end(options.stdin ?? '');
	return new Promise((resolveResult, reject) => {
		child.once('error', reject);
		child.once('close', (status) => resolveResult({ status, stdout, stderr }));
	});
}

/** A waiting story that arrived on `createdDay`. */
async function storyArrived(store: Store, title: string, createdDay: string) {
	await receiveStory(
		{
			title,
			body: 'A slow year, told one morning at a time. '.repeat(10),
			penName: null,
			topics: ['alcohol'],
			contentWarnings: [],
		},
		store,
	);
	await store.transact(async ({ query, tables: { submissions } }) => {
		await query.update(submissions).set({ createdDay }).where(eq(submissions.title, title));
	});
}

/** The moderator row of `username`, read in the test's own process. */
async function moderatorNamed(store: Store, username: string) {
	const [row] = await store.read(({ query, tables: { moderators } }) =>
		query.select().from(moderators).where(eq(moderators.username, username)),
	);
	return row;
}

/**
 * A fresh migrated database of `engine` for one test (each test has its own), the store the
 * test reads it through, a bound `runCommand` and a stored-hash reader.
 */
async function setUp(engine: Store['engine']) {
	let target: Target;
	let store: Store;
	if (engine === 'sqlite') {
		const temp = testStores.tempDatabase();
		target = { DATABASE_PATH: temp.path };
		store = testStores.closeAfterTest(sqliteStore(temp.database));
	} else {
		const url = await testStores.cluster.createMigratedDatabase();
		target = { DATABASE_URL: url };
		store = testStores.closeAfterTest(openPostgresStore(url, { maxConnections: 2 }));
	}
	return {
		store,
		run: (args: readonly string[], options?: { password?: string; stdin?: string }) =>
			runCommand(target, args, options),
		storedHash: async (username: string) => (await moderatorNamed(store, username))?.passwordHash,
	};
}

// Each run starts a Node process (about half a second), so the tests run side by side.
describe.each(['sqlite', 'postgres'] as const)(
	'npm run moderator on %s',
	{ timeout: 60_000 },
	(engine) => {
		it('adds a moderator with the password from MODERATOR_PASSWORD', async () => {
			const { run, storedHash } = await setUp(engine);
			const result = await run(['add', 'Alice'], { password: PASSWORD });
			expect(result).toMatchObject({ status: 0, stdout: 'Added moderator alice\n' });
			expect(await verifyPassword((await storedHash('alice'))!, PASSWORD)).toBe(true);
		});

		it('adds an admin with --admin, the password piped to standard input', async () => {
			const { store, run, storedHash } = await setUp(engine);
			const result = await run(['add', 'root-admin', '--admin'], { stdin: `${PASSWORD}\n` });
			expect(result).toMatchObject({ status: 0, stdout: 'Added moderator root-admin (admin)\n' });
			// Exactly one trailing newline is removed, nothing else.
			expect(await verifyPassword((await storedHash('root-admin'))!, PASSWORD)).toBe(true);
			expect((await moderatorNamed(store, 'root-admin'))!.isAdmin).toBe(true);
		});

		it('refuses a name that is taken (67)', async () => {
			const { run } = await setUp(engine);
			expect((await run(['add', 'alice'], { password: PASSWORD })).status).toBe(0);
			const result = await run(['add', 'ALICE'], { password: PASSWORD });
			expect(result.status).toBe(67);
			expect(result.stderr).toMatch(/^Error: .*already exists/m);
			expect(result.stdout).toBe('');
		});

		it.for([
			['a weak password', ['add', 'alice'], { password: 'password1234' }, /most common/],
			['an empty password', ['add', 'alice'], { password: '' }, /password is empty/],
			['nothing on standard input', ['add', 'alice'], {}, /password is empty/],
			['a bad username', ['add', 'no spaces allowed'], { password: PASSWORD }, /username/],
			['a username starting with a dot', ['add', '.alice'], { password: PASSWORD }, /username/],
		] as const)('refuses %s (65) and stores nothing', async ([, args, options, message]) => {
			const { store, run } = await setUp(engine);
			const result = await run(args, options);
			expect(result.status).toBe(65);
			expect(result.stderr).toMatch(/^Error: /m);
			expect(result.stderr).toMatch(message);
			expect(
				await store.read(({ query, tables: { moderators } }) => query.select().from(moderators)),
			).toEqual([]);
		});

		it.for([
			['no command', []],
			['an unknown command', ['promote', 'alice']],
			['add without a username', ['add']],
			['add with an unknown option', ['add', 'alice', '--owner']],
			['disable without a username', ['disable']],
			['reset-password with two usernames', ['reset-password', 'alice', 'bob']],
		] as const)('answers %s with the usage text (64)', async ([, args]) => {
			const { run } = await setUp(engine);
			const result = await run(args, { password: PASSWORD });
			expect(result.status).toBe(64);
			expect(result.stderr).toMatch(/^Error: /m);
			expect(result.stderr).toContain('Usage: npm run moderator -- <command>');
			expect(result.stdout).toBe('');
		});

		it('lists the moderators with their role, status and second factor', async () => {
			const { run } = await setUp(engine);
			await run(['add', 'zoe', '--admin'], { password: PASSWORD });
			await run(['add', 'bob'], { password: PASSWORD });
			await run(['disable', 'bob']);
			const result = await run(['list']);
			expect(result.status).toBe(0);
			const lines = result.stdout.trimEnd().split('\n');
			expect(lines[0]).toMatch(/^USERNAME\s+ROLE\s+STATUS\s+SECOND FACTOR\s+CREATED$/);
			expect(lines[1]).toMatch(/^bob\s+moderator\s+disabled\s+no\s+\d{4}-\d{2}-\d{2}$/);
			expect(lines[2]).toMatch(/^zoe\s+admin\s+active\s+no\s+\d{4}-\d{2}-\d{2}$/);
			expect(lines).toHaveLength(3);
		});

		it('says when there is no moderator yet', async () => {
			const { run } = await setUp(engine);
			const result = await run(['list']);
			expect(result).toMatchObject({ status: 0, stderr: '' });
			expect(result.stdout).toMatch(/No moderators yet/);
		});

		it('disables a moderator (0), ending their sessions, then refuses to again (67)', async () => {
			const { store, run } = await setUp(engine);
			await run(['add', 'zoe', '--admin'], { password: PASSWORD });
			await run(['add', 'bob'], { password: PASSWORD });
			const bob = (await moderatorNamed(store, 'bob'))!;
			const { token } = await startModeratorSession(bob.id, { secondFactorVerified: false }, store);

			const first = await run(['disable', 'bob']);
			expect(first).toMatchObject({
				status: 0,
				stdout: 'Disabled bob; their sessions have ended.\n',
			});
			expect(
				await store.read(({ query, tables: { sessions } }) => query.select().from(sessions)),
			).toEqual([]);
			expect(await validateModeratorSession(token, store)).toBeNull();

			const second = await run(['disable', 'bob']);
			expect(second.status).toBe(67);
			expect(second.stderr).toMatch(/^Error: .*already disabled/m);
		});

		it('refuses to disable the last admin (67)', async () => {
			const { run } = await setUp(engine);
			await run(['add', 'zoe', '--admin'], { password: PASSWORD });
			const result = await run(['disable', 'zoe']);
			expect(result.status).toBe(67);
			expect(result.stderr).toMatch(/^Error: .*last active admin/m);
		});

		it('answers an unknown name with 66', async () => {
			const { run } = await setUp(engine);
			const disable = await run(['disable', 'nobody']);
			expect(disable.status).toBe(66);
			expect(disable.stderr).toMatch(/^Error: There is no moderator named nobody/m);
			const reset = await run(['reset-password', 'nobody'], { password: NEW_PASSWORD });
			expect(reset.status).toBe(66);
		});

		it('resets a password (0), from the environment or piped, and the new one verifies', async () => {
			const { run, storedHash } = await setUp(engine);
			await run(['add', 'bob'], { password: PASSWORD });

			const fromEnvironment = await run(['reset-password', 'bob'], { password: NEW_PASSWORD });
			expect(fromEnvironment.status).toBe(0);
			expect(fromEnvironment.stdout).toMatch(/bob/);
			expect(await verifyPassword((await storedHash('bob'))!, NEW_PASSWORD)).toBe(true);
			expect(await verifyPassword((await storedHash('bob'))!, PASSWORD)).toBe(false);

			const piped = await run(['reset-password', 'bob'], { stdin: `${PASSWORD}\r\n` });
			expect(piped.status).toBe(0);
			expect(await verifyPassword((await storedHash('bob'))!, PASSWORD)).toBe(true);
		});

		it('prints the count of every queue tab and exits 0 when nothing waits past the promise', async () => {
			const { store, run } = await setUp(engine);
			await storyArrived(store, 'waiting today', isoDay(new Date()));
			const result = await run(['queue']);
			expect(result).toMatchObject({ status: 0, stderr: '' });
			expect(result.stdout.trimEnd().split('\n')).toEqual([
				'waiting    1',
				'reported   0',
				'published  0',
				'declined   0',
				'withdrawn  0',
				`No story has waited longer than the ${REVIEW_PROMISE_DAYS}-day review promise.`,
			]);
		});

		it('exits 1 when stories wait past the review promise, saying how many, for cron alerts', async () => {
			const { store, run } = await setUp(engine);
			const daysAgo = (days: number) => isoDay(new Date(Date.now() - days * DAY_MS));
			await storyArrived(store, 'waiting within the promise', daysAgo(REVIEW_PROMISE_DAYS));
			await storyArrived(store, 'waiting past the promise', daysAgo(REVIEW_PROMISE_DAYS + 1));
			await storyArrived(store, 'waiting long past the promise', daysAgo(REVIEW_PROMISE_DAYS + 5));
			const result = await run(['queue']);
			expect(result.status).toBe(1);
			expect(result.stdout).toMatch(/^waiting {4}3$/m);
			expect(result.stdout).toContain(
				`2 waiting stories have waited longer than the ${REVIEW_PROMISE_DAYS}-day review promise (the oldest ${REVIEW_PROMISE_DAYS + 5} days).`,
			);
		});

		it('refuses arguments to queue (64)', async () => {
			const { run } = await setUp(engine);
			expect((await run(['queue', 'now'])).status).toBe(64);
		});

		it('refuses a weak new password (65) and keeps the old one', async () => {
			const { run, storedHash } = await setUp(engine);
			await run(['add', 'bob'], { password: PASSWORD });
			const result = await run(['reset-password', 'bob'], { password: 'short' });
			expect(result.status).toBe(65);
			expect(result.stderr).toMatch(/^Error: .*too short/m);
			expect(await verifyPassword((await storedHash('bob'))!, PASSWORD)).toBe(true);
		});
	},
);

describe('npm run moderator, wherever its database is', { timeout: 60_000 }, () => {
	it('prints the usage text for help (0) without creating a database', async (context) => {
		const folder = createTempFolder();
		context.onTestFinished(() => rmSync(folder, { recursive: true, force: true }));
		const databasePath = join(folder, 'never.db');
		const result = await runCommand({ DATABASE_PATH: databasePath }, ['help']);
		expect(result.status).toBe(0);
		expect(result.stderr).toContain('Usage: npm run moderator -- <command>');
		expect(existsSync(databasePath)).toBe(false);
	});

	it('migrates an empty PostgreSQL database first, as the server would', async () => {
		const url = await testStores.cluster.createDatabase();
		const result = await runCommand({ DATABASE_URL: url }, ['list']);
		expect(result).toMatchObject({ status: 0, stderr: '' });
		expect(result.stdout).toMatch(/No moderators yet/);
	});

	it('refuses a DATABASE_URL that is not PostgreSQL (64)', async () => {
		const result = await runCommand({ DATABASE_URL: 'mysql://localhost/site' }, ['list']);
		expect(result.status).toBe(64);
		expect(result.stderr).toMatch(/^Error: DATABASE_URL must be a PostgreSQL URL/m);
	});
});
