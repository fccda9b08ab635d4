import pg from 'pg';

/**
 * Erasure on PostgreSQL reaches the files by rewriting. MVCC never overwrites a row: an
 * erased text stays in the old row version, VACUUM frees that space without zeroing it, a
 * GIN index keeps a removed word as a key, and the WAL keeps every page image it logged.
 * So each partition (or small table) whose text was erased, marked in pending_rewrites by
 * triggers in the erasing transaction (migration 0006), is rewritten with VACUUM FULL:
 * its live rows go to new files and the old ones are dropped. Then a WAL switch and a
 * checkpoint let the server remove every segment written before the rewrite
 * (`wal_recycle = off` makes it remove them rather than rename them for reuse, bytes and
 * all; SECURITY.md lists the settings and grants this needs).
 */

/**
 * How long a rewrite waits for its partition's lock. While it waits, every new query on that
 * partition queues behind it; past this it gives up and is tried again later.
 */
const LOCK_WAIT_MS = 1_000;
/** When a rewrite could not take its lock, the next attempt is this much later. */
const RETRY_AFTER_MS = 5_000;
/** A relation name as migration 0006 makes them; anything else is not rewritten. */
const RELATION_NAME = /^[a-z_]+(_\d\d)?$/;
/**
 * The mark of a rewrite whose old WAL has not been let go yet: it replaces the relation's
 * own mark in the same statement, so a crash or a refused checkpoint between the two keeps
 * it, and the next sweep switches and checkpoints again. (No relation has this name.)
 */
const WAL_MARK = 'pg_wal';
/** SQLSTATE 55P03: the lock was not granted within lock_timeout. */
const LOCK_NOT_AVAILABLE = '55P03';
/** SQLSTATE 42501: the role may not checkpoint or switch the WAL. */
const INSUFFICIENT_PRIVILEGE = '42501';

interface Sweeps {
	/** The sweep now running, if any. */
	running?: Promise<boolean>;
	/** One more sweep after it, shared by every erasure that committed meanwhile. */
	next?: Promise<boolean>;
	retry?: NodeJS.Timeout;
	warnedAboutWal?: boolean;
}

const sweepsOf = new WeakMap<pg.Pool, Sweeps>();

/**
 * Starts rewriting what is marked, without waiting: erasure.ts calls it after a transaction
 * that erased text has committed. The request that erased is answered meanwhile, because a
 * checkpoint flushes every page the whole server has written since the last one, which on
 * a busy server takes seconds; the text is off every page already (the transaction).
 */
export function rewriteInBackground(pool: pg.Pool): void {
	// A pool being closed (shutdown, a test's end) takes no new work; the marks stay.
	if ((pool as { ending?: boolean }).ending) return;
	rewriteErasedText(pool).catch(reportFailure);
}

/**
 * Rewrites every relation marked in pending_rewrites, then lets the WAL go. A sweep that
 * starts while another runs waits for it and runs once more for every caller that came
 * meanwhile, so it sees their marks. Returns whether nothing was left marked: a relation
 * left (its lock not granted) is tried again on a timer, the WAL of a role without the
 * grants at the next sweep.
 */
export function rewriteErasedText(pool: pg.Pool): Promise<boolean> {
	let sweeps = sweepsOf.get(pool);
	if (!sweeps) sweepsOf.set(pool, (sweeps = {}));
	const state = sweeps;
	if (!state.running) {
		state.running = sweep(pool, state).finally(() => (state.running = undefined));
		return state.running;
	}
	state.next ??= state.running.then(settled, settled).then(() => {
		state.next = undefined;
		return rewriteErasedText(pool);
	});
	return state.next;
}

const settled = () => undefined;

async function sweep(pool: pg.Pool, state: Sweeps): Promise<boolean> {
	clearTimeout(state.retry);
	// A connection of its own, not the pool's: a rewrite or a checkpoint can take seconds,
	// which must neither take a connection from requests nor hold up the pool's closing.
	const client = new pg.Client(pool.options);
	// Lost mid-query (a restart), the query fails and says so; unheard, the event would end
	// the process.
	client.on('error', () => {});
	await client.connect();
	try {
		const { rows } = await client.query<{ relation: string; generation: string }>(
			'SELECT relation, generation FROM pending_rewrites ORDER BY relation',
		);
		if (rows.length === 0) return true;
		const relations = rows.filter(({ relation }) => relation !== WAL_MARK);
		await client.query(`SET lock_timeout = ${LOCK_WAIT_MS}`);
		let rewritten = 0;
		for (const { relation, generation } of relations) {
			if (!RELATION_NAME.test(relation)) throw new Error(`Not a relation to rewrite: ${relation}`);
			try {
				await client.query(`VACUUM (FULL) "${relation}"`);
			} catch (error) {
				if ((error as { code?: string }).code !== LOCK_NOT_AVAILABLE) throw error;
				continue;
			}
			// A mark made during the rewrite raised the generation: that one stays for next time.
			await client.query(
				`WITH rewritten AS (
					DELETE FROM pending_rewrites WHERE relation = $1 AND generation = $2
				)
				INSERT INTO pending_rewrites (relation) VALUES ($3)
				ON CONFLICT (relation) DO UPDATE SET generation = pending_rewrites.generation + 1`,
				[relation, generation, WAL_MARK],
			);
			rewritten += 1;
		}
		const walLetGo = await letOldWalGo(client, state);
		if (rewritten < relations.length) {
			state.retry = setTimeout(() => rewriteInBackground(pool), RETRY_AFTER_MS);
			state.retry.unref();
			return false;
		}
		return walLetGo;
	} finally {
		await client.end();
	}
}

/**
 * Lets go of the WAL written before the rewrites marked WAL_MARK, and clears the mark;
 * returns whether none is left. The switch ends the WAL segment being written; the
 * checkpoint after it starts its redo in the next one, so it needs, and keeps, no segment
 * written before. A role without the grants keeps the mark (and is told once): the next
 * sweep tries again, and no timer does meanwhile, as only the operator can change that.
 */
async function letOldWalGo(client: pg.Client, state: Sweeps): Promise<boolean> {
	const { rows } = await client.query<{ generation: string }>(
		'SELECT generation FROM pending_rewrites WHERE relation = $1',
		[WAL_MARK],
	);
	if (rows.length === 0) return true;
	try {
		await client.query('SELECT pg_switch_wal()');
		await client.query('CHECKPOINT');
		// A rewrite by another server meanwhile raised the generation: its WAL may be newer.
		await client.query('DELETE FROM pending_rewrites WHERE relation = $1 AND generation = $2', [
			WAL_MARK,
			rows[0]!.generation,
		]);
		return true;
	} catch (error) {
		if ((error as { code?: string }).code !== INSUFFICIENT_PRIVILEGE) throw error;
		if (!state.warnedAboutWal) {
			state.warnedAboutWal = true;
			console.error(
				'Erasure could not let the old WAL go: the database role needs pg_checkpoint and ' +
					'EXECUTE on pg_switch_wal() (SECURITY.md, "Erasure and its limits").',
			);
		}
		return false;
	}
}

function reportFailure(error: unknown): void {
	console.error(`Erasure could not rewrite the erased text: ${(error as Error).message}`);
}

/**
 * What in the server's settings keeps erased text in WAL past a rewrite: one line each, for
 * the log at start-up (SECURITY.md says what to do about each).
 */
export async function settingsKeepingOldWal(pool: pg.Pool): Promise<string[]> {
	const { rows } = await pool.query<{
		recycle: string;
		archive: string;
		keep: string;
		slots: number;
	}>(
		`SELECT current_setting('wal_recycle') AS recycle, current_setting('archive_mode') AS archive,
			current_setting('wal_keep_size') AS keep,
			(SELECT count(*)::int FROM pg_replication_slots) AS slots`,
	);
	const settings = rows[0]!;
	return [
		settings.recycle === 'on' &&
			'wal_recycle is on: old WAL segments are renamed for reuse with their bytes, not removed.',
		settings.archive !== 'off' &&
			'archive_mode is on: WAL archives keep erased text until they are expired.',
		settings.keep !== '0' && `wal_keep_size is ${settings.keep}: that much old WAL is kept.`,
		settings.slots > 0 &&
			`${settings.slots} replication slot(s) hold WAL until their standbys have it.`,
	].filter((line): line is string => typeof line === 'string');
}
