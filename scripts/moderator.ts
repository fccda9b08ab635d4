/**
 * `npm run moderator -- <command>`: manage moderator accounts from the command line.
 *
 *   add <username> [--admin]     add a moderator (an admin with --admin)
 *   list                         show every moderator
 *   disable <username>           disable a moderator and end their sessions
 *   reset-password <username>    set a new password and end their sessions
 *   queue                        count the stories in each queue tab and those waiting past
 *                                the review promise (exit 1 when there are any: alert from cron)
 *
 * Passwords come from MODERATOR_PASSWORD when it is set, otherwise from standard input:
 * typed without echo at a terminal (asked twice), or read whole from a pipe (one trailing
 * newline removed). Never pass a password as an argument: it would land in shell history.
 *
 * Exit codes (for scripts): 0 done, 1 stories wait past the review promise (queue), 64 usage error, 65 invalid input, 66 no such
 * moderator, 67 conflict with the current state, 70 unexpected failure.
 */
import { migrateDatabase } from '../db/migrate.ts';
import { migratePostgres } from '../db/migrate-postgres.ts';
import { isPostgresUrl } from '../db/postgres-url.ts';
import { openStore, sqliteOf, type Store } from '../db/store.ts';
import {
	addModerator,
	disableModerator,
	findModeratorForSignIn,
	listModerators,
	ModeratorError,
	normalizeUsername,
	resetModeratorPassword,
	validateUsername,
	type ModeratorErrorCode,
	type ModeratorSummary,
} from '../src/lib/server/moderators.ts';
import { getQueueCounts, QUEUE_TABS, type QueueCounts } from '../src/lib/server/queue-counts.ts';
import { REVIEW_PROMISE_DAYS } from '../src/lib/settings.ts';
import { isoDay } from '../src/lib/dates.ts';

// The BSD sysexits.h values, so that scripts can tell the failures apart.
export const EXIT_CODES = {
	ok: 0,
	/** `queue` found stories waiting longer than the review promise: worth an alert. */
	overdue: 1,
	usage: 64,
	invalidInput: 65,
	notFound: 66,
	conflict: 67,
	unexpected: 70,
	/** Ctrl-C at the password prompt, as a shell reports an interrupted command. */
	cancelled: 130,
} as const;

const USAGE = `Usage: npm run moderator -- <command>

Commands:
  add <username> [--admin]     add a moderator (an admin with --admin)
  list                         show every moderator
  disable <username>           disable a moderator and end their sessions at once
  reset-password <username>    set a new password and end their sessions at once
  queue                        count the stories in each queue tab and those waiting
                               longer than the review promise (${REVIEW_PROMISE_DAYS} days)
  help                         show this text

The password for add and reset-password comes from the MODERATOR_PASSWORD environment
variable when set, otherwise from standard input (typed without echo, or piped).
Database: PostgreSQL at DATABASE_URL when set, else SQLite at DATABASE_PATH
(default data/common-thread.db).

Exit codes: 0 done, 1 stories wait past the review promise (queue; for alerts from
cron), 64 usage error, 65 invalid input, 66 no such moderator,
67 conflict (name taken, already disabled, last admin), 70 unexpected failure.`;

/** A failure with the exit code it maps to; `showUsage` adds the usage text after the message. */
class CommandFailure extends Error {
	readonly exitCode: number;
	readonly showUsage: boolean;

	constructor(exitCode: number, message: string, showUsage = false) {
		super(message);
		this.exitCode = exitCode;
		this.showUsage = showUsage;
	}
}

const EXIT_CODE_BY_ERROR: Record<ModeratorErrorCode, number> = {
	'invalid-username': EXIT_CODES.invalidInput,
	'weak-password': EXIT_CODES.invalidInput,
	'not-found': EXIT_CODES.notFound,
	'duplicate-username': EXIT_CODES.conflict,
	'already-disabled': EXIT_CODES.conflict,
	'last-admin': EXIT_CODES.conflict,
};

interface ParsedCommand {
	command: 'add' | 'list' | 'disable' | 'reset-password' | 'queue';
	username: string;
	admin: boolean;
}

/** Splits the arguments into a command, its one username (if it takes one) and `--admin`. */
function parseArguments(args: string[]): ParsedCommand | 'help' {
	const [command, ...rest] = args;
	if (command === undefined) throw new CommandFailure(EXIT_CODES.usage, 'No command given.', true);
	if (['help', '--help', '-h'].includes(command)) return 'help';
	if (
		command !== 'add' &&
		command !== 'list' &&
		command !== 'disable' &&
		command !== 'reset-password' &&
		command !== 'queue'
	) {
		throw new CommandFailure(EXIT_CODES.usage, `Unknown command "${command}".`, true);
	}
	const options = rest.filter((argument) => argument.startsWith('--'));
	const positionals = rest.filter((argument) => !argument.startsWith('--'));
	for (const option of options) {
		if (!(command === 'add' && option === '--admin')) {
			throw new CommandFailure(
				EXIT_CODES.usage,
				`The ${command} command does not take ${option}.`,
				true,
			);
		}
	}
	const takesUsername = command !== 'list' && command !== 'queue';
	if (takesUsername && positionals.length === 0) {
		throw new CommandFailure(EXIT_CODES.usage, `The ${command} command needs a username.`, true);
	}
	if (positionals.length > (takesUsername ? 1 : 0)) {
		throw new CommandFailure(
			EXIT_CODES.usage,
			`Unexpected argument "${positionals[takesUsername ? 1 : 0]}".`,
			true,
		);
	}
	return { command, username: positionals[0] ?? '', admin: options.includes('--admin') };
}

/**
 * Reads lines at the terminal without echoing them, showing each prompt in turn; stops
 * after an empty line. Ctrl-C cancels. One raw-mode session for all of them, so that
 * nothing typed or pasted ahead is echoed or lost between the prompts.
 */
function readHiddenLines(prompts: string[]): Promise<string[]> {
	const input = process.stdin;
	// Raw mode before the prompt: anything typed once the prompt shows must not echo.
	input.setRawMode(true);
	input.setEncoding('utf8');
	process.stderr.write(prompts[0]!);
	input.resume();
	return new Promise((resolveLines, reject) => {
		const lines: string[] = [];
		let line = '';
		const finish = (outcome: () => void) => {
			input.off('data', onData);
			input.setRawMode(false);
			input.pause();
			outcome();
		};
		const onData = (chunk: string) => {
			for (const character of chunk) {
				if (character === '\u0003') {
					process.stderr.write('\n');
					finish(() => reject(new CommandFailure(EXIT_CODES.cancelled, 'Cancelled.')));
					return;
				}
				if (character === '\r' || character === '\n' || character === '\u0004') {
					process.stderr.write('\n');
					lines.push(line);
					line = '';
					if (lines.at(-1) === '' || lines.length === prompts.length) {
						finish(() => resolveLines(lines));
						return;
					}
					process.stderr.write(prompts[lines.length]!);
				} else if (character === '\u007f' || character === '\b') {
					line = [...line].slice(0, -1).join('');
				} else {
					line += character;
				}
			}
		};
		input.on('data', onData);
	});
}

/** Everything piped to standard input, less one trailing newline (what `echo` adds). */
async function readPipedPassword(): Promise<string> {
	let text = '';
	process.stdin.setEncoding('utf8');
	for await (const chunk of process.stdin) text += chunk;
	return text.replace(/\r?\n$/, '');
}

/** The new password: MODERATOR_PASSWORD, else typed twice at a terminal, else piped. */
async function readPassword(): Promise<string> {
	let password = process.env.MODERATOR_PASSWORD;
	if (password === undefined) {
		if (process.stdin.isTTY) {
			const [typed = '', repeated = ''] = await readHiddenLines([
				'Password: ',
				'Repeat the password: ',
			]);
			if (typed !== '' && repeated !== typed) {
				throw new CommandFailure(EXIT_CODES.invalidInput, 'The two passwords differ.');
			}
			password = typed;
		} else {
			password = await readPipedPassword();
		}
	}
	if (password === '') {
		throw new CommandFailure(
			EXIT_CODES.invalidInput,
			'The password is empty: set MODERATOR_PASSWORD or pipe it to standard input.',
		);
	}
	return password;
}

/** The moderators as an aligned plain-text table, one per line after a header. */
function formatModeratorTable(moderators: ModeratorSummary[]): string {
	const rows = [
		['USERNAME', 'ROLE', 'STATUS', 'SECOND FACTOR', 'CREATED'],
		...moderators.map((moderator) => [
			moderator.username,
			moderator.isAdmin ? 'admin' : 'moderator',
			moderator.disabled ? 'disabled' : 'active',
			moderator.hasSecondFactor ? 'yes' : 'no',
			isoDay(moderator.createdAt),
		]),
	];
	const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
	return rows
		.map((row) =>
			row
				.map((cell, column) => cell.padEnd(widths[column]!))
				.join('  ')
				.trimEnd(),
		)
		.join('\n');
}

/** The queue counts as plain text: one line per tab, then the review promise. */
function formatQueueCounts(counts: QueueCounts): string {
	const width = Math.max(...QUEUE_TABS.map((tab) => tab.length));
	const tabs = QUEUE_TABS.map((tab) => `${tab.padEnd(width)}  ${counts.tabs[tab]}`);
	const promise =
		counts.overdue === 0
			? `No story has waited longer than the ${REVIEW_PROMISE_DAYS}-day review promise.`
			: `${counts.overdue} waiting ${counts.overdue === 1 ? 'story has' : 'stories have'} waited longer than the ${REVIEW_PROMISE_DAYS}-day review promise (the oldest ${counts.oldestWaitingDays} days).`;
	return [...tabs, promise].join('\n');
}

/**
 * The store the server would use (PostgreSQL at DATABASE_URL, else SQLite at DATABASE_PATH),
 * migrated as the server's start-up would: the command may be the first thing run on it.
 */
async function openMigratedStore(): Promise<Store> {
	const url = process.env.DATABASE_URL;
	if (url && !isPostgresUrl(url)) {
		throw new CommandFailure(
			EXIT_CODES.usage,
			'DATABASE_URL must be a PostgreSQL URL (postgres://user@host:port/database).',
		);
	}
	const store = openStore();
	try {
		if (url) await migratePostgres(url);
		// The store's own turn on its one connection: nothing else runs while it migrates.
		else await store.read(async (scope) => void migrateDatabase(sqliteOf(scope)));
		return store;
	} catch (error) {
		await store.close();
		throw error;
	}
}

/** Runs one parsed command against an open, migrated store; returns the exit code. */
async function runCommand(parsed: ParsedCommand, store: Store): Promise<number> {
	const username = normalizeUsername(parsed.username);
	switch (parsed.command) {
		case 'add': {
			// Refuse a bad or taken name before asking for a password.
			const problem = validateUsername(username);
			if (problem) throw new ModeratorError('invalid-username', problem);
			if (await findModeratorForSignIn(username, store)) {
				throw new ModeratorError(
					'duplicate-username',
					`A moderator named ${username} already exists.`,
				);
			}
			const password = await readPassword();
			await addModerator({ username, password, isAdmin: parsed.admin }, store);
			console.log(`Added moderator ${username}${parsed.admin ? ' (admin)' : ''}`);
			return EXIT_CODES.ok;
		}
		case 'list': {
			const moderators = await listModerators(store);
			console.log(
				moderators.length === 0
					? 'No moderators yet: add one with `npm run moderator -- add <username> --admin`.'
					: formatModeratorTable(moderators),
			);
			return EXIT_CODES.ok;
		}
		case 'disable':
			await disableModerator(username, {}, store);
			console.log(`Disabled ${username}; their sessions have ended.`);
			return EXIT_CODES.ok;
		case 'reset-password': {
			if (!(await findModeratorForSignIn(username, store))) {
				throw new ModeratorError('not-found', `There is no moderator named ${username}.`);
			}
			const password = await readPassword();
			await resetModeratorPassword(username, password, store);
			console.log(`Reset the password of ${username}; their sessions have ended.`);
			return EXIT_CODES.ok;
		}
		case 'queue': {
			const counts = await getQueueCounts(store);
			console.log(formatQueueCounts(counts));
			return counts.overdue > 0 ? EXIT_CODES.overdue : EXIT_CODES.ok;
		}
	}
}

/** Runs the command line with these arguments and returns the exit code. */
export async function runModeratorCommand(args: string[]): Promise<number> {
	let store: Store | undefined;
	try {
		const parsed = parseArguments(args);
		if (parsed === 'help') {
			console.error(USAGE);
			return EXIT_CODES.ok;
		}
		// Opened only once the arguments make sense, so a typo never creates a database file.
		store = await openMigratedStore();
		return await runCommand(parsed, store);
	} catch (error) {
		if (error instanceof CommandFailure) {
			console.error(`Error: ${error.message}`);
			if (error.showUsage) console.error(`\n${USAGE}`);
			return error.exitCode;
		}
		if (error instanceof ModeratorError) {
			console.error(`Error: ${error.message}`);
			return EXIT_CODE_BY_ERROR[error.code];
		}
		const message = error instanceof Error ? error.message : String(error);
		console.error(`Error: Unexpected failure: ${message.split('\n')[0]}`);
		return EXIT_CODES.unexpected;
	} finally {
		// PostgreSQL's pool would keep the process alive: closed, so that it exits.
		await store?.close();
	}
}

// Run only when executed, not when a test imports the module.
if (import.meta.main) {
	process.exitCode = await runModeratorCommand(process.argv.slice(2));
}
