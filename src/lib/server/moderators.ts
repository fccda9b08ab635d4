/**
 * Moderator accounts: adding, listing, disabling and password resets, each audited.
 * Used by the `npm run moderator` command line now and by the admin pages later.
 */
import { randomBytes } from 'node:crypto';
import { and, asc, count, eq, isNull, ne } from 'drizzle-orm';
import { getDatabase, type Database, type Queryable } from '../../../db/client.ts';
import { moderators } from '../../../db/schema.ts';
import { appendAuditEvent } from './audit.ts';
import { checkPasswordStrength, hashPassword } from './passwords.ts';
import { endModeratorSessions } from './session.ts';

export type ModeratorErrorCode =
	| 'invalid-username'
	| 'duplicate-username'
	| 'weak-password'
	| 'not-found'
	| 'already-disabled'
	| 'last-admin';

/** A refused account change; `message` is a sentence fit to show the person who asked. */
export class ModeratorError extends Error {
	readonly code: ModeratorErrorCode;

	constructor(code: ModeratorErrorCode, message: string) {
		super(message);
		this.name = 'ModeratorError';
		this.code = code;
	}
}

const USERNAME_MINIMUM_LENGTH = 3;
const USERNAME_MAXIMUM_LENGTH = 32;

/** How moderators appear in lists (never with their password hash or second-factor key). */
export interface ModeratorSummary {
	id: string;
	username: string;
	isAdmin: boolean;
	disabled: boolean;
	createdAt: Date;
	hasSecondFactor: boolean;
}

/** What sign-in needs to check a password and decide on the second factor. */
export interface ModeratorSignInRecord {
	id: string;
	username: string;
	passwordHash: string;
	disabled: boolean;
	hasSecondFactor: boolean;
	isAdmin: boolean;
}

/** How a username is stored and compared: trimmed and lower-cased, so names are unique in any case. */
export function normalizeUsername(input: string): string {
	return input.trim().toLowerCase();
}

/**
 * Why a username cannot be used, as one sentence, or `null` when it is fine. Judges the
 * normalized form: 3–32 characters of `a-z 0-9 . _ -`, starting with a letter or digit.
 */
export function validateUsername(input: string): string | null {
	const username = normalizeUsername(input);
	if (username.length < USERNAME_MINIMUM_LENGTH) {
		return `The username is too short: use at least ${USERNAME_MINIMUM_LENGTH} characters.`;
	}
	if (username.length > USERNAME_MAXIMUM_LENGTH) {
		return `The username is too long: use at most ${USERNAME_MAXIMUM_LENGTH} characters.`;
	}
	if (!/^[a-z0-9._-]+$/.test(username)) {
		return 'The username may contain only letters a–z, digits, dots, underscores and hyphens.';
	}
	if (!/^[a-z0-9]/.test(username)) {
		return 'The username must start with a letter or a digit.';
	}
	return null;
}

function findModeratorRow(username: string, database: Queryable) {
	return database
		.select()
		.from(moderators)
		.where(eq(moderators.username, normalizeUsername(username)))
		.get();
}

function requireModeratorRow(username: string, database: Queryable) {
	const row = findModeratorRow(username, database);
	if (!row) {
		throw new ModeratorError(
			'not-found',
			`There is no moderator named ${normalizeUsername(username)}.`,
		);
	}
	return row;
}

function isUniqueViolation(error: unknown): boolean {
	return (
		error instanceof Error &&
		'code' in error &&
		(error as { code: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE'
	);
}

/**
 * Adds a moderator and audits it ('moderator-added') in the same transaction.
 * The username is normalized; the password must pass `checkPasswordStrength` and is
 * stored only as an argon2id hash. `byModeratorId` is the admin who added them (null,
 * the default, for the command line). Throws `ModeratorError` with code
 * 'invalid-username', 'weak-password' or 'duplicate-username'; nothing is stored then.
 */
export async function addModerator(
	input: { username: string; password: string; isAdmin?: boolean; byModeratorId?: string | null },
	database: Database = getDatabase(),
): Promise<{ id: string }> {
	const username = normalizeUsername(input.username);
	const isAdmin = input.isAdmin ?? false;
	const usernameProblem = validateUsername(username);
	if (usernameProblem) throw new ModeratorError('invalid-username', usernameProblem);
	const duplicateMessage = `A moderator named ${username} already exists.`;
	// Checked before hashing too, so that a taken name is refused without the hashing cost.
	if (findModeratorRow(username, database)) {
		throw new ModeratorError('duplicate-username', duplicateMessage);
	}
	const passwordProblem = checkPasswordStrength(input.password, username);
	if (passwordProblem) throw new ModeratorError('weak-password', passwordProblem);
	const passwordHash = await hashPassword(input.password);
	const id = randomBytes(16).toString('base64url');
	const now = new Date();
	try {
		database.transaction(
			(transaction) => {
				transaction
					.insert(moderators)
					.values({ id, username, passwordHash, isAdmin, createdAt: now })
					.run();
				appendAuditEvent(
					transaction,
					{
						moderatorId: input.byModeratorId ?? null,
						action: 'moderator-added',
						detail: { username, isAdmin },
					},
					now,
				);
			},
			{ behavior: 'immediate' },
		);
	} catch (error) {
		// Someone took the name while the password was hashing.
		if (isUniqueViolation(error)) throw new ModeratorError('duplicate-username', duplicateMessage);
		throw error;
	}
	return { id };
}

/** Every moderator, disabled ones included, ordered by username. */
export async function listModerators(
	database: Database = getDatabase(),
): Promise<ModeratorSummary[]> {
	return database
		.select()
		.from(moderators)
		.orderBy(asc(moderators.username))
		.all()
		.map((row) => ({
			id: row.id,
			username: row.username,
			isAdmin: row.isAdmin,
			disabled: row.disabledAt !== null,
			createdAt: row.createdAt,
			hasSecondFactor: row.totpKey !== null,
		}));
}

/**
 * The account behind a username as typed at sign-in (normalized here), or `null` when
 * there is none. Disabled accounts are returned too, marked: the caller should still
 * verify the password (or `verifyAgainstDummy` when `null`) so every refusal takes as long.
 */
export async function findModeratorForSignIn(
	username: string,
	database: Database = getDatabase(),
): Promise<ModeratorSignInRecord | null> {
	const row = findModeratorRow(username, database);
	if (!row) return null;
	return {
		id: row.id,
		username: row.username,
		passwordHash: row.passwordHash,
		disabled: row.disabledAt !== null,
		hasSecondFactor: row.totpKey !== null,
		isAdmin: row.isAdmin,
	};
}

/**
 * Disables a moderator: they can no longer sign in, every session of theirs ends at once,
 * and the change is audited ('moderator-disabled', by `byModeratorId` or null for the
 * command line). Throws `ModeratorError` 'not-found', 'already-disabled', or 'last-admin'
 * when they are the only active admin (someone must remain able to manage accounts).
 */
export async function disableModerator(
	username: string,
	options: { byModeratorId?: string | null } = {},
	database: Database = getDatabase(),
): Promise<void> {
	const moderatorId = database.transaction(
		(transaction) => {
			const row = requireModeratorRow(username, transaction);
			if (row.disabledAt !== null) {
				throw new ModeratorError('already-disabled', `${row.username} is already disabled.`);
			}
			if (row.isAdmin) {
				const [others] = transaction
					.select({ total: count() })
					.from(moderators)
					.where(
						and(
							eq(moderators.isAdmin, true),
							isNull(moderators.disabledAt),
							ne(moderators.id, row.id),
						),
					)
					.all();
				if ((others?.total ?? 0) === 0) {
					throw new ModeratorError(
						'last-admin',
						`${row.username} is the last active admin: make someone else an admin first.`,
					);
				}
			}
			const now = new Date();
			transaction
				.update(moderators)
				.set({ disabledAt: now })
				.where(eq(moderators.id, row.id))
				.run();
			appendAuditEvent(
				transaction,
				{
					moderatorId: options.byModeratorId ?? null,
					action: 'moderator-disabled',
					detail: { username: row.username },
				},
				now,
			);
			return row.id;
		},
		{ behavior: 'immediate' },
	);
	// After the commit: lucia's calls are async and cannot run inside a SQLite transaction.
	// Were this to fail, the sessions would still be refused, as their owner is disabled.
	await endModeratorSessions(moderatorId, database);
}

/**
 * Gives a moderator a new password (checked with `checkPasswordStrength`), ends every
 * session of theirs, and audits 'moderator-password-reset' without the password.
 * Throws `ModeratorError` 'not-found' or 'weak-password'; nothing changes then.
 */
export async function resetModeratorPassword(
	username: string,
	newPassword: string,
	database: Database = getDatabase(),
): Promise<void> {
	const existing = requireModeratorRow(username, database);
	const passwordProblem = checkPasswordStrength(newPassword, existing.username);
	if (passwordProblem) throw new ModeratorError('weak-password', passwordProblem);
	const passwordHash = await hashPassword(newPassword);
	const moderatorId = database.transaction(
		(transaction) => {
			// Looked up again: the row could have changed while the password was hashing.
			const row = requireModeratorRow(existing.username, transaction);
			const now = new Date();
			transaction.update(moderators).set({ passwordHash }).where(eq(moderators.id, row.id)).run();
			appendAuditEvent(
				transaction,
				{ action: 'moderator-password-reset', detail: { username: row.username } },
				now,
			);
			return row.id;
		},
		{ behavior: 'immediate' },
	);
	await endModeratorSessions(moderatorId, database);
}

/** How many moderators can sign in (disabled accounts excluded). */
export async function countActiveModerators(database: Database = getDatabase()): Promise<number> {
	const [row] = database
		.select({ total: count() })
		.from(moderators)
		.where(isNull(moderators.disabledAt))
		.all();
	return row?.total ?? 0;
}
