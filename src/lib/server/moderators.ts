/**
 * Moderator accounts: adding, listing, disabling and password resets, each audited.
 * Used by the `npm run moderator` command line now and by the admin pages later.
 */
import { randomBytes } from 'node:crypto';
import { and, asc, count, eq, isNull, ne } from 'drizzle-orm';
import { getStore, type Scope, type Store } from '../../../db/store.ts';
import { appendAuditEvent } from './audit.ts';
import { checkPasswordStrength, hashPassword } from './passwords.ts';
import { endModeratorSessionsNow } from './session.ts';

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

async function findModeratorRow({ query, tables: { moderators } }: Scope, username: string) {
	const [row] = await query
		.select()
		.from(moderators)
		.where(eq(moderators.username, normalizeUsername(username)))
		.limit(1);
	return row;
}

async function requireModeratorRow(scope: Scope, username: string) {
	const row = await findModeratorRow(scope, username);
	if (!row) {
		throw new ModeratorError(
			'not-found',
			`There is no moderator named ${normalizeUsername(username)}.`,
		);
	}
	return row;
}

/** SQLite's and PostgreSQL's (23505) unique violations; drizzle may wrap the driver's error. */
function isUniqueViolation(error: unknown): boolean {
	for (let current = error; current instanceof Error; current = current.cause) {
		const code = (current as { code?: unknown }).code;
		if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505') return true;
	}
	return false;
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
	store: Store = getStore(),
): Promise<{ id: string }> {
	const username = normalizeUsername(input.username);
	const isAdmin = input.isAdmin ?? false;
	const usernameProblem = validateUsername(username);
	if (usernameProblem) throw new ModeratorError('invalid-username', usernameProblem);
	const duplicateMessage = `A moderator named ${username} already exists.`;
	// Checked before hashing too, so that a taken name is refused without the hashing cost.
	if (await store.read((scope) => findModeratorRow(scope, username))) {
		throw new ModeratorError('duplicate-username', duplicateMessage);
	}
	const passwordProblem = checkPasswordStrength(input.password, username);
	if (passwordProblem) throw new ModeratorError('weak-password', passwordProblem);
	const passwordHash = await hashPassword(input.password);
	const id = randomBytes(16).toString('base64url');
	const now = new Date();
	try {
		await store.transact(async (scope) => {
			await scope.query
				.insert(scope.tables.moderators)
				.values({ id, username, passwordHash, isAdmin, createdAt: now });
			await appendAuditEvent(
				scope,
				{
					moderatorId: input.byModeratorId ?? null,
					action: 'moderator-added',
					detail: { username, isAdmin },
				},
				now,
			);
		});
	} catch (error) {
		// Someone took the name while the password was hashing: the unique index refuses it.
		if (isUniqueViolation(error)) throw new ModeratorError('duplicate-username', duplicateMessage);
		throw error;
	}
	return { id };
}

/** Every moderator, disabled ones included, ordered by username. */
export async function listModerators(store: Store = getStore()): Promise<ModeratorSummary[]> {
	const rows = await store.read(({ query, tables: { moderators } }) =>
		query.select().from(moderators).orderBy(asc(moderators.username)),
	);
	return rows.map((row) => ({
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
	store: Store = getStore(),
): Promise<ModeratorSignInRecord | null> {
	const row = await store.read((scope) => findModeratorRow(scope, username));
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
 * Whether the password a sign-in checked still lets the moderator in: the account is not
 * disabled and still has the hash that was checked (a reset replaces it). Read in the
 * caller's transaction, the one that keeps the sign-in's session.
 */
export async function isCheckedPasswordCurrent(
	{ query, tables: { moderators } }: Scope,
	moderatorId: string,
	checkedHash: string,
): Promise<boolean> {
	const [row] = await query
		.select({ passwordHash: moderators.passwordHash, disabledAt: moderators.disabledAt })
		.from(moderators)
		.where(eq(moderators.id, moderatorId));
	return row !== undefined && row.disabledAt === null && row.passwordHash === checkedHash;
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
	store: Store = getStore(),
): Promise<void> {
	await store.transact(async (scope) => {
		const { moderators } = scope.tables;
		const row = await requireModeratorRow(scope, username);
		if (row.disabledAt !== null) {
			throw new ModeratorError('already-disabled', `${row.username} is already disabled.`);
		}
		if (row.isAdmin) {
			const [others] = await scope.query
				.select({ total: count() })
				.from(moderators)
				.where(
					and(
						eq(moderators.isAdmin, true),
						isNull(moderators.disabledAt),
						ne(moderators.id, row.id),
					),
				);
			if ((others?.total ?? 0) === 0) {
				throw new ModeratorError(
					'last-admin',
					`${row.username} is the last active admin: make someone else an admin first.`,
				);
			}
		}
		const now = new Date();
		await scope.query.update(moderators).set({ disabledAt: now }).where(eq(moderators.id, row.id));
		await endModeratorSessionsNow(scope, row.id);
		await appendAuditEvent(
			scope,
			{
				moderatorId: options.byModeratorId ?? null,
				action: 'moderator-disabled',
				detail: { username: row.username },
			},
			now,
		);
	});
}

/**
 * Gives a moderator a new password (checked with `checkPasswordStrength`), ends every
 * session of theirs, and audits 'moderator-password-reset' without the password.
 * Throws `ModeratorError` 'not-found' or 'weak-password'; nothing changes then.
 */
export async function resetModeratorPassword(
	username: string,
	newPassword: string,
	store: Store = getStore(),
): Promise<void> {
	const existing = await store.read((scope) => requireModeratorRow(scope, username));
	const passwordProblem = checkPasswordStrength(newPassword, existing.username);
	if (passwordProblem) throw new ModeratorError('weak-password', passwordProblem);
	const passwordHash = await hashPassword(newPassword);
	await store.transact(async (scope) => {
		// Looked up again: the row could have changed while the password was hashing.
		const row = await requireModeratorRow(scope, existing.username);
		await scope.query
			.update(scope.tables.moderators)
			.set({ passwordHash })
			.where(eq(scope.tables.moderators.id, row.id));
		await endModeratorSessionsNow(scope, row.id);
		await appendAuditEvent(
			scope,
			{ action: 'moderator-password-reset', detail: { username: row.username } },
			new Date(),
		);
	});
}

/** How many moderators can sign in (disabled accounts excluded). */
export async function countActiveModerators(store: Store = getStore()): Promise<number> {
	const [row] = await store.read(({ query, tables: { moderators } }) =>
		query.select({ total: count() }).from(moderators).where(isNull(moderators.disabledAt)),
	);
	return row?.total ?? 0;
}
